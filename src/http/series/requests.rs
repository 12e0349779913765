//! This resource's request bodies, which parse and document them, and its parameters.

use aggregates::event::DetailChanges;
use aggregates::values::{Capacity, Description, EventStatus, Location, Title};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::extract::path_params;
use crate::http::fields::{Any, Field, Fields};
use crate::http::wire;
/// A series named in the path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SeriesPath {
    /// The series' id.
    pub id: Uuid,
}

path_params!(SeriesPath);

/// The fields to change on every future occurrence of a series.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"title": "Weekly Rust meetup", "capacity": 30}))]
pub struct SeriesChanges {
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
    #[schema(value_type = i64)]
    capacity: Field<Capacity>,
    #[serde(default)]
    #[schema(value_type = wire::EventStatus)]
    status: Field<EventStatus>,
    #[serde(default)]
    #[schema(value_type = bool)]
    waitlist_enabled: Field<bool>,
    #[serde(default)]
    /// A category's slug or id; `null` removes it.
    #[schema(value_type = Option<String>)]
    pub category: Field<String>,
    #[serde(default)]
    /// Times, seats, visibility and guests are changed one occurrence at a time: named only
    /// to be refused.
    #[schema(ignore)]
    start_time: Field<Any>,
    #[serde(default)]
    #[schema(ignore)]
    end_time: Field<Any>,
    #[serde(default)]
    #[schema(ignore)]
    ticket_types: Field<Any>,
    #[serde(default)]
    #[schema(ignore)]
    recurrence: Field<Any>,
    #[serde(default)]
    #[schema(ignore)]
    visibility: Field<Any>,
    #[serde(default)]
    #[schema(ignore)]
    guest_registration: Field<Any>,
}

impl SeriesChanges {
    /// The changes and the new status, if any, but `category` (looked up first); problems
    /// go to `fields`.
    pub fn validate(self, fields: &mut Fields, category: Option<Option<Uuid>>) -> (DetailChanges, Option<EventStatus>) {
        let one_at_a_time = [
            ("start_time", self.start_time),
            ("end_time", self.end_time),
            ("ticket_types", self.ticket_types),
            ("recurrence", self.recurrence),
            // Who may see and who may join are each occurrence's: named, not ignored.
            ("visibility", self.visibility),
            ("guest_registration", self.guest_registration),
        ];
        for (name, field) in one_at_a_time {
            if fields.optional(name, field).is_some() {
                fields.error(name, "change this on one occurrence at a time (PATCH /api/events/{id})");
            }
        }
        let changes = DetailChanges {
            title: fields.optional("title", self.title),
            description: fields.optional("description", self.description),
            location: fields.nullable("location", self.location),
            capacity: fields.optional("capacity", self.capacity),
            waitlist_enabled: fields.optional("waitlist_enabled", self.waitlist_enabled),
            category,
            ..DetailChanges::default()
        };
        (changes, fields.optional("status", self.status))
    }
}
