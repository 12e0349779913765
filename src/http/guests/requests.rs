//! This resource's request bodies, which parse and document them, and its parameters.

use aggregates::values::{GuestEmail, GuestName};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::guests::GuestRequest;
use crate::http::error::ApiError;
use crate::http::extract::path_params;
use crate::http::fields::{Field, Fields};

/// A guest's registration: a name and the address the confirmation link goes to.
/// `ticket_type` as in a join: required when the event sells types, refused otherwise.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"name": "Ann Smith", "email": "ann@example.com"}))]
pub struct GuestRegistration {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    name: Field<GuestName>,
    #[serde(default)]
    #[schema(value_type = String, format = Email, required = true)]
    email: Field<GuestEmail>,
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    ticket_type: Field<Uuid>,
}

impl GuestRegistration {
    pub fn validate(self) -> Result<GuestRequest, ApiError> {
        let mut fields = Fields::new();
        let name = fields.required("name", self.name);
        let email = fields.required("email", self.email);
        let ticket_type = fields.optional("ticket_type", self.ticket_type);
        fields.complete(|| {
            Some(GuestRequest {
                name: name?,
                email: email?,
                ticket_type,
            })
        })
    }
}

/// The token of a guest's link (confirmation, or cancellation).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"token": "8f1c…"}))]
pub struct GuestToken {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    token: Field<String>,
}

impl GuestToken {
    pub fn validate(self) -> Result<String, ApiError> {
        Fields::only_required("token", self.token)
    }
}

/// A guest of an event.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GuestPath {
    /// The event's id.
    pub id: Uuid,
    /// The guest's id (as `/members` and `/waitlist` show it).
    pub guest_id: Uuid,
}

path_params!(GuestPath);
