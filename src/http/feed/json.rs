//! The change feed's items, as JSON pages and as SSE `data`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::wire::{rfc3339, UserRef};
use crate::live::FeedItem;

/// One recorded domain event, as the feed shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"position": "0-42", "event_id": "6f1c…", "sequence": 3, "type": "member_joined",
    "event_type": "MemberJoined", "actor": {"id": "…", "username": "ali"},
    "payload": {"member": {"id": "…", "username": "ali"}, "actor": {"id": "…", "username": "ali"}, "at": "2026-12-01T18:00:00Z"},
    "recorded_at": "2026-12-01T18:00:00Z"}))]
pub struct FeedEntryBody {
    /// Where the event stands in the store's global order, written `tx-pos` (two
    /// non-negative integers; `tx` is 0 on SQLite). Positions only grow. Pass the last one
    /// you saw as `after` (or SSE `Last-Event-ID`) to go on from there. Compare them as the
    /// pair `(tx, pos)`, never as strings.
    #[schema(pattern = r"^\d+-\d+$", example = "0-42")]
    position: String,
    event_id: Uuid,
    /// The event's own counter: its `version` after this change, and the `sequence` of the
    /// same change in its log and history.
    sequence: i64,
    /// The activity log's name for the change (`member_joined`, …).
    #[serde(rename = "type")]
    kind: &'static str,
    /// The stored domain event's type (`MemberJoined`, …), as in the event's history.
    event_type: &'static str,
    /// The user whose request caused the change, as they were named then; null when that is
    /// another participant of an event the caller did not create (only its creator sees who
    /// the members are: a seat freed by someone who left shows no name). The same goes for
    /// `payload.actor`.
    actor: Option<UserRef>,
    /// The domain event's fields, as stored (after upcasting to the current version).
    #[schema(value_type = Object)]
    payload: Value,
    #[serde(serialize_with = "rfc3339")]
    recorded_at: DateTime<Utc>,
}

impl FeedEntryBody {
    /// `item` as `viewer` may see it.
    pub fn seen_by(item: &FeedItem, viewer: Uuid) -> Self {
        let recorded = &item.recorded;
        let fact = &recorded.fact;
        let actor = fact.actor();
        let named = viewer == item.creator || actor.id == viewer || actor.id == item.creator;
        // Facts serialise as `{"MemberJoined": {...}}`; the feed names the type beside it.
        let mut payload = match serde_json::to_value(fact) {
            Ok(Value::Object(mut outer)) => outer.remove(fact.name()).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        if !named {
            if let Some(field) = payload.get_mut("actor") {
                *field = Value::Null;
            }
        }
        Self {
            position: recorded.position.to_string(),
            event_id: recorded.event_id,
            sequence: recorded.sequence,
            kind: projections::activity::describe(fact).kind,
            event_type: fact.name(),
            actor: named.then(|| UserRef {
                id: actor.id,
                username: actor.username.clone(),
            }),
            payload,
            recorded_at: recorded.recorded_at,
        }
    }
}

/// A page of the feed. Unlike other lists it pages by position, not by number: `next`
/// (or `after=<position>`) goes on from where this page stopped.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedPageBody {
    /// The last position this page looked at (perhaps beyond its last item: events the
    /// caller may not see are passed over). Ask again with `after` set to it.
    #[schema(pattern = r"^\d+-\d+$", example = "0-42")]
    pub position: String,
    /// The next page's URL while the store holds more right now; null once caught up.
    #[schema(format = "uri")]
    pub next: Option<String>,
    pub results: Vec<FeedEntryBody>,
}

/// One Server-Sent Event of a stream, as a client's SSE parser hands it over (the stream
/// itself is in the SSE text format; `event` is always the default, `message`).
#[derive(Debug, ToSchema)]
pub struct SseMessage {
    /// The item's position (`tx-pos`): send it back as `Last-Event-ID` to resume.
    #[schema(pattern = r"^\d+-\d+$", example = "0-42")]
    id: String,
    /// One item as JSON: a `FeedEntryBody` on the feed, a `NotificationBody` on the
    /// notification stream.
    data: String,
}

impl SseMessage {
    pub fn new(position: impl std::fmt::Display, item: &impl Serialize) -> Self {
        Self {
            id: position.to_string(),
            data: serde_json::to_string(item).unwrap_or_default(),
        }
    }
}

impl From<SseMessage> for axum::response::sse::Event {
    fn from(message: SseMessage) -> Self {
        Self::default().id(message.id).data(message.data)
    }
}
