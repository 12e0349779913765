//! Changing an event's details and its status. Every change must leave the schedule valid
//! and the capacity above the seats already taken; seats it adds go to the first in line.

use chrono::{DateTime, Utc};

use super::checks::{check_guests, check_times};
use crate::event::aggregate::EventState;
use crate::event::{Decision, DetailChanges, EventError, EventFact};
use crate::values::EventStatus;
use crate::{Actor, TicketCodes};

impl EventState {
    pub(super) fn update(
        &self,
        changes: DetailChanges,
        status: Option<EventStatus>,
        actor: Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Decision {
        let changes = self.effective(changes);
        let start = changes.start_time.unwrap_or(self.details.start_time);
        let end = changes.end_time.unwrap_or(self.details.end_time);
        check_times(changes.start_time, start, end, at)?;
        check_guests(
            changes.visibility.unwrap_or(self.details.visibility),
            changes.guest_registration.unwrap_or(self.details.guest_registration),
        )?;
        let capacity = changes.capacity.unwrap_or(self.details.capacity).get();
        if capacity < self.members.len() {
            return Err(EventError::CapacityBelowMembers {
                members: self.members.len(),
            });
        }
        let quantities = self.ticket_quantities();
        if capacity < quantities {
            return Err(EventError::CapacityBelowTicketQuantities { quantities });
        }
        let mut facts = Vec::new();
        if !changes.is_empty() {
            facts.push(EventFact::EventUpdated {
                changes,
                actor: actor.clone(),
                at,
            });
        }
        match status {
            Some(EventStatus::Closed) if self.details.status == EventStatus::Open => {
                facts.push(EventFact::EventClosed {
                    actor: actor.clone(),
                    at,
                });
            }
            Some(EventStatus::Open) if self.details.status == EventStatus::Closed => {
                facts.push(EventFact::EventOpened {
                    actor: actor.clone(),
                    at,
                });
            }
            // No status asked for, or the one the event already has: nothing to record.
            Some(EventStatus::Open | EventStatus::Closed) | None => {}
        }
        facts.extend(self.promotions(capacity, None, &actor, at, codes));
        Ok(facts)
    }

    /// Only the fields whose value actually changes.
    fn effective(&self, changes: DetailChanges) -> DetailChanges {
        fn differs<T: PartialEq>(new: Option<T>, current: &T) -> Option<T> {
            new.filter(|value| value != current)
        }
        let d = &self.details;
        DetailChanges {
            title: differs(changes.title, &d.title),
            description: differs(changes.description, &d.description),
            location: differs(changes.location, &d.location),
            start_time: differs(changes.start_time, &d.start_time),
            end_time: differs(changes.end_time, &d.end_time),
            capacity: differs(changes.capacity, &d.capacity),
            waitlist_enabled: differs(changes.waitlist_enabled, &d.waitlist_enabled),
            category: differs(changes.category, &d.category),
            visibility: differs(changes.visibility, &d.visibility),
            guest_registration: differs(changes.guest_registration, &d.guest_registration),
        }
    }
}
