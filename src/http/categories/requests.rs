//! This resource's request bodies, which parse and document them, and its parameters.

use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::categories::{parse_name, parse_slug, slug_of};
use crate::http::error::ApiError;
use crate::http::extract::path_params;
use crate::http::fields::{text, Field, Fields, FromJson};

/// A category's name, trimmed.
pub struct Name(String);

impl FromJson for Name {
    fn from_json(value: &Value) -> Result<Self, String> {
        text(value, parse_name).map(Self)
    }
}

/// A category's slug.
pub struct Slug(String);

impl FromJson for Slug {
    fn from_json(value: &Value) -> Result<Self, String> {
        text(value, parse_slug).map(Self)
    }
}

/// A new category.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"name": "Tech talks", "slug": "tech-talks"}))]
pub struct NewCategory {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    name: Field<Name>,
    #[serde(default)]
    /// Made from the name when absent.
    #[schema(value_type = String)]
    slug: Field<Slug>,
}

impl NewCategory {
    /// The name and the slug.
    pub fn validate(self) -> Result<(String, String), ApiError> {
        let mut fields = Fields::new();
        let name = fields.required("name", self.name).map(|Name(name)| name);
        let slug = match (fields.optional("slug", self.slug), &name) {
            (Some(Slug(slug)), _) => Some(slug),
            (None, Some(name)) => match parse_slug(&slug_of(name)) {
                Ok(slug) => Some(slug),
                Err(_) => {
                    fields.error("slug", "the name makes no slug; give one");
                    None
                }
            },
            (None, None) => None,
        };
        fields.complete(|| Some((name?, slug?)))
    }
}

/// A category's new name and/or slug.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"name": "Talks"}))]
pub struct CategoryChanges {
    #[serde(default)]
    #[schema(value_type = String)]
    name: Field<Name>,
    #[serde(default)]
    #[schema(value_type = String)]
    slug: Field<Slug>,
}

impl CategoryChanges {
    /// The new name and the new slug, each if given.
    pub fn validate(self) -> Result<(Option<String>, Option<String>), ApiError> {
        let mut fields = Fields::new();
        let name = fields.optional("name", self.name).map(|Name(name)| name);
        let slug = fields.optional("slug", self.slug).map(|Slug(slug)| slug);
        fields.finish().map(|()| (name, slug))
    }
}

/// A category named in the path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CategoryPath {
    /// The category's id.
    pub id: Uuid,
}

path_params!(CategoryPath);
