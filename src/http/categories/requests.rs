//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A new category.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Tech talks", "slug": "tech-talks"}))]
pub struct NewCategory {
    name: String,
    /// Made from the name when absent.
    #[serde(default)]
    slug: String,
}

/// A category's new name and/or slug.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Talks"}))]
pub struct CategoryChanges {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
}

/// A category named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CategoryPath {
    /// The category's id.
    id: Uuid,
}
