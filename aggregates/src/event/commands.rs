use uuid::Uuid;

use super::{DetailChanges, EventDetails};
use crate::values::{EventStatus, GuestEmail, GuestName};
use crate::Actor;

/// What users ask of an event. `expected_version` carries an `If-Match` precondition.
#[derive(Debug, Clone, PartialEq)]
pub enum EventCommand {
    CreateEvent {
        details: EventDetails,
        actor: Actor,
    },
    UpdateEvent {
        changes: DetailChanges,
        status: Option<EventStatus>,
        expected_version: Option<u64>,
        actor: Actor,
    },
    DeleteEvent {
        expected_version: Option<u64>,
        actor: Actor,
    },
    /// `ticket_type` is required exactly when the event has ticket types.
    JoinEvent {
        ticket_type: Option<Uuid>,
        actor: Actor,
    },
    LeaveEvent {
        actor: Actor,
    },
    RemoveMember {
        user_id: Uuid,
        actor: Actor,
    },
    SendInvitation {
        invitation_id: Uuid,
        invitee: Actor,
        actor: Actor,
    },
    AnswerInvitation {
        invitation_id: Uuid,
        accept: bool,
        ticket_type: Option<Uuid>,
        actor: Actor,
    },
    /// The creator scans a member's ticket at the door.
    CheckInTicket {
        code: Uuid,
        actor: Actor,
    },
    /// Rating and comment arrive unchecked: who may leave feedback is decided first.
    LeaveFeedback {
        feedback_id: Uuid,
        rating: i64,
        comment: String,
        actor: Actor,
    },
    /// The actor's account is being deleted: they leave, and their invitations and
    /// feedback go with them.
    ForgetParticipant {
        actor: Actor,
    },
    /// The scheduler, for the creator (`actor`): tell the members the event starts soon.
    SendReminder {
        actor: Actor,
    },
    /// Anyone, in an event open to guests: ask for a seat under a name and an address.
    /// `guest_id` is new, drawn by the caller.
    RegisterGuest {
        guest_id: Uuid,
        name: GuestName,
        email: GuestEmail,
        ticket_type: Option<Uuid>,
    },
    /// The guest, from the confirmation link in their email.
    ConfirmGuest {
        guest_id: Uuid,
    },
    /// The guest, from the cancel link that came with their ticket.
    CancelGuest {
        guest_id: Uuid,
    },
    /// The creator sends a guest away.
    RemoveGuest {
        guest_id: Uuid,
        actor: Actor,
    },
}

impl EventCommand {
    /// The user who asks: `None` for what a guest asks through their links.
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Self::CreateEvent { actor, .. }
            | Self::UpdateEvent { actor, .. }
            | Self::DeleteEvent { actor, .. }
            | Self::JoinEvent { actor, .. }
            | Self::LeaveEvent { actor }
            | Self::RemoveMember { actor, .. }
            | Self::SendInvitation { actor, .. }
            | Self::AnswerInvitation { actor, .. }
            | Self::CheckInTicket { actor, .. }
            | Self::LeaveFeedback { actor, .. }
            | Self::ForgetParticipant { actor }
            | Self::SendReminder { actor }
            | Self::RemoveGuest { actor, .. } => Some(actor),
            Self::RegisterGuest { .. } | Self::ConfirmGuest { .. } | Self::CancelGuest { .. } => None,
        }
    }
}
