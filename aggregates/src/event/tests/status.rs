//! Closing and reopening an event through an update.

use super::*;

#[tokio::test]
async fn closing_an_open_event_records_event_closed() {
    given(vec![created(details(10, false))])
        .when_async(set_status(EventStatus::Closed))
        .await
        .then_expect_events(vec![closed()]);
}

#[tokio::test]
async fn reopening_a_closed_event_records_event_opened() {
    given(vec![created(details(10, false)), closed()])
        .when_async(set_status(EventStatus::Open))
        .await
        .then_expect_events(vec![opened()]);
}

#[tokio::test]
async fn setting_the_status_an_event_already_has_records_nothing() {
    for (history, status) in [
        (vec![created(details(10, false))], EventStatus::Open),
        (vec![created(details(10, false)), closed()], EventStatus::Closed),
    ] {
        let result = given(history).when_async(set_status(status)).await.inspect_result();
        assert_eq!(result, Ok(vec![]), "status {status:?}");
    }
}

#[tokio::test]
async fn changing_fields_and_closing_in_one_update_records_both_in_that_order() {
    given(vec![created(details(10, false))])
        .when_async(update_with(alice(), retitle(), Some(EventStatus::Closed), None))
        .await
        .then_expect_events(vec![updated(retitle()), closed()]);
}
