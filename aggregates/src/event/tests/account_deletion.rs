//! A user whose account is deleted leaves nothing of theirs in the event.

use super::*;

fn forget(user: Actor) -> EventCommand {
    EventCommand::ForgetParticipant { actor: user }
}

#[tokio::test]
async fn a_member_leaves_and_the_next_in_line_is_promoted() {
    given(full_with_waitlist())
        .when_async(forget(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member), promoted(carol(), bob())]);
}

#[tokio::test]
async fn their_invitations_and_feedback_are_withdrawn() {
    let during = start() + Duration::hours(1);
    let history = vec![
        created(details(2, false)),
        invited(1, bob()),
        accepted(1, bob()),
        joined(bob()),
        invited(2, carol()),
        feedback_left(bob(), 2, "meh"),
    ];
    given_at(during, history)
        .when_async(forget(bob()))
        .await
        .then_expect_events(vec![
            at(left(bob(), Seat::Member), during),
            at(withdrawn(1, bob()), during),
            at(feedback_withdrawn(bob()), during),
        ]);
}

#[tokio::test]
async fn nothing_is_recorded_for_a_stranger_or_a_deleted_event() {
    given(full_with_waitlist())
        .when_async(forget(erin()))
        .await
        .then_expect_events(vec![]);
    given(and(full_with_waitlist(), [deleted()]))
        .when_async(forget(bob()))
        .await
        .then_expect_events(vec![]);
}
