//! Updating details: only the creator, at the expected version, and only what changes.

use super::*;

#[tokio::test]
async fn update_is_rejected_for_anyone_but_the_creator() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(update_with(bob(), retitle(), None, None))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn update_is_rejected_when_the_event_was_never_created() {
    given(vec![])
        .when_async(update(retitle()))
        .await
        .then_expect_error(EventError::NotFound);
}

#[tokio::test]
async fn update_is_rejected_when_the_event_was_deleted() {
    given(vec![created(details(10, false)), deleted()])
        .when_async(update(retitle()))
        .await
        .then_expect_error(EventError::NotFound);
}

#[tokio::test]
async fn update_is_rejected_when_the_expected_version_is_stale() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(update_with(alice(), retitle(), None, Some(1)))
        .await
        .then_expect_error(EventError::VersionMismatch { current: 2 });
}

#[tokio::test]
async fn update_passes_when_the_expected_version_matches() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(update_with(alice(), retitle(), None, Some(2)))
        .await
        .then_expect_events(vec![updated(retitle())]);
}

#[tokio::test]
async fn update_records_only_the_fields_that_actually_change() {
    let patch = DetailChanges {
        title: Some(title("Rust meetup")),        // unchanged
        location: Some(Some(location("Berlin"))), // unchanged
        start_time: Some(start()),                // unchanged
        capacity: Some(capacity(12)),
        waitlist_enabled: Some(true),
        ..changes()
    };
    given(vec![created(details(10, false))])
        .when_async(update(patch))
        .await
        .then_expect_events(vec![updated(DetailChanges {
            capacity: Some(capacity(12)),
            waitlist_enabled: Some(true),
            ..changes()
        })]);
}

#[tokio::test]
async fn update_with_only_unchanged_values_records_nothing() {
    let everything_as_it_is = DetailChanges {
        title: Some(title("Rust meetup")),
        description: Some(Description::parse("Talks and pizza").unwrap()),
        location: Some(Some(location("Berlin"))),
        start_time: Some(start()),
        end_time: Some(Some(end())),
        capacity: Some(capacity(10)),
        waitlist_enabled: Some(false),
        category: Some(None),
        visibility: Some(Visibility::Public),
        guest_registration: Some(false),
    };
    given(vec![created(details(10, false))])
        .when_async(update_with(alice(), everything_as_it_is, Some(EventStatus::Open), None))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn update_with_no_changes_records_nothing() {
    given(vec![created(details(10, false))])
        .when_async(update(changes()))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn update_clears_the_location_when_given_null() {
    let clear = DetailChanges {
        location: Some(None),
        ..changes()
    };
    let history = vec![created(details(10, false))];
    given(history.clone())
        .when_async(update(clear.clone()))
        .await
        .then_expect_events(vec![updated(clear.clone())]);

    let event = replay(and(history, [updated(clear)]));
    assert_eq!(event.state.unwrap().details.location, None);
}

#[tokio::test]
async fn update_clears_the_end_time_when_given_null() {
    let clear = DetailChanges {
        end_time: Some(None),
        ..changes()
    };
    given(vec![created(details(10, false))])
        .when_async(update(clear.clone()))
        .await
        .then_expect_events(vec![updated(clear)]);
}
