//! The event list's query: its filters and ordering, which parse and document it.

use aggregates::values::{EventStatus, Location, Title};
use chrono::{DateTime, NaiveDate, Utc};
use projections::events::{CreatorFilter, EventFilter, EventOrdering};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::http::fields::Fields;
use crate::http::query::{choice, FromParam, Param, Query, Substring};

/// Filters of the event list, all combinable.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// Case-insensitive substring of the title, no longer than a title can be.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    title: Param<Substring<{ Title::MAX_CHARS }>>,
    /// Case-insensitive substring of the location, no longer than a location can be.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    location: Param<Substring<{ Location::MAX_CHARS }>>,
    /// The creator's user id or username.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    creator: Param<CreatorFilter>,
    /// `open` or `closed`.
    #[serde(default)]
    #[param(value_type = Option<crate::http::wire::EventStatus>)]
    status: Param<EventStatus>,
    /// Inclusive; an RFC 3339 date-time, or `YYYY-MM-DD` for the start of that UTC day.
    #[serde(default)]
    #[param(value_type = Option<DateTime<Utc>>)]
    start_after: Param<DayOrTime>,
    /// Inclusive; an RFC 3339 date-time, or `YYYY-MM-DD` for the whole of that UTC day.
    #[serde(default)]
    #[param(value_type = Option<DateTime<Utc>>)]
    start_before: Param<DayOrTime>,
    /// `true`: only events that start in the future.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    upcoming: Param<bool>,
    /// `start_time` (default), `-start_time`, `created_at`, `-created_at`, `title`, `-title`;
    /// ties are broken by id.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    ordering: Param<EventOrdering>,
    /// A category's slug (or id): only events filed under it.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    category: Param<String>,
}

/// The list a valid query asks for.
pub struct Listing {
    /// Every filter but "upcoming", which needs the clock.
    pub filter: EventFilter,
    pub upcoming: bool,
    pub ordering: EventOrdering,
}

impl Query for EventFilters {
    type Valid = Listing;

    fn validate(self, fields: &mut Fields) -> Listing {
        let filter = EventFilter {
            title: self.title.read("title", fields).map(|Substring(text)| text),
            location: self.location.read("location", fields).map(|Substring(text)| text),
            creator: self.creator.read("creator", fields),
            status: self
                .status
                .read("status", fields)
                .map(|status| status.as_str().to_owned()),
            start_at_or_after: self
                .start_after
                .read("start_after", fields)
                .map(DayOrTime::first_instant),
            start_at_or_before: self
                .start_before
                .read("start_before", fields)
                .map(DayOrTime::last_instant),
            start_after: None,
            category: self.category.read("category", fields),
        };
        Listing {
            filter,
            upcoming: self.upcoming.read("upcoming", fields).unwrap_or(false),
            ordering: self.ordering.read("ordering", fields).unwrap_or_default(),
        }
    }
}

impl FromParam for CreatorFilter {
    fn from_param(raw: &str) -> Result<Self, String> {
        Ok(match Uuid::parse_str(raw) {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Username(raw.to_owned()),
        })
    }
}

impl FromParam for EventStatus {
    fn from_param(raw: &str) -> Result<Self, String> {
        Self::parse(raw)
    }
}

impl FromParam for EventOrdering {
    fn from_param(raw: &str) -> Result<Self, String> {
        choice(raw, &Self::CHOICES)
    }
}

/// RFC 3339, or a bare `YYYY-MM-DD` meaning the whole UTC day.
pub enum DayOrTime {
    Time(DateTime<Utc>),
    Day(NaiveDate),
}

impl DayOrTime {
    /// The time, or the start of the day.
    fn first_instant(self) -> DateTime<Utc> {
        match self {
            Self::Time(time) => time,
            Self::Day(day) => day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc(),
        }
    }

    /// The time, or the day's last instant.
    fn last_instant(self) -> DateTime<Utc> {
        match self {
            Self::Time(time) => time,
            Self::Day(_) => self.first_instant() + chrono::Duration::days(1) - chrono::Duration::microseconds(1),
        }
    }
}

impl FromParam for DayOrTime {
    fn from_param(raw: &str) -> Result<Self, String> {
        if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
            return Ok(Self::Time(time.with_timezone(&Utc)));
        }
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Self::Day)
            .map_err(|_| "must be an RFC 3339 date-time or YYYY-MM-DD".to_owned())
    }
}
