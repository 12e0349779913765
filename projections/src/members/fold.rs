use aggregates::event::GuestPlace;
use aggregates::{Actor, EventFact};
use uuid::Uuid;

use crate::time::to_micros;
use crate::write::{args, Arg, Write};
use crate::Recorded;

/// The row writes one recorded event makes to `member_view`.
///
/// `queue` is the sequence at which a user took their current place: members and the
/// waitlist are both read in that order.
pub fn project(event: &Recorded) -> Vec<Write> {
    let at = to_micros(event.fact.at());
    match &event.fact {
        EventFact::MemberJoined { member, .. } => vec![insert(event, member, "member", at, None)],
        EventFact::MemberWaitlisted { member, .. } => vec![insert(event, member, "waitlisted", at, None)],
        EventFact::MemberLeft { member, .. } | EventFact::MemberRemoved { member, .. } => {
            vec![delete(event, member.id)]
        }
        EventFact::MemberPromoted { member, .. } => vec![promote(event, member.id, at)],
        EventFact::GuestPromoted { guest, .. } => vec![promote(event, guest.id, at)],
        EventFact::GuestConfirmed { guest, place, .. } => {
            let status = match place {
                GuestPlace::Member { .. } => "member",
                GuestPlace::Waitlist { .. } => "waitlisted",
            };
            vec![insert(event, &guest.as_actor(), status, at, Some(guest.email.as_str()))]
        }
        EventFact::GuestCancelled { guest, .. } | EventFact::GuestRemoved { guest, .. } => {
            vec![delete(event, guest.id)]
        }
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
        | EventFact::ReminderSent { .. }
        | EventFact::GuestRegistered { .. } => Vec::new(),
    }
}

fn promote(event: &Recorded, holder: Uuid, at: i64) -> Write {
    Write::new(
        "UPDATE member_view SET status = 'member', joined_at = $3, queue = $4
         WHERE event_id = $1 AND user_id = $2",
        args![event.event_id, holder, at, event.sequence],
    )
}

fn delete(event: &Recorded, holder: Uuid) -> Write {
    Write::new(
        "DELETE FROM member_view WHERE event_id = $1 AND user_id = $2",
        args![event.event_id, holder],
    )
}

/// A guest's row holds their guest id as `user_id` and their address as `guest_email`.
fn insert(event: &Recorded, member: &Actor, status: &str, at: i64, guest_email: Option<&str>) -> Write {
    Write::new(
        "INSERT INTO member_view (event_id, user_id, username, status, joined_at, queue, guest_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            event.event_id.into(),
            member.id.into(),
            member.username.as_str().into(),
            status.into(),
            at.into(),
            event.sequence.into(),
            Arg::OptText(guest_email.map(str::to_owned)),
        ],
    )
}
