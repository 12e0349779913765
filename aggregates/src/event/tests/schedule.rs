//! Start and end times in an update: a new start lies ahead, an end follows the start.

use super::*;

#[tokio::test]
async fn update_is_rejected_when_start_time_moves_into_the_past() {
    given(vec![created(details_between(start(), None))])
        .when_async(update(DetailChanges {
            start_time: Some(now() - Duration::hours(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![start_time_not_in_future()]));
}

#[tokio::test]
async fn update_keeps_a_start_time_that_has_passed_when_it_is_given_unchanged() {
    // The event started yesterday; a PUT repeats its start_time along with a new title.
    let yesterday = now() - Duration::days(1);
    let put = DetailChanges {
        start_time: Some(yesterday),
        ..retitle()
    };
    given(vec![created(details_between(yesterday, None))])
        .when_async(update(put))
        .await
        .then_expect_events(vec![updated(retitle())]);
}

#[tokio::test]
async fn update_is_rejected_when_end_time_is_set_before_the_current_start_time() {
    given(vec![created(details(10, false))])
        .when_async(update(DetailChanges {
            end_time: Some(Some(start() - Duration::hours(1))),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![end_time_not_after_start()]));
}

#[tokio::test]
async fn update_is_rejected_when_start_time_moves_past_the_current_end_time() {
    given(vec![created(details(10, false))])
        .when_async(update(DetailChanges {
            start_time: Some(end() + Duration::hours(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![end_time_not_after_start()]));
}

#[tokio::test]
async fn update_names_invalid_times_before_a_capacity_conflict() {
    // 400 comes before 409 in the contract's order of errors.
    given(vec![created(details(2, false)), joined(bob()), joined(carol())])
        .when_async(update(DetailChanges {
            start_time: Some(now()),
            capacity: Some(capacity(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![start_time_not_in_future()]));
}
