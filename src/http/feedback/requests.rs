//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::ToSchema;

#[derive(ToSchema)]
#[schema(example = json!({"rating": 5, "comment": "Great talks"}))]
pub struct Feedback {
    rating: i64,
    comment: Option<String>,
}
