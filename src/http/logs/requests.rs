//! This resource's query parameters, as the OpenAPI document describes them: `Params`
//! reads a query parameter by parameter, so that a 400 names every bad one at once.
#![expect(
    dead_code,
    reason = "describes queries for the OpenAPI document; `Params` parses them"
)]

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
