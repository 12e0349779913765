//! This resource's request bodies, which parse and document them.

use aggregates::event::{schedule_problems, DetailChanges, EventDetails};
use aggregates::values::{Capacity, Description, EventStatus, Location, Recurrence, Title, Visibility};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use super::recurrence::RecurrenceFields;
use super::ticket_types::{NewTicketType, TicketTypes};
use crate::http::fields::{Field, Fields};

/// An event as `POST` creates it.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"title": "Rust meetup", "start_time": "2027-01-15T18:00:00Z", "capacity": 2, "waitlist_enabled": true}))]
pub struct EventFields {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    title: Field<Title>,
    #[serde(default)]
    #[schema(value_type = String)]
    description: Field<Description>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    location: Field<Location>,
    #[serde(default)]
    /// In the future.
    #[schema(value_type = DateTime<Utc>, required = true)]
    start_time: Field<DateTime<Utc>>,
    #[serde(default)]
    /// After `start_time`.
    #[schema(value_type = Option<DateTime<Utc>>)]
    end_time: Field<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = i64, required = true)]
    capacity: Field<Capacity>,
    #[serde(default)]
    /// `open` (the default) or `closed`.
    #[schema(value_type = crate::http::wire::EventStatus, example = "open")]
    status: Field<EventStatus>,
    #[serde(default)]
    #[schema(value_type = bool)]
    waitlist_enabled: Field<bool>,
    #[serde(default)]
    /// A category's slug or id (`GET /api/categories`); none by default.
    #[schema(value_type = String)]
    pub category: Field<String>,
    #[serde(default)]
    /// `public` (the default) or `private`: a private event is seen only by its creator,
    /// members, waitlisted users and invitees; to anyone else it does not exist (404).
    #[schema(value_type = crate::http::wire::Visibility, example = "public")]
    visibility: Field<Visibility>,
    #[serde(default)]
    /// Whether people without an account may register; `false` by default. Refused (400)
    /// on a private event.
    #[schema(value_type = bool)]
    guest_registration: Field<bool>,
    #[serde(default)]
    /// Kinds of seat, their quantities adding up to at most `capacity`; set at creation
    /// only. Joining then requires one.
    #[schema(value_type = Vec<NewTicketType>)]
    ticket_types: Field<TicketTypes>,
    #[serde(default)]
    /// Makes a series: one ordinary event per occurrence, the first at `start_time`.
    #[schema(value_type = Option<RecurrenceFields>)]
    recurrence: Field<Recurrence>,
}

/// A new event (or series) as asked for.
pub struct NewEvent {
    pub details: EventDetails,
    /// Every occurrence's start, for a series.
    pub starts: Option<Vec<DateTime<Utc>>>,
}

impl EventFields {
    /// The event, once `category` (read from [`Self::category`]) is looked up; problems go
    /// to `fields`.
    pub fn validate(self, fields: &mut Fields, category: Option<Uuid>, now: DateTime<Utc>) -> Option<NewEvent> {
        let title = fields.required("title", self.title);
        let description = fields.optional("description", self.description).unwrap_or_default();
        let location = fields.nullable("location", self.location).flatten();
        let start_time = fields.required("start_time", self.start_time);
        let end_time = fields.nullable("end_time", self.end_time).flatten();
        let capacity = fields.required("capacity", self.capacity);
        let status = fields.optional("status", self.status).unwrap_or_default();
        let waitlist_enabled = fields
            .optional("waitlist_enabled", self.waitlist_enabled)
            .unwrap_or(false);
        let visibility = fields.optional("visibility", self.visibility).unwrap_or_default();
        let guest_registration = fields
            .optional("guest_registration", self.guest_registration)
            .unwrap_or(false);
        let ticket_types = fields.optional("ticket_types", self.ticket_types).unwrap_or_default();
        let recurrence = fields.nullable("recurrence", self.recurrence).flatten();
        if let Some(start) = start_time {
            fields.problems(schedule_problems(start_time, start, end_time, now));
        }
        let starts = match (recurrence, start_time) {
            (Some(recurrence), Some(start)) => Some(
                recurrence
                    .expand(start, end_time.map_or(Duration::zero(), |end| end - start))
                    .map_err(|problem| fields.error("recurrence", problem))
                    .ok()?,
            ),
            _ => None,
        };
        let details = EventDetails {
            title: title?,
            description,
            location,
            start_time: start_time?,
            end_time,
            capacity: capacity?,
            status,
            waitlist_enabled,
            category,
            ticket_types: ticket_types.into_inner(),
            series_id: None,
            visibility,
            guest_registration,
        };
        Some(NewEvent { details, starts })
    }
}

/// An update as asked for: the changes and the new status, if any.
pub struct EventUpdate {
    pub changes: DetailChanges,
    pub status: Option<EventStatus>,
}

