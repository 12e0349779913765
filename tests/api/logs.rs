//! The activity log and the raw history: every change, who made it, in order.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::*;

both_stores!(every_change_is_logged_with_its_type_actor_action_and_sequence);
async fn every_change_is_logged_with_its_type_actor_action_and_sequence(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let id = app
        .event_id(
            &alice,
            json!({"title": "First title", "capacity": 1, "waitlist_enabled": true}),
        )
        .await;
    let path = format!("/api/events/{id}");
    app.patch(&path, &alice, json!({"title": "Final title"}))
        .await
        .expect(200);
    app.patch(&path, &alice, json!({"status": "closed"})).await.expect(200);
    app.patch(&path, &alice, json!({"status": "open"})).await.expect(200);
    app.join_all(&id, [&bob, &carol]).await;
    assert_eq!(app.leave(&id, &bob).await.status, 204);
    assert_eq!(
        app.delete(&format!("{path}/members/{}", carol.id), &alice).await.status,
        204
    );
    assert_eq!(app.delete(&path, &alice).await.status, 204);

    let expected = [
        ("event_created", &alice),
        ("event_updated", &alice),
        ("event_closed", &alice),
        ("event_opened", &alice),
        ("member_joined", &bob),
        ("member_waitlisted", &carol),
        ("member_left", &bob),
        ("member_promoted", &bob),
        ("member_removed", &alice),
        ("event_deleted", &alice),
    ];
    let page = app.get(&format!("/api/logs/{id}"), &alice).await.expect(200);
    assert_eq!(page["count"], json!(expected.len()));
    let entries: Vec<Value> = results(&page).iter().rev().cloned().collect(); // oldest first
    let types: Vec<&str> = entries.iter().map(|e| e["type"].as_str().unwrap_or("?")).collect();
    let expected_types: Vec<&str> = expected.iter().map(|(t, _)| *t).collect();
    assert_eq!(types, expected_types, "newest first");

    let mut last_sequence = 0;
    let mut last_timestamp = None;
    for (entry, (kind, actor)) in entries.iter().zip(expected) {
        assert_eq!(entry["event_id"], json!(id), "{entry}");
        assert_eq!(entry["event_title"], json!("Final title"), "the current title: {entry}");
        assert_eq!(
            entry["actor"],
            json!({"id": actor.id, "username": actor.username}),
            "{kind}: {entry}"
        );
        assert!(entry["id"].is_string(), "{entry}");
        assert!(entry["action"].as_str().is_some_and(|a| !a.is_empty()), "{entry}");
        assert!(entry["metadata"].is_object(), "{entry}");
        let sequence = entry["sequence"]
            .as_u64()
            .unwrap_or_else(|| panic!("a sequence: {entry}"));
        assert!(sequence > last_sequence, "sequence grows: {entry}");
        last_sequence = sequence;
        let timestamp = parse_time(&entry["timestamp"]);
        assert!(last_timestamp.is_none_or(|t| t <= timestamp));
        last_timestamp = Some(timestamp);
    }
    let entry = |kind: &str| entries.iter().find(|e| e["type"] == json!(kind)).unwrap().clone();
    assert!(
        entry("event_updated")["metadata"].to_string().contains("title"),
        "names the fields changed"
    );
    assert!(entry("member_joined")["action"].as_str().unwrap().contains("bob"));
    let promoted = entry("member_promoted");
    assert!(
        promoted["action"].as_str().unwrap().contains("carol"),
        "names the promoted user: {promoted}"
    );
    assert!(entry("member_removed")["action"].as_str().unwrap().contains("carol"));
    assert_eq!(entry("member_joined")["metadata"]["via"], json!("api"));
}

