//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A guest's registration: a name and the address the confirmation link goes to.
/// `ticket_type` as in a join: required when the event sells types, refused otherwise.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Ann Smith", "email": "ann@example.com"}))]
pub struct GuestRegistration {
    name: String,
    #[schema(format = Email)]
    email: String,
    ticket_type: Option<Uuid>,
}

/// The token of a guest's link (confirmation, or cancellation).
#[derive(ToSchema)]
#[schema(example = json!({"token": "8f1c…"}))]
pub struct GuestToken {
    token: String,
}

/// A guest of an event.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GuestPath {
    /// The event's id.
    id: Uuid,
    /// The guest's id (as `/members` and `/waitlist` show it).
    guest_id: Uuid,
}
