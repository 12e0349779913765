//! Guests: registered under a name and an address, seated only once they confirm, by the
//! rules of a join; one seat per address; cancelled or removed like a member who leaves.

use super::*;
use crate::event::{Guest, GuestPlace, GUEST_CONFIRMATION_WINDOW};
use crate::values::{GuestEmail, GuestName, Visibility};

fn guest(n: u128, name: &str, email: &str) -> Guest {
    Guest {
        id: Uuid::from_u128(0x9e_57 << 64 | n),
        name: GuestName::parse(name).unwrap(),
        email: GuestEmail::parse(email).unwrap(),
    }
}

fn gina() -> Guest {
    guest(1, "Gina", "gina@example.com")
}

fn hugo() -> Guest {
    guest(2, "Hugo", "hugo@example.com")
}

/// An event of `seats` seats open to guests.
fn open_to_guests(seats: i64, waitlist: bool) -> EventDetails {
    EventDetails {
        guest_registration: true,
        ..details(seats, waitlist)
    }
}

fn register(guest: &Guest) -> EventCommand {
    EventCommand::RegisterGuest {
        guest_id: guest.id,
        name: guest.name.clone(),
        email: guest.email.clone(),
        ticket_type: None,
    }
}

fn confirm(guest: &Guest) -> EventCommand {
    EventCommand::ConfirmGuest { guest_id: guest.id }
}

fn cancel(guest: &Guest) -> EventCommand {
    EventCommand::CancelGuest { guest_id: guest.id }
}

fn registered(guest: &Guest) -> EventFact {
    EventFact::GuestRegistered {
        guest: guest.clone(),
        expires_at: now() + GUEST_CONFIRMATION_WINDOW,
        ticket_type: None,
        actor: guest.as_actor(),
        at: now(),
    }
}

fn guest_ticket(guest: &Guest) -> Ticket {
    Ticket {
        code: code_for_id(guest.id),
        ticket_type: None,
    }
}

fn confirmed(guest: &Guest) -> EventFact {
    EventFact::GuestConfirmed {
        guest: guest.clone(),
        place: GuestPlace::Member {
            ticket: guest_ticket(guest),
        },
        actor: guest.as_actor(),
        at: now(),
    }
}

/// The guest gave their seat back.
fn cancelled(guest: &Guest) -> EventFact {
    EventFact::GuestCancelled {
        guest: guest.clone(),
        seat: Seat::Member,
        actor: guest.as_actor(),
        at: now(),
    }
}

fn confirmed_in_line(guest: &Guest, position: usize) -> EventFact {
    EventFact::GuestConfirmed {
        guest: guest.clone(),
        place: GuestPlace::Waitlist { position },
        actor: guest.as_actor(),
        at: now(),
    }
}

#[test]
fn a_registration_takes_no_seat_and_expires_in_24_hours() {
    given(vec![created(open_to_guests(1, false))])
        .when(register(&gina()))
        .then_expect_events(vec![registered(&gina())]);
    let event = replay(vec![created(open_to_guests(1, false)), registered(&gina())]);
    assert_eq!(event.members_count(), 0, "no seat before confirmation");
}

#[test]
fn an_event_not_open_to_guests_refuses_them() {
    given(vec![created(details(10, false))])
        .when(register(&gina()))
        .then_expect_error(EventError::GuestsNotAccepted);
}

#[test]
fn to_a_guest_a_private_event_does_not_exist() {
    let private = EventDetails {
        visibility: Visibility::Private,
        ..details(10, false)
    };
    given(vec![created(private)])
        .when(register(&gina()))
        .then_expect_error(EventError::NotFound);
}

#[test]
fn registering_for_a_closed_or_started_event_is_refused() {
    given(vec![created(open_to_guests(10, false)), closed()])
        .when(register(&gina()))
        .then_expect_error(EventError::Closed);
    given_at(start(), vec![created(open_to_guests(10, false))])
        .when(register(&gina()))
        .then_expect_error(EventError::AlreadyStarted);
}

#[test]
fn a_confirmed_guest_takes_a_seat_with_a_ticket() {
    given(vec![created(open_to_guests(1, false)), registered(&gina())])
        .when(confirm(&gina()))
        .then_expect_events(vec![confirmed(&gina())]);
}

#[test]
fn a_guest_confirming_into_a_full_event_waits_in_line_after_the_users() {
    given(vec![
        created(open_to_guests(1, true)),
        joined(bob()),
        waitlisted(carol(), 1),
        registered(&gina()),
    ])
    .when(confirm(&gina()))
    .then_expect_events(vec![confirmed_in_line(&gina(), 2)]);
}

#[test]
fn a_guest_confirming_into_a_full_event_without_waitlist_is_refused() {
    given(vec![
        created(open_to_guests(1, false)),
        joined(bob()),
        registered(&gina()),
    ])
    .when(confirm(&gina()))
    .then_expect_error(EventError::Full);
}

#[test]
fn guests_count_toward_capacity_like_members() {
    given(vec![
        created(open_to_guests(1, false)),
        registered(&gina()),
        confirmed(&gina()),
    ])
    .when(join(bob()))
    .then_expect_error(EventError::Full);
}

#[test]
fn a_confirmation_after_the_event_closed_or_started_is_refused() {
    given(vec![created(open_to_guests(10, false)), registered(&gina()), closed()])
        .when(confirm(&gina()))
        .then_expect_error(EventError::Closed);
    let soon = EventDetails {
        guest_registration: true,
        ..details_between(now() + Duration::hours(2), None)
    };
    given_at(now() + Duration::hours(3), vec![created(soon), registered(&gina())])
        .when(confirm(&gina()))
        .then_expect_error(EventError::AlreadyStarted);
}

