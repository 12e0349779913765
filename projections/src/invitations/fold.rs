use aggregates::EventFact;

use crate::time::to_micros;
use crate::write::{args, Write};
use crate::Recorded;

/// The row writes one recorded event makes to `invitation_view`.
pub fn project(event: &Recorded) -> Vec<Write> {
    match &event.fact {
        EventFact::InvitationSent {
            invitation_id,
            invitee,
            actor,
            at,
        } => vec![Write::new(
            "INSERT INTO invitation_view (id, event_id, inviter_id, inviter_username, invitee_id,
                invitee_username, status, sent_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
            args![
                *invitation_id,
                event.event_id,
                actor.id,
                actor.username.as_str(),
                invitee.id,
                invitee.username.as_str(),
                to_micros(*at)
            ],
        )],
        EventFact::InvitationAccepted { invitation_id, at, .. } => vec![answered(*invitation_id, "accepted", *at)],
        EventFact::InvitationDeclined { invitation_id, at, .. } => vec![answered(*invitation_id, "declined", *at)],
        EventFact::InvitationWithdrawn { invitation_id, .. } => vec![Write::new(
            "DELETE FROM invitation_view WHERE id = $1",
            args![*invitation_id],
        )],
        EventFact::EventDeleted { .. } => vec![Write::new(
            "DELETE FROM invitation_view WHERE event_id = $1",
            args![event.event_id],
        )],
        EventFact::EventCreated { .. }
        | EventFact::EventUpdated { .. }
        | EventFact::EventClosed { .. }
        | EventFact::EventOpened { .. }
        | EventFact::MemberJoined { .. }
        | EventFact::MemberWaitlisted { .. }
        | EventFact::MemberLeft { .. }
        | EventFact::MemberRemoved { .. }
        | EventFact::MemberPromoted { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. }
        | EventFact::ReminderSent { .. }
        | EventFact::GuestRegistered { .. }
        | EventFact::GuestConfirmed { .. }
        | EventFact::GuestPromoted { .. }
        | EventFact::GuestCancelled { .. }
        | EventFact::GuestRemoved { .. } => Vec::new(),
    }
}

fn answered(invitation_id: uuid::Uuid, status: &str, at: chrono::DateTime<chrono::Utc>) -> Write {
    Write::new(
        "UPDATE invitation_view SET status = $2, responded_at = $3 WHERE id = $1",
        args![invitation_id, status, to_micros(at)],
    )
}
