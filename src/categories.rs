//! Categories: reference data kept by administrators in the `categories` table. Like
//! accounts they are not event-sourced; an event's facts name its category by id.

use std::collections::HashMap;

use projections::{Page, PageRequest};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

/// A category as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
}

/// The longest category name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest slug, in characters.
pub const MAX_SLUG_CHARS: usize = 50;
/// What a slug looks like.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// A category's name: 1–100 characters.
pub fn parse_name(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    match trimmed.chars().count() {
        0 => Err("this field may not be blank".to_owned()),
        1..=MAX_NAME_CHARS => Ok(trimmed.to_owned()),
        _ => Err(format!(
            "ensure this field has no more than {MAX_NAME_CHARS} characters"
        )),
    }
}

/// A slug: 1–50 lowercase letters, digits and single hyphens between them.
pub fn parse_slug(raw: &str) -> Result<String, String> {
    let valid = (1..=MAX_SLUG_CHARS).contains(&raw.len())
        && raw
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if valid {
        Ok(raw.to_owned())
    } else {
        Err("enter a valid slug: 1–50 lowercase letters, digits and hyphens, e.g. \"tech-talks\"".to_owned())
    }
}

/// The slug a name suggests when none is given (`"Tech Talks!"` → `"tech-talks"`).
pub fn slug_of(name: &str) -> String {
    let lowered: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let slug = lowered.split_whitespace().collect::<Vec<_>>().join("-");
    slug.chars()
        .take(50)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

#[derive(Clone)]
pub struct Categories {
    pool: AnyPool,
}

fn decode(row: &AnyRow) -> Result<Category, sqlx::Error> {
    let id: String = row.try_get("id")?;
    Ok(Category {
        id: Uuid::parse_str(&id).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
    })
}

impl Categories {
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// Every category by name, one page.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list(&self, page: PageRequest) -> Result<Page<Category>, sqlx::Error> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM categories")
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query("SELECT id, name, slug FROM categories ORDER BY name, id LIMIT $1 OFFSET $2")
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        let items = rows.iter().map(decode).collect::<Result<_, _>>()?;
        Ok(Page { count, items })
    }

    /// Creates a category; `None` if the slug is taken.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create(&self, name: &str, slug: &str) -> Result<Option<Category>, sqlx::Error> {
        let category = Category {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            slug: slug.to_owned(),
        };
        let inserted = sqlx::query("INSERT INTO categories (id, name, slug, created_at) VALUES ($1, $2, $3, $4)")
            .bind(category.id.to_string())
            .bind(name)
            .bind(slug)
            .bind(chrono::Utc::now().timestamp_micros())
            .execute(&self.pool)
            .await;
        match inserted {
            Ok(_) => Ok(Some(category)),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Renames a category and/or changes its slug; `Ok(None)` if there is no such category,
    /// `Err` with a unique violation if the slug is taken.
    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn update(
        &self,
        id: Uuid,
        name: Option<&str>,
        slug: Option<&str>,
    ) -> Result<Option<Category>, sqlx::Error> {
        sqlx::query("UPDATE categories SET name = COALESCE($2, name), slug = COALESCE($3, slug) WHERE id = $1")
            .bind(id.to_string())
            .bind(name)
            .bind(slug)
            .execute(&self.pool)
            .await?;
        self.find(&id.to_string()).await
    }

    /// The category with this slug or id.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn find(&self, slug_or_id: &str) -> Result<Option<Category>, sqlx::Error> {
        let row = sqlx::query("SELECT id, name, slug FROM categories WHERE slug = $1 OR id = $1")
            .bind(slug_or_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// The categories with these ids, by id (for showing events).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn by_ids(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Category>, sqlx::Error> {
        let mut found = HashMap::new();
        for id in ids {
            if found.contains_key(id) {
                continue;
            }
            if let Some(category) = self.find(&id.to_string()).await? {
                found.insert(*id, category);
            }
        }
        Ok(found)
    }
}
