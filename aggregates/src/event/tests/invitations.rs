//! The creator invites; the invitee accepts (taking a seat like a join) or declines.

use super::*;

fn invite(invitee: Actor) -> EventCommand {
    invite_by(alice(), invitee)
}

fn invite_by(actor: Actor, invitee: Actor) -> EventCommand {
    EventCommand::SendInvitation {
        invitation_id: invitation(1),
        invitee,
        actor,
    }
}

fn answer(n: u128, invitee: Actor, accept: bool) -> EventCommand {
    EventCommand::AnswerInvitation {
        invitation_id: invitation(n),
        accept,
        ticket_type: None,
        actor: invitee,
    }
}

#[tokio::test]
async fn the_creator_invites_a_user() {
    given(vec![created(details(2, false))])
        .when_async(invite(bob()))
        .await
        .then_expect_events(vec![invited(1, bob())]);
}

#[tokio::test]
async fn only_the_creator_may_invite() {
    given(vec![created(details(2, false))])
        .when_async(invite_by(bob(), carol()))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn inviting_a_member_or_a_waitlisted_user_is_refused() {
    for invitee in [bob(), carol()] {
        given(full_with_waitlist())
            .when_async(invite(invitee))
            .await
            .then_expect_error(EventError::InviteeAlreadyJoined);
    }
}

#[tokio::test]
async fn a_second_pending_invitation_for_the_same_user_is_refused() {
    given(vec![created(details(2, false)), invited(7, bob())])
        .when_async(invite(bob()))
        .await
        .then_expect_error(EventError::AlreadyInvited);
}

#[tokio::test]
async fn a_user_who_declined_may_be_invited_again() {
    given(vec![created(details(2, false)), invited(7, bob()), declined(7, bob())])
        .when_async(invite(bob()))
        .await
        .then_expect_events(vec![invited(1, bob())]);
}

#[tokio::test]
async fn accepting_takes_a_free_seat() {
    given(vec![created(details(2, false)), invited(1, bob())])
        .when_async(answer(1, bob(), true))
        .await
        .then_expect_events(vec![accepted(1, bob()), joined(bob())]);
}

#[tokio::test]
async fn accepting_joins_even_a_closed_event() {
    given(vec![created(details(2, false)), invited(1, bob()), closed()])
        .when_async(answer(1, bob(), true))
        .await
        .then_expect_events(vec![accepted(1, bob()), joined(bob())]);
}

#[tokio::test]
async fn accepting_a_full_event_with_a_waitlist_waitlists_the_invitee() {
    given(and(full_with_waitlist(), [invited(1, erin())]))
        .when_async(answer(1, erin(), true))
        .await
        .then_expect_events(vec![accepted(1, erin()), waitlisted(erin(), 3)]);
}

#[tokio::test]
async fn accepting_a_full_event_without_a_waitlist_is_refused_and_stays_pending() {
    let history = vec![created(details(1, false)), joined(bob()), invited(1, carol())];
    given(history.clone())
        .when_async(answer(1, carol(), true))
        .await
        .then_expect_error(EventError::Full);
    // Still pending: once a seat frees up, the same invitation can be accepted.
    given(and(history, [left(bob(), Seat::Member)]))
        .when_async(answer(1, carol(), true))
        .await
        .then_expect_events(vec![accepted(1, carol()), joined(carol())]);
}

#[tokio::test]
async fn accepting_after_the_start_is_refused() {
    given_at(start(), vec![created(details(2, false)), invited(1, bob())])
        .when_async(answer(1, bob(), true))
        .await
        .then_expect_error(EventError::AlreadyStarted);
}

#[tokio::test]
async fn an_invitee_who_already_has_a_seat_just_accepts() {
    given(vec![created(details(2, false)), invited(1, bob()), joined(bob())])
        .when_async(answer(1, bob(), true))
        .await
        .then_expect_events(vec![accepted(1, bob())]);
}

#[tokio::test]
async fn declining_records_only_the_answer() {
    given(vec![created(details(2, false)), invited(1, bob())])
        .when_async(answer(1, bob(), false))
        .await
        .then_expect_events(vec![declined(1, bob())]);
}

#[tokio::test]
async fn an_invitation_is_answered_once() {
    for answered in [accepted(1, bob()), declined(1, bob())] {
        for accept in [true, false] {
            given(vec![created(details(2, false)), invited(1, bob()), answered.clone()])
                .when_async(answer(1, bob(), accept))
                .await
                .then_expect_error(EventError::InvitationAnswered);
        }
    }
}

#[tokio::test]
async fn someone_elses_or_an_unknown_invitation_is_not_found() {
    given(vec![created(details(2, false)), invited(1, bob())])
        .when_async(answer(1, carol(), true))
        .await
        .then_expect_error(EventError::InvitationNotFound);
    given(vec![created(details(2, false)), invited(1, bob())])
        .when_async(answer(2, bob(), true))
        .await
        .then_expect_error(EventError::InvitationNotFound);
}

#[tokio::test]
async fn an_invitation_to_a_deleted_event_is_not_found() {
    given(vec![created(details(2, false)), invited(1, bob()), deleted()])
        .when_async(answer(1, bob(), true))
        .await
        .then_expect_error(EventError::NotFound);
}
