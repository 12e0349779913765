//! An event's optional category: set at creation, changed or cleared like any detail.

use super::*;

fn category(n: u128) -> Uuid {
    Uuid::from_u128(0xca7 << 16 | n)
}

fn filed_under(n: u128) -> EventDetails {
    EventDetails {
        category: Some(category(n)),
        ..details(10, false)
    }
}

#[tokio::test]
async fn create_records_the_category_with_the_event() {
    given(vec![])
        .when_async(create(filed_under(1)))
        .await
        .then_expect_events(vec![created(filed_under(1))]);
}

#[tokio::test]
async fn update_moves_the_event_to_another_category() {
    let to_two = DetailChanges {
        category: Some(Some(category(2))),
        ..changes()
    };
    given(vec![created(filed_under(1))])
        .when_async(update(to_two.clone()))
        .await
        .then_expect_events(vec![updated(to_two)]);
}

#[tokio::test]
async fn update_clears_the_category_when_given_null() {
    let clear = DetailChanges {
        category: Some(None),
        ..changes()
    };
    given(vec![created(filed_under(1))])
        .when_async(update(clear.clone()))
        .await
        .then_expect_events(vec![updated(clear)]);
}

#[tokio::test]
async fn update_to_the_category_the_event_has_records_nothing() {
    let same = DetailChanges {
        category: Some(Some(category(1))),
        ..changes()
    };
    given(vec![created(filed_under(1))])
        .when_async(update(same))
        .await
        .then_expect_events(vec![]);
}

#[test]
fn an_event_without_a_category_is_stored_exactly_as_before() {
    let payload = serde_json::to_value(created(details(10, false))).unwrap();
    assert!(
        payload["EventCreated"]["details"].get("category").is_none(),
        "{payload}"
    );
    let changes = serde_json::to_value(updated(retitle())).unwrap();
    assert!(
        changes["EventUpdated"]["changes"].get("category").is_none(),
        "{changes}"
    );
}
