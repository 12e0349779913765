//! The activity log, and an event's raw history.

use chrono::{DateTime, Utc};
use projections::activity::LogRow;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::wire::{rfc3339, UserRef};
use crate::store::HistoryRow;

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
    #[schema(value_type = crate::http::wire::LogType, example = "member_joined")]
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

/// One stored domain event: the audit trail an event's state is rebuilt from.
#[derive(Serialize, ToSchema)]
pub struct HistoryBody {
    sequence: i64,
    #[schema(example = "MemberJoined")]
    event_type: String,
    /// The schema version of this event type (a number; a string if it was stored as one
    /// that is not).
    #[schema(value_type = i64)]
    event_version: Value,
    #[schema(value_type = Object)]
    payload: Value,
    #[schema(value_type = Object, example = json!({"via": "api"}))]
    metadata: Value,
    #[serde(serialize_with = "rfc3339")]
    recorded_at: DateTime<Utc>,
}

impl From<HistoryRow> for HistoryBody {
    fn from(row: HistoryRow) -> Self {
        Self {
            sequence: row.sequence,
            event_type: row.event_type,
            event_version: row
                .event_version
                .parse::<i64>()
                .map_or_else(|_| json!(row.event_version), |v| json!(v)),
            payload: row.payload,
            metadata: row.metadata,
            recorded_at: row.recorded_at,
        }
    }
}
