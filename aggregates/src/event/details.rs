//! What describes an event, and the changes a creator makes to it: both are stored inside
//! facts, so their serialised shapes are part of the stored contract.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::values::{Capacity, Description, EventStatus, Location, TicketType, Title, Visibility};

/// Everything that describes an event when it is created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDetails {
    pub title: Title,
    pub description: Description,
    pub location: Option<Location>,
    pub start_time: DateTime<Utc>,
    pub end_time: Option<DateTime<Utc>>,
    pub capacity: Capacity,
    pub status: EventStatus,
    pub waitlist_enabled: bool,
    /// Absent from the facts of events without one, so older payloads read unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Uuid>,
    /// With types, every seat is of one of them and their quantities fit the capacity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ticket_types: Vec<TicketType>,
    /// The series the event is an occurrence of, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_id: Option<Uuid>,
    /// Absent from the facts of public events (and of every event from before visibility).
    #[serde(default, skip_serializing_if = "Visibility::is_public")]
    pub visibility: Visibility,
    /// Whether people without an account may register; absent when they may not.
    #[serde(default, skip_serializing_if = "is_false")]
    pub guest_registration: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// The descriptive fields a creator changes; `None` leaves a field as it is.
///
/// `location` and `end_time` are nullable, so `Some(None)` clears them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DetailChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub location: Option<Option<Location>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub end_time: Option<Option<DateTime<Utc>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waitlist_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub category: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_registration: Option<bool>,
}

impl DetailChanges {
    /// The names of the fields this change touches, in a stable order.
    pub fn field_names(&self) -> Vec<&'static str> {
        // Named one by one, with no `..`: a new field does not compile until it is named here.
        let Self {
            title,
            description,
            location,
            start_time,
            end_time,
            capacity,
            waitlist_enabled,
            category,
            visibility,
            guest_registration,
        } = self;
        [
            ("title", title.is_some()),
            ("description", description.is_some()),
            ("location", location.is_some()),
            ("start_time", start_time.is_some()),
            ("end_time", end_time.is_some()),
            ("capacity", capacity.is_some()),
            ("waitlist_enabled", waitlist_enabled.is_some()),
            ("category", category.is_some()),
            ("visibility", visibility.is_some()),
            ("guest_registration", guest_registration.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, touched)| touched.then_some(name))
        .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.field_names().is_empty()
    }
}

impl EventDetails {
    /// Takes over every field that `changes` sets.
    pub(super) fn change(&mut self, changes: DetailChanges) {
        fn set<T>(field: &mut T, new: Option<T>) {
            if let Some(value) = new {
                *field = value;
            }
        }
        // No `..` here either: a new field must be applied before it compiles.
        let DetailChanges {
            title,
            description,
            location,
            start_time,
            end_time,
            capacity,
            waitlist_enabled,
            category,
            visibility,
            guest_registration,
        } = changes;
        set(&mut self.title, title);
        set(&mut self.description, description);
        set(&mut self.location, location);
        set(&mut self.start_time, start_time);
        set(&mut self.end_time, end_time);
        set(&mut self.capacity, capacity);
        set(&mut self.waitlist_enabled, waitlist_enabled);
        set(&mut self.category, category);
        set(&mut self.visibility, visibility);
        set(&mut self.guest_registration, guest_registration);
    }
}

/// A field that is present (perhaps as `null`) serialises as `Some(value)`.
mod present {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error> {
        value.as_ref().and_then(Option::as_ref).serialize(s)
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
