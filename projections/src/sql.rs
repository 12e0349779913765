use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Row};
use uuid::Uuid;

use crate::write::Arg;

/// A query assembled from optional filters, numbering its `$n` placeholders as it goes.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg`.
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into());
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Binds `arg` to the next placeholder, which the text already holds.
    pub fn add(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends `LIMIT … OFFSET …` for one page.
    pub fn paginate(&mut self, page: crate::PageRequest) -> &mut Self {
        self.push(" LIMIT ")
            .bind(page.limit())
            .push(" OFFSET ")
            .bind(page.offset())
    }

    /// Runs a query whose first column is an event id, and answers the ids.
    pub async fn event_ids(&self, pool: &AnyPool) -> Result<Vec<Uuid>, sqlx::Error> {
        self.fetch_all(pool)
            .await?
            .iter()
            .map(|row| uuid(row, "event_id"))
            .collect()
    }

    fn query(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        let mut query = sqlx::query::<Any>(&self.text);
        for arg in &self.args {
            query = match arg {
                Arg::Text(v) => query.bind(v.as_str()),
                Arg::OptText(v) => query.bind(v.as_deref()),
                Arg::Int(v) => query.bind(*v),
                Arg::OptInt(v) => query.bind(*v),
            };
        }
        query
    }

    pub async fn fetch_all(&self, pool: &AnyPool) -> Result<Vec<AnyRow>, sqlx::Error> {
        self.query().fetch_all(pool).await
    }

    pub async fn fetch_optional(&self, pool: &AnyPool) -> Result<Option<AnyRow>, sqlx::Error> {
        self.query().fetch_optional(pool).await
    }

    /// Runs `self` (a page of rows, decoded by `decode`) and `count` (how many in all).
    pub async fn page<T>(
        &self,
        count: &Sql,
        pool: &AnyPool,
        decode: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<crate::Page<T>, sqlx::Error> {
        let rows = self.fetch_all(pool).await?;
        Ok(crate::Page {
            items: rows.iter().map(decode).collect::<Result<_, _>>()?,
            count: count.count(pool).await?,
        })
    }

    pub async fn count(&self, pool: &AnyPool) -> Result<i64, sqlx::Error> {
        self.query().fetch_one(pool).await?.try_get(0)
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` substring search on lowercased text.
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::from("%");
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Reads a text column holding a UUID.
pub(crate) fn uuid(row: &AnyRow, column: &str) -> Result<Uuid, sqlx::Error> {
    let text: String = row.try_get(column)?;
    Uuid::parse_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Reads a nullable text column holding a UUID.
pub(crate) fn opt_uuid(row: &AnyRow, column: &str) -> Result<Option<Uuid>, sqlx::Error> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| Uuid::parse_str(&t).map_err(|e| sqlx::Error::Decode(Box::new(e))))
        .transpose()
}
