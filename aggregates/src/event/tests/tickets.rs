//! Ticket types (seats per type within the capacity), tickets (one per member, voided on
//! leaving) and check-in at the door (once, by the creator).

use super::*;
use crate::values::{Currency, Price, TicketType, TicketTypeName};

fn ticket_type(n: u128, name: &str, quantity: i64) -> TicketType {
    TicketType {
        id: Uuid::from_u128(0x7e_00 + n),
        name: TicketTypeName::parse(name).unwrap(),
        price: Price::parse("12.50").unwrap(),
        currency: Currency::parse("EUR").unwrap(),
        quantity: capacity(quantity),
    }
}

fn standard(quantity: i64) -> TicketType {
    ticket_type(1, "Standard", quantity)
}

fn vip(quantity: i64) -> TicketType {
    ticket_type(2, "VIP", quantity)
}

/// An event of `seats` seats selling these types.
fn selling(seats: i64, waitlist: bool, types: Vec<TicketType>) -> EventDetails {
    EventDetails {
        ticket_types: types,
        ..details(seats, waitlist)
    }
}

fn join_as(member: Actor, ticket_type: &TicketType) -> EventCommand {
    EventCommand::JoinEvent {
        ticket_type: Some(ticket_type.id),
        actor: member,
    }
}

fn ticket_as(member: &Actor, ticket_type: &TicketType) -> Option<Ticket> {
    Some(Ticket {
        code: code_of(member),
        ticket_type: Some(ticket_type.id),
    })
}

fn joined_as(member: Actor, ticket_type: &TicketType) -> EventFact {
    EventFact::MemberJoined {
        actor: member.clone(),
        ticket: ticket_as(&member, ticket_type),
        member,
        at: now(),
    }
}

fn waitlisted_for(member: Actor, position: usize, ticket_type: &TicketType) -> EventFact {
    EventFact::MemberWaitlisted {
        actor: member.clone(),
        member,
        position,
        at: now(),
        ticket_type: Some(ticket_type.id),
    }
}

fn promoted_as(member: Actor, by: Actor, ticket_type: &TicketType) -> EventFact {
    EventFact::MemberPromoted {
        ticket: ticket_as(&member, ticket_type),
        member,
        actor: by,
        at: now(),
    }
}

fn check_in(code: Uuid) -> EventCommand {
    check_in_by(alice(), code)
}

fn check_in_by(actor: Actor, code: Uuid) -> EventCommand {
    EventCommand::CheckInTicket { code, actor }
}

fn checked_in(holder: Actor) -> EventFact {
    EventFact::TicketCheckedIn {
        code: code_of(&holder),
        holder,
        actor: alice(),
        at: now(),
    }
}

fn bad_ticket_type(message: &str) -> EventError {
    EventError::InvalidFields(vec![("ticket_type", message.to_owned())])
}

fn bad_ticket_types(message: &str) -> EventError {
    EventError::InvalidFields(vec![("ticket_types", message.to_owned())])
}

/// Facts and optional fields that release 1 did not have, for the stored fixture.
pub(super) fn facts_since_release_1() -> Vec<EventFact> {
    let filed = EventDetails {
        category: Some(Uuid::from_u128(0xca7)),
        series_id: Some(Uuid::from_u128(0x5e7)),
        ..selling(10, true, vec![standard(8), vip(2)])
    };
    vec![
        created(filed),
        joined_as(bob(), &vip(2)),
        waitlisted_for(carol(), 1, &vip(2)),
        promoted_as(carol(), bob(), &vip(2)),
        checked_in(bob()),
    ]
}

// ---------------------------------------------------------------------------------------------
// Ticket types

#[tokio::test]
async fn create_accepts_ticket_types_that_fill_the_capacity_exactly() {
    let details = selling(10, false, vec![standard(8), vip(2)]);
    given(vec![])
        .when_async(create(details.clone()))
        .await
        .then_expect_events(vec![created(details)]);
}

#[tokio::test]
async fn create_is_rejected_when_the_quantities_exceed_the_capacity() {
    given(vec![])
        .when_async(create(selling(10, false, vec![standard(9), vip(2)])))
        .await
        .then_expect_error(bad_ticket_types(
            "the quantities add up to 11, more than the capacity of 10",
        ));
}

