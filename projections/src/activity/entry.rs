use aggregates::event::{Guest, GuestPlace, Seat};
use aggregates::{Actor, EventFact};
use serde_json::{json, Value};

/// Every `type` the log can hold.
pub const LOG_TYPES: [&str; 24] = [
    "event_created",
    "event_updated",
    "event_opened",
    "event_closed",
    "event_deleted",
    "member_joined",
    "member_left",
    "member_removed",
    "member_waitlisted",
    "member_promoted",
    "invitation_sent",
    "invitation_accepted",
    "invitation_declined",
    "feedback_left",
    // Beyond the contract's list: what deleting an account takes away.
    "invitation_withdrawn",
    "feedback_withdrawn",
    // The briefs' features beyond the contract.
    "ticket_checked_in",
    "series_created",
    // The scheduler's reminder that the event starts soon.
    "reminder_sent",
    // People without an account: registered, then seated by their confirmation.
    "guest_registered",
    "guest_confirmed",
    "guest_promoted",
    "guest_cancelled",
    "guest_removed",
];

/// How one fact reads in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: &'static str,
    pub action: String,
    /// Details beyond the actor; `via` is added by the fold.
    pub metadata: Value,
}

fn user(actor: &Actor) -> Value {
    json!({"id": actor.id, "username": actor.username})
}

/// A guest as the log shows them: by name, with their address masked.
fn guest_of(guest: &Guest) -> Value {
    json!({"id": guest.id, "name": guest.name.as_str(), "email": guest.email.masked()})
}

fn place(seat: Seat) -> &'static str {
    match seat {
        Seat::Member => "the event",
        Seat::Waitlist => "the waitlist",
    }
}

fn seat_name(seat: Seat) -> &'static str {
    match seat {
        Seat::Member => "member",
        Seat::Waitlist => "waitlist",
    }
}

