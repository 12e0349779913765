//! What every test of the `Event` aggregate builds on: a fixed clock, predictable ticket
//! codes, the people, valid values, and builders of facts and commands.
//!
//! The clock is fixed at [`now`]; the event starts a week later. Alice creates every event,
//! the others join it. Facts in the `given` part carry `now()` as their time too: the rules
//! never look at the time of past facts.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use uuid::Uuid;

use crate::event::{DetailChanges, Event, EventDetails, EventFact, EventServices};
use crate::values::{Capacity, Description, Location, Ticket, Title};
use crate::{Actor, Clock, TicketCodes};

mod commands;
mod facts;

pub(crate) use commands::*;
pub(crate) use facts::*;

// ---------------------------------------------------------------------------------------------
// Time

/// A clock that always answers the same moment.
pub(crate) struct FixedClock(DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

/// When the events of these tests start: a week after [`now`].
pub(crate) fn start() -> DateTime<Utc> {
    now() + Duration::days(7)
}

pub(crate) fn end() -> DateTime<Utc> {
    start() + Duration::hours(2)
}

/// Ticket codes made from the holder's id, so tests know them in advance.
pub(crate) struct CodeByHolder;

impl TicketCodes for CodeByHolder {
    fn issue(&self, holder: Uuid) -> Uuid {
        code_for_id(holder)
    }
}

pub(crate) fn code_for_id(holder: Uuid) -> Uuid {
    Uuid::from_u128((0x7_1c_e7 << 64) | holder.as_u128())
}

/// The code of the ticket `user` gets in these tests.
pub(crate) fn code_of(user: &Actor) -> Uuid {
    code_for_id(user.id)
}

pub(crate) fn ticket_of(user: &Actor) -> Option<Ticket> {
    Some(Ticket {
        code: code_of(user),
        ticket_type: None,
    })
}

pub(crate) fn services_at(clock: DateTime<Utc>) -> EventServices {
    EventServices {
        clock: Arc::new(FixedClock(clock)),
        codes: Arc::new(CodeByHolder),
    }
}

/// The history an aggregate is rebuilt from, with the clock at [`now`].
pub(crate) fn given(facts: Vec<EventFact>) -> AggregateTestExecutor<Event> {
    given_at(now(), facts)
}

/// The same, with the clock at `clock`.
pub(crate) fn given_at(clock: DateTime<Utc>, facts: Vec<EventFact>) -> AggregateTestExecutor<Event> {
    TestFramework::with(services_at(clock)).given(facts)
}

// ---------------------------------------------------------------------------------------------
// People

pub(crate) fn user(n: u128, username: &str) -> Actor {
    Actor::new(Uuid::from_u128(n), username)
}

/// The creator of every event here.
pub(crate) fn alice() -> Actor {
    user(1, "alice")
}

pub(crate) fn bob() -> Actor {
    user(2, "bob")
}

pub(crate) fn carol() -> Actor {
    user(3, "carol")
}

pub(crate) fn dave() -> Actor {
    user(4, "dave")
}

pub(crate) fn erin() -> Actor {
    user(5, "erin")
}

// ---------------------------------------------------------------------------------------------
// Values

pub(crate) fn capacity(seats: i64) -> Capacity {
    Capacity::parse(seats).unwrap()
}

pub(crate) fn title(text: &str) -> Title {
    Title::parse(text).unwrap()
}

pub(crate) fn location(text: &str) -> Location {
    Location::parse(text).unwrap()
}

/// An open event in Berlin, starting at [`start`] and ending at [`end`].
pub(crate) fn details(seats: i64, waitlist_enabled: bool) -> EventDetails {
    EventDetails {
        description: Description::parse("Talks and pizza").unwrap(),
        location: Some(location("Berlin")),
        end_time: Some(end()),
        waitlist_enabled,
        ..EventDetails::new(title("Rust meetup"), start(), capacity(seats))
    }
}

pub(crate) fn details_between(start_time: DateTime<Utc>, end_time: Option<DateTime<Utc>>) -> EventDetails {
    EventDetails {
        start_time,
        end_time,
        ..details(10, false)
    }
}

pub(crate) fn changes() -> DetailChanges {
    DetailChanges::default()
}

pub(crate) fn start_time_not_in_future() -> (&'static str, String) {
    ("start_time", "must be in the future".to_owned())
}

pub(crate) fn end_time_not_after_start() -> (&'static str, String) {
    ("end_time", "must be after start_time".to_owned())
}
