//! Creating an event: once per id, with a schedule, guests and ticket types that hold.

use chrono::{DateTime, Utc};

use super::checks::{check_guests, check_times};
use super::tickets::check_ticket_types;
use crate::event::aggregate::Event;
use crate::event::{Decision, EventDetails, EventError, EventFact};
use crate::Actor;

impl Event {
    pub(super) fn create(&self, details: EventDetails, actor: Actor, at: DateTime<Utc>) -> Decision {
        if self.state.is_some() {
            return Err(EventError::AlreadyExists);
        }
        check_times(Some(details.start_time), details.start_time, details.end_time, at)?;
        check_guests(details.visibility, details.guest_registration)?;
        check_ticket_types(&details)?;
        Ok(vec![EventFact::EventCreated { details, actor, at }])
    }
}
