//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::wire::{InvitationAnswer, InvitationStatus};

/// Whom to invite: `username` or `user_id`.
#[derive(ToSchema)]
#[schema(example = json!({"username": "bea"}))]
pub struct Invite {
    #[serde(default)]
    username: String,
    #[serde(default)]
    user_id: Uuid,
}

#[derive(ToSchema)]
#[schema(example = json!({"status": "accepted"}))]
pub struct Answer {
    /// `accepted` or `declined`.
    #[schema(value_type = InvitationAnswer)]
    status: String,
    /// When accepting an invitation to an event with ticket types: which one.
    #[serde(default)]
    ticket_type: Uuid,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilters {
    /// `pending`, `accepted` or `declined`.
    #[param(value_type = Option<InvitationStatus>)]
    status: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    /// The invitation's id.
    id: Uuid,
}
