//! A path piece that many operations share: which event.
#![expect(
    dead_code,
    reason = "describes the path for the OpenAPI document; the `Id` extractor parses it"
)]

use utoipa::IntoParams;
use uuid::Uuid;

/// An event named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The event's id.
    id: Uuid,
}
