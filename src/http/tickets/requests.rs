//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// An event and one of its tickets.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TicketPath {
    /// The event's id.
    id: Uuid,
    /// The ticket's code.
    code: Uuid,
}

/// A ticket scanned at the door.
#[derive(ToSchema)]
#[schema(example = json!({"code": "3f0c8a4e-9d0b-4f5e-8a8e-2b7f1f6f0c11"}))]
pub struct CheckIn {
    code: Uuid,
}
