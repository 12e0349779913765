//! An occurrence of a series is an ordinary event that names its series: created, changed
//! and deleted by the same rules as any other.

use super::*;

fn occurrence_of(series: u128) -> EventDetails {
    EventDetails {
        series_id: Some(Uuid::from_u128(series)),
        ..details(10, false)
    }
}

#[tokio::test]
async fn create_records_the_series_the_event_belongs_to() {
    given(vec![])
        .when_async(create(occurrence_of(7)))
        .await
        .then_expect_events(vec![created(occurrence_of(7))]);
}

#[tokio::test]
async fn an_occurrence_is_changed_alone_like_any_event() {
    given(vec![created(occurrence_of(7))])
        .when_async(update(retitle()))
        .await
        .then_expect_events(vec![updated(retitle())]);
}

#[tokio::test]
async fn an_occurrence_keeps_the_seat_rules_of_any_event() {
    given(vec![
        created(EventDetails {
            capacity: capacity(1),
            ..occurrence_of(7)
        }),
        joined(bob()),
    ])
    .when_async(join(carol()))
    .await
    .then_expect_error(EventError::Full);
}

#[tokio::test]
async fn a_started_occurrence_cannot_be_moved_into_the_past() {
    given(vec![created(occurrence_of(7))])
        .when_async(update(DetailChanges {
            start_time: Some(now() - Duration::hours(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![start_time_not_in_future()]));
}
