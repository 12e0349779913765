//! Who sits where: the one rule by which users and guests take a seat or a place in line,
//! and who moves up when a seat comes free.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::event::aggregate::EventState;
use crate::event::{EventError, EventFact, GuestPlace, Seat};
use crate::{Actor, TicketCodes};

impl EventState {
    /// A user's seat or place in line, as [`Self::place_for`] finds it.
    pub(super) fn take_seat(
        &self,
        member: Actor,
        ticket_type: Option<Uuid>,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Result<EventFact, EventError> {
        let actor = member.clone();
        Ok(match self.place_for(member.id, ticket_type, at, codes)? {
            GuestPlace::Member { ticket } => EventFact::MemberJoined {
                member,
                actor,
                at,
                ticket: Some(ticket),
            },
            GuestPlace::Waitlist { position } => EventFact::MemberWaitlisted {
                member,
                position,
                actor,
                at,
                ticket_type,
            },
        })
    }

    /// A seat (of the type asked for) if one is free, else a place on the waitlist if it is
    /// on; never after the start. Users and guests take their places by this one rule.
    pub(super) fn place_for(
        &self,
        holder: Uuid,
        ticket_type: Option<Uuid>,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Result<GuestPlace, EventError> {
        if at >= self.details.start_time {
            return Err(EventError::AlreadyStarted);
        }
        let seat_free = self.members.len() < self.details.capacity.get();
        let type_free = ticket_type.is_none_or(|t| self.has_room_for(t));
        if seat_free && type_free {
            let ticket = self.ticket(holder, ticket_type, codes);
            return Ok(GuestPlace::Member { ticket });
        }
        if !self.details.waitlist_enabled {
            return Err(if seat_free {
                EventError::TicketTypeSoldOut
            } else {
                EventError::Full
            });
        }
        let position = self.waitlist.len() + 1;
        Ok(GuestPlace::Waitlist { position })
    }

    pub(super) fn seat_of(&self, user_id: Uuid) -> Option<Seat> {
        if self.members.contains_key(&user_id) {
            Some(Seat::Member)
        } else if self.waitlist.contains_key(&user_id) {
            Some(Seat::Waitlist)
        } else {
            None
        }
    }

    pub(super) fn promotions_after_leaving(
        &self,
        seat: Seat,
        leaver: &Uuid,
        actor: &Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Vec<EventFact> {
        match seat {
            Seat::Member => self.promotions(self.details.capacity.get(), Some(leaver), actor, at, codes),
            Seat::Waitlist => Vec::new(),
        }
    }

    /// The waitlisted users, first come first served, who fit into the free seats (and,
    /// in events with ticket types, into a free seat of the type they wait for), counting
    /// the `leaver`'s seat as free.
    pub(super) fn promotions(
        &self,
        capacity: usize,
        leaver: Option<&Uuid>,
        actor: &Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Vec<EventFact> {
        let members = self.members.len() - usize::from(leaver.is_some());
        let mut free = capacity.saturating_sub(members);
        let mut type_free = self.free_per_type(leaver);
        let mut facts = Vec::new();
        for (id, username) in &self.waitlist {
            if free == 0 {
                break;
            }
            let ticket_type = self.waiting_for.get(id).copied();
            if let Some(t) = ticket_type {
                match type_free.get_mut(&t) {
                    Some(left) if *left > 0 => *left -= 1,
                    _ => continue,
                }
            }
            free -= 1;
            let ticket = self.ticket(*id, ticket_type, codes);
            facts.push(match self.guests.get(id) {
                Some(guest) => EventFact::GuestPromoted {
                    guest: guest.guest.clone(),
                    ticket,
                    actor: actor.clone(),
                    at,
                },
                None => EventFact::MemberPromoted {
                    member: Actor::new(*id, username.clone()),
                    actor: actor.clone(),
                    at,
                    ticket: Some(ticket),
                },
            });
        }
        facts
    }
}
