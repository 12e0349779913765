//! Guests: a seat for someone without an account, taken only once they confirm their
//! address, by the same rule as a user's join.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::event::aggregate::{EventState, GuestStage};
use crate::event::{Decision, EventError, EventFact, Guest, Seat};
use crate::values::{EventStatus, Visibility};
use crate::{Actor, TicketCodes};

/// How long a registration waits for its confirmation.
pub const GUEST_CONFIRMATION_WINDOW: TimeDelta = TimeDelta::hours(24);

impl EventState {
    pub(super) fn register_guest(&self, guest: Guest, ticket_type: Option<Uuid>, at: DateTime<Utc>) -> Decision {
        // To someone without an account a private event does not exist.
        match self.details.visibility {
            Visibility::Private => return Err(EventError::NotFound),
            Visibility::Public => {}
        }
        if !self.details.guest_registration {
            return Err(EventError::GuestsNotAccepted);
        }
        self.check_ticket_type(ticket_type)?;
        self.check_address_free(&guest)?;
        self.check_open_before_start(at)?;
        Ok(vec![EventFact::GuestRegistered {
            actor: guest.as_actor(),
            guest,
            expires_at: at + GUEST_CONFIRMATION_WINDOW,
            ticket_type,
            at,
        }])
    }

    /// The seat rules of a join, for a registration that is pending and not expired.
    pub(super) fn confirm_guest(&self, guest_id: Uuid, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        let registration = self
            .guests
            .get(&guest_id)
            .filter(|g| g.stage == GuestStage::Pending && at < g.expires_at)
            .ok_or(EventError::GuestLinkInvalid)?;
        if !self.details.guest_registration {
            return Err(EventError::GuestsNotAccepted);
        }
        let guest = registration.guest.clone();
        self.check_address_free(&guest)?;
        self.check_open_before_start(at)?;
        let place = self.place_for(guest_id, registration.ticket_type, at, codes)?;
        Ok(vec![EventFact::GuestConfirmed {
            actor: guest.as_actor(),
            guest,
            place,
            at,
        }])
    }

    /// The guest frees their seat or place; the next in line moves up.
    pub(super) fn cancel_guest(&self, guest_id: Uuid, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        let (guest, seat) = self.seated_guest(guest_id).ok_or(EventError::GuestLinkInvalid)?;
        let actor = guest.as_actor();
        let cancelled = EventFact::GuestCancelled {
            guest,
            seat,
            actor: actor.clone(),
            at,
        };
        Ok(self.and_promotions(cancelled, guest_id, seat, &actor, at, codes))
    }

    pub(super) fn remove_guest(
        &self,
        guest_id: Uuid,
        actor: Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Decision {
        let (guest, seat) = self.seated_guest(guest_id).ok_or(EventError::GuestNotFound)?;
        let removed = EventFact::GuestRemoved {
            guest,
            seat,
            actor: actor.clone(),
            at,
        };
        Ok(self.and_promotions(removed, guest_id, seat, &actor, at, codes))
    }

    /// A guest's going, then whoever it lets take a seat.
    fn and_promotions(
        &self,
        going: EventFact,
        guest_id: Uuid,
        seat: Seat,
        actor: &Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Vec<EventFact> {
        let mut facts = vec![going];
        facts.extend(self.promotions_after_leaving(seat, &guest_id, actor, at, codes));
        facts
    }

    /// A confirmed guest who still holds a seat or a place, and which.
    fn seated_guest(&self, guest_id: Uuid) -> Option<(Guest, Seat)> {
        let registration = self.guests.get(&guest_id).filter(|g| g.stage == GuestStage::Seated)?;
        Some((registration.guest.clone(), self.seat_of(guest_id)?))
    }

    /// One address holds at most one seat or place in line per event.
    fn check_address_free(&self, guest: &Guest) -> Result<(), EventError> {
        let key = guest.email.key();
        let taken = self
            .guests
            .values()
            .any(|g| g.stage == GuestStage::Seated && g.guest.email.key() == key);
        if taken {
            return Err(EventError::GuestAlreadySeated);
        }
        Ok(())
    }

    fn check_open_before_start(&self, at: DateTime<Utc>) -> Result<(), EventError> {
        match self.details.status {
            EventStatus::Closed => Err(EventError::Closed),
            EventStatus::Open if at >= self.details.start_time => Err(EventError::AlreadyStarted),
            EventStatus::Open => Ok(()),
        }
    }
}
