//! Capacity changes: never below the members, and new seats go to the waitlist in order.

use super::*;

#[tokio::test]
async fn update_is_rejected_when_capacity_goes_below_members_count() {
    given(vec![created(details(3, false)), joined(bob()), joined(carol())])
        .when_async(update(DetailChanges {
            capacity: Some(capacity(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::CapacityBelowMembers { members: 2 });
}

#[tokio::test]
async fn update_may_lower_capacity_to_exactly_members_count() {
    let to_two = DetailChanges {
        capacity: Some(capacity(2)),
        ..changes()
    };
    given(vec![created(details(3, false)), joined(bob()), joined(carol())])
        .when_async(update(to_two.clone()))
        .await
        .then_expect_events(vec![updated(to_two)]);
}

#[tokio::test]
async fn raising_capacity_promotes_waitlisted_users_in_order_only_into_free_seats() {
    let to_three = DetailChanges {
        capacity: Some(capacity(3)),
        ..changes()
    };
    given(and(full_with_waitlist(), [waitlisted(erin(), 3)]))
        .when_async(update(to_three.clone()))
        .await
        .then_expect_events(vec![
            updated(to_three),
            promoted(carol(), alice()),
            promoted(dave(), alice()),
        ]);
}
