//! Invitations: the creator invites a user, who accepts (taking a seat) or declines.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::event::aggregate::EventState;
use crate::event::{Decision, EventError, EventFact};
use crate::{Actor, TicketCodes};

impl EventState {
    pub(super) fn invite(&self, invitation_id: Uuid, invitee: Actor, actor: Actor, at: DateTime<Utc>) -> Decision {
        if self.seat_of(invitee.id).is_some() {
            return Err(EventError::InviteeAlreadyJoined);
        }
        if self
            .invitations
            .values()
            .any(|i| i.pending && i.invitee.id == invitee.id)
        {
            return Err(EventError::AlreadyInvited);
        }
        Ok(vec![EventFact::InvitationSent {
            invitation_id,
            invitee,
            actor,
            at,
        }])
    }

    /// Accepting takes a seat like a join, but also in a closed event: the creator asked.
    pub(super) fn answer(
        &self,
        invitation_id: Uuid,
        accept: bool,
        ticket_type: Option<Uuid>,
        actor: Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Decision {
        let invitation = self
            .invitations
            .get(&invitation_id)
            .filter(|i| i.invitee.id == actor.id)
            .ok_or(EventError::InvitationNotFound)?;
        if !invitation.pending {
            return Err(EventError::InvitationAnswered);
        }
        if !accept {
            return Ok(vec![EventFact::InvitationDeclined {
                invitation_id,
                actor,
                at,
            }]);
        }
        let accepted = EventFact::InvitationAccepted {
            invitation_id,
            actor: actor.clone(),
            at,
        };
        if self.seat_of(actor.id).is_some() {
            return Ok(vec![accepted]);
        }
        self.check_ticket_type(ticket_type)?;
        let seat = self.take_seat(actor, ticket_type, at, codes)?;
        Ok(vec![accepted, seat])
    }
}