#[tokio::test]
async fn create_is_rejected_when_two_ticket_types_share_a_name() {
    given(vec![])
        .when_async(create(selling(
            10,
            false,
            vec![standard(2), ticket_type(3, "STANDARD", 2)],
        )))
        .await
        .then_expect_error(bad_ticket_types("ticket type names must be unique"));
}

#[tokio::test]
async fn capacity_cannot_go_below_the_ticket_quantities() {
    given(vec![created(selling(10, false, vec![standard(8)]))])
        .when_async(update(DetailChanges {
            capacity: Some(capacity(7)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::CapacityBelowTicketQuantities { quantities: 8 });
}

// ---------------------------------------------------------------------------------------------
// Joining with a ticket type

#[tokio::test]
async fn join_issues_a_ticket_of_the_chosen_type() {
    given(vec![created(selling(10, false, vec![standard(8), vip(2)]))])
        .when_async(join_as(bob(), &vip(2)))
        .await
        .then_expect_events(vec![joined_as(bob(), &vip(2))]);
}

#[tokio::test]
async fn join_without_ticket_types_issues_a_ticket_of_no_type() {
    given(vec![created(details(10, false))])
        .when_async(join(bob()))
        .await
        .then_expect_events(vec![joined(bob())]);
}

#[tokio::test]
async fn join_requires_a_ticket_type_when_the_event_has_types() {
    given(vec![created(selling(10, false, vec![standard(8)]))])
        .when_async(join(bob()))
        .await
        .then_expect_error(bad_ticket_type("this event has ticket types: choose one"));
}

#[tokio::test]
async fn join_rejects_a_ticket_type_in_an_event_without_types() {
    given(vec![created(details(10, false))])
        .when_async(join_as(bob(), &standard(1)))
        .await
        .then_expect_error(bad_ticket_type("this event has no ticket types"));
}

#[tokio::test]
async fn join_rejects_a_ticket_type_of_another_event() {
    given(vec![created(selling(10, false, vec![standard(8)]))])
        .when_async(join_as(bob(), &vip(2)))
        .await
        .then_expect_error(bad_ticket_type("no such ticket type in this event"));
}

#[tokio::test]
async fn a_bad_ticket_type_is_reported_before_a_conflict() {
    given(vec![
        created(selling(10, false, vec![standard(8)])),
        joined_as(bob(), &standard(8)),
    ])
    .when_async(join(bob()))
    .await
    .then_expect_error(bad_ticket_type("this event has ticket types: choose one"));
}

#[tokio::test]
async fn join_is_rejected_when_its_type_is_sold_out_though_others_have_seats() {
    given(vec![
        created(selling(10, false, vec![standard(8), vip(1)])),
        joined_as(bob(), &vip(1)),
    ])
    .when_async(join_as(carol(), &vip(1)))
    .await
    .then_expect_error(EventError::TicketTypeSoldOut);
}

#[tokio::test]
async fn join_waitlists_for_a_sold_out_type_when_the_waitlist_is_on() {
    given(vec![
        created(selling(10, true, vec![standard(8), vip(1)])),
        joined_as(bob(), &vip(1)),
    ])
    .when_async(join_as(carol(), &vip(1)))
    .await
    .then_expect_events(vec![waitlisted_for(carol(), 1, &vip(1))]);
}

#[tokio::test]
async fn a_freed_seat_goes_to_the_first_user_waiting_for_its_type() {
    let history = vec![
        created(selling(2, true, vec![standard(1), vip(1)])),
        joined_as(bob(), &vip(1)),
        joined_as(carol(), &standard(1)),
        waitlisted_for(dave(), 1, &standard(1)),
        waitlisted_for(erin(), 2, &vip(1)),
    ];
    given(history)
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member), promoted_as(erin(), bob(), &vip(1))]);
}

#[tokio::test]
async fn raising_the_capacity_adds_no_seats_to_a_sold_out_type() {
    let history = vec![
        created(selling(1, true, vec![vip(1)])),
        joined_as(bob(), &vip(1)),
        waitlisted_for(carol(), 1, &vip(1)),
    ];
    given(history)
        .when_async(update(DetailChanges {
            capacity: Some(capacity(5)),
            ..changes()
        }))
        .await
        .then_expect_events(vec![updated(DetailChanges {
            capacity: Some(capacity(5)),
            ..changes()
        })]);
}

