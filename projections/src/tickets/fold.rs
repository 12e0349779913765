use aggregates::event::{GuestPlace, Seat};
use aggregates::values::Ticket;
use aggregates::{Actor, EventFact};

use crate::time::to_micros;
use crate::write::{add, eq, lookup, name, ne, to, values, Arg, Write};
use crate::Recorded;

const TYPES: &str = "ticket_type_view";
const TICKETS: &str = "ticket_view";

/// The row writes one recorded event makes to `ticket_type_view` and `ticket_view`.
///
/// A ticket is `valid`, then perhaps `checked_in`; leaving, removal or deletion makes it
/// `void` (the row stays, so a scanned code can still be told apart from a made-up one).
pub fn project(event: &Recorded) -> Vec<Write> {
    match &event.fact {
        EventFact::EventCreated { details, .. } => details
            .ticket_types
            .iter()
            .zip(0i64..)
            .map(|(t, ordinal)| {
                Write::insert(
                    TYPES,
                    &[
                        "id",
                        "event_id",
                        "name",
                        "price",
                        "currency",
                        "quantity",
                        "members_count",
                        "ordinal",
                    ],
                    values![
                        t.id,
                        event.event_id,
                        t.name.as_str(),
                        t.price.as_str(),
                        t.currency.as_str(),
                        t.quantity.get() as i64,
                        0,
                        ordinal
                    ],
                )
            })
            .collect(),
        EventFact::MemberJoined {
            member,
            ticket: Some(ticket),
            ..
        }
        | EventFact::MemberPromoted {
            member,
            ticket: Some(ticket),
            ..
        } => issue(event, member, ticket),
        EventFact::GuestConfirmed {
            guest,
            place: GuestPlace::Member { ticket },
            ..
        }
        | EventFact::GuestPromoted { guest, ticket, .. } => issue(event, &guest.as_actor(), ticket),
        EventFact::GuestCancelled {
            guest,
            seat: Seat::Member,
            ..
        }
        | EventFact::GuestRemoved {
            guest,
            seat: Seat::Member,
            ..
        } => void(event, &guest.as_actor()),
        EventFact::MemberLeft {
            member,
            seat: Seat::Member,
            ..
        }
        | EventFact::MemberRemoved {
            member,
            seat: Seat::Member,
            ..
        } => void(event, member),
        EventFact::TicketCheckedIn { code, at, .. } => vec![Write::update(
            TICKETS,
            [to("status", "checked_in"), to("checked_in_at", to_micros(*at))],
            [eq("code", *code)],
        )],
        EventFact::EventDeleted { .. } => vec![Write::update(
            TICKETS,
            [to("status", "void")],
            [eq("event_id", event.event_id), ne("status", name("void"))],
        )],
        // History from before tickets, and seats in line: no ticket to issue or void.
        EventFact::MemberJoined { ticket: None, .. }
        | EventFact::MemberPromoted { ticket: None, .. }
        | EventFact::GuestConfirmed {
            place: GuestPlace::Waitlist { .. },
            ..
        }
        | EventFact::GuestCancelled {
            seat: Seat::Waitlist, ..
        }
        | EventFact::GuestRemoved {
            seat: Seat::Waitlist, ..
        }
        | EventFact::MemberLeft {
            seat: Seat::Waitlist, ..
        }
        | EventFact::MemberRemoved {
            seat: Seat::Waitlist, ..
        } => Vec::new(),
        EventFact::EventUpdated { .. }
        | EventFact::EventClosed { .. }
        | EventFact::EventOpened { .. }
        | EventFact::MemberWaitlisted { .. }
        | EventFact::InvitationSent { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::ReminderSent { .. }
        | EventFact::GuestRegistered { .. } => Vec::new(),
    }
}

fn issue(event: &Recorded, member: &Actor, ticket: &Ticket) -> Vec<Write> {
    let mut writes = vec![Write::insert(
        TICKETS,
        &[
            "code",
            "event_id",
            "user_id",
            "username",
            "ticket_type_id",
            "status",
            "issued_at",
        ],
        values![
            ticket.code,
            event.event_id,
            member.id,
            member.username.as_str(),
            Arg::OptText(ticket.ticket_type.map(|t| t.to_string())),
            "valid",
            to_micros(event.fact.at()),
        ],
    )];
    if let Some(ticket_type) = ticket.ticket_type {
        writes.push(Write::update(TYPES, [add("members_count", 1)], [eq("id", ticket_type)]));
    }
    writes
}

/// The member's current ticket goes void and its seat back to its type.
fn void(event: &Recorded, member: &Actor) -> Vec<Write> {
    let current = || {
        [
            eq("event_id", event.event_id),
            eq("user_id", member.id),
            ne("status", name("void")),
        ]
    };
    vec![
        Write::update(
            TYPES,
            [add("members_count", -1)],
            [eq("id", lookup(TICKETS, "ticket_type_id", current()))],
        ),
        Write::update(TICKETS, [to("status", "void")], current()),
    ]
}
