//! Notifications, as lists, SSE `data` and WebSocket messages show them.

use chrono::{DateTime, Utc};
use projections::notifications::NotificationRow;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::wire::{rfc3339, rfc3339_opt, UserRef};

/// Something that happened which concerns the user.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationBody {
    /// Derived from the change it tells of: stable across rebuilds of the read models.
    id: Uuid,
    /// `invited`, `invitation_answered` (to the creator), `promoted` (from the waitlist), or,
    /// for an event the user joined or waits for, `event_changed`, `event_reopened`,
    /// `event_closed`, `event_deleted`; and `starts_soon` (to members, within 24 hours of the start).
    #[serde(rename = "type")]
    #[schema(pattern = "^(invited|invitation_answered|promoted|event_(changed|reopened|closed|deleted)|starts_soon)$")]
    kind: String,
    event: NotifiedEvent,
    /// Whose request caused it, as they were named then. For `promoted`, the promoted user
    /// themselves: the seat was often freed by a member who left, whom only the creator may
    /// know of.
    actor: UserRef,
    /// Per type: `invitation_id` (invited, invitation_answered), `answer` (`accepted` or
    /// `declined`), `fields` (the names of the fields an `event_changed` changed),
    /// `start_time` (starts_soon).
    #[schema(value_type = Object, example = json!({"fields": ["start_time"]}))]
    detail: Value,
    /// The position of the change in the store (`tx-pos`, as in the change feed).
    #[schema(pattern = r"^\d+-\d+$", example = "0-42")]
    position: String,
    #[serde(serialize_with = "rfc3339")]
    created_at: DateTime<Utc>,
    read: bool,
    #[serde(serialize_with = "rfc3339_opt")]
    read_at: Option<DateTime<Utc>>,
}

/// The event a notification is about, with its current title (empty for a private event
/// the user no longer sees: they left it, or were removed).
#[derive(Debug, Serialize, ToSchema)]
pub struct NotifiedEvent {
    id: Uuid,
    title: String,
}

impl From<&NotificationRow> for NotificationBody {
    fn from(row: &NotificationRow) -> Self {
        Self {
            id: row.id,
            kind: row.kind.clone(),
            event: NotifiedEvent {
                id: row.event_id,
                title: row.event_title.clone(),
            },
            actor: UserRef {
                id: row.actor_id,
                username: row.actor_username.clone(),
            },
            detail: row.detail.clone(),
            position: row.position.to_string(),
            created_at: row.created_at,
            read: row.read_at.is_some(),
            read_at: row.read_at,
        }
    }
}

/// The answer to `POST /api/notifications/read-all`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedBody {
    /// How many notifications were unread and are read now.
    pub marked: u64,
}

/// What the server sends on `GET /api/ws`, one JSON text message each.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WsMessage {
    /// Authenticated: from now on every new notification of `user` follows.
    Ready { user: UserRef },
    /// A new notification.
    Notification { notification: NotificationBody },
    /// Authentication failed (the socket then closes with code 4401), or the message was
    /// not understood.
    Error { detail: String },
}

/// A calendar subscription token, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarTokenBody {
    /// Opens the calendar of the events you joined; keep it secret, rotate or revoke it here.
    pub token: String,
    /// The subscription URL for calendar apps (`/api/calendar/{token}.ics`).
    #[schema(format = "uri")]
    pub url: String,
}
