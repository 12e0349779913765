use aggregates::{Actor, EventFact};

use crate::time::to_micros;
use crate::write::{args, Write};
use crate::Recorded;

/// The row writes one recorded event makes to `member_view`.
///
/// `queue` is the sequence at which a user took their current place: members and the
/// waitlist are both read in that order.
pub fn project(event: &Recorded) -> Vec<Write> {
    let at = to_micros(event.fact.at());
    match &event.fact {
        EventFact::MemberJoined { member, .. } => vec![insert(event, member, "member", at)],
        EventFact::MemberWaitlisted { member, .. } => vec![insert(event, member, "waitlisted", at)],
        EventFact::MemberLeft { member, .. } | EventFact::MemberRemoved { member, .. } => vec![Write::new(
            "DELETE FROM member_view WHERE event_id = $1 AND user_id = $2",
            args![event.event_id, member.id],
        )],
        EventFact::MemberPromoted { member, .. } => vec![Write::new(
            "UPDATE member_view SET status = 'member', joined_at = $3, queue = $4
             WHERE event_id = $1 AND user_id = $2",
            args![event.event_id, member.id, at, event.sequence],
        )],
        EventFact::EventDeleted { .. } => vec![Write::new(
            "DELETE FROM member_view WHERE event_id = $1",
            args![event.event_id],
        )],
        EventFact::EventCreated { .. }
        | EventFact::EventUpdated { .. }
        | EventFact::EventClosed { .. }
        | EventFact::EventOpened { .. }
        | EventFact::InvitationSent { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. }
        | EventFact::ReminderSent { .. } => Vec::new(),
    }
}

fn insert(event: &Recorded, member: &Actor, status: &str, at: i64) -> Write {
    Write::new(
        "INSERT INTO member_view (event_id, user_id, username, status, joined_at, queue)
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            event.event_id,
            member.id,
            member.username.as_str(),
            status,
            at,
            event.sequence
        ],
    )
}
