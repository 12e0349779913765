//! Given/when/then tests of every rule of the `Event` aggregate, a file per command family
//! or rule; what they share is in [`support`].

// Every test file starts with `use super::*`: these imports are their common prelude.
use chrono::{DateTime, Duration, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::{DetailChanges, Event, EventCommand, EventDetails, EventError, EventFact, Seat};
use crate::values::Ticket;
use crate::values::{Capacity, Comment, Description, EventStatus, Location, Rating, Title, Visibility};
use crate::Actor;

use support::*;

mod account_deletion;
mod apply;
mod capacity;
mod categories;
mod create;
mod deletion;
mod feedback;
mod guests;
mod invitations;
mod joining;
mod leaving;
mod properties;
mod reminders;
mod removal;
mod schedule;
mod series;
mod status;
mod stored;
mod support;
mod tickets;
mod updates;
mod visibility;
