//! What this resource's requests carry, as the OpenAPI document describes it. Handlers do
//! not deserialise into these types: they read bodies field by field (`Fields`) and query
//! strings parameter by parameter (`Params`), so that a 400 names every bad field at once
//! and the contract's order of errors holds. These types only describe the same fields.
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::ToSchema;

#[derive(ToSchema)]
#[schema(example = json!({"rating": 5, "comment": "Great talks"}))]
pub struct Feedback {
    rating: i64,
    comment: Option<String>,
}
