//! Recurring events: a series of ordinary events, changed or deleted from now on together.

use chrono::{Duration, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

/// A weekly series of ten, the first a day from now, two hours long, as `user`.
async fn weekly_series(app: &TestApp, user: &TestUser) -> (Value, Vec<Value>) {
    let start = Utc::now() + Duration::days(1);
    let body = json!({"title": "Rust meetup", "start_time": rfc3339(start),
        "end_time": rfc3339(start + Duration::hours(2)), "capacity": 5,
        "recurrence": {"freq": "weekly", "count": 10}});
    let answer = app.post("/api/events", user, body).await;
    let first = answer.expect(201);
    let series = app
        .get(&format!("/api/series/{}", first["series_id"].as_str().unwrap()), Anon)
        .await
        .expect(200);
    let occurrences = series["occurrences"].as_array().unwrap().clone();
    (first, occurrences)
}

fn titles(occurrences: &[Value]) -> Vec<&str> {
    occurrences.iter().map(|o| o["title"].as_str().unwrap()).collect()
}

both_stores!(a_weekly_series_of_ten_is_ten_ordinary_events);
async fn a_weekly_series_of_ten_is_ten_ordinary_events(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let (first, occurrences) = weekly_series(&app, &alice).await;
    assert_eq!(occurrences.len(), 10);
    assert_eq!(occurrences[0], first);
    let first_start = parse_time(&first["start_time"]);
    for (i, occurrence) in occurrences.iter().enumerate() {
        assert_eq!(
            parse_time(&occurrence["start_time"]),
            first_start + Duration::weeks(i as i64)
        );
        assert_eq!(
            parse_time(&occurrence["end_time"]),
            first_start + Duration::weeks(i as i64) + Duration::hours(2)
        );
        assert_eq!(occurrence["series_id"], first["series_id"]);
        assert_eq!(occurrence["capacity"], json!(5));
    }
    let ids: Vec<String> = occurrences.iter().map(id_of).collect();
    assert_unique(&ids);

    // Each occurrence has its own members and log.
    app.join(&ids[1], &bob).await.expect(201);
    assert_eq!(app.event_of(&ids[1], Anon).await["members_count"], json!(1));
    assert_eq!(app.event_of(&ids[2], Anon).await["members_count"], json!(0));
    let log = app.get(&format!("/api/logs/{}", ids[1]), &alice).await.expect(200);
    let types: Vec<&Value> = results(&log).iter().map(|e| &e["type"]).collect();
    assert_eq!(types, [&json!("member_joined"), &json!("series_created")]);
    assert_eq!(results(&log)[1]["metadata"]["series_id"], first["series_id"]);

    // Bad recurrences name the field; nothing is created.
    let bad = |recurrence: Value| {
        app.post(
            "/api/events",
            &alice,
            merge(event_body("X"), json!({"recurrence": recurrence})),
        )
    };
    bad(json!({"freq": "daily", "count": 2})).await.invalid(&["recurrence"]);
    bad(json!({"freq": "weekly", "count": 201}))
        .await
        .invalid(&["recurrence"]);
    bad(json!({"freq": "weekly"})).await.invalid(&["recurrence"]);
    bad(json!({"freq": "weekly", "count": 2, "until": in_days(30)}))
        .await
        .invalid(&["recurrence"]);
    bad(json!({"freq": "weekly", "until": in_days(1)}))
        .await
        .invalid(&["recurrence"]);
    bad(json!({"freq": "weekly", "until": in_days(7 * 300)}))
        .await
        .invalid(&["recurrence"]);
    bad(json!({"freq": "monthly", "interval": 0, "count": 2}))
        .await
        .invalid(&["recurrence"]);
    bad(json!("weekly")).await.invalid(&["recurrence"]);
    let listed = app.get("/api/events?page_size=1", Anon).await.expect(200);
    assert_eq!(listed["count"], json!(10));

    app.get(&format!("/api/series/{}", Uuid::new_v4()), Anon)
        .await
        .problem(404);
    app.get("/api/series/nope", Anon).await.problem(404);
    app.assert_verified().await;
}

both_stores!(a_series_change_overrides_what_an_occurrence_changed_alone_in_the_same_fields);
async fn a_series_change_overrides_what_an_occurrence_changed_alone_in_the_same_fields(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let (first, occurrences) = weekly_series(&app, &alice).await;
    let series = format!("/api/series/{}", first["series_id"].as_str().unwrap());
    let third = format!("/api/events/{}", id_of(&occurrences[2]));

    // One occurrence changed alone.
    let alone = app
        .patch(
            &third,
            &alice,
            json!({"title": "Special edition", "location": "Room B"}),
        )
        .await
        .expect(200);
    assert_eq!(alone["series_id"], first["series_id"], "still in the series");

    // Who may, before what they sent.
    app.patch(&series, Anon, json!({"title": "X"})).await.problem(401);
    app.patch(&series, &bob, json!({"title": "X"})).await.problem(403);
    app.patch(&format!("/api/series/{}", Uuid::new_v4()), &alice, json!({}))
        .await
        .problem(404);
    app.patch(&series, &alice, json!({"start_time": in_days(3)}))
        .await
        .invalid(&["start_time"]);
    // Before, these were ignored: 200 with nothing changed.
    app.patch(
        &series,
        &alice,
        json!({"visibility": "private", "guest_registration": true}),
    )
    .await
    .invalid(&["guest_registration", "visibility"]);
    app.patch(&series, &alice, json!({"capacity": 0, "title": ""}))
        .await
        .invalid(&["capacity", "title"]);

    let changed = app
        .patch(&series, &alice, json!({"title": "Weekly Rust", "capacity": 8}))
        .await
        .expect(200);
    let after = changed["occurrences"].as_array().unwrap();
    assert_eq!(
        titles(after),
        vec!["Weekly Rust"; 10],
        "the series' title wins everywhere"
    );
    assert!(after.iter().all(|o| o["capacity"] == json!(8)));
    let third_now = app.event_of(&id_of(&occurrences[2]), Anon).await;
    assert_eq!(
        third_now["location"],
        json!("Room B"),
        "a field the series change does not name stays"
    );
    let others: Vec<&Value> = after.iter().map(|o| &o["location"]).collect();
    assert_eq!(others.iter().filter(|l| ***l == json!("Room B")).count(), 1);

    let log = app
        .get(&format!("/api/logs/{}", id_of(&occurrences[2])), &alice)
        .await
        .expect(200);
    let latest = &results(&log)[0];
    assert_eq!(latest["type"], json!("event_updated"));
    assert_eq!(latest["metadata"]["via"], json!("series"));
    assert_eq!(latest["metadata"]["fields"], json!(["title", "capacity"]));
    app.assert_verified().await;
}

both_stores!(a_series_changes_and_deletes_only_its_future_occurrences);
async fn a_series_changes_and_deletes_only_its_future_occurrences(mut app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let (first, occurrences) = weekly_series(&app, &alice).await;
    let series = format!("/api/series/{}", first["series_id"].as_str().unwrap());
    // Ten days on, the first two occurrences (days 1 and 8) have started.
    app.restart(Settings::at(Utc::now() + Duration::days(10))).await;

    let changed = app.patch(&series, &alice, json!({"title": "Later"})).await.expect(200);
    let after = changed["occurrences"].as_array().unwrap();
    assert_eq!(&titles(after)[..3], ["Rust meetup", "Rust meetup", "Later"]);

    app.delete(&series, &bob).await.problem(403);
    assert_eq!(app.delete(&series, &alice).await.status, 204);
    let left = app.get(&series, Anon).await.expect(200);
    let ids: Vec<String> = left["occurrences"].as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(ids, [id_of(&occurrences[0]), id_of(&occurrences[1])]);
    app.get(&format!("/api/events/{}", id_of(&occurrences[2])), Anon)
        .await
        .problem(404);
    let log = app
        .get(&format!("/api/logs/{}", id_of(&occurrences[9])), &alice)
        .await
        .expect(200);
    assert_eq!(results(&log)[0]["type"], json!("event_deleted"));
    assert_eq!(results(&log)[0]["metadata"]["via"], json!("series"));
    app.assert_verified().await;
}

both_stores!(a_series_capacity_below_an_occurrences_members_changes_nothing);
async fn a_series_capacity_below_an_occurrences_members_changes_nothing(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let (first, occurrences) = weekly_series(&app, &alice).await;
    let series = format!("/api/series/{}", first["series_id"].as_str().unwrap());
    let fourth = id_of(&occurrences[3]);
    app.join_all(&fourth, [&bob, &carol]).await;

    let refused = app
        .patch(&series, &alice, json!({"capacity": 1, "title": "Small"}))
        .await
        .problem(409);
    assert!(refused["detail"].as_str().unwrap().contains(&fourth), "{refused}");
    let after = app.get(&series, Anon).await.expect(200);
    let after = after["occurrences"].as_array().unwrap();
    assert_eq!(titles(after), vec!["Rust meetup"; 10], "nothing changed");
    assert!(after.iter().all(|o| o["capacity"] == json!(5)));
    app.assert_verified().await;
}

both_stores!(a_null_recurrence_creates_one_plain_event);
async fn a_null_recurrence_creates_one_plain_event(app: TestApp) {
    let alice = app.user("alice").await;
    let created = app
        .create_event(&alice, merge(event_body("Once"), json!({"recurrence": null})))
        .await;
    assert_eq!(created.get("series_id"), None, "{created}");
    assert_eq!(results(&app.get("/api/events", Anon).await.expect(200)).len(), 1);
}

both_stores!(a_series_that_would_go_past_the_year_9999_is_refused_whole);
async fn a_series_that_would_go_past_the_year_9999_is_refused_whole(app: TestApp) {
    let alice = app.user("alice").await;
    let late = |start: &str, end: Option<&str>, recurrence: Value| {
        let body = merge(
            event_body("Late"),
            json!({"start_time": start, "end_time": end, "recurrence": recurrence}),
        );
        app.post("/api/events", &alice, body)
    };
    // Before, each was created: occurrences at `+10000-01-20T00:00:00Z`, which no request
    // can send back and no calendar can read, or fewer than counted.
    late("9999-12-20T00:00:00Z", None, json!({"freq": "monthly", "count": 3}))
        .await
        .invalid(&["recurrence"]);
    late("9999-10-31T23:00:00Z", None, json!({"freq": "weekly", "count": 200}))
        .await
        .invalid(&["recurrence"]);
    late(
        "9999-12-20T00:00:00Z",
        Some("9999-12-26T00:00:00Z"),
        json!({"freq": "weekly", "count": 2}),
    )
    .await
    .invalid(&["recurrence"]);
    let listed = app.get("/api/events?page_size=1", Anon).await.expect(200);
    assert_eq!(listed["count"], json!(0), "nothing of a refused series is created");
    let fits = late("9999-12-20T00:00:00Z", None, json!({"freq": "weekly", "count": 2}))
        .await
        .expect(201);
    let series = app
        .get(
            &format!("/api/series/{}", fits["series_id"].as_str().expect("a series")),
            Anon,
        )
        .await
        .expect(200);
    assert_eq!(series["occurrences"].as_array().map(Vec::len), Some(2), "{series}");
}