both_stores!(the_log_shows_only_the_callers_events_and_filters_by_event_and_type);
async fn the_log_shows_only_the_callers_events_and_filters_by_event_and_type(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let a1 = app.event_id(&alice, json!({"title": "A1"})).await;
    let a2 = app.event_id(&alice, json!({"title": "A2"})).await;
    let b1 = app.event_id(&bob, json!({"title": "B1"})).await;
    app.join(&a1, &bob).await.expect(201);
    app.join(&b1, &alice).await.expect(201);
    app.patch(&format!("/api/events/{a2}"), &alice, json!({"title": "A2 renamed"}))
        .await
        .expect(200);

    let mine = app.all_pages("/api/logs", &alice).await;
    assert_eq!(
        mine.len(),
        4,
        "created A1, created A2, bob joined A1, renamed A2: {mine:?}"
    );
    let events: HashSet<&str> = mine.iter().map(|e| e["event_id"].as_str().unwrap()).collect();
    assert_eq!(events, HashSet::from([a1.as_str(), a2.as_str()]));
    let timestamps: Vec<_> = mine.iter().map(|e| parse_time(&e["timestamp"])).collect();
    assert!(timestamps.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(mine[0]["type"], json!("event_updated"));
    assert_eq!(mine[0]["event_title"], json!("A2 renamed"));

    let only_a1 = app.all_pages(&format!("/api/logs?event_id={a1}"), &alice).await;
    let types: Vec<&Value> = only_a1.iter().map(|e| &e["type"]).collect();
    assert_eq!(types, [&json!("member_joined"), &json!("event_created")]);
    let joins = app.all_pages("/api/logs?type=member_joined", &alice).await;
    assert_eq!(joins.len(), 1);
    assert_eq!(joins[0]["actor"]["username"], json!("bob"));
    let none = app.get(&format!("/api/logs?event_id={b1}"), &alice).await.expect(200);
    assert_eq!(none["count"], json!(0), "other people's events never appear");
    let both = app
        .all_pages(&format!("/api/logs?event_id={a2}&type=event_created"), &alice)
        .await;
    assert_eq!(both.len(), 1);

    let bobs = app.all_pages("/api/logs", &bob).await;
    assert!(bobs.iter().all(|e| e["event_id"] == json!(b1)), "{bobs:?}");
    assert_eq!(bobs.len(), 2);

    let page = app.get("/api/logs?page_size=3", &alice).await.expect(200);
    assert_eq!((page["count"].clone(), results(&page).len()), (json!(4), 3));
    app.get("/api/logs?page=0", &alice).await.problem(400);
    app.get("/api/logs", Anon).await.problem(401);
}

both_stores!(an_events_log_is_for_its_creator_only_also_after_deletion);
async fn an_events_log_is_for_its_creator_only_also_after_deletion(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_joined_by(&alice, json!({}), [&bob]).await;
    let path = format!("/api/logs/{id}");

    app.get(&path, Anon).await.problem(401);
    app.get(&path, &bob).await.problem(403);
    app.get(&format!("/api/logs/{}", uuid::Uuid::new_v4()), &alice)
        .await
        .problem(404);
    app.get(&format!("/api/logs/{}", uuid::Uuid::new_v4()), &bob)
        .await
        .problem(404);
    app.get("/api/logs/not-a-uuid", &alice).await.problem(404);

    assert_eq!(app.delete(&format!("/api/events/{id}"), &alice).await.status, 204);
    let log = app.get(&path, &alice).await.expect(200);
    assert_eq!(log["count"], json!(3));
    assert_eq!(
        column(&log, "/type"),
        ["event_deleted", "member_joined", "event_created"]
    );
    app.get(&path, &bob).await.problem(403);
    assert_eq!(
        app.all_pages("/api/logs", &alice).await.len(),
        3,
        "deleted events' entries stay in /api/logs"
    );
}

both_stores!(history_is_oldest_first_and_shares_sequences_with_the_log);
async fn history_is_oldest_first_and_shares_sequences_with_the_log(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("u", 3).await;
    let id = app.waitlisted_event(&alice, &users).await;
    assert_eq!(app.leave(&id, &users[0]).await.status, 204);
    app.patch(
        &format!("/api/events/{id}"),
        &alice,
        json!({"capacity": 2, "description": "more"}),
    )
    .await
    .expect(200);

    let path = format!("/api/events/{id}/history");
    let history = app.all_pages(&path, &alice).await;
    let log = app.all_pages(&format!("/api/logs/{id}"), &alice).await;
    assert_eq!(history.len(), log.len(), "one history entry per log entry");
    let mut previous = 0;
    for entry in &history {
        for key in [
            "sequence",
            "event_type",
            "event_version",
            "payload",
            "metadata",
            "recorded_at",
        ] {
            assert!(entry.get(key).is_some(), "history entry lacks {key}: {entry}");
        }
        let sequence = entry["sequence"].as_u64().unwrap();
        assert!(sequence > previous, "oldest first");
        previous = sequence;
        assert!(entry["event_type"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(
            entry["event_version"].is_string() || entry["event_version"].is_number(),
            "{entry}"
        );
        parse_time(&entry["recorded_at"]);
    }
    let history_sequences: Vec<u64> = history.iter().map(|e| e["sequence"].as_u64().unwrap()).collect();
    let mut log_sequences: Vec<u64> = log.iter().map(|e| e["sequence"].as_u64().unwrap()).collect();
    log_sequences.reverse();
    assert_eq!(
        history_sequences, log_sequences,
        "the same change has the same sequence"
    );
    // The history's recorded_at and the log's timestamp agree for the same change.
    for (h, l) in history.iter().zip(log.iter().rev()) {
        let (h_at, l_at) = (parse_time(&h["recorded_at"]), parse_time(&l["timestamp"]));
        assert!((h_at - l_at).num_seconds().abs() <= 1, "{h} vs {l}");
    }
    assert_eq!(app.event_of(&id, Anon).await["version"], json!(history.len()));

    app.get(&path, Anon).await.problem(401);
    app.get(&path, &users[1]).await.problem(403);
    app.get(&format!("/api/events/{}/history", uuid::Uuid::new_v4()), &alice)
        .await
        .problem(404);
    assert_eq!(app.delete(&format!("/api/events/{id}"), &alice).await.status, 204);
    let after = app.all_pages(&path, &alice).await;
    assert_eq!(
        after.len(),
        history.len() + 1,
        "readable after deletion, with the deletion"
    );
}

both_stores!(the_actor_stays_after_the_account_is_deleted);
async fn the_actor_stays_after_the_account_is_deleted(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_joined_by(&alice, json!({}), [&bob]).await;
    assert_eq!(app.delete("/api/users/me", &bob).await.status, 204);

    let log = app.all_pages(&format!("/api/logs/{id}"), &alice).await;
    let types: Vec<&Value> = log.iter().map(|e| &e["type"]).collect();
    assert_eq!(
        types,
        [&json!("member_left"), &json!("member_joined"), &json!("event_created")]
    );
    for entry in &log[..2] {
        assert_eq!(entry["actor"], json!({"id": bob.id, "username": "bob"}), "{entry}");
    }
    assert_eq!(app.capacity(&id).await["members_count"], json!(0));
}
