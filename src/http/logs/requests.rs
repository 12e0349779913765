//! What this resource's requests carry, as the OpenAPI document describes it. Handlers do
//! not deserialise into these types: they read bodies field by field (`Fields`) and query
//! strings parameter by parameter (`Params`), so that a 400 names every bad field at once
//! and the contract's order of errors holds. These types only describe the same fields.
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::IntoParams;
use uuid::Uuid;

/// The events whose log to show.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogEventFilter {
    event_id: Option<Uuid>,
}

/// Which entries of a log to show.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogTypeFilter {
    /// Only entries of this type (see the log entry's `type`).
    #[param(value_type = Option<crate::http::wire::LogType>)]
    r#type: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LogPath {
    /// The event's id (also of a deleted event).
    event_id: Uuid,
}
