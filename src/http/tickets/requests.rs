//! This resource's request bodies, which parse and document them, and its parameters.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::extract::path_params;
use crate::http::fields::{Field, Fields};

/// An event and one of its tickets.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TicketPath {
    /// The event's id.
    pub id: Uuid,
    /// The ticket's code.
    pub code: Uuid,
}

path_params!(TicketPath);

/// A ticket scanned at the door.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"code": "3f0c8a4e-9d0b-4f5e-8a8e-2b7f1f6f0c11"}))]
pub struct CheckIn {
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    code: Field<Uuid>,
}

impl CheckIn {
    /// The ticket's code.
    pub fn validate(self) -> Result<Uuid, ApiError> {
        Fields::only_required("code", self.code)
    }
}
