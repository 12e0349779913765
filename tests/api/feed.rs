//! The change feed: pages by position and a live SSE stream, each showing the caller only
//! what they may see, every change exactly once and in position order.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::live_client::{position, Sse, SseMessage};

const WAIT: Duration = Duration::from_secs(10);

/// The event's history as `(sequence, event_type)`, oldest first.
async fn history(app: &TestApp, creator: &TestUser, event: &str) -> Vec<(i64, String)> {
    app.all_pages(&format!("/api/events/{event}/history"), creator)
        .await
        .iter()
        .map(|h| {
            (
                h["sequence"].as_i64().expect("a sequence"),
                h["event_type"].as_str().expect("a type").to_owned(),
            )
        })
        .collect()
}

/// Asserts positions strictly grow, and answers the messages as `(sequence, event_type)`.
#[track_caller]
fn in_order(messages: &[SseMessage]) -> Vec<(i64, String)> {
    let positions: Vec<(i64, i64)> = messages
        .iter()
        .map(|m| position(m.id.as_deref().expect("an id")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "positions out of order: {positions:?}"
    );
    for message in messages {
        assert_eq!(
            message.id.as_deref(),
            message.data["position"].as_str(),
            "the id is the position"
        );
    }
    messages
        .iter()
        .map(|m| {
            (
                m.data["sequence"].as_i64().expect("a sequence"),
                m.data["event_type"].as_str().expect("a type").to_owned(),
            )
        })
        .collect()
}

both_stores!(the_stream_shows_a_join_storm_once_each_in_position_order);
async fn the_stream_shows_a_join_storm_once_each_in_position_order(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("storm", 30).await;
    let event = app
        .event_id(&alice, json!({"capacity": 20, "waitlist_enabled": true}))
        .await;
    let mut stream = Sse::open(&app, "/api/feed?after=0-0", &alice, None).await;

    let mut storm = tokio::task::JoinSet::new();
    for user in users.clone() {
        let (api, event) = (app.api.clone(), event.clone());
        storm.spawn(async move { api.join(&event, &user).await.status });
    }
    let statuses = storm.join_all().await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    // Created, then 20 joins and 10 waitlistings, as the history has them.
    let received = in_order(&stream.take(31, WAIT).await);
    let mut expected = history(&app, &alice, &event).await;
    assert_eq!(expected.len(), 31);
    let mut sorted = received.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "every change exactly once");
    assert!(stream.next(Duration::from_millis(300)).await.is_none(), "nothing more");
    app.assert_verified().await;
}

both_stores!(a_stream_resumes_after_last_event_id_without_loss_or_repetition);
async fn a_stream_resumes_after_last_event_id_without_loss_or_repetition(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("fan", 12).await;
    let event = app.event_id(&alice, json!({"capacity": 100})).await;
    app.join_all(&event, &users[..4]).await;

    let mut first = Sse::open(&app, "/api/feed?after=0-0", &alice, None).await;
    let before = first.take(3, WAIT).await;
    drop(first);

    // Changes recorded while nobody listens, and during the reconnection.
    let mut storm = tokio::task::JoinSet::new();
    for user in &users[4..] {
        let (api, event, user) = (app.api.clone(), event.clone(), user.clone());
        storm.spawn(async move { api.join(&event, &user).await.status });
    }
    let last_seen = before.last().and_then(|m| m.id.clone()).expect("an id");
    let mut second = Sse::open(&app, "/api/feed", &alice, Some(&last_seen)).await;
    assert!(storm.join_all().await.iter().all(|s| *s == 201));
    let after = second.take(13 - 3, WAIT).await;
    assert!(second.next(Duration::from_millis(300)).await.is_none(), "nothing more");

    let all: Vec<SseMessage> = before.into_iter().chain(after).collect();
    let seen = in_order(&all);
    let sequences: Vec<i64> = seen.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        sequences,
        (1..=13).collect::<Vec<_>>(),
        "one event's changes, in its own order too"
    );
    assert_eq!(history(&app, &alice, &event).await, seen);
}

