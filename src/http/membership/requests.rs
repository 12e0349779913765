//! What this resource's requests carry, as the OpenAPI document describes it. Handlers do
//! not deserialise into these types: they read bodies field by field (`Fields`) and query
//! strings parameter by parameter (`Params`), so that a 400 names every bad field at once
//! and the contract's order of errors holds. These types only describe the same fields.
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Which ticket type to join as: required when the event sells types, refused otherwise.
#[derive(ToSchema)]
pub struct JoinFields {
    ticket_type: Uuid,
}

/// An event and one of its members (or waitlisted users).
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// The event's id.
    id: Uuid,
    /// The user's id.
    user_id: Uuid,
}
