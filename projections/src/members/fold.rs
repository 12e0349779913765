use aggregates::event::GuestPlace;
use aggregates::{Actor, EventFact};
use uuid::Uuid;

use crate::time::to_micros;
use crate::write::{eq, to, values, Arg, Write};
use crate::Recorded;

const TABLE: &str = "member_view";

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
        EventFact::EventDeleted { .. } => vec![Write::delete(TABLE, [eq("event_id", event.event_id)])],
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
    Write::update(
        TABLE,
        [to("status", "member"), to("joined_at", at), to("queue", event.sequence)],
        [eq("event_id", event.event_id), eq("user_id", holder)],
    )
}

fn delete(event: &Recorded, holder: Uuid) -> Write {
    Write::delete(TABLE, [eq("event_id", event.event_id), eq("user_id", holder)])
}

/// A guest's row holds their guest id as `user_id` and their address as `guest_email`.
fn insert(event: &Recorded, member: &Actor, status: &str, at: i64, guest_email: Option<&str>) -> Write {
    Write::insert(
        TABLE,
        &[
            "event_id",
            "user_id",
            "username",
            "status",
            "joined_at",
            "queue",
            "guest_email",
        ],
        values![
            event.event_id,
            member.id,
            member.username.as_str(),
            status,
            at,
            event.sequence,
            Arg::OptText(guest_email.map(str::to_owned)),
        ],
    )
}
