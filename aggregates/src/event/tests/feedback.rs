//! Feedback: from those who were members when the event started, once, after the start.

use super::*;

fn review(author: Actor, stars: i64, comment: &str) -> EventCommand {
    EventCommand::LeaveFeedback {
        feedback_id: feedback_id(&author),
        rating: stars,
        comment: comment.to_owned(),
        actor: author,
    }
}

/// An hour into the event.
fn during() -> DateTime<Utc> {
    start() + Duration::hours(1)
}

/// Bob holds a seat since before the start.
fn attended() -> Vec<EventFact> {
    vec![created(details(1, true)), joined(bob())]
}

#[tokio::test]
async fn a_member_at_the_start_leaves_feedback_after_it() {
    given_at(during(), attended())
        .when_async(review(bob(), 4, "Good talks"))
        .await
        .then_expect_events(vec![at(feedback_left(bob(), 4, "Good talks"), during())]);
}

#[tokio::test]
async fn a_member_who_left_after_the_start_may_still_leave_feedback() {
    let left_during = at(left(bob(), Seat::Member), start() + Duration::minutes(10));
    given_at(during(), and(attended(), [left_during]))
        .when_async(review(bob(), 5, ""))
        .await
        .then_expect_events(vec![at(feedback_left(bob(), 5, ""), during())]);
}

#[tokio::test]
async fn a_member_who_left_before_the_start_may_not() {
    given_at(during(), and(attended(), [left(bob(), Seat::Member)]))
        .when_async(review(bob(), 5, ""))
        .await
        .then_expect_error(EventError::NotAnAttendee);
}

#[tokio::test]
async fn a_user_promoted_after_the_start_was_not_a_member_when_it_started() {
    let history = and(
        attended(),
        [
            waitlisted(carol(), 1),
            at(left(bob(), Seat::Member), start() + Duration::minutes(5)),
            at(promoted(carol(), bob()), start() + Duration::minutes(5)),
        ],
    );
    given_at(during(), history)
        .when_async(review(carol(), 3, ""))
        .await
        .then_expect_error(EventError::NotAnAttendee);
}

#[tokio::test]
async fn someone_who_never_had_a_seat_may_not() {
    given_at(during(), and(attended(), [waitlisted(carol(), 1)]))
        .when_async(review(carol(), 3, ""))
        .await
        .then_expect_error(EventError::NotAnAttendee);
    given_at(during(), attended())
        .when_async(review(dave(), 3, ""))
        .await
        .then_expect_error(EventError::NotAnAttendee);
}

#[tokio::test]
async fn before_the_start_a_member_is_told_to_wait_and_anyone_else_is_refused() {
    given(attended())
        .when_async(review(bob(), 5, ""))
        .await
        .then_expect_error(EventError::NotStarted);
    given(attended())
        .when_async(review(carol(), 5, ""))
        .await
        .then_expect_error(EventError::NotAnAttendee);
}

#[tokio::test]
async fn who_may_is_decided_before_what_they_wrote() {
    given_at(during(), attended())
        .when_async(review(carol(), 9, ""))
        .await
        .then_expect_error(EventError::NotAnAttendee);
}

#[tokio::test]
async fn a_rating_outside_one_to_five_and_a_long_comment_are_named_together() {
    let long = "x".repeat(2001);
    let result = given_at(during(), attended())
        .when_async(review(bob(), 0, &long))
        .await
        .inspect_result();
    let Err(EventError::InvalidFields(fields)) = result else {
        panic!("expected invalid fields, got {result:?}");
    };
    let names: Vec<_> = fields.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["rating", "comment"]);
}

#[tokio::test]
async fn feedback_is_left_once() {
    given_at(during(), and(attended(), [feedback_left(bob(), 4, "")]))
        .when_async(review(bob(), 5, ""))
        .await
        .then_expect_error(EventError::FeedbackAlreadyLeft);
}
