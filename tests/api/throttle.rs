//! At most `EVENTS_PER_DAY` creations per user in any rolling 24 hours, counted from the
//! store: refused attempts do not count, and a restart does not reset the count.

use serde_json::json;

use crate::helpers::*;

both_stores!(the_sixth_event_in_a_day_is_throttled_with_retry_after);
async fn the_sixth_event_in_a_day_is_throttled_with_retry_after(mut app: TestApp) {
    app.restart(Settings::throttled(5)).await;
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(app.event_id(&alice, json!({"title": format!("Event {i}")})).await);
    }
    // A deleted event was still created: it keeps counting.
    assert_eq!(app.delete(&format!("/api/events/{}", ids[0]), &alice).await.status, 204);
    let throttled = app.post("/api/events", &alice, event_body("One too many")).await;
    let retry_after = throttled.header("retry-after").map(str::to_owned);
    throttled.problem(429);
    let seconds: u64 = retry_after
        .expect("429 carries Retry-After")
        .parse()
        .expect("Retry-After in seconds");
    assert!(seconds > 23 * 3600 && seconds <= 24 * 3600, "Retry-After {seconds}");
    assert_eq!(
        app.get("/api/events?creator=alice", Anon).await.expect(200)["count"],
        json!(4)
    );
    // As in DRF, the throttle answers before the body is read.
    app.post("/api/events", &alice, json!({"title": ""})).await.problem(429);
    app.event(&bob, json!({})).await;

    app.restart(Settings::throttled(5)).await;
    app.post("/api/events", &alice, event_body("After a restart"))
        .await
        .problem(429);
    app.restart(Settings::throttled(0)).await;
    app.event(&alice, json!({"title": "No limit"})).await;
}
