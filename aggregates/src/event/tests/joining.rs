//! Joining: a seat while one is free, a place on the waitlist after, nothing once started.

use super::*;

#[tokio::test]
async fn join_records_the_new_member() {
    given(vec![created(details(2, false)), joined(bob())])
        .when_async(join(carol()))
        .await
        .then_expect_events(vec![joined(carol())]);
}

#[tokio::test]
async fn join_is_rejected_when_already_a_member() {
    given(vec![created(details(2, false)), joined(bob())])
        .when_async(join(bob()))
        .await
        .then_expect_error(EventError::AlreadyJoined);
}

#[tokio::test]
async fn join_is_rejected_when_already_on_the_waitlist() {
    given(full_with_waitlist())
        .when_async(join(carol()))
        .await
        .then_expect_error(EventError::AlreadyWaitlisted);
}

#[tokio::test]
async fn join_is_rejected_when_the_event_is_closed() {
    given(vec![created(details(10, false)), closed()])
        .when_async(join(bob()))
        .await
        .then_expect_error(EventError::Closed);
}

#[tokio::test]
async fn join_is_accepted_again_once_the_event_is_reopened() {
    given(vec![created(details(10, false)), closed(), opened()])
        .when_async(join(bob()))
        .await
        .then_expect_events(vec![joined(bob())]);
}

#[tokio::test]
async fn join_is_rejected_when_the_event_has_started() {
    for clock in [start(), start() + Duration::minutes(1)] {
        let result = given_at(clock, vec![created(details(10, false))])
            .when_async(join(bob()))
            .await
            .inspect_result();
        assert_eq!(result, Err(EventError::AlreadyStarted), "clock at {clock}");
    }
}

#[tokio::test]
async fn join_is_accepted_just_before_the_start() {
    let just_before = start() - Duration::seconds(1);
    let result = given_at(just_before, vec![created(details(10, false))])
        .when_async(join(bob()))
        .await
        .inspect_result();
    assert_eq!(
        result,
        Ok(vec![EventFact::MemberJoined {
            member: bob(),
            actor: bob(),
            at: just_before,
            ticket: ticket_of(&bob()),
        }])
    );
}

#[tokio::test]
async fn join_is_rejected_when_the_event_is_full_and_has_no_waitlist() {
    given(vec![created(details(1, false)), joined(bob())])
        .when_async(join(carol()))
        .await
        .then_expect_error(EventError::Full);
}

#[tokio::test]
async fn join_puts_the_user_on_the_waitlist_with_a_one_based_position_when_the_event_is_full() {
    given(vec![created(details(1, true)), joined(bob())])
        .when_async(join(carol()))
        .await
        .then_expect_events(vec![waitlisted(carol(), 1)]);
    given(full_with_waitlist())
        .when_async(join(erin()))
        .await
        .then_expect_events(vec![waitlisted(erin(), 3)]);
}
