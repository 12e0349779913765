//! Ticket types, tickets and check-in: the seat rules per type, and the door.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::event::aggregate::EventState;
use crate::event::{Decision, EventDetails, EventError, EventFact};
use crate::values::Ticket;
use crate::{Actor, TicketCodes};

/// At most this many ticket types per event.
pub const MAX_TICKET_TYPES: usize = 20;

/// Ticket types at creation: names unique (in any case), quantities within the capacity.
pub(super) fn check_ticket_types(details: &EventDetails) -> Result<(), EventError> {
    let types = &details.ticket_types;
    let problem = |message: String| Err(EventError::InvalidFields(vec![("ticket_types", message)]));
    if types.len() > MAX_TICKET_TYPES {
        return problem(format!("ensure there are no more than {MAX_TICKET_TYPES} ticket types"));
    }
    let mut names: Vec<String> = types.iter().map(|t| t.name.as_str().to_lowercase()).collect();
    names.sort();
    names.dedup();
    if names.len() < types.len() {
        return problem("ticket type names must be unique".to_owned());
    }
    let quantities: usize = types.iter().map(|t| t.quantity.get()).sum();
    let capacity = details.capacity.get();
    if quantities > capacity {
        return problem(format!(
            "the quantities add up to {quantities}, more than the capacity of {capacity}"
        ));
    }
    Ok(())
}

impl EventState {
    /// How many seats the ticket types hold together (0 without types).
    pub(super) fn ticket_quantities(&self) -> usize {
        self.details.ticket_types.iter().map(|t| t.quantity.get()).sum()
    }

    /// A ticket type is required exactly when the event has types, and must be one of them.
    pub(super) fn check_ticket_type(&self, ticket_type: Option<Uuid>) -> Result<(), EventError> {
        let types = &self.details.ticket_types;
        let problem = match ticket_type {
            None if !types.is_empty() => "this event has ticket types: choose one",
            Some(_) if types.is_empty() => "this event has no ticket types",
            Some(id) if !types.iter().any(|t| t.id == id) => "no such ticket type in this event",
            _ => return Ok(()),
        };
        Err(EventError::InvalidFields(vec![("ticket_type", problem.to_owned())]))
    }

    /// Free seats of each type, counting the `leaver`'s seat as free.
    pub(in crate::event) fn free_per_type(&self, leaver: Option<&Uuid>) -> HashMap<Uuid, usize> {
        let mut free: HashMap<Uuid, usize> = self
            .details
            .ticket_types
            .iter()
            .map(|t| (t.id, t.quantity.get()))
            .collect();
        let holders = self.held.iter().filter(|(user, _)| Some(*user) != leaver);
        for (_, code) in holders {
            let ticket_type = self.tickets.get(code).and_then(|t| t.ticket_type);
            if let Some(left) = ticket_type.and_then(|t| free.get_mut(&t)) {
                *left = left.saturating_sub(1);
            }
        }
        free
    }

    pub(super) fn has_room_for(&self, ticket_type: Uuid) -> bool {
        self.free_per_type(None).get(&ticket_type).is_some_and(|free| *free > 0)
    }

    /// A new ticket with a code from the service: unguessable, and never seen before.
    pub(super) fn ticket(&self, holder: Uuid, ticket_type: Option<Uuid>, codes: &dyn TicketCodes) -> Ticket {
        Ticket {
            code: codes.issue(holder),
            ticket_type,
        }
    }

    /// The creator lets a member in, once; a code of another event is not found here.
    pub(super) fn check_in(&self, code: Uuid, actor: Actor, at: DateTime<Utc>) -> Decision {
        let ticket = self.tickets.get(&code).ok_or(EventError::TicketNotFound)?;
        if ticket.void {
            return Err(EventError::TicketVoid);
        }
        if let Some(at) = ticket.checked_in {
            return Err(EventError::AlreadyCheckedIn { at });
        }
        let username = self.members.get(&ticket.holder).cloned().unwrap_or_default();
        Ok(vec![EventFact::TicketCheckedIn {
            code,
            holder: Actor::new(ticket.holder, username),
            actor,
            at,
        }])
    }
}
