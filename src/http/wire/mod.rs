//! Response bodies: the JSON shapes of the contract.

use chrono::{DateTime, SecondsFormat, Utc};
use projections::activity::LogRow;
use projections::events::EventRow;
use serde::{Serialize, Serializer};
use utoipa::ToSchema;
use uuid::Uuid;

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

/// An event. `ETag` carries its `version`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventBody {
    id: Uuid,
    #[schema(min_length = 1, max_length = 200, example = "Rust meetup")]
    title: String,
    #[schema(max_length = 5000)]
    description: String,
    #[schema(max_length = 200)]
    location: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    start_time: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339_opt")]
    end_time: Option<DateTime<Utc>>,
    #[schema(minimum = 1, maximum = 100000)]
    capacity: i64,
    /// `open` or `closed` (closed events take no new members).
    #[schema(example = "open")]
    status: String,
    waitlist_enabled: bool,
    creator: UserRef,
    members_count: i64,
    available_slots: i64,
    waitlist_count: i64,
    #[serde(serialize_with = "rfc3339")]
    created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    updated_at: DateTime<Utc>,
    /// Counts every change recorded for the event, joins and leaves included.
    version: i64,
}

impl From<EventRow> for EventBody {
    fn from(row: EventRow) -> Self {
        Self {
            id: row.id,
            title: row.title,
            description: row.description,
            location: row.location,
            start_time: row.start_time,
            end_time: row.end_time,
            capacity: row.capacity,
            status: row.status,
            waitlist_enabled: row.waitlist_enabled,
            creator: UserRef {
                id: row.creator_id,
                username: row.creator_username,
            },
            members_count: row.members_count,
            available_slots: (row.capacity - row.members_count).max(0),
            waitlist_count: row.waitlist_count,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

/// An entry of the activity log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogBody {
    id: Uuid,
    event_id: Uuid,
    event_title: String,
    /// The same change has the same `sequence` here and in the event's history.
    sequence: i64,
    /// `event_created`, `member_joined`, … (see the `type` filter of `GET /api/logs`).
    #[serde(rename = "type")]
    #[schema(example = "member_joined")]
    kind: String,
    #[schema(example = "ali joined the event")]
    action: String,
    /// The user whose request caused the change, as they were named then.
    actor: UserRef,
    #[schema(value_type = Object, example = json!({"via": "api"}))]
    metadata: serde_json::Value,
    #[serde(serialize_with = "rfc3339")]
    timestamp: DateTime<Utc>,
}

impl From<LogRow> for LogBody {
    fn from(row: LogRow) -> Self {
        Self {
            id: row.id,
            event_id: row.event_id,
            event_title: row.event_title,
            sequence: row.sequence,
            kind: row.kind,
            action: row.action,
            actor: UserRef {
                id: row.actor_id,
                username: row.actor_username,
            },
            metadata: row.metadata,
            timestamp: row.timestamp,
        }
    }
}
