//! A user's account is being deleted: nothing of theirs stays in the event.

use chrono::{DateTime, Utc};

use crate::event::aggregate::EventState;
use crate::event::{Decision, EventFact};
use crate::{Actor, TicketCodes};

impl EventState {
    /// Everything of the actor's in this event goes: their seat (promoting the next in
    /// line), the invitations they received, and their feedback.
    pub(super) fn forget(&self, actor: Actor, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        let mut facts = match self.seat_of(actor.id) {
            Some(_) => self.leave(actor.clone(), at, codes)?,
            None => Vec::new(),
        };
        let invitations = self.invitations.iter().filter(|(_, i)| i.invitee.id == actor.id);
        facts.extend(invitations.map(|(id, i)| EventFact::InvitationWithdrawn {
            invitation_id: *id,
            invitee: i.invitee.clone(),
            actor: actor.clone(),
            at,
        }));
        if let Some(feedback_id) = self.feedback.get(&actor.id) {
            facts.push(EventFact::FeedbackWithdrawn {
                feedback_id: *feedback_id,
                actor,
                at,
            });
        }
        Ok(facts)
    }
}