/// What an event's start and end are now, to check a change against.
pub struct Schedule {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// The fields to change; the others keep their values.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"capacity": 50, "status": "closed"}))]
pub struct EventChanges {
    #[serde(default)]
    #[schema(value_type = String)]
    title: Field<Title>,
    #[serde(default)]
    #[schema(value_type = String)]
    description: Field<Description>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    location: Field<Location>,
    #[serde(default)]
    /// In the future.
    #[schema(value_type = DateTime<Utc>)]
    start_time: Field<DateTime<Utc>>,
    #[serde(default)]
    /// After `start_time`.
    #[schema(value_type = Option<DateTime<Utc>>)]
    end_time: Field<DateTime<Utc>>,
    #[serde(default)]
    /// Not below `members_count` (409); raising it promotes waitlisted users in order.
    #[schema(value_type = i64)]
    capacity: Field<Capacity>,
    #[serde(default)]
    /// `open` or `closed`; closing stops new joins, members stay.
    #[schema(value_type = crate::http::wire::EventStatus)]
    status: Field<EventStatus>,
    #[serde(default)]
    #[schema(value_type = bool)]
    waitlist_enabled: Field<bool>,
    #[serde(default)]
    /// A category's slug or id; `null` removes it.
    #[schema(value_type = Option<String>)]
    pub category: Field<String>,
    #[serde(default)]
    /// `public` or `private`; absent keeps the event's. A private event is seen only by its
    /// creator, members, waitlisted users and invitees; to anyone else it does not exist (404).
    #[schema(value_type = crate::http::wire::Visibility)]
    visibility: Field<Visibility>,
    #[serde(default)]
    /// Absent keeps the event's. Refused (400) when the event would end up private with it.
    #[schema(value_type = bool)]
    guest_registration: Field<bool>,
}

/// What `PUT` must send: every writable field but `category`, `visibility` and
/// `guest_registration`, which keep the event's when absent. The validation and the
/// document both read this list.
pub const REPLACED: [&str; 8] = [
    "title",
    "description",
    "location",
    "start_time",
    "end_time",
    "capacity",
    "status",
    "waitlist_enabled",
];

/// Whether a body replaces the event (`PUT`: the fields in [`REPLACED`] must be sent) or
/// changes the fields it names (`PATCH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    Whole,
    Part,
}

impl Extent {
    fn read<T>(self, fields: &mut Fields, name: &str, field: Field<T>) -> Option<T> {
        match self {
            Self::Whole if REPLACED.contains(&name) => fields.required(name, field),
            Self::Whole | Self::Part => fields.optional(name, field),
        }
    }

    fn read_nullable<T>(self, fields: &mut Fields, name: &str, field: Field<T>) -> Option<Option<T>> {
        match self {
            Self::Whole if REPLACED.contains(&name) => fields.required_nullable(name, field),
            Self::Whole | Self::Part => fields.nullable(name, field),
        }
    }
}

impl EventChanges {
    /// The fields given but `category` (looked up first); problems go to `fields`.
    pub fn validate(
        self,
        extent: Extent,
        fields: &mut Fields,
        category: Option<Option<Uuid>>,
        schedule: Schedule,
    ) -> EventUpdate {
        let changes = DetailChanges {
            title: extent.read(fields, "title", self.title),
            description: extent.read(fields, "description", self.description),
            start_time: extent.read(fields, "start_time", self.start_time),
            capacity: extent.read(fields, "capacity", self.capacity),
            waitlist_enabled: extent.read(fields, "waitlist_enabled", self.waitlist_enabled),
            location: extent.read_nullable(fields, "location", self.location),
            end_time: extent.read_nullable(fields, "end_time", self.end_time),
            category,
            visibility: extent.read(fields, "visibility", self.visibility),
            guest_registration: extent.read(fields, "guest_registration", self.guest_registration),
        };
        let status = extent.read(fields, "status", self.status);
        checked(fields, EventUpdate { changes, status }, schedule)
    }
}

/// `PUT`'s body: the fields of [`EventChanges`], those in [`REPLACED`] required.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct EventReplacement(pub EventChanges);

impl PartialSchema for EventReplacement {
    fn schema() -> RefOr<Schema> {
        let mut schema = EventChanges::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.description =
                Some("Every writable field of an event, as `PUT` replaces them: none may be missing.".to_owned());
            object.required = REPLACED.map(str::to_owned).to_vec();
            object.example = Some(json!({"title": "Rust meetup", "description": "", "location": null,
                "start_time": "2027-01-15T18:00:00Z", "end_time": null, "capacity": 2, "status": "open",
                "waitlist_enabled": true}));
        }
        schema
    }
}

impl ToSchema for EventReplacement {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        EventChanges::schemas(schemas);
    }
}

/// The aggregate decides on its own state; this only names the schedule's problems
/// together with the others, early.
fn checked(fields: &mut Fields, update: EventUpdate, schedule: Schedule) -> EventUpdate {
    let start_time = update.changes.start_time;
    let start = start_time.unwrap_or(schedule.start);
    let end = update.changes.end_time.unwrap_or(schedule.end);
    fields.problems(schedule_problems(start_time, start, end, schedule.now));
    update
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use serde_json::{json, Value};

    use super::*;

    fn validated(body: Value, extent: Extent) -> Fields {
        let now = Utc::now();
        let schedule = Schedule {
            start: now + Duration::days(1),
            end: None,
            now,
        };
        let request = EventChanges::deserialize(body).expect("fields never fail the body");
        let mut fields = Fields::new();
        request.validate(extent, &mut fields, None, schedule);
        fields
    }

    #[test]
    fn a_replacement_requires_exactly_the_replaced_fields_and_a_change_none() {
        let errors = validated(json!({}), Extent::Whole).problems_for_test();
        let mut required: Vec<&str> = errors.keys().map(String::as_str).collect();
        required.sort_unstable();
        let mut replaced = REPLACED.to_vec();
        replaced.sort_unstable();
        assert_eq!(required, replaced);
        assert!(errors.values().all(|messages| messages == &["this field is required"]));
        assert!(validated(json!({}), Extent::Part).finish().is_ok());
    }
}
