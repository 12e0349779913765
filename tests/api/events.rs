//! Events: create, list (pagination, filters, ordering), read, replace, patch, delete.

use std::time::Duration;

use chrono::{NaiveTime, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const EVENT_KEYS: [&str; 16] = [
    "id",
    "title",
    "description",
    "location",
    "start_time",
    "end_time",
    "capacity",
    "status",
    "waitlist_enabled",
    "creator",
    "members_count",
    "available_slots",
    "waitlist_count",
    "created_at",
    "updated_at",
    "version",
];

fn same_instant(a: &Value, b: &Value) -> bool {
    parse_time(a) == parse_time(b)
}

/// Every writable field of `event` is as `body` set it (start and end as the same instants).
#[track_caller]
fn assert_writable_fields(event: &Value, body: &Value) {
    for key in [
        "title",
        "description",
        "location",
        "capacity",
        "status",
        "waitlist_enabled",
    ] {
        assert_eq!(event[key], body[key], "{key}");
    }
    for key in ["start_time", "end_time"] {
        assert!(
            same_instant(&event[key], &body[key]),
            "{key}: {} vs {}",
            event[key],
            body[key]
        );
    }
}

fn titles(page: &Value) -> Vec<String> {
    column(page, "/title")
}

both_stores!(creating_an_event_answers_201_with_location_etag_and_defaults);
async fn creating_an_event_answers_201_with_location_etag_and_defaults(app: TestApp) {
    let alice = app.user("alice").await;
    let start = in_days(7);
    let before = Utc::now() - chrono::Duration::seconds(1);
    let answer = app
        .post(
            "/api/events",
            &alice,
            json!({"title": "Rust meetup", "start_time": start, "capacity": 25}),
        )
        .await;
    let location = answer
        .header("location")
        .unwrap_or_else(|| panic!("no Location: {:?}", answer.headers))
        .to_owned();
    let etag = answer.etag();
    let event = answer.expect(201);

    for key in EVENT_KEYS {
        assert!(event.get(key).is_some(), "the event lacks {key}: {event}");
    }
    let id = id_of(&event);
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(event["title"], json!("Rust meetup"));
    assert_eq!(event["description"], json!(""));
    assert_eq!(event["location"], Value::Null);
    assert!(same_instant(&event["start_time"], &json!(start)));
    assert!(
        event["start_time"].as_str().unwrap().ends_with('Z'),
        "timestamps are UTC: {event}"
    );
    assert_eq!(event["end_time"], Value::Null);
    assert_eq!(event["capacity"], json!(25));
    assert_eq!(event["status"], json!("open"));
    assert_eq!(event["waitlist_enabled"], json!(false));
    assert_eq!(event["creator"], json!({"id": alice.id, "username": "alice"}));
    assert_eq!(event["members_count"], json!(0));
    assert_eq!(event["available_slots"], json!(25));
    assert_eq!(event["waitlist_count"], json!(0));
    assert_eq!(event["version"], json!(1));
    assert!(parse_time(&event["created_at"]) >= before);
    assert!(parse_time(&event["updated_at"]) >= before);
    assert_eq!(etag_version(&etag), 1);

    assert!(
        location.ends_with(&format!("/api/events/{id}")),
        "Location {location:?} names the event"
    );
    let fetched = app.get(&location, Anon).await;
    assert_eq!(etag_version(&fetched.etag()), 1);
    assert_eq!(fetched.expect(200), event);
}

both_stores!(creating_an_event_keeps_every_writable_field);
async fn creating_an_event_keeps_every_writable_field(app: TestApp) {
    let alice = app.user("alice").await;
    let body = json!({
        "title": "Conference",
        "description": "Two days of talks",
        "location": "Berlin",
        "start_time": in_days(30),
        "end_time": in_days(32),
        "capacity": 100000,
        "status": "closed",
        "waitlist_enabled": true,
        // Read-only fields are ignored.
        "members_count": 99,
        "version": 42,
    });
    let event = app.create_event(&alice, body.clone()).await;
    assert_writable_fields(&event, &body);
    assert_eq!(event["members_count"], json!(0));
    assert_eq!(event["version"], json!(1));

    let longest = "t".repeat(200);
    let event = app
        .event(
            &alice,
            json!({"title": longest, "capacity": 1, "description": "d".repeat(5000)}),
        )
        .await;
    assert_eq!(event["title"].as_str().unwrap().len(), 200);

    app.post("/api/events", Anon, event_body("Anonymous"))
        .await
        .problem(401);
}

both_stores!(invalid_event_fields_are_400_naming_each_field);
async fn invalid_event_fields_are_400_naming_each_field(app: TestApp) {
    let alice = app.user("alice").await;
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({"title": ""}), vec!["title"]),
        (json!({"title": "x".repeat(201)}), vec!["title"]),
        (json!({"description": "x".repeat(5001)}), vec!["description"]),
        (json!({"location": "x".repeat(201)}), vec!["location"]),
        (json!({"capacity": 0}), vec!["capacity"]),
        (json!({"capacity": -1}), vec!["capacity"]),
        (json!({"capacity": 100001}), vec!["capacity"]),
        (json!({"capacity": "abc"}), vec!["capacity"]),
        (json!({"capacity": 1.5}), vec!["capacity"]),
        (json!({"start_time": in_days(-1)}), vec!["start_time"]),
        (json!({"start_time": "next tuesday"}), vec!["start_time"]),
        (json!({"end_time": in_days(6)}), vec!["end_time"]),
        (json!({"end_time": in_days(7)}), vec!["end_time"]),
        (json!({"status": "maybe"}), vec!["status"]),
        (json!({"waitlist_enabled": "yes"}), vec!["waitlist_enabled"]),
        (json!({"title": "", "capacity": 0}), vec!["title", "capacity"]),
    ];
    let start = in_days(7);
    for (overrides, fields) in cases {
        let body = merge(
            json!({"title": "Valid", "start_time": start, "capacity": 10}),
            overrides.clone(),
        );
        let answer = app.post("/api/events", &alice, body).await;
        assert_eq!(answer.status, 400, "{overrides} should be 400: {}", answer.body);
        answer.invalid(&fields);
    }
    app.post("/api/events", &alice, json!({}))
        .await
        .invalid(&["title", "start_time", "capacity"]);
    app.post(
        "/api/events",
        &alice,
        json!({"title": "No capacity", "start_time": start}),
    )
    .await
    .invalid(&["capacity"]);

    // Nothing was created, and refusals do not use up the day's quota.
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(0));
    for i in 0..5 {
        app.event(&alice, json!({"title": format!("Valid {i}")})).await;
    }
}

