//! `prune --older-than 30d`: events that ended over 30 days ago are deleted through the
//! normal delete command, logged with `via: "prune"`; a second run deletes nothing.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::*;

both_stores!(prune_deletes_exactly_the_events_that_ended_before_the_cutoff);
async fn prune_deletes_exactly_the_events_that_ended_before_the_cutoff(mut app: TestApp) {
    let now = Utc::now();
    // Travel 40 days back to create events that have ended by now.
    app.restart(Settings::at(now - Duration::days(40))).await;
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let ended_ago = |days: i64| rfc3339(now - Duration::days(days));
    let starts_ago = |days: i64| rfc3339(now - Duration::days(days) - Duration::hours(2));
    let old = app
        .event_id(
            &alice,
            json!({"title": "Old", "start_time": starts_ago(31), "end_time": ended_ago(31)}),
        )
        .await;
    let old_without_end = app
        .event_id(&alice, json!({"title": "Old, no end", "start_time": ended_ago(31)}))
        .await;
    let recent = app
        .event_id(
            &bob,
            json!({"title": "Recent", "start_time": starts_ago(29), "end_time": ended_ago(29)}),
        )
        .await;
    app.join(&old, &bob).await.expect(201);
    app.restart(Settings::default()).await;
    let upcoming = app.event_id(&alice, json!({"title": "Upcoming"})).await;

    let deleted = app.prune(Duration::days(30)).await;
    let mut deleted_ids: Vec<String> = deleted.iter().map(|e| e.id.to_string()).collect();
    deleted_ids.sort();
    let mut expected = vec![old.clone(), old_without_end.clone()];
    expected.sort();
    assert_eq!(deleted_ids, expected);
    for id in [&old, &old_without_end] {
        app.get(&format!("/api/events/{id}"), Anon).await.problem(404);
    }
    for id in [&recent, &upcoming] {
        app.get(&format!("/api/events/{id}"), Anon).await.expect(200);
    }
    let log = app.get(&format!("/api/logs/{old}"), &alice).await.expect(200);
    let entry = &results(&log)[0];
    assert_eq!(entry["type"], json!("event_deleted"));
    assert_eq!(entry["metadata"]["via"], json!("prune"));
    assert_eq!(entry["actor"]["id"], json!(alice.id));
    assert_eq!(
        app.get("/api/users/me/events", &bob).await.expect(200)["count"],
        json!(0)
    );

    assert!(
        app.prune(Duration::days(30)).await.is_empty(),
        "a second run deletes nothing"
    );
}
