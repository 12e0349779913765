//! Creating an event: once per id, with a schedule that lies ahead.

use super::*;

#[tokio::test]
async fn create_records_the_event_with_its_creator() {
    given(vec![])
        .when_async(create(details(10, false)))
        .await
        .then_expect_events(vec![created(details(10, false))]);
}

#[tokio::test]
async fn create_accepts_an_event_without_an_end_time() {
    let open_ended = details_between(start(), None);
    given(vec![])
        .when_async(create(open_ended.clone()))
        .await
        .then_expect_events(vec![created(open_ended)]);
}

#[tokio::test]
async fn create_is_rejected_when_the_event_already_exists() {
    given(vec![created(details(10, false))])
        .when_async(create(details(10, false)))
        .await
        .then_expect_error(EventError::AlreadyExists);
}

#[tokio::test]
async fn create_is_rejected_when_the_id_belonged_to_a_deleted_event() {
    // A deleted event keeps its history (its log stays readable), so its id is never reused.
    given(vec![created(details(10, false)), deleted()])
        .when_async(create(details(10, false)))
        .await
        .then_expect_error(EventError::AlreadyExists);
}

#[tokio::test]
async fn create_is_rejected_when_the_start_time_is_not_in_the_future() {
    for start_time in [now(), now() - Duration::hours(1)] {
        let result = given(vec![])
            .when_async(create(details_between(start_time, None)))
            .await
            .inspect_result();
        assert_eq!(
            result,
            Err(EventError::InvalidFields(vec![start_time_not_in_future()])),
            "start_time {start_time}"
        );
    }
}

#[tokio::test]
async fn create_is_rejected_when_the_end_time_is_not_after_the_start_time() {
    for end_time in [start(), start() - Duration::minutes(1)] {
        let result = given(vec![])
            .when_async(create(details_between(start(), Some(end_time))))
            .await
            .inspect_result();
        assert_eq!(
            result,
            Err(EventError::InvalidFields(vec![end_time_not_after_start()])),
            "end_time {end_time}"
        );
    }
}

#[tokio::test]
async fn create_names_both_fields_when_start_and_end_times_are_both_invalid() {
    let past = now() - Duration::days(1);
    given(vec![])
        .when_async(create(details_between(past, Some(past - Duration::hours(1)))))
        .await
        .then_expect_error(EventError::InvalidFields(vec![
            start_time_not_in_future(),
            end_time_not_after_start(),
        ]));
}
