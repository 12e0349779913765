//! The creator removes a member or a waitlisted user, who is named as they joined.

use super::*;

#[tokio::test]
async fn remove_member_is_rejected_for_anyone_but_the_creator() {
    given(full_with_waitlist())
        .when_async(remove_by(bob(), &carol()))
        .await
        .then_expect_error(EventError::NotCreator);
}

/// The target user is a sub-resource of the event: only its creator may learn whether they
/// hold a seat, so a non-creator gets 403 before any 404 about the user.
#[tokio::test]
async fn remove_member_by_a_non_creator_is_refused_before_revealing_membership() {
    given(full_with_waitlist())
        .when_async(remove_by(bob(), &erin()))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn removing_a_member_promotes_the_first_waitlisted_user() {
    given(full_with_waitlist())
        .when_async(remove(&bob()))
        .await
        .then_expect_events(vec![removed(bob(), Seat::Member), promoted(carol(), alice())]);
}

#[tokio::test]
async fn removing_a_member_of_an_event_without_a_waitlist_promotes_nobody() {
    given(vec![created(details(2, false)), joined(bob())])
        .when_async(remove(&bob()))
        .await
        .then_expect_events(vec![removed(bob(), Seat::Member)]);
}

#[tokio::test]
async fn removing_a_waitlisted_user_promotes_nobody() {
    given(full_with_waitlist())
        .when_async(remove(&dave()))
        .await
        .then_expect_events(vec![removed(dave(), Seat::Waitlist)]);
}

#[tokio::test]
async fn removing_names_the_user_as_they_joined() {
    // The command carries only an id; the fact names the user as they joined.
    let renamed_later = Actor::new(bob().id, "robert");
    given(full_with_waitlist())
        .when_async(remove(&renamed_later))
        .await
        .then_expect_events(vec![removed(bob(), Seat::Member), promoted(carol(), alice())]);
}

#[tokio::test]
async fn remove_member_is_rejected_for_a_user_who_is_neither_member_nor_waitlisted() {
    given(full_with_waitlist())
        .when_async(remove(&erin()))
        .await
        .then_expect_error(EventError::MemberNotFound);
}
