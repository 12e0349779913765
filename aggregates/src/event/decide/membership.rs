//! Seats taken and given up by users: joining, leaving, and the creator's removal of a user.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::event::aggregate::EventState;
use crate::event::{Decision, EventError, EventFact, Seat};
use crate::values::EventStatus;
use crate::{Actor, TicketCodes};

impl EventState {
    pub(super) fn join(
        &self,
        member: Actor,
        ticket_type: Option<Uuid>,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Decision {
        // A bad ticket type is a bad field: 400 comes before the 409s.
        self.check_ticket_type(ticket_type)?;
        if self.members.contains_key(&member.id) {
            return Err(EventError::AlreadyJoined);
        }
        if self.waitlist.contains_key(&member.id) {
            return Err(EventError::AlreadyWaitlisted);
        }
        if self.details.status == EventStatus::Closed {
            return Err(EventError::Closed);
        }
        Ok(vec![self.take_seat(member, ticket_type, at, codes)?])
    }

    pub(super) fn leave(&self, actor: Actor, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        let seat = self.seat_of(actor.id).ok_or(EventError::NotJoined)?;
        let member = actor.clone();
        let mut facts = vec![EventFact::MemberLeft {
            member,
            seat,
            actor: actor.clone(),
            at,
        }];
        facts.extend(self.promotions_after_leaving(seat, &actor.id, &actor, at, codes));
        Ok(facts)
    }

    pub(super) fn remove(&self, user_id: Uuid, actor: Actor, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        // Guests are removed as guests (their own fact, their own endpoint).
        if self.guests.contains_key(&user_id) {
            return Err(EventError::MemberNotFound);
        }
        let seat = self.seat_of(user_id).ok_or(EventError::MemberNotFound)?;
        let seats = match seat {
            Seat::Member => &self.members,
            Seat::Waitlist => &self.waitlist,
        };
        let member = Actor::new(user_id, seats[&user_id].clone());
        let mut facts = vec![EventFact::MemberRemoved {
            member,
            seat,
            actor: actor.clone(),
            at,
        }];
        facts.extend(self.promotions_after_leaving(seat, &user_id, &actor, at, codes));
        Ok(facts)
    }
}
