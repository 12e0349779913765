//! Reminders: once per start time, within the 24 hours before it, sent for the creator.

use super::*;

fn remind() -> EventCommand {
    EventCommand::SendReminder { actor: alice() }
}

/// Twelve hours before the start.
fn on_the_eve() -> DateTime<Utc> {
    start() - Duration::hours(12)
}

#[tokio::test]
async fn members_are_reminded_within_24_hours_of_the_start() {
    given_at(on_the_eve(), vec![created(details(2, false)), joined(bob())])
        .when_async(remind())
        .await
        .then_expect_events(vec![at(reminded(start()), on_the_eve())]);
}

#[tokio::test]
async fn a_second_reminder_of_the_same_start_is_refused() {
    given_at(on_the_eve(), vec![created(details(2, false)), reminded(start())])
        .when_async(remind())
        .await
        .then_expect_error(EventError::AlreadyReminded);
}

#[tokio::test]
async fn an_event_moved_after_its_reminder_may_be_reminded_of_its_new_start() {
    let later = start() + Duration::hours(6);
    let moved = updated(DetailChanges {
        start_time: Some(later),
        end_time: Some(None),
        ..changes()
    });
    let then = later - Duration::hours(1);
    given_at(then, vec![created(details(2, false)), reminded(start()), moved])
        .when_async(remind())
        .await
        .then_expect_events(vec![at(reminded(later), then)]);
}

#[tokio::test]
async fn a_reminder_more_than_24_hours_ahead_is_refused() {
    given_at(start() - Duration::hours(25), vec![created(details(2, false))])
        .when_async(remind())
        .await
        .then_expect_error(EventError::TooEarlyToRemind);
}

#[tokio::test]
async fn no_reminder_once_the_event_started() {
    given_at(start(), vec![created(details(2, false))])
        .when_async(remind())
        .await
        .then_expect_error(EventError::AlreadyStarted);
}

#[tokio::test]
async fn a_deleted_event_is_not_reminded() {
    given_at(on_the_eve(), vec![created(details(2, false)), deleted()])
        .when_async(remind())
        .await
        .then_expect_error(EventError::NotFound);
}

#[tokio::test]
async fn only_for_the_creator() {
    given_at(on_the_eve(), vec![created(details(2, false))])
        .when_async(EventCommand::SendReminder { actor: bob() })
        .await
        .then_expect_error(EventError::NotCreator);
}
