//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use chrono::{DateTime, Utc};
use utoipa::{IntoParams, ToSchema};

use crate::http::wire::{EventStatus, Visibility};

/// An event as `POST` creates it.
#[derive(ToSchema)]
#[schema(example = json!({"title": "Rust meetup", "start_time": "2027-01-15T18:00:00Z", "capacity": 2, "waitlist_enabled": true}))]
pub struct EventFields {
    title: String,
    #[serde(default)]
    description: String,
    location: Option<String>,
    /// In the future.
    start_time: DateTime<Utc>,
    /// After `start_time`.
    end_time: Option<DateTime<Utc>>,
    capacity: i64,
    /// `open` (the default) or `closed`.
    #[serde(default)]
    #[schema(value_type = EventStatus, example = "open")]
    status: String,
    #[serde(default)]
    waitlist_enabled: bool,
    /// A category's slug or id (`GET /api/categories`); none by default.
    #[serde(default)]
    category: String,
    /// `public` (the default) or `private`: a private event is seen only by its creator,
    /// members, waitlisted users and invitees; to anyone else it does not exist (404).
    #[serde(default)]
    #[schema(value_type = Visibility, example = "public")]
    visibility: String,
    /// Whether people without an account may register; `false` by default. Refused (400)
    /// on a private event.
    #[serde(default)]
    guest_registration: bool,
    /// Kinds of seat, their quantities adding up to at most `capacity`; set at creation
    /// only. Joining then requires one.
    #[serde(default)]
    ticket_types: Vec<NewTicketType>,
    /// Makes a series: one ordinary event per occurrence, the first at `start_time`.
    #[serde(default)]
    recurrence: Option<RecurrenceFields>,
}

/// Every writable field of an event, as `PUT` replaces them: none may be missing.
#[derive(ToSchema)]
#[schema(example = json!({"title": "Rust meetup", "description": "", "location": null, "start_time": "2027-01-15T18:00:00Z",
    "end_time": null, "capacity": 2, "status": "open", "waitlist_enabled": true}))]
pub struct EventReplacement {
    title: String,
    description: String,
    #[schema(required = true)]
    location: Option<String>,
    /// In the future.
    start_time: DateTime<Utc>,
    /// After `start_time`.
    #[schema(required = true)]
    end_time: Option<DateTime<Utc>>,
    capacity: i64,
    #[schema(value_type = EventStatus)]
    status: String,
    waitlist_enabled: bool,
    /// Optional even here: absent keeps the event's category, `null` removes it.
    category: Option<String>,
    /// `public` or `private`; optional even here: absent keeps the event's. A private event
    /// is seen only by its creator, members, waitlisted users and invitees; to anyone else
    /// it does not exist (404).
    #[serde(default)]
    #[schema(value_type = Visibility)]
    visibility: String,
    /// Optional even here: absent keeps the event's. Refused (400) when the event would end
    /// up private with it.
    #[serde(default)]
    guest_registration: bool,
}

/// The fields to change; the others keep their values.
#[derive(ToSchema)]
#[schema(example = json!({"capacity": 50, "status": "closed"}))]
pub struct EventChanges {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    location: Option<String>,
    /// In the future.
    #[serde(default)]
    start_time: DateTime<Utc>,
    /// After `start_time`.
    end_time: Option<DateTime<Utc>>,
    /// Not below `members_count` (409); raising it promotes waitlisted users in order.
    #[serde(default)]
    capacity: i64,
    /// `open` or `closed`; closing stops new joins, members stay.
    #[serde(default)]
    #[schema(value_type = EventStatus)]
    status: String,
    #[serde(default)]
    waitlist_enabled: bool,
    /// A category's slug or id; `null` removes it.
    category: Option<String>,
    /// `public` or `private`; absent keeps the event's. A private event is seen only by its
    /// creator, members, waitlisted users and invitees; to anyone else it does not exist (404).
    #[serde(default)]
    #[schema(value_type = Visibility)]
    visibility: String,
    /// Absent keeps the event's. Refused (400) when the event would end up private with it.
    #[serde(default)]
    guest_registration: bool,
}

/// Filters of the event list, all combinable.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// Case-insensitive substring of the title (at most 200 characters, as a title).
    title: Option<String>,
    /// Case-insensitive substring of the location (at most 200 characters, as a location).
    location: Option<String>,
    /// The creator's user id or username.
    creator: Option<String>,
    /// `open` or `closed`.
    #[param(value_type = Option<EventStatus>)]
    status: Option<String>,
    /// Inclusive; an RFC 3339 date-time, or `YYYY-MM-DD` for the start of that UTC day.
    start_after: Option<DateTime<Utc>>,
    /// Inclusive; an RFC 3339 date-time, or `YYYY-MM-DD` for the whole of that UTC day.
    start_before: Option<DateTime<Utc>>,
    /// `true`: only events that start in the future.
    upcoming: Option<bool>,
    /// `start_time` (default), `-start_time`, `created_at`, `-created_at`, `title`, `-title`;
    /// ties are broken by id.
    ordering: Option<String>,
    /// A category's slug (or id): only events filed under it.
    category: Option<String>,
}

/// How an event repeats (`POST /api/events`): every `interval` weeks or months, `count`
/// times or `until` a time; at most 200 occurrences.
#[derive(ToSchema)]
#[schema(example = json!({"freq": "weekly", "interval": 1, "count": 10}))]
pub struct RecurrenceFields {
    #[schema(pattern = "^(weekly|monthly)$")]
    freq: String,
    #[serde(default)]
    interval: i64,
    /// Give `count` or `until`, not both.
    #[serde(default)]
    count: i64,
    /// Inclusive.
    #[serde(default)]
    until: DateTime<Utc>,
}

/// A kind of seat, as `POST /api/events` takes it in `ticket_types`.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Early bird", "price": "12.50", "currency": "EUR", "quantity": 20}))]
pub struct NewTicketType {
    name: String,
    /// A decimal string (never a JSON number, which would pass through a float).
    #[schema(pattern = r"^\d{1,9}(\.\d{1,3})?$")]
    price: String,
    #[schema(pattern = "^[A-Z]{3}$")]
    currency: String,
    quantity: i64,
}
