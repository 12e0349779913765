//! Deleting an event, and what is left of an event that is deleted or was never created.

use super::*;

#[tokio::test]
async fn delete_records_event_deleted() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete())
        .await
        .then_expect_events(vec![deleted()]);
}

#[tokio::test]
async fn delete_is_rejected_for_anyone_but_the_creator() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete_with(bob(), None))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn delete_is_rejected_when_the_expected_version_is_stale() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete_with(alice(), Some(1)))
        .await
        .then_expect_error(EventError::VersionMismatch { current: 2 });
}

#[tokio::test]
async fn delete_passes_when_the_expected_version_matches() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete_with(alice(), Some(2)))
        .await
        .then_expect_events(vec![deleted()]);
}

/// Every command but `CreateEvent`, each one that would succeed on the live event of
/// [`full_with_waitlist`].
fn commands_on_an_existing_event() -> Vec<EventCommand> {
    vec![
        update(retitle()),
        set_status(EventStatus::Closed),
        delete(),
        join(erin()),
        leave(bob()),
        remove(&carol()),
    ]
}

#[tokio::test]
async fn every_command_on_a_deleted_event_is_not_found() {
    for command in commands_on_an_existing_event() {
        let live = given(full_with_waitlist())
            .when_async(command.clone())
            .await
            .inspect_result();
        assert!(live.is_ok(), "{command:?} should pass on the live event: {live:?}");

        let result = given(and(full_with_waitlist(), [deleted()]))
            .when_async(command.clone())
            .await
            .inspect_result();
        assert_eq!(result, Err(EventError::NotFound), "{command:?}");
    }
}

#[tokio::test]
async fn every_command_on_a_never_created_event_is_not_found() {
    for command in commands_on_an_existing_event() {
        let result = given(vec![]).when_async(command.clone()).await.inspect_result();
        assert_eq!(result, Err(EventError::NotFound), "{command:?}");
    }
}