pub fn describe(fact: &EventFact) -> Entry {
    let entry = |kind, action: String, metadata| Entry { kind, action, metadata };
    let who = &fact.actor().username;
    match fact {
        EventFact::EventCreated { details, .. } => match details.series_id {
            None => entry("event_created", format!("{who} created the event"), json!({})),
            Some(series_id) => entry(
                "series_created",
                format!("{who} created the event as an occurrence of a series"),
                json!({"series_id": series_id}),
            ),
        },
        EventFact::EventUpdated { changes, .. } => {
            let fields = changes.field_names();
            entry(
                "event_updated",
                format!("{who} updated {}", fields.join(", ")),
                json!({ "fields": fields }),
            )
        }
        EventFact::EventClosed { .. } => entry("event_closed", format!("{who} closed the event"), json!({})),
        EventFact::EventOpened { .. } => entry("event_opened", format!("{who} opened the event"), json!({})),
        EventFact::EventDeleted { .. } => entry("event_deleted", format!("{who} deleted the event"), json!({})),
        EventFact::MemberJoined { member, .. } => entry(
            "member_joined",
            format!("{} joined the event", member.username),
            json!({"user": user(member)}),
        ),
        EventFact::MemberWaitlisted { member, position, .. } => entry(
            "member_waitlisted",
            format!("{} joined the waitlist at position {position}", member.username),
            json!({"user": user(member), "position": position}),
        ),
        EventFact::MemberLeft { member, seat, .. } => entry(
            "member_left",
            format!("{} left {}", member.username, place(*seat)),
            json!({"user": user(member), "seat": seat_name(*seat)}),
        ),
        EventFact::MemberRemoved { member, seat, .. } => entry(
            "member_removed",
            format!("{who} removed {} from {}", member.username, place(*seat)),
            json!({"user": user(member), "seat": seat_name(*seat)}),
        ),
        EventFact::MemberPromoted { member, .. } => entry(
            "member_promoted",
            format!("{} was promoted from the waitlist", member.username),
            json!({"user": user(member)}),
        ),
        EventFact::InvitationSent {
            invitation_id, invitee, ..
        } => entry(
            "invitation_sent",
            format!("{who} invited {}", invitee.username),
            json!({"invitation_id": invitation_id, "user": user(invitee)}),
        ),
        EventFact::InvitationAccepted { invitation_id, .. } => entry(
            "invitation_accepted",
            format!("{who} accepted the invitation"),
            json!({"invitation_id": invitation_id}),
        ),
        EventFact::InvitationDeclined { invitation_id, .. } => entry(
            "invitation_declined",
            format!("{who} declined the invitation"),
            json!({"invitation_id": invitation_id}),
        ),
        EventFact::InvitationWithdrawn {
            invitation_id, invitee, ..
        } => entry(
            "invitation_withdrawn",
            format!("the invitation of {} was withdrawn", invitee.username),
            json!({"invitation_id": invitation_id, "user": user(invitee)}),
        ),
        EventFact::FeedbackLeft {
            feedback_id, rating, ..
        } => entry(
            "feedback_left",
            format!("{who} left feedback rated {}/5", rating.get()),
            json!({"feedback_id": feedback_id, "rating": rating.get()}),
        ),
        EventFact::FeedbackWithdrawn { feedback_id, .. } => entry(
            "feedback_withdrawn",
            format!("the feedback of {who} was withdrawn"),
            json!({"feedback_id": feedback_id}),
        ),
        EventFact::TicketCheckedIn { code, holder, .. } => entry(
            "ticket_checked_in",
            format!("{who} checked {} in", holder.username),
            json!({"user": user(holder), "code": code}),
        ),
        EventFact::ReminderSent { start_time, .. } => entry(
            "reminder_sent",
            "the members were reminded that the event starts within 24 hours".to_owned(),
            json!({"start_time": start_time}),
        ),
        EventFact::GuestRegistered { guest, expires_at, .. } => entry(
            "guest_registered",
            format!("{} registered as a guest, to confirm by email", guest.name.as_str()),
            json!({"guest": guest_of(guest), "expires_at": expires_at}),
        ),
        EventFact::GuestConfirmed { guest, place, .. } => match place {
            GuestPlace::Member { .. } => entry(
                "guest_confirmed",
                format!("{} confirmed and joined the event as a guest", guest.name.as_str()),
                json!({"guest": guest_of(guest), "seat": seat_name(Seat::Member)}),
            ),
            GuestPlace::Waitlist { position } => entry(
                "guest_confirmed",
                format!(
                    "{} confirmed and joined the waitlist at position {position} as a guest",
                    guest.name.as_str()
                ),
                json!({"guest": guest_of(guest), "seat": seat_name(Seat::Waitlist), "position": position}),
            ),
        },
        EventFact::GuestPromoted { guest, .. } => entry(
            "guest_promoted",
            format!("{} (guest) was promoted from the waitlist", guest.name.as_str()),
            json!({"guest": guest_of(guest)}),
        ),
        EventFact::GuestCancelled { guest, seat, .. } => entry(
            "guest_cancelled",
            format!("{} (guest) cancelled and left {}", guest.name.as_str(), place(*seat)),
            json!({"guest": guest_of(guest), "seat": seat_name(*seat)}),
        ),
        EventFact::GuestRemoved { guest, seat, .. } => entry(
            "guest_removed",
            format!("{who} removed {} (guest) from {}", guest.name.as_str(), place(*seat)),
            json!({"guest": guest_of(guest), "seat": seat_name(*seat)}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of fact as release 1 stored it (the domain's upcasting fixture).
    const STORED: &str = include_str!("../../../aggregates/src/event/tests/fixtures/facts-v1.json");

    #[test]
    fn every_fact_reads_as_a_type_that_the_filter_and_the_document_know() {
        let stored: Vec<Value> = serde_json::from_str(STORED).unwrap();
        assert!(stored.len() > 20, "the fixture holds every kind of fact");
        for entry in stored {
            let fact: EventFact = serde_json::from_value(entry["payload"].clone()).unwrap();
            let kind = describe(&fact).kind;
            assert!(
                LOG_TYPES.contains(&kind),
                "{kind} (of {}) is not in LOG_TYPES",
                entry["event_type"]
            );
        }
    }
}
