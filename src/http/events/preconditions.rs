//! The conditional requests on one event: the `If-Match` a change or deletion is based on,
//! parsed and documented by one type, and the answers a change gives.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::IF_MATCH;
use axum::http::request::Parts;
use utoipa::{IntoParams, IntoResponses};

use super::json::EventBody;

/// The versions a change or deletion may be based on, from its `If-Match` header.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The ETag the change is based on: `"7"`, `7` or `W/"7"`, or a list of them (`"6", "7"`:
    /// any may match). `*`, or no header, changes whatever version is current; an ETag this
    /// service never issued matches none.
    #[param(rename = "If-Match", value_type = Option<String>, nullable = false)]
    versions: Option<Vec<u64>>,
}

impl IfMatch {
    /// The version to require of the event, whose version as read is `current`: that one if
    /// the header lists it (the command still fails if the event moved on meanwhile), else
    /// one it never has.
    pub fn expected(&self, current: i64) -> Option<u64> {
        let versions = self.versions.as_ref()?;
        let current = u64::try_from(current).unwrap_or(0);
        Some(if versions.contains(&current) { current } else { 0 })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let versions = parts.headers.get(IF_MATCH).and_then(|raw| {
            let raw = raw.to_str().unwrap_or("").trim();
            // Version 0 is never an event's: an ETag we never issued asks for it.
            (raw != "*").then(|| {
                raw.split(',')
                    .map(|tag| {
                        tag.trim()
                            .trim_start_matches("W/")
                            .trim_matches('"')
                            .parse()
                            .unwrap_or(0)
                    })
                    .collect()
            })
        });
        Ok(Self { versions })
    }
}

/// What `PUT` and `PATCH` of an event answer.
#[derive(IntoResponses)]
#[expect(
    dead_code,
    clippy::large_enum_variant,
    reason = "describes the answers in the OpenAPI document; none is built"
)]
pub enum ChangeAnswers {
    #[response(status = 200, description = "The changed event",
        headers(("ETag" = String, description = "The event's version")))]
    Changed(EventBody),
    #[response(status = 403, description = "only the creator may change the event")]
    NotTheCreator,
    #[response(
        status = 409,
        description = "the change conflicts with the event's state (capacity below members_count, …)"
    )]
    Conflict,
    #[response(status = 412, description = "`If-Match` does not match the event's version")]
    VersionMismatch,
}
