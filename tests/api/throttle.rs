//! At most `EVENTS_PER_DAY` creations per user in any rolling 24 hours: refused attempts do
//! not count, a restart does not reset the count, instances racing share it, and a series
//! counts each occurrence.

use serde_json::json;

use crate::helpers::*;
use crate::process::ServerProcess;

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

const LIMIT: usize = 5;

/// Creates `count` events as `user` through each of `instances` at once; answers how many
/// were answered 201 (every other answer must be 429).
async fn racing_creations(instances: &[&Api], user: &TestUser, count: usize) -> usize {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(instances.len() * count));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, api) in instances.iter().enumerate() {
        for n in 0..count {
            let (api, user, barrier) = ((*api).clone(), user.clone(), barrier.clone());
            tasks.spawn(async move {
                barrier.wait().await;
                api.post("/api/events", &user, event_body(&format!("Race {i}.{n}")))
                    .await
            });
        }
    }
    let answers = tasks.join_all().await;
    for answer in &answers {
        assert!(
            matches!(answer.status, 201 | 429),
            "a racing creation answered {}: {}",
            answer.status,
            answer.body
        );
    }
    answers.iter().filter(|answer| answer.status == 201).count()
}

both_stores!(two_instances_racing_for_the_last_slots_never_exceed_the_limit);
async fn two_instances_racing_for_the_last_slots_never_exceed_the_limit(app: TestApp) {
    let limit = LIMIT.to_string();
    let env = [("EVENTS_PER_DAY", limit.as_str())];
    let first = ServerProcess::start_with(app.database_url(), &env, None).await;
    let second = ServerProcess::start_with(app.database_url(), &env, None).await;
    let users = app.users("racer", 6).await;
    for (trial, user) in users.iter().enumerate() {
        let before = trial % LIMIT;
        for n in 0..before {
            first.event(user, json!({"title": format!("Before {n}")})).await;
        }
        let won = racing_creations(&[&first.api, &second.api], user, 3).await;
        assert_eq!(
            before + won,
            LIMIT,
            "trial {trial}: {before} before, {won} won the race"
        );
        let listed = app
            .get(&format!("/api/events?creator={}", user.username), Anon)
            .await
            .expect(200);
        assert_eq!(listed["count"], json!(LIMIT), "trial {trial}");
    }
}

both_stores!(every_occurrence_of_a_series_counts_against_the_limit);
async fn every_occurrence_of_a_series_counts_against_the_limit(mut app: TestApp) {
    app.restart(Settings::throttled(LIMIT as u32)).await;
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let series = |count: usize| {
        merge(
            event_body("Weekly"),
            json!({"recurrence": {"freq": "weekly", "count": count}}),
        )
    };
    for n in 0..4 {
        app.event(&alice, json!({"title": format!("Plain {n}")})).await;
    }
    let refused = app.post("/api/events", &alice, series(200)).await;
    assert!(refused.header("retry-after").is_some(), "429 carries Retry-After");
    refused.problem(429);
    app.post("/api/events", &alice, series(2)).await.problem(429);
    app.create_event(&alice, series(1)).await;
    app.post("/api/events", &alice, event_body("Sixth")).await.problem(429);
    let listed = app.get("/api/events?creator=alice", Anon).await.expect(200);
    assert_eq!(listed["count"], json!(LIMIT));

    app.create_event(&bob, series(LIMIT)).await;
    app.post("/api/events", &bob, event_body("One more")).await.problem(429);
    // A bad body after the count has room takes no slot.
    app.post("/api/events", &alice, json!({"title": ""})).await.problem(429);
    let carol = app.user("carol").await;
    app.post("/api/events", &carol, json!({"title": ""}))
        .await
        .invalid(&["start_time", "capacity"]);
    app.create_event(&carol, series(LIMIT)).await;
}
