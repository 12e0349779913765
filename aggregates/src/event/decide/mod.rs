//! The rules: each command either becomes facts or is refused, without touching state.
//! One file per command family; this one routes each command to its rule, after the checks
//! of who may see and change the event that every family shares.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::aggregate::{Event, EventState};
use super::{Decision, EventCommand, EventError, Guest};
use crate::values::Visibility;
use crate::{Actor, TicketCodes};

mod checks;
mod create;
mod details;
mod feedback;
mod forget;
pub(super) mod guests;
mod invitations;
mod lifecycle;
mod membership;
mod seats;
pub(super) mod tickets;

pub use checks::schedule_problems;

impl Event {
    pub(super) fn decide(&self, command: EventCommand, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        match command {
            EventCommand::CreateEvent { details, actor } => self.create(details, actor, at),
            EventCommand::UpdateEvent {
                changes,
                status,
                expected_version,
                actor,
            } => {
                let state = self.guarded(&actor, expected_version)?;
                state.update(changes, status, actor, at, codes)
            }
            EventCommand::DeleteEvent {
                expected_version,
                actor,
            } => self.guarded(&actor, expected_version)?.delete(actor, at),
            EventCommand::JoinEvent { ticket_type, actor } => self.seen_by(&actor)?.join(actor, ticket_type, at, codes),
            EventCommand::LeaveEvent { actor } => self.seen_by(&actor)?.leave(actor, at, codes),
            EventCommand::RemoveMember { user_id, actor } => {
                self.guarded(&actor, None)?.remove(user_id, actor, at, codes)
            }
            EventCommand::SendInvitation {
                invitation_id,
                invitee,
                actor,
            } => self.guarded(&actor, None)?.invite(invitation_id, invitee, actor, at),
            EventCommand::AnswerInvitation {
                invitation_id,
                accept,
                ticket_type,
                actor,
            } => self
                .seen_by(&actor)?
                .answer(invitation_id, accept, ticket_type, actor, at, codes),
            EventCommand::CheckInTicket { code, actor } => self.guarded(&actor, None)?.check_in(code, actor, at),
            EventCommand::LeaveFeedback {
                feedback_id,
                rating,
                comment,
                actor,
            } => self.seen_by(&actor)?.review(feedback_id, rating, &comment, actor, at),
            // A deleted event has nothing of the user's left to forget.
            EventCommand::ForgetParticipant { actor } => {
                self.live().map_or(Ok(Vec::new()), |s| s.forget(actor, at, codes))
            }
            EventCommand::SendReminder { actor } => self.guarded(&actor, None)?.remind(actor, at),
            EventCommand::RegisterGuest {
                guest_id,
                name,
                email,
                ticket_type,
            } => {
                let guest = Guest {
                    id: guest_id,
                    name,
                    email,
                };
                self.live()?.register_guest(guest, ticket_type, at)
            }
            // A link to an event that is gone is as invalid as a forged one.
            EventCommand::ConfirmGuest { guest_id } => self
                .live()
                .map_err(|_| EventError::GuestLinkInvalid)?
                .confirm_guest(guest_id, at, codes),
            EventCommand::CancelGuest { guest_id } => self
                .live()
                .map_err(|_| EventError::GuestLinkInvalid)?
                .cancel_guest(guest_id, at, codes),
            EventCommand::RemoveGuest { guest_id, actor } => {
                self.guarded(&actor, None)?.remove_guest(guest_id, actor, at, codes)
            }
        }
    }

    /// The event, unless it was never created or has been deleted.
    fn live(&self) -> Result<&EventState, EventError> {
        self.state.as_ref().filter(|s| !s.deleted).ok_or(EventError::NotFound)
    }

    /// The live event, if `actor` may see it: to anyone else a private event does not exist.
    fn seen_by(&self, actor: &Actor) -> Result<&EventState, EventError> {
        self.live()?.seen_by(actor.id).ok_or(EventError::NotFound)
    }

    /// The live event, for its creator only, at the version the caller expects. An outsider
    /// is told a private event does not exist before being told it is not theirs.
    fn guarded(&self, actor: &Actor, expected_version: Option<u64>) -> Result<&EventState, EventError> {
        let state = self.seen_by(actor)?;
        if state.creator.id != actor.id {
            return Err(EventError::NotCreator);
        }
        match expected_version {
            Some(expected) if expected != self.version => Err(EventError::VersionMismatch { current: self.version }),
            _ => Ok(state),
        }
    }
}

impl EventState {
    /// The event, if `user` may see it: anyone a public one; a private one its creator, its
    /// members and waitlisted users, and whoever holds an invitation to it (answered or not).
    fn seen_by(&self, user: Uuid) -> Option<&Self> {
        let sees = match self.details.visibility {
            Visibility::Public => true,
            Visibility::Private => {
                self.creator.id == user
                    || self.seat_of(user).is_some()
                    || self.invitations.values().any(|i| i.invitee.id == user)
            }
        };
        sees.then_some(self)
    }
}
