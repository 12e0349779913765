//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
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
