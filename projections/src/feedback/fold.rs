use aggregates::EventFact;

use crate::time::to_micros;
use crate::write::{args, Write};
use crate::Recorded;

/// The row writes one recorded event makes to `feedback_view`.
pub fn project(event: &Recorded) -> Vec<Write> {
    match &event.fact {
        EventFact::FeedbackLeft {
            feedback_id,
            rating,
            comment,
            actor,
            at,
        } => vec![Write::new(
            "INSERT INTO feedback_view (id, event_id, user_id, username, rating, comment, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            args![
                *feedback_id,
                event.event_id,
                actor.id,
                actor.username.as_str(),
                i64::from(rating.get()),
                comment.as_str(),
                to_micros(*at)
            ],
        )],
        EventFact::FeedbackWithdrawn { feedback_id, .. } => vec![Write::new(
            "DELETE FROM feedback_view WHERE id = $1",
            args![*feedback_id],
        )],
        EventFact::EventDeleted { .. } => vec![Write::new(
            "DELETE FROM feedback_view WHERE event_id = $1",
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
        | EventFact::InvitationSent { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. }
        | EventFact::ReminderSent { .. }
        | EventFact::GuestRegistered { .. }
        | EventFact::GuestConfirmed { .. }
        | EventFact::GuestPromoted { .. }
        | EventFact::GuestCancelled { .. }
        | EventFact::GuestRemoved { .. } => Vec::new(),
    }
}