#[tokio::test]
async fn accepting_an_invitation_needs_a_ticket_type_when_the_event_has_types() {
    let history = vec![created(selling(10, false, vec![standard(8)])), invited(1, bob())];
    given(history)
        .when_async(EventCommand::AnswerInvitation {
            invitation_id: invitation(1),
            accept: true,
            ticket_type: None,
            actor: bob(),
        })
        .await
        .then_expect_error(bad_ticket_type("this event has ticket types: choose one"));
}

#[tokio::test]
async fn accepting_an_invitation_with_a_ticket_type_seats_the_invitee_with_a_ticket() {
    let history = vec![created(selling(10, false, vec![standard(8)])), invited(1, bob())];
    given(history)
        .when_async(EventCommand::AnswerInvitation {
            invitation_id: invitation(1),
            accept: true,
            ticket_type: Some(standard(8).id),
            actor: bob(),
        })
        .await
        .then_expect_events(vec![accepted(1, bob()), joined_as(bob(), &standard(8))]);
}

// ---------------------------------------------------------------------------------------------
// Check-in

#[tokio::test]
async fn the_creator_checks_a_member_in() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(check_in(code_of(&bob())))
        .await
        .then_expect_events(vec![checked_in(bob())]);
}

#[tokio::test]
async fn a_second_scan_is_rejected_naming_when_the_ticket_was_checked_in() {
    let first = at(checked_in(bob()), now() - Duration::minutes(5));
    given(vec![created(details(10, false)), joined(bob()), first])
        .when_async(check_in(code_of(&bob())))
        .await
        .then_expect_error(EventError::AlreadyCheckedIn {
            at: now() - Duration::minutes(5),
        });
}

#[tokio::test]
async fn only_the_creator_checks_tickets_in() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(check_in_by(bob(), code_of(&bob())))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn a_code_this_event_never_issued_is_not_found() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(check_in(Uuid::from_u128(42)))
        .await
        .then_expect_error(EventError::TicketNotFound);
}

#[tokio::test]
async fn a_waitlisted_user_has_no_ticket() {
    given(vec![created(details(1, true)), joined(bob()), waitlisted(carol(), 1)])
        .when_async(check_in(code_of(&carol())))
        .await
        .then_expect_error(EventError::TicketNotFound);
}

#[tokio::test]
async fn a_promoted_user_gets_a_ticket_that_checks_in() {
    let history = and(
        full_with_waitlist(),
        [left(bob(), Seat::Member), promoted(carol(), bob())],
    );
    given(history)
        .when_async(check_in(code_of(&carol())))
        .await
        .then_expect_events(vec![checked_in(carol())]);
}

#[tokio::test]
async fn leaving_voids_the_ticket() {
    given(vec![
        created(details(10, false)),
        joined(bob()),
        left(bob(), Seat::Member),
    ])
    .when_async(check_in(code_of(&bob())))
    .await
    .then_expect_error(EventError::TicketVoid);
}

#[tokio::test]
async fn being_removed_voids_the_ticket() {
    given(vec![
        created(details(10, false)),
        joined(bob()),
        removed(bob(), Seat::Member),
    ])
    .when_async(check_in(code_of(&bob())))
    .await
    .then_expect_error(EventError::TicketVoid);
}

#[tokio::test]
async fn nothing_is_checked_in_at_a_deleted_event() {
    given(vec![created(details(10, false)), joined(bob()), deleted()])
        .when_async(check_in(code_of(&bob())))
        .await
        .then_expect_error(EventError::NotFound);
}

#[tokio::test]
async fn history_without_tickets_still_replays_and_its_members_have_none() {
    let untracked = EventFact::MemberJoined {
        member: bob(),
        actor: bob(),
        at: now(),
        ticket: None,
    };
    given(vec![created(details(10, false)), untracked])
        .when_async(check_in(code_of(&bob())))
        .await
        .then_expect_error(EventError::TicketNotFound);
}
