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

impl EventDetails {
    /// An open, public event with only a title, a start and a capacity: no description,
    /// location, end, waitlist, category, ticket types, series or guests. Callers set the
    /// rest with `..EventDetails::new(…)`, so a new field is defaulted in one place.
    pub fn new(title: Title, start_time: DateTime<Utc>, capacity: Capacity) -> Self {
        Self {
            title,
            description: Description::default(),
            location: None,
            start_time,
            end_time: None,
            capacity,
            status: EventStatus::Open,
            waitlist_enabled: false,
            category: None,
            ticket_types: Vec::new(),
            series_id: None,
            visibility: Visibility::Public,
            guest_registration: false,
        }
    }
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
    /// Each field this change sets, in a stable order. Destructured whole, with no `..`: a
    /// new field does not compile until it is listed here, and then every `match` on
    /// [`DetailChange`] (applying it, naming it, projecting it) must handle it.
    pub fn into_each(self) -> Vec<DetailChange> {
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
            title.map(DetailChange::Title),
            description.map(DetailChange::Description),
            location.map(DetailChange::Location),
            start_time.map(DetailChange::StartTime),
            end_time.map(DetailChange::EndTime),
            capacity.map(DetailChange::Capacity),
            waitlist_enabled.map(DetailChange::WaitlistEnabled),
            category.map(DetailChange::Category),
            visibility.map(DetailChange::Visibility),
            guest_registration.map(DetailChange::GuestRegistration),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Like [`Self::into_each`], keeping the change.
    pub fn each(&self) -> Vec<DetailChange> {
        self.clone().into_each()
    }

    /// The names of the fields this change touches, in a stable order.
    pub fn field_names(&self) -> Vec<&'static str> {
        self.each().iter().map(DetailChange::field_name).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.each().is_empty()
    }
}

/// One field a change sets, with its new value.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailChange {
    Title(Title),
    Description(Description),
    Location(Option<Location>),
    StartTime(DateTime<Utc>),
    EndTime(Option<DateTime<Utc>>),
    Capacity(Capacity),
    WaitlistEnabled(bool),
    Category(Option<Uuid>),
    Visibility(Visibility),
    GuestRegistration(bool),
}

impl DetailChange {
    /// The field's name, as requests and the log name it.
    pub fn field_name(&self) -> &'static str {
        match self {
            Self::Title(_) => "title",
            Self::Description(_) => "description",
            Self::Location(_) => "location",
            Self::StartTime(_) => "start_time",
            Self::EndTime(_) => "end_time",
            Self::Capacity(_) => "capacity",
            Self::WaitlistEnabled(_) => "waitlist_enabled",
            Self::Category(_) => "category",
            Self::Visibility(_) => "visibility",
            Self::GuestRegistration(_) => "guest_registration",
        }
    }
}

impl EventDetails {
    /// Takes over every field that `changes` sets.
    pub(super) fn change(&mut self, changes: DetailChanges) {
        for change in changes.into_each() {
            match change {
                DetailChange::Title(title) => self.title = title,
                DetailChange::Description(description) => self.description = description,
                DetailChange::Location(location) => self.location = location,
                DetailChange::StartTime(start) => self.start_time = start,
                DetailChange::EndTime(end) => self.end_time = end,
                DetailChange::Capacity(capacity) => self.capacity = capacity,
                DetailChange::WaitlistEnabled(enabled) => self.waitlist_enabled = enabled,
                DetailChange::Category(category) => self.category = category,
                DetailChange::Visibility(visibility) => self.visibility = visibility,
                DetailChange::GuestRegistration(guests) => self.guest_registration = guests,
            }
        }
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
