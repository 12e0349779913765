use aggregates::event::{GuestPlace, Seat};
use aggregates::values::Ticket;
use aggregates::{Actor, EventFact};

use crate::time::to_micros;
use crate::write::{args, Arg, Write};
use crate::Recorded;

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
                Write::new(
                    "INSERT INTO ticket_type_view (id, event_id, name, price, currency, quantity, members_count, ordinal)
                     VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
                    args![
                        t.id,
                        event.event_id,
                        t.name.as_str(),
                        t.price.as_str(),
                        t.currency.as_str(),
                        t.quantity.get() as i64,
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
        EventFact::TicketCheckedIn { code, at, .. } => vec![Write::new(
            "UPDATE ticket_view SET status = 'checked_in', checked_in_at = $2 WHERE code = $1",
            args![*code, to_micros(*at)],
        )],
        EventFact::EventDeleted { .. } => vec![Write::new(
            "UPDATE ticket_view SET status = 'void' WHERE event_id = $1 AND status <> 'void'",
            args![event.event_id],
        )],
        // History from before tickets, and seats in line: no ticket to issue or void.
        EventFact::MemberJoined { ticket: None, .. }
        | EventFact::MemberPromoted { ticket: None, .. }
        | EventFact::GuestConfirmed {
            place: GuestPlace::Waitlist { .. },
            ..
        }
        | EventFact::GuestCancelled {
            seat: Seat::Waitlist,
            ..
        }
        | EventFact::GuestRemoved {
            seat: Seat::Waitlist,
            ..
        }
        | EventFact::MemberLeft {
            seat: Seat::Waitlist,
            ..
        }
        | EventFact::MemberRemoved {
            seat: Seat::Waitlist,
            ..
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
    let mut writes = vec![Write::new(
        "INSERT INTO ticket_view (code, event_id, user_id, username, ticket_type_id, status, issued_at)
         VALUES ($1, $2, $3, $4, $5, 'valid', $6)",
        [
            ticket.code.into(),
            event.event_id.into(),
            member.id.into(),
            member.username.as_str().into(),
            Arg::OptText(ticket.ticket_type.map(|t| t.to_string())),
            to_micros(event.fact.at()).into(),
        ],
    )];
    if let Some(ticket_type) = ticket.ticket_type {
        writes.push(Write::new(
            "UPDATE ticket_type_view SET members_count = members_count + 1 WHERE id = $1",
            args![ticket_type],
        ));
    }
    writes
}

/// The member's current ticket goes void and its seat back to its type.
fn void(event: &Recorded, member: &Actor) -> Vec<Write> {
    vec![
        Write::new(
            "UPDATE ticket_type_view SET members_count = members_count - 1
             WHERE id = (SELECT ticket_type_id FROM ticket_view
                         WHERE event_id = $1 AND user_id = $2 AND status <> 'void')",
            args![event.event_id, member.id],
        ),
        Write::new(
            "UPDATE ticket_view SET status = 'void' WHERE event_id = $1 AND user_id = $2 AND status <> 'void'",
            args![event.event_id, member.id],
        ),
    ]
}
