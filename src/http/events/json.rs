//! An event, and its seats.

use chrono::{DateTime, Utc};
use projections::events::EventRow;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::categories::json::CategoryBody;
use crate::http::tickets::json::TicketTypeBody;
use crate::http::wire::{rfc3339, rfc3339_opt, UserRef};
use crate::http::wire::{EventStatus, Visibility};

/// An event. `ETag` carries its `version`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventBody {
    id: Uuid,
    #[schema(example = "Rust meetup")]
    title: String,
    description: String,
    location: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    start_time: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339_opt")]
    end_time: Option<DateTime<Utc>>,
    capacity: i64,
    /// `open` or `closed` (closed events take no new members).
    #[schema(value_type = EventStatus, example = "open")]
    status: String,
    waitlist_enabled: bool,
    /// `public`, or `private`: seen only by its creator, members, waitlisted users and
    /// invitees; to anyone else, anonymous callers included, it does not exist (404, and
    /// absent from every list, feed and calendar).
    #[schema(value_type = Visibility, example = "public")]
    visibility: String,
    /// Whether people without an account may register (`POST /api/events/{id}/guests`);
    /// never on a private event.
    guest_registration: bool,
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
    /// Only on events filed under a category.
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<CategoryBody>,
    /// Only on events that sell ticket types; joining then names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_types: Option<Vec<TicketTypeBody>>,
    /// Only on occurrences of a series (`GET /api/series/{series_id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    series_id: Option<Uuid>,
}

impl EventBody {
    pub fn with_category(mut self, category: Option<CategoryBody>) -> Self {
        self.category = category;
        self
    }

    pub fn with_ticket_types(mut self, types: Vec<TicketTypeBody>) -> Self {
        self.ticket_types = (!types.is_empty()).then_some(types);
        self
    }
}

impl From<EventRow> for EventBody {
    fn from(row: EventRow) -> Self {
        let series_id = row.series_id;
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
            visibility: row.visibility,
            guest_registration: row.guest_registration,
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
            category: None,
            ticket_types: None,
            series_id,
        }
    }
}

/// An event's seats.
#[derive(Serialize, ToSchema)]
pub struct CapacityBody {
    capacity: i64,
    members_count: i64,
    available_slots: i64,
    waitlist_count: i64,
}

impl From<EventRow> for CapacityBody {
    fn from(row: EventRow) -> Self {
        Self {
            capacity: row.capacity,
            members_count: row.members_count,
            available_slots: (row.capacity - row.members_count).max(0),
            waitlist_count: row.waitlist_count,
        }
    }
}
