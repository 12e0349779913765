//! This resource's request bodies, which parse and document them, and its parameters.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::extract::path_params;
use crate::http::fields::{Field, Fields};

/// Which ticket type to join as: required when the event sells types, refused otherwise.
#[derive(Deserialize, ToSchema)]
pub struct JoinFields {
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    ticket_type: Field<Uuid>,
}

impl JoinFields {
    /// The ticket type, if one is named.
    pub fn validate(self) -> Result<Option<Uuid>, ApiError> {
        Fields::only_optional("ticket_type", self.ticket_type)
    }
}

/// An event and one of its members (or waitlisted users).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// The event's id.
    pub id: Uuid,
    /// The user's id.
    pub user_id: Uuid,
}

path_params!(MemberPath);