both_stores!(listing_events_is_paginated);
async fn listing_events_is_paginated(app: TestApp) {
    let creators = app.users("creator", 5).await;
    for (c, creator) in creators.iter().enumerate() {
        for i in 0..5 {
            let day = 1 + (c * 5 + i) as i64;
            app.create_event(
                creator,
                json!({"title": format!("E{:02}", c * 5 + i), "start_time": in_days(day), "capacity": 5}),
            )
            .await;
        }
    }

    let first = app.get("/api/events", Anon).await.expect(200);
    assert_eq!(first["count"], json!(25));
    assert_eq!(results(&first).len(), 20, "20 per page by default");
    assert_eq!(first["previous"], Value::Null);
    let next = first["next"].as_str().expect("a next page").to_owned();
    assert!(next.contains("page=2"), "next: {next}");

    let second = app.get(&next, Anon).await.expect(200);
    assert_eq!(results(&second).len(), 5);
    assert_eq!(second["next"], Value::Null);
    assert!(second["previous"].is_string(), "a previous page: {second}");
    let back = app.get(second["previous"].as_str().unwrap(), Anon).await.expect(200);
    assert_eq!(titles(&back), titles(&first));

    let past_the_end = app.get("/api/events?page=3", Anon).await.expect(200);
    assert_eq!(past_the_end["count"], json!(25));
    assert_eq!(results(&past_the_end).len(), 0);

    let small = app.get("/api/events?page_size=10&page=3", Anon).await.expect(200);
    assert_eq!(titles(&small), ["E20", "E21", "E22", "E23", "E24"]);
    let biggest = app.get("/api/events?page_size=100", Anon).await.expect(200);
    assert_eq!(results(&biggest).len(), 25);

    // Walking pages of 7 sees each event once, in order.
    let mut seen = Vec::new();
    let mut url = Some("/api/events?page_size=7".to_owned());
    while let Some(u) = url {
        let page = app.get(&u, Anon).await.expect(200);
        seen.extend(titles(&page));
        url = page["next"].as_str().map(str::to_owned);
    }
    let expected: Vec<String> = (0..25).map(|i| format!("E{i:02}")).collect();
    assert_eq!(seen, expected);

    for bad in [
        "page=0",
        "page=-1",
        "page_size=0",
        "page_size=101",
        "page=abc",
        "page_size=x",
    ] {
        app.get(&format!("/api/events?{bad}"), Anon).await.problem(400);
    }
}

