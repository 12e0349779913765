use aggregates::EventFact;

use crate::time::to_micros;
use crate::write::{eq, values, Write};
use crate::Recorded;

const TABLE: &str = "feedback_view";

/// The row writes one recorded event makes to `feedback_view`.
pub fn project(event: &Recorded) -> Vec<Write> {
    match &event.fact {
        EventFact::FeedbackLeft {
            feedback_id,
            rating,
            comment,
            actor,
            at,
        } => vec![Write::insert(
            TABLE,
            &[
                "id",
                "event_id",
                "user_id",
                "username",
                "rating",
                "comment",
                "created_at",
            ],
            values![
                *feedback_id,
                event.event_id,
                actor.id,
                actor.username.as_str(),
                i64::from(rating.get()),
                comment.as_str(),
                to_micros(*at)
            ],
        )],
        EventFact::FeedbackWithdrawn { feedback_id, .. } => vec![Write::delete(TABLE, [eq("id", *feedback_id)])],
        EventFact::EventDeleted { .. } => vec![Write::delete(TABLE, [eq("event_id", event.event_id)])],
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
