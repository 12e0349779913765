//! Leaving: a member's seat goes to the first in line, a waitlisted user's place to nobody.

use super::*;

#[tokio::test]
async fn a_member_who_leaves_frees_the_seat_for_the_first_waitlisted_user() {
    given(full_with_waitlist())
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member), promoted(carol(), bob())]);
}

#[tokio::test]
async fn a_member_who_leaves_an_event_without_a_waitlist_just_leaves() {
    given(vec![created(details(2, false)), joined(bob()), joined(carol())])
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member)]);
}

#[tokio::test]
async fn a_waitlisted_user_who_leaves_promotes_nobody() {
    given(full_with_waitlist())
        .when_async(leave(carol()))
        .await
        .then_expect_events(vec![left(carol(), Seat::Waitlist)]);
}

#[tokio::test]
async fn leave_is_rejected_when_neither_a_member_nor_waitlisted() {
    given(full_with_waitlist())
        .when_async(leave(erin()))
        .await
        .then_expect_error(EventError::NotJoined);
}

#[tokio::test]
async fn leave_is_rejected_for_a_member_who_already_left() {
    given(and(full_with_waitlist(), [left(dave(), Seat::Waitlist)]))
        .when_async(leave(dave()))
        .await
        .then_expect_error(EventError::NotJoined);
}

#[tokio::test]
async fn a_member_may_leave_a_closed_event() {
    given(vec![created(details(10, false)), joined(bob()), closed()])
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member)]);
}

#[tokio::test]
async fn a_member_may_leave_an_event_that_has_started() {
    given_at(start() + Duration::minutes(30), full_with_waitlist())
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![
            EventFact::MemberLeft {
                member: bob(),
                seat: Seat::Member,
                actor: bob(),
                at: start() + Duration::minutes(30),
            },
            EventFact::MemberPromoted {
                member: carol(),
                actor: bob(),
                at: start() + Duration::minutes(30),
                ticket: ticket_of(&carol()),
            },
        ]);
}