both_stores!(listing_filters_by_title_and_location_case_insensitively);
async fn listing_filters_by_title_and_location_case_insensitively(app: TestApp) {
    let alice = app.user("alice").await;
    app.event(&alice, json!({"title": "Rust Meetup", "location": "Berlin Mitte"}))
        .await;
    app.event(
        &alice,
        json!({"title": "rust workshop", "location": "berlin kreuzberg"}),
    )
    .await;
    app.event(&alice, json!({"title": "Go meetup", "location": "Hamburg"}))
        .await;
    app.event(&alice, json!({"title": "Knitting"})).await;

    let count = |page: Value| page["count"].as_u64().unwrap();
    assert_eq!(count(app.get("/api/events?title=RUST", Anon).await.expect(200)), 2);
    assert_eq!(count(app.get("/api/events?title=meetup", Anon).await.expect(200)), 2);
    assert_eq!(
        count(app.get("/api/events?title=t%20m", Anon).await.expect(200)),
        1,
        "`Rust Meetup` only"
    );
    assert_eq!(count(app.get("/api/events?location=BERLIN", Anon).await.expect(200)), 2);
    assert_eq!(count(app.get("/api/events?location=RG", Anon).await.expect(200)), 2);
    let both = app
        .get("/api/events?title=meetup&location=berlin", Anon)
        .await
        .expect(200);
    assert_eq!(titles(&both), ["Rust Meetup"]);
    assert_eq!(
        count(app.get("/api/events?title=nothing-like-this", Anon).await.expect(200)),
        0
    );
    // A `%` or `_` is a character, not a wildcard.
    assert_eq!(count(app.get("/api/events?title=%25", Anon).await.expect(200)), 0);
    assert_eq!(count(app.get("/api/events?title=_", Anon).await.expect(200)), 0);
}

both_stores!(listing_filters_by_creator_id_or_username_and_by_status);
async fn listing_filters_by_creator_id_or_username_and_by_status(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let a1 = app.event(&alice, json!({"title": "A1"})).await;
    app.event(&alice, json!({"title": "A2"})).await;
    app.event(&bob, json!({"title": "B1"})).await;
    app.patch(
        &format!("/api/events/{}", id_of(&a1)),
        &alice,
        json!({"status": "closed"}),
    )
    .await
    .expect(200);

    let sorted = |page: Value| {
        let mut t = titles(&page);
        t.sort();
        t
    };
    assert_eq!(
        sorted(
            app.get(&format!("/api/events?creator={}", alice.id), Anon)
                .await
                .expect(200)
        ),
        ["A1", "A2"]
    );
    assert_eq!(
        sorted(app.get("/api/events?creator=alice", Anon).await.expect(200)),
        ["A1", "A2"]
    );
    assert_eq!(
        sorted(
            app.get(&format!("/api/events?creator={}", bob.id), Anon)
                .await
                .expect(200)
        ),
        ["B1"]
    );
    assert_eq!(
        sorted(app.get("/api/events?creator=bob", Anon).await.expect(200)),
        ["B1"]
    );
    assert_eq!(
        app.get("/api/events?creator=nobody", Anon).await.expect(200)["count"],
        json!(0)
    );

    assert_eq!(
        sorted(app.get("/api/events?status=closed", Anon).await.expect(200)),
        ["A1"]
    );
    assert_eq!(
        sorted(app.get("/api/events?status=open", Anon).await.expect(200)),
        ["A2", "B1"]
    );
    assert_eq!(
        sorted(app.get("/api/events?status=open&creator=alice", Anon).await.expect(200)),
        ["A2"]
    );
    app.get("/api/events?status=maybe", Anon).await.problem(400);
}

