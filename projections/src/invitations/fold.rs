use aggregates::EventFact;

use crate::time::to_micros;
use crate::write::{eq, to, values, Write};
use crate::Recorded;

const TABLE: &str = "invitation_view";

/// The row writes one recorded event makes to `invitation_view`.
pub fn project(event: &Recorded) -> Vec<Write> {
    match &event.fact {
        EventFact::InvitationSent {
            invitation_id,
            invitee,
            actor,
            at,
        } => vec![Write::insert(
            TABLE,
            &[
                "id",
                "event_id",
                "inviter_id",
                "inviter_username",
                "invitee_id",
                "invitee_username",
                "status",
                "sent_at",
            ],
            values![
                *invitation_id,
                event.event_id,
                actor.id,
                actor.username.as_str(),
                invitee.id,
                invitee.username.as_str(),
                "pending",
                to_micros(*at)
            ],
        )],
        EventFact::InvitationAccepted { invitation_id, at, .. } => vec![answered(*invitation_id, "accepted", *at)],
        EventFact::InvitationDeclined { invitation_id, at, .. } => vec![answered(*invitation_id, "declined", *at)],
        EventFact::InvitationWithdrawn { invitation_id, .. } => vec![Write::delete(TABLE, [eq("id", *invitation_id)])],
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
    Write::update(
        TABLE,
        [to("status", status), to("responded_at", to_micros(at))],
        [eq("id", invitation_id)],
    )
}
