use aggregates::{Actor, EventFact};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::time::to_micros;
use crate::write::{self, eq, is_in, ne, values, Filter, Select, Write};
use crate::Recorded;

const NOTIFICATIONS: &str = "notification_view";
const AUDIENCE: &str = "notification_audience";

/// `notification_view`'s columns, the notified user's last.
const COLUMNS: [&str; 10] = [
    "id",
    "event_id",
    "kind",
    "actor_id",
    "actor_username",
    "detail",
    "tx",
    "pos",
    "created_at",
    "user_id",
];

/// Every notification `type`.
pub const KINDS: [&str; 8] = [
    "invited",
    "invitation_answered",
    "promoted",
    "event_changed",
    "event_reopened",
    "event_closed",
    "event_deleted",
    "starts_soon",
];

/// A notification's id: the same for every user the fact notifies, and after a rebuild.
pub fn notification_id(event_id: Uuid, sequence: i64) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6c1b_5e2a_93f4_4d1e_8a57_0b9e_2f3c_4d5e);
    Uuid::new_v5(&NAMESPACE, format!("{event_id}/{sequence}").as_bytes())
}

/// Who is told: one user, the event's creator, or everyone in its seats or waitlist (but
/// the actor, who knows).
enum To {
    User(Uuid),
    Creator,
    Participants,
    Members,
}

/// The row writes one recorded event makes to `notification_view` and its audience.
pub fn project(event: &Recorded) -> Vec<Write> {
    let id = event.event_id;
    match &event.fact {
        EventFact::EventCreated { actor, .. } => vec![join(id, actor.id, "creator")],
        EventFact::MemberJoined { member, .. } => vec![join(id, member.id, "member")],
        EventFact::MemberWaitlisted { member, .. } => vec![join(id, member.id, "waitlist")],
        EventFact::MemberLeft { member, .. } | EventFact::MemberRemoved { member, .. } => vec![leave(id, member.id)],
        EventFact::MemberPromoted { member, .. } => vec![
            leave(id, member.id),
            join(id, member.id, "member"),
            // Told as their own doing: the actor is often the member who left, whom only
            // the creator may know of.
            notify_as(event, member, To::User(member.id), "promoted", json!({})),
        ],
        EventFact::InvitationSent {
            invitation_id, invitee, ..
        } => vec![notify(
            event,
            To::User(invitee.id),
            "invited",
            json!({"invitation_id": invitation_id}),
        )],
        EventFact::InvitationAccepted { invitation_id, .. } => vec![answered(event, *invitation_id, "accepted")],
        EventFact::InvitationDeclined { invitation_id, .. } => vec![answered(event, *invitation_id, "declined")],
        EventFact::EventUpdated { changes, .. } => {
            let detail = json!({"fields": changes.field_names()});
            vec![notify(event, To::Participants, "event_changed", detail)]
        }
        EventFact::EventOpened { .. } => vec![notify(event, To::Participants, "event_reopened", json!({}))],
        EventFact::EventClosed { .. } => vec![notify(event, To::Participants, "event_closed", json!({}))],
        EventFact::EventDeleted { .. } => vec![notify(event, To::Participants, "event_deleted", json!({}))],
        EventFact::ReminderSent { start_time, .. } => {
            vec![notify(
                event,
                To::Members,
                "starts_soon",
                json!({"start_time": start_time}),
            )]
        }
        EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. } => Vec::new(),
        // Guests have no account to be notified in; their mail goes through the outbox.
        EventFact::GuestRegistered { .. }
        | EventFact::GuestConfirmed { .. }
        | EventFact::GuestPromoted { .. }
        | EventFact::GuestCancelled { .. }
        | EventFact::GuestRemoved { .. } => Vec::new(),
    }
}

fn join(event_id: Uuid, user_id: Uuid, role: &str) -> Write {
    Write::insert_or_ignore(
        AUDIENCE,
        &["event_id", "user_id", "role"],
        values![event_id, user_id, role],
    )
}

fn leave(event_id: Uuid, user_id: Uuid) -> Write {
    Write::delete(
        AUDIENCE,
        [eq("event_id", event_id), eq("user_id", user_id), ne("role", "creator")],
    )
}

/// The creator hears the invitee's answer.
fn answered(event: &Recorded, invitation_id: Uuid, answer: &str) -> Write {
    let detail = json!({"invitation_id": invitation_id, "answer": answer});
    notify(event, To::Creator, "invitation_answered", detail)
}

fn notify(event: &Recorded, to: To, kind: &str, detail: Value) -> Write {
    notify_as(event, event.fact.actor(), to, kind, detail)
}

/// A notification naming `actor` as its cause.
fn notify_as(event: &Recorded, actor: &Actor, to: To, kind: &str, detail: Value) -> Write {
    let values = values![
        notification_id(event.event_id, event.sequence),
        event.event_id,
        kind,
        actor.id,
        actor.username.as_str(),
        detail.to_string(),
        event.position.tx,
        event.position.pos,
        to_micros(event.fact.at())
    ];
    match to {
        To::User(user) => Write::insert(NOTIFICATIONS, &COLUMNS, values.into_iter().chain(values![user])),
        To::Creator => audience(event, actor, values, &["creator"]),
        To::Participants => audience(event, actor, values, &["member", "waitlist"]),
        To::Members => audience(event, actor, values, &["member"]),
    }
}

/// Everyone of the event's audience in one of `roles`, but the actor.
fn audience(event: &Recorded, actor: &Actor, values: [write::Value; 9], roles: &[&str]) -> Write {
    let each = Select {
        table: AUDIENCE,
        column: "user_id",
        filter: Filter(vec![
            eq("event_id", event.event_id),
            is_in("role", roles.iter().map(|&role| role.into())),
            ne("user_id", actor.id),
        ]),
    };
    Write::insert_each(NOTIFICATIONS, &COLUMNS, values, each)
}