both_stores!(start_after_and_start_before_are_inclusive_and_take_bare_dates);
async fn start_after_and_start_before_are_inclusive_and_take_bare_dates(app: TestApp) {
    let alice = app.user("alice").await;
    let day0 = (Utc::now() + chrono::Duration::days(10)).date_naive();
    let day1 = day0.succ_opt().unwrap();
    let day2 = day1.succ_opt().unwrap();
    let at = |day: chrono::NaiveDate, h, m, s| day.and_time(NaiveTime::from_hms_opt(h, m, s).unwrap()).and_utc();
    let times = [
        ("D0 10:00", at(day0, 10, 0, 0)),
        ("D1 00:00", at(day1, 0, 0, 0)),
        ("D1 23:59", at(day1, 23, 59, 59)),
        ("D2 00:00", at(day2, 0, 0, 0)),
    ];
    for (title, start) in times {
        app.event(&alice, json!({"title": title, "start_time": rfc3339(start)}))
            .await;
    }
    let query = |q: String| {
        let api = app.api.clone();
        async move { titles(&api.get(&format!("/api/events?{q}"), Anon).await.expect(200)) }
    };
    assert_eq!(
        query(format!("start_after={day1}")).await,
        ["D1 00:00", "D1 23:59", "D2 00:00"]
    );
    assert_eq!(
        query(format!("start_before={day1}")).await,
        ["D0 10:00", "D1 00:00", "D1 23:59"]
    );
    assert_eq!(
        query(format!("start_after={day1}&start_before={day1}")).await,
        ["D1 00:00", "D1 23:59"]
    );
    assert_eq!(
        query(format!("start_after={}", rfc3339(times[2].1))).await,
        ["D1 23:59", "D2 00:00"]
    );
    assert_eq!(
        query(format!("start_before={}", rfc3339(times[1].1))).await,
        ["D0 10:00", "D1 00:00"]
    );
    let with_offset = times[2].1.format("%Y-%m-%dT%H:%M:%S%%2B00:00").to_string();
    assert_eq!(
        query(format!("start_after={with_offset}")).await,
        ["D1 23:59", "D2 00:00"]
    );
    assert_eq!(
        query(format!("start_after={day2}&start_before={day0}")).await,
        Vec::<String>::new()
    );

    for bad in [
        "start_after=yesterday",
        "start_before=2026-13-01",
        "start_after=2026-02-30",
    ] {
        app.get(&format!("/api/events?{bad}"), Anon).await.problem(400);
    }
}

#[derive(Clone)]
struct Row {
    id: String,
    title: String,
    start: chrono::DateTime<Utc>,
    created: chrono::DateTime<Utc>,
}

/// The ids sorted by `key` (descending if asked), ties by id ascending.
fn sorted_ids(rows: &[Row], descending: bool, key: fn(&Row) -> String) -> Vec<String> {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| {
        let order = key(a).cmp(&key(b));
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| a.id.cmp(&b.id))
    });
    rows.into_iter().map(|r| r.id).collect()
}

