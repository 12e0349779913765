//! This resource's query parameters, which parse and document them.

use projections::activity::LOG_TYPES;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::http::extract::path_params;
use crate::http::fields::Fields;
use crate::http::query::{FromParam, Param, Query};

/// The events whose log to show.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogEventFilter {
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    event_id: Param<Uuid>,
}

impl Query for LogEventFilter {
    type Valid = Option<Uuid>;

    fn validate(self, fields: &mut Fields) -> Option<Uuid> {
        self.event_id.read("event_id", fields)
    }
}

/// Which entries of a log to show.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogTypeFilter {
    /// Only entries of this type (see the log entry's `type`).
    #[serde(default)]
    #[param(value_type = Option<crate::http::wire::LogType>)]
    r#type: Param<LogType>,
}

impl Query for LogTypeFilter {
    type Valid = Option<String>;

    fn validate(self, fields: &mut Fields) -> Option<String> {
        self.r#type.read("type", fields).map(|LogType(kind)| kind)
    }
}

/// One of [`LOG_TYPES`].
pub struct LogType(String);

impl FromParam for LogType {
    fn from_param(raw: &str) -> Result<Self, String> {
        LOG_TYPES
            .contains(&raw)
            .then(|| Self(raw.to_owned()))
            .ok_or_else(|| format!("\"{raw}\" is not a valid log type"))
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LogPath {
    /// The event's id (also of a deleted event).
    pub event_id: Uuid,
}

path_params!(LogPath);
