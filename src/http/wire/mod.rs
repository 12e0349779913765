//! What the JSON of many resources shares: times, user references, the choices of
//! enumerated fields. Each resource's own bodies are in its folder (`events/json.rs`…).

mod choices;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use utoipa::ToSchema;
use uuid::Uuid;

pub use choices::{
    EventStatus, InvitationAnswer, InvitationStatus, LogType, Role, SeatStatus, TicketStatus, TokenType, Visibility,
};

/// Times go out as RFC 3339 in UTC with a `Z`.
pub fn rfc3339<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true).serialize(s)
}

pub fn rfc3339_opt<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    time.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .serialize(s)
}

/// A user as other resources name them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub username: String,
}