#[test]
fn a_link_used_twice_expired_or_unknown_is_invalid_without_saying_which() {
    let history = vec![created(open_to_guests(10, false)), registered(&gina())];
    given(and(history.clone(), [confirmed(&gina())]))
        .when(confirm(&gina()))
        .then_expect_error(EventError::GuestLinkInvalid);
    given_at(now() + GUEST_CONFIRMATION_WINDOW, history.clone())
        .when(confirm(&gina()))
        .then_expect_error(EventError::GuestLinkInvalid);
    given(history.clone())
        .when(confirm(&hugo()))
        .then_expect_error(EventError::GuestLinkInvalid);
    given(and(history, [deleted()]))
        .when(confirm(&gina()))
        .then_expect_error(EventError::GuestLinkInvalid);
}

#[test]
fn one_address_holds_one_seat_whatever_its_case() {
    let twin = guest(3, "Gina again", "GINA@example.com");
    let history = vec![
        created(open_to_guests(10, false)),
        registered(&gina()),
        registered(&twin),
    ];
    given(and(history.clone(), [confirmed(&gina())]))
        .when(register(&twin))
        .then_expect_error(EventError::GuestAlreadySeated);
    given(and(history, [confirmed(&gina())]))
        .when(confirm(&twin))
        .then_expect_error(EventError::GuestAlreadySeated);
}

#[test]
fn an_address_whose_seat_was_cancelled_may_register_again() {
    let history = vec![
        created(open_to_guests(10, false)),
        registered(&gina()),
        confirmed(&gina()),
        cancelled(&gina()),
    ];
    let again = guest(4, "Gina", "gina@example.com");
    given(history)
        .when(register(&again))
        .then_expect_events(vec![registered(&again)]);
}

#[test]
fn a_guest_who_cancels_frees_the_seat_for_the_next_in_line() {
    given(vec![
        created(open_to_guests(1, true)),
        registered(&gina()),
        confirmed(&gina()),
        waitlisted(bob(), 1),
    ])
    .when(cancel(&gina()))
    .then_expect_events(vec![cancelled(&gina()), promoted(bob(), gina().as_actor())]);
}

#[test]
fn a_waiting_guest_is_promoted_as_a_guest() {
    given(vec![
        created(open_to_guests(1, true)),
        joined(bob()),
        registered(&gina()),
        confirmed_in_line(&gina(), 1),
    ])
    .when(leave(bob()))
    .then_expect_events(vec![
        left(bob(), Seat::Member),
        EventFact::GuestPromoted {
            guest: gina(),
            ticket: guest_ticket(&gina()),
            actor: bob(),
            at: now(),
        },
    ]);
}

#[test]
fn a_cancelled_link_cannot_cancel_again() {
    given(vec![
        created(open_to_guests(1, false)),
        registered(&gina()),
        confirmed(&gina()),
        cancelled(&gina()),
    ])
    .when(cancel(&gina()))
    .then_expect_error(EventError::GuestLinkInvalid);
    given(vec![created(open_to_guests(1, false)), registered(&gina())])
        .when(cancel(&gina()))
        .then_expect_error(EventError::GuestLinkInvalid);
}

#[test]
fn only_the_creator_removes_a_guest_and_only_as_a_guest() {
    let history = vec![
        created(open_to_guests(2, false)),
        registered(&gina()),
        confirmed(&gina()),
    ];
    given(history.clone())
        .when(EventCommand::RemoveGuest {
            guest_id: gina().id,
            actor: bob(),
        })
        .then_expect_error(EventError::NotCreator);
    given(history.clone())
        .when(EventCommand::RemoveMember {
            user_id: gina().id,
            actor: alice(),
        })
        .then_expect_error(EventError::MemberNotFound);
    given(history.clone())
        .when(EventCommand::RemoveGuest {
            guest_id: hugo().id,
            actor: alice(),
        })
        .then_expect_error(EventError::GuestNotFound);
    given(history)
        .when(EventCommand::RemoveGuest {
            guest_id: gina().id,
            actor: alice(),
        })
        .then_expect_events(vec![EventFact::GuestRemoved {
            guest: gina(),
            seat: Seat::Member,
            actor: alice(),
            at: now(),
        }]);
}

#[test]
fn a_guest_ticket_is_checked_in_like_any_other() {
    given(vec![
        created(open_to_guests(2, false)),
        registered(&gina()),
        confirmed(&gina()),
    ])
    .when(EventCommand::CheckInTicket {
        code: guest_ticket(&gina()).code,
        actor: alice(),
    })
    .then_expect_events(vec![EventFact::TicketCheckedIn {
        code: guest_ticket(&gina()).code,
        holder: gina().as_actor(),
        actor: alice(),
        at: now(),
    }]);
}

#[test]
fn turning_guest_registration_off_stops_pending_confirmations() {
    let off = DetailChanges {
        guest_registration: Some(false),
        ..changes()
    };
    given(vec![
        created(open_to_guests(2, false)),
        registered(&gina()),
        updated(off),
    ])
    .when(confirm(&gina()))
    .then_expect_error(EventError::GuestsNotAccepted);
}

/// The guests' kinds of fact, as they were first stored (appended to the fixture).
pub(super) fn facts_since_release_1() -> Vec<EventFact> {
    vec![
        registered(&gina()),
        confirmed(&gina()),
        confirmed_in_line(&hugo(), 1),
        EventFact::GuestPromoted {
            guest: hugo(),
            ticket: guest_ticket(&hugo()),
            actor: bob(),
            at: now(),
        },
        cancelled(&gina()),
        EventFact::GuestRemoved {
            guest: hugo(),
            seat: Seat::Member,
            actor: alice(),
            at: now(),
        },
    ]
}
