//! An event's own life beyond its details: its deletion, and the reminder before it starts.

use chrono::{DateTime, Utc};

use crate::event::aggregate::EventState;
use crate::event::{Decision, EventError, EventFact};
use crate::Actor;

impl EventState {
    /// Nothing to check beyond who asks, which the caller did: a deletion only marks the
    /// event, whose history stays readable.
    pub(super) fn delete(&self, actor: Actor, at: DateTime<Utc>) -> Decision {
        Ok(vec![EventFact::EventDeleted { actor, at }])
    }

    /// Once per start time, within the 24 hours before it: two schedulers racing are
    /// settled by the store (the second commit conflicts, is retried, and then refused).
    pub(super) fn remind(&self, actor: Actor, at: DateTime<Utc>) -> Decision {
        let start_time = self.details.start_time;
        if at >= start_time {
            return Err(EventError::AlreadyStarted);
        }
        if start_time - at > chrono::Duration::hours(24) {
            return Err(EventError::TooEarlyToRemind);
        }
        if self.reminded_for == Some(start_time) {
            return Err(EventError::AlreadyReminded);
        }
        Ok(vec![EventFact::ReminderSent { start_time, actor, at }])
    }
}
