//! A path that many operations share: which event.

use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::extract::path_params;

/// An event named in the path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The event's id.
    pub id: Uuid,
}

path_params!(EventPath);