both_stores!(pages_by_position_show_only_what_the_caller_may_see);
async fn pages_by_position_show_only_what_the_caller_may_see(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let party = app
        .event_joined_by(&alice, json!({"title": "Party"}), [&bob, &carol])
        .await;
    let other = app.event_joined_by(&carol, json!({"title": "Other"}), [&carol]).await;
    app.post(
        &format!("/api/events/{other}/invitations"),
        &carol,
        json!({"username": "bob"}),
    )
    .await
    .expect(201);

    let page = |user: &TestUser, query: &str| {
        let (app, user, query) = (app.api.clone(), user.clone(), query.to_owned());
        async move { app.get(&format!("/api/feed{query}"), &user).await.expect(200) }
    };
    // Alice created the party: all three of its changes, nothing of Carol's event.
    let mine = page(&alice, "").await;
    assert_eq!(
        column(&mine, "/type"),
        ["event_created", "member_joined", "member_joined"]
    );
    assert!(results(&mine).iter().all(|item| item["event_id"] == json!(party)));
    assert_eq!(mine["next"], Value::Null);
    // Bob: his own join and his invitation, not Carol's join nor Carol's event.
    let bobs = page(&bob, "").await;
    assert_eq!(column(&bobs, "/type"), ["member_joined", "invitation_sent"]);
    assert_eq!(column(&bobs, "/actor/username"), ["bob", "carol"]);
    assert_eq!(bobs["results"][1]["payload"]["invitee"]["id"], json!(bob.id));

    // One at a time, following `next`, gives the same items; `after` the last gives none.
    let first = page(&alice, "?page_size=1").await;
    let next = first["next"].as_str().expect("a next page").to_owned();
    let second = app.get(&next, &alice).await.expect(200);
    assert_eq!(results(&second).len(), 1);
    assert_eq!(results(&second)[0], results(&mine)[1]);
    let end = mine["position"].as_str().expect("a position");
    assert_eq!(results(&page(&alice, &format!("?after={end}")).await).len(), 0);
    let ids: HashSet<String> = column(&mine, "/position").into_iter().collect();
    assert_eq!(ids.len(), 3);

    app.get("/api/feed?after=12", &alice).await.invalid(&["after"]);
    app.get("/api/feed?page_size=0", &alice).await.invalid(&["page_size"]);
    app.get("/api/feed", Anon).await.problem(401);
}

both_stores!(a_stream_opened_without_after_starts_at_the_present);
async fn a_stream_opened_without_after_starts_at_the_present(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("past", 5).await;
    let event = app.event_joined_by(&alice, json!({"capacity": 100}), &users[..4]).await;
    // Once the feed's reader has passed the history, `after=now` answers its last position.
    let last = app.get("/api/feed?page_size=100", &alice).await.expect(200)["position"].clone();
    let deadline = std::time::Instant::now() + WAIT;
    while app.get("/api/feed?after=now", &alice).await.expect(200)["position"] != last {
        assert!(std::time::Instant::now() < deadline, "the feed never reached {last}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let mut stream = Sse::open(&app, "/api/feed", &alice, None).await;
    app.join(&event, &users[4]).await.expect(201);
    let first = stream.next(WAIT).await.expect("the new join");
    assert_eq!(
        (first.data["sequence"].clone(), first.data["type"].clone()),
        (json!(6), json!("member_joined")),
        "only what happens after the stream opened: {}",
        first.data
    );
    assert!(stream.next(Duration::from_millis(300)).await.is_none(), "nothing more");

    // The history is there for who asks for it.
    let mut past = Sse::open(&app, "/api/feed?after=0-0", &alice, None).await;
    let sequences: Vec<i64> = in_order(&past.take(6, WAIT).await).iter().map(|(s, _)| *s).collect();
    assert_eq!(sequences, (1..=6).collect::<Vec<_>>());
}

both_stores!(a_promoted_member_is_not_told_who_left);
async fn a_promoted_member_is_not_told_who_left(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let id = app.waitlisted_event(&alice, [&bob, &carol]).await;
    app.leave(&id, &bob).await.expect(204);

    let feed = app.all_pages("/api/feed", &carol).await;
    let promoted = feed
        .iter()
        .find(|entry| entry["type"] == "member_promoted")
        .unwrap_or_else(|| panic!("carol's feed shows her promotion: {feed:?}"));
    assert_eq!(promoted["actor"], Value::Null, "{promoted}");
    assert_eq!(promoted["payload"]["actor"], Value::Null, "{promoted}");
    assert_eq!(promoted["payload"]["member"]["id"], json!(carol.id), "{promoted}");
    let notifications = app.all_pages("/api/notifications", &carol).await;
    assert!(
        notifications.iter().any(|n| n["type"] == "promoted"),
        "{notifications:?}"
    );
    for shown in [json!(feed).to_string(), json!(notifications).to_string()] {
        assert!(
            !shown.contains(&bob.id) && !shown.contains("\"bob\""),
            "carol learns who left: {shown}"
        );
    }

    // The creator sees who.
    let creators = app.all_pages("/api/feed", &alice).await;
    let promoted = creators
        .iter()
        .find(|entry| entry["type"] == "member_promoted")
        .expect("the creator's feed shows the promotion");
    assert_eq!(promoted["actor"]["id"], json!(bob.id), "{promoted}");
    app.assert_verified().await;
}