both_stores!(ordering_sorts_and_breaks_ties_by_id);
async fn ordering_sorts_and_breaks_ties_by_id(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let same = in_days(5);
    let mut rows = Vec::new();
    for (user, title, start) in [
        (&alice, "Charlie", same.clone()),
        (&alice, "Alpha", in_days(9)),
        (&alice, "Bravo", same.clone()),
        (&bob, "Bravo", in_days(3)),
        (&bob, "Delta", same.clone()),
    ] {
        let event = app
            .create_event(user, json!({"title": title, "start_time": start, "capacity": 3}))
            .await;
        rows.push(Row {
            id: id_of(&event),
            title: title.to_owned(),
            start: parse_time(&event["start_time"]),
            created: parse_time(&event["created_at"]),
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ids = |page: Value| column(&page, "/id");
    let by_start: fn(&Row) -> String = |r| format!("{:020}", r.start.timestamp_micros());
    let by_created: fn(&Row) -> String = |r| format!("{:020}", r.created.timestamp_micros());
    let by_title: fn(&Row) -> String = |r| r.title.clone();

    let default = ids(app.get("/api/events", Anon).await.expect(200));
    assert_eq!(default, sorted_ids(&rows, false, by_start), "by start_time, then id");
    for (ordering, expected) in [
        ("start_time", sorted_ids(&rows, false, by_start)),
        ("-start_time", sorted_ids(&rows, true, by_start)),
        ("created_at", sorted_ids(&rows, false, by_created)),
        ("-created_at", sorted_ids(&rows, true, by_created)),
        ("title", sorted_ids(&rows, false, by_title)),
        ("-title", sorted_ids(&rows, true, by_title)),
    ] {
        let got = ids(app
            .get(&format!("/api/events?ordering={ordering}"), Anon)
            .await
            .expect(200));
        assert_eq!(got, expected, "ordering={ordering}");
        // Pages of one never repeat or skip.
        let mut paged = Vec::new();
        for page in 1..=5 {
            let path = format!("/api/events?ordering={ordering}&page_size=1&page={page}");
            paged.extend(ids(app.get(&path, Anon).await.expect(200)));
        }
        assert_eq!(paged, expected, "ordering={ordering}, one per page");
    }
}

both_stores!(getting_an_event_by_id);
async fn getting_an_event_by_id(app: TestApp) {
    let alice = app.user("alice").await;
    let event = app.event(&alice, json!({})).await;
    let id = id_of(&event);
    let anonymous = app.get(&format!("/api/events/{id}"), Anon).await;
    assert_eq!(etag_version(&anonymous.etag()), 1);
    assert_eq!(anonymous.expect(200), event);
    assert_eq!(app.event_of(&id, &alice).await, event);

    app.get(&format!("/api/events/{}", uuid::Uuid::new_v4()), Anon)
        .await
        .problem(404);
    for not_an_id in ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g"] {
        app.get(&format!("/api/events/{not_an_id}"), Anon).await.problem(404);
    }
}

both_stores!(put_replaces_every_writable_field_for_the_creator_only);
async fn put_replaces_every_writable_field_for_the_creator_only(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = app
        .event(&alice, json!({"description": "old", "location": "Old town"}))
        .await;
    let path = format!("/api/events/{}", id_of(&event));
    let replacement = json!({
        "title": "Replaced",
        "description": "new",
        "location": null,
        "start_time": in_days(20),
        "end_time": in_days(21),
        "capacity": 7,
        "status": "closed",
        "waitlist_enabled": true,
    });

    app.put(&path, Anon, replacement.clone()).await.problem(401);
    app.put(&path, &bob, replacement.clone()).await.problem(403);
    app.put(
        &format!("/api/events/{}", uuid::Uuid::new_v4()),
        &alice,
        replacement.clone(),
    )
    .await
    .problem(404);
    app.put(
        &format!("/api/events/{}", uuid::Uuid::new_v4()),
        &bob,
        replacement.clone(),
    )
    .await
    .problem(404);

    let mut missing = replacement.clone();
    missing.as_object_mut().unwrap().remove("description");
    app.put(&path, &alice, missing).await.invalid(&["description"]);
    let mut missing_two = replacement.clone();
    missing_two.as_object_mut().unwrap().remove("capacity");
    missing_two.as_object_mut().unwrap().remove("waitlist_enabled");
    app.put(&path, &alice, missing_two)
        .await
        .invalid(&["capacity", "waitlist_enabled"]);
    assert_eq!(
        app.event_of(&id_of(&event), Anon).await,
        event,
        "refused replacements change nothing"
    );

    let answer = app.put(&path, &alice, replacement.clone()).await;
    let etag = answer.etag();
    let replaced = answer.expect(200);
    assert_writable_fields(&replaced, &replacement);
    assert!(replaced["version"].as_u64().unwrap() > 1);
    assert_eq!(etag_version(&etag), replaced["version"].as_u64().unwrap());
    assert_eq!(replaced["creator"], event["creator"]);
    assert_eq!(replaced["created_at"], event["created_at"]);
    assert_eq!(app.event_of(&id_of(&event), Anon).await, replaced);
}

both_stores!(patch_changes_only_the_fields_given);
async fn patch_changes_only_the_fields_given(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = app
        .event(&alice, json!({"description": "keep me", "location": "Here"}))
        .await;
    let path = format!("/api/events/{}", id_of(&event));
    app.patch(&path, Anon, json!({"title": "X"})).await.problem(401);
    app.patch(&path, &bob, json!({"title": "X"})).await.problem(403);

    let patched = app
        .patch(&path, &alice, json!({"title": "Renamed", "capacity": 42}))
        .await
        .expect(200);
    assert_eq!(patched["title"], json!("Renamed"));
    assert_eq!(patched["capacity"], json!(42));
    assert_eq!(patched["available_slots"], json!(42));
    for key in [
        "description",
        "location",
        "start_time",
        "end_time",
        "status",
        "waitlist_enabled",
        "creator",
    ] {
        assert_eq!(patched[key], event[key], "{key} unchanged");
    }
    assert_eq!(patched["version"], json!(2));
    assert!(parse_time(&patched["updated_at"]) >= parse_time(&event["updated_at"]));
    assert_eq!(app.event_of(&id_of(&event), Anon).await, patched);

    app.patch(&path, &alice, json!({"title": ""})).await.invalid(&["title"]);
    app.patch(&path, &alice, json!({"start_time": in_days(-1)}))
        .await
        .invalid(&["start_time"]);
    app.patch(&path, &alice, json!({"end_time": in_days(1)}))
        .await
        .invalid(&["end_time"]);
    app.patch(&path, &alice, json!({"capacity": 0, "title": "x".repeat(201)}))
        .await
        .invalid(&["capacity", "title"]);
    app.patch(&path, &alice, json!({"location": null})).await.expect(200);
    assert_eq!(app.event_of(&id_of(&event), Anon).await["location"], Value::Null);
}

both_stores!(lowering_capacity_below_the_members_is_409_and_changes_nothing);
async fn lowering_capacity_below_the_members_is_409_and_changes_nothing(app: TestApp) {
    let alice = app.user("alice").await;
    let members = app.users("member", 2).await;
    let id = app.event_id(&alice, json!({"capacity": 3})).await;
    app.join_all(&id, &members).await;
    let before = app.event_of(&id, Anon).await;
    let path = format!("/api/events/{id}");
    app.patch(&path, &alice, json!({"capacity": 1, "title": "Smaller"}))
        .await
        .problem(409);
    assert_eq!(app.event_of(&id, Anon).await, before, "nothing changed");

    let fitted = app.patch(&path, &alice, json!({"capacity": 2})).await.expect(200);
    assert_eq!(fitted["capacity"], json!(2));
    assert_eq!(fitted["available_slots"], json!(0));
}

both_stores!(closing_an_event_stops_joins_but_keeps_its_members);
async fn closing_an_event_stops_joins_but_keeps_its_members(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let id = app.event_joined_by(&alice, json!({}), [&bob]).await;
    let path = format!("/api/events/{id}");

    let closed = app.patch(&path, &alice, json!({"status": "closed"})).await.expect(200);
    assert_eq!(closed["status"], json!("closed"));
    assert_eq!(closed["members_count"], json!(1));
    let refused = app.join(&id, &carol).await.problem(409);
    assert_eq!(refused["detail"], json!("event is closed"));

    // Members may still leave a closed event.
    assert_eq!(app.leave(&id, &bob).await.status, 204);
    app.join(&id, &bob).await.problem(409);

    let reopened = app.patch(&path, &alice, json!({"status": "open"})).await.expect(200);
    assert_eq!(reopened["status"], json!("open"));
    app.join(&id, &carol).await.expect(201);
}

both_stores!(raising_capacity_promotes_waitlisted_users_in_order);
async fn raising_capacity_promotes_waitlisted_users_in_order(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("u", 4).await;
    let id = app.waitlisted_event(&alice, []).await;
    for (i, joined) in app.join_all(&id, &users).await.iter().enumerate() {
        if i == 0 {
            assert_eq!(joined["status"], json!("member"));
        } else {
            assert_eq!(joined["status"], json!("waitlisted"));
            assert_eq!(joined["position"], json!(i));
        }
    }
    let raised = app
        .patch(&format!("/api/events/{id}"), &alice, json!({"capacity": 3}))
        .await
        .expect(200);
    assert_eq!(raised["members_count"], json!(3));
    assert_eq!(raised["waitlist_count"], json!(1));
    assert_eq!(raised["available_slots"], json!(0));

    let members = app.all_pages(&format!("/api/events/{id}/members"), &alice).await;
    let member_ids: Vec<&Value> = members.iter().map(|m| &m["user"]["id"]).collect();
    assert_eq!(
        member_ids,
        [&json!(users[0].id), &json!(users[1].id), &json!(users[2].id)]
    );
    let waitlist = app.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await;
    assert_eq!(waitlist.len(), 1);
    assert_eq!(waitlist[0]["user"]["id"], json!(users[3].id));
    assert_eq!(waitlist[0]["position"], json!(1));
}

both_stores!(if_match_guards_put_patch_and_delete);
async fn if_match_guards_put_patch_and_delete(app: TestApp) {
    let alice = app.user("alice").await;
    let created = app.post("/api/events", &alice, event_body("Guarded")).await;
    let etag = created.etag();
    let event = created.expect(201);
    let path = format!("/api/events/{}", id_of(&event));
    let stale = "\"999\"";

    let with_if_match = |method: Method, value: &str, body: Option<Value>| {
        let builder = app.request(method, &path, &alice).header("if-match", value);
        match body {
            Some(body) => builder.json(&body),
            None => builder,
        }
    };
    app.send(with_if_match(Method::PATCH, stale, Some(json!({"title": "Nope"}))))
        .await
        .problem(412);
    let mut full = event_body("Nope");
    full.as_object_mut().unwrap().extend([
        ("description".to_owned(), json!("")),
        ("location".to_owned(), Value::Null),
        ("end_time".to_owned(), Value::Null),
        ("status".to_owned(), json!("open")),
        ("waitlist_enabled".to_owned(), json!(false)),
    ]);
    app.send(with_if_match(Method::PUT, stale, Some(full.clone())))
        .await
        .problem(412);
    app.send(with_if_match(Method::DELETE, stale, None)).await.problem(412);
    app.send(with_if_match(
        Method::PATCH,
        "\"998\", \"999\"",
        Some(json!({"title": "Nope"})),
    ))
    .await
    .problem(412);
    assert_eq!(app.event_of(&id_of(&event), Anon).await, event, "nothing changed");

    let patched = app
        .send(with_if_match(Method::PATCH, &etag, Some(json!({"title": "Yes"}))))
        .await;
    let new_etag = patched.etag();
    assert_eq!(patched.expect(200)["version"], json!(2));
    assert_eq!(etag_version(&new_etag), 2);

    // The old ETag is stale now.
    app.send(with_if_match(Method::PUT, &etag, Some(full.clone())))
        .await
        .problem(412);
    let put = app.send(with_if_match(Method::PUT, &new_etag, Some(full))).await;
    let put_etag = put.etag();
    assert_eq!(put.expect(200)["title"], json!("Nope"));
    // Any ETag of a list may match (before, a list matched nothing).
    let listed = app
        .send(with_if_match(
            Method::PATCH,
            &format!("\"998\", {put_etag}"),
            Some(json!({"title": "Listed"})),
        ))
        .await;
    let listed_etag = listed.etag();
    assert_eq!(listed.expect(200)["title"], json!("Listed"));
    app.send(with_if_match(Method::DELETE, &format!("{put_etag}, {new_etag}"), None))
        .await
        .problem(412);
    assert_eq!(
        app.send(with_if_match(Method::DELETE, &format!("\"1\", {listed_etag}"), None))
            .await
            .status,
        204
    );
}

both_stores!(version_counts_every_change_joins_and_leaves_included);
async fn version_counts_every_change_joins_and_leaves_included(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_joined_by(&alice, json!({}), [&bob]).await;
    let after_join = app.get(&format!("/api/events/{id}"), Anon).await;
    assert_eq!(etag_version(&after_join.etag()), 2);
    assert_eq!(after_join.expect(200)["version"], json!(2));
    assert_eq!(app.leave(&id, &bob).await.status, 204);
    assert_eq!(app.event_of(&id, Anon).await["version"], json!(3));
    app.patch(&format!("/api/events/{id}"), &alice, json!({"description": "more"}))
        .await
        .expect(200);
    assert_eq!(app.event_of(&id, Anon).await["version"], json!(4));
}

both_stores!(a_deleted_event_is_404_everywhere_but_its_log_and_history);
async fn a_deleted_event_is_404_everywhere_but_its_log_and_history(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_joined_by(&alice, json!({"title": "Doomed"}), [&bob]).await;
    let path = format!("/api/events/{id}");

    app.delete(&path, Anon).await.problem(401);
    app.delete(&path, &bob).await.problem(403);
    let answer = app.delete(&path, &alice).await;
    assert_eq!(answer.status, 204, "{}", answer.body);

    app.get(&path, Anon).await.problem(404);
    app.get(&path, &alice).await.problem(404);
    app.patch(&path, &alice, json!({"title": "Back"})).await.problem(404);
    app.patch(&path, &bob, json!({"title": "Back"})).await.problem(404);
    app.put(&path, &alice, event_body("Back")).await.problem(404);
    app.delete(&path, &alice).await.problem(404);
    app.delete(&path, &bob).await.problem(404);
    app.join(&id, &alice).await.problem(404);
    app.leave(&id, &bob).await.problem(404);
    app.get(&format!("{path}/members"), &alice).await.problem(404);
    app.get(&format!("{path}/waitlist"), &alice).await.problem(404);
    app.get(&format!("{path}/capacity"), Anon).await.problem(404);
    app.delete(&format!("{path}/members/{}", bob.id), &alice)
        .await
        .problem(404);
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(0));
    assert_eq!(
        app.get("/api/users/me/events", &bob).await.expect(200)["count"],
        json!(0)
    );

    let log = app.get(&format!("/api/logs/{id}"), &alice).await.expect(200);
    assert_eq!(results(&log)[0]["type"], json!("event_deleted"));
    let history = app.get(&format!("{path}/history"), &alice).await.expect(200);
    assert_eq!(history["count"], log["count"]);
}

both_stores!(trailing_slashes_name_the_same_resources);
async fn trailing_slashes_name_the_same_resources(app: TestApp) {
    app.register_with(json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}))
        .await;
    let tokens = app
        .post(
            "/api/auth/login/",
            Anon,
            json!({"username": "alice", "password": PASSWORD}),
        )
        .await
        .expect(200);
    let access = tokens["access"].as_str().unwrap().to_owned();
    let bob = app.user("bob").await;
    assert_eq!(
        app.get("/api/users/me/", &access).await.expect(200)["username"],
        json!("alice")
    );

    let event = app
        .post("/api/events/", &access, event_body("Slashed"))
        .await
        .expect(201);
    let id = id_of(&event);
    assert_eq!(app.get("/api/events/", Anon).await.expect(200)["count"], json!(1));
    assert_eq!(
        app.get("/api/events/upcoming/", Anon).await.expect(200)["count"],
        json!(1)
    );
    assert_eq!(
        app.get(&format!("/api/events/{id}/"), Anon).await.expect(200)["id"],
        json!(id)
    );
    app.patch(
        &format!("/api/events/{id}/"),
        &access,
        json!({"title": "Still slashed"}),
    )
    .await
    .expect(200);
    app.post_empty(&format!("/api/events/{id}/join/"), &bob)
        .await
        .expect(201);
    assert_eq!(
        app.get(&format!("/api/events/{id}/members/"), &access)
            .await
            .expect(200)["count"],
        json!(1)
    );
    assert_eq!(
        app.get(&format!("/api/events/{id}/capacity/"), Anon).await.expect(200)["members_count"],
        json!(1)
    );
    assert_eq!(
        app.get("/api/users/me/events/", &bob).await.expect(200)["count"],
        json!(1)
    );
    assert_eq!(app.delete(&format!("/api/events/{id}/exit/"), &bob).await.status, 204);
    app.post_empty(&format!("/api/events/{id}/join/"), &bob)
        .await
        .expect(201);
    assert_eq!(app.delete(&format!("/api/events/{id}/leave/"), &bob).await.status, 204);
    app.get("/api/logs/", &access).await.expect(200);
    app.get(&format!("/api/logs/{id}/"), &access).await.expect(200);
    app.get(&format!("/api/events/{id}/history/"), &access)
        .await
        .expect(200);
    app.get(&format!("/api/events/{id}/waitlist/"), &access)
        .await
        .expect(200);
    assert_eq!(app.delete(&format!("/api/events/{id}/"), &access).await.status, 204);
}

