//! This resource's request bodies, which parse and document them, and its parameters.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::error::ApiError;
use crate::http::fields::{Field, Fields};

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"rating": 5, "comment": "Great talks"}))]
pub struct Feedback {
    #[serde(default)]
    #[schema(value_type = i64, required = true)]
    rating: Field<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    comment: Field<String>,
}

impl Feedback {
    /// The rating and the comment (empty when none); the domain checks their bounds.
    pub fn validate(self) -> Result<(i64, String), ApiError> {
        let mut fields = Fields::new();
        let rating = fields.required("rating", self.rating);
        let comment = fields.nullable("comment", self.comment).flatten().unwrap_or_default();
        fields.complete(|| Some((rating?, comment)))
    }
}
