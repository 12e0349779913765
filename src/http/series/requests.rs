//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::wire::EventStatus;

/// A series named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SeriesPath {
    /// The series' id.
    id: Uuid,
}

/// The fields to change on every future occurrence of a series.
#[derive(ToSchema)]
#[schema(example = json!({"title": "Weekly Rust meetup", "capacity": 30}))]
pub struct SeriesChanges {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    location: Option<String>,
    #[serde(default)]
    capacity: i64,
    #[serde(default)]
    #[schema(value_type = EventStatus)]
    status: String,
    #[serde(default)]
    waitlist_enabled: bool,
    /// A category's slug or id; `null` removes it.
    category: Option<String>,
}