both_stores!(an_event_that_has_started_leaves_upcoming_and_refuses_joins);
async fn an_event_that_has_started_leaves_upcoming_and_refuses_joins(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let start = Utc::now() + chrono::Duration::seconds(3);
    let soon = app
        .event(&alice, json!({"title": "Soon", "start_time": rfc3339(start)}))
        .await;
    app.event(&alice, json!({"title": "Later"})).await;
    let soon_id = id_of(&soon);
    app.join(&soon_id, &bob).await.expect(201);
    assert_eq!(
        app.get("/api/events/upcoming", Anon).await.expect(200)["count"],
        json!(2)
    );

    let wait = parse_time(&soon["start_time"]) - Utc::now() + chrono::Duration::milliseconds(300);
    tokio::time::sleep(wait.to_std().unwrap_or_default()).await;

    app.join(&soon_id, &carol).await.problem(409);
    for path in ["/api/events/upcoming", "/api/events?upcoming=true"] {
        assert_eq!(titles(&app.get(path, Anon).await.expect(200)), ["Later"], "{path}");
    }
    let mut all = titles(&app.get("/api/events", Anon).await.expect(200));
    all.sort();
    assert_eq!(all, ["Later", "Soon"]);
    // A member may leave at any moment.
    assert_eq!(app.leave(&soon_id, &bob).await.status, 204);
    app.join(&soon_id, &bob).await.problem(409);
}

both_stores!(a_past_start_time_is_named_together_with_the_other_bad_fields);
async fn a_past_start_time_is_named_together_with_the_other_bad_fields(app: TestApp) {
    let alice = app.user("alice").await;
    let body = json!({"title": "", "start_time": in_days(-2), "capacity": 100001});
    app.post("/api/events", &alice, body)
        .await
        .invalid(&["title", "start_time", "capacity"]);
    let body = json!({"title": "Fine", "start_time": in_days(3), "end_time": in_days(2), "capacity": 0});
    app.post("/api/events", &alice, body)
        .await
        .invalid(&["end_time", "capacity"]);
}

both_stores!(the_creator_filter_ignores_case_beyond_ascii);
async fn the_creator_filter_ignores_case_beyond_ascii(app: TestApp) {
    let [arger, other] = app.named_users(["Ärger", "Ærlig"]).await;
    app.event(&arger, json!({"title": "Mine"})).await;
    app.event(&other, json!({"title": "Theirs"})).await;
    for name in ["Ärger", "ärger", "ÄRGER", "%C3%84rger"] {
        let page = app.get(&format!("/api/events?creator={name}"), Anon).await.expect(200);
        assert_eq!(titles(&page), ["Mine"], "creator={name}");
    }
}
