//! Notifications: what concerns a user, listed with read marks, and pushed live over SSE
//! and a WebSocket.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::*;
use crate::live_client::{Sse, Ws};

async fn notifications(app: &TestApp, user: &TestUser, query: &str) -> Vec<Value> {
    app.all_pages(&format!("/api/notifications{query}"), user).await
}

/// Waits (briefly) until `user` has `n` notifications; answers them, newest first.
async fn await_notifications(app: &TestApp, user: &TestUser, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = notifications(app, user, "").await;
        if found.len() >= n || Instant::now() > deadline {
            assert_eq!(found.len(), n, "{found:?}");
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Rebuilds every read model from the store, as the `rebuild` command does.
async fn rebuild(app: &TestApp) {
    let store = event_manager::store::Store::connect(app.database_url())
        .await
        .expect("the store opens");
    let all = projections::rebuild::select(None).expect("every projection");
    projections::rebuild::rebuild(&store.event_log(), &store.read, &all, |_, _| {})
        .await
        .expect("the rebuild runs");
}

fn types(items: &[Value]) -> Vec<&str> {
    items.iter().map(|n| n["type"].as_str().expect("a type")).collect()
}

both_stores!(an_invitee_on_a_websocket_hears_of_the_invitation_within_a_second);
async fn an_invitee_on_a_websocket_hears_of_the_invitation_within_a_second(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = app.event_id(&alice, json!({"title": "Party"})).await;
    let mut socket = Ws::connect(&app, &bob).await;
    let mut by_protocol = Ws::connect_by_protocol(&app, &bob).await;

    let invitation = app
        .post(
            &format!("/api/events/{event}/invitations"),
            &alice,
            json!({"username": "bob"}),
        )
        .await
        .expect(201);
    let answered = Instant::now();
    let pushed = socket
        .next(Duration::from_secs(1))
        .await
        .expect("the invitation within 1 s");
    let latency = answered.elapsed();
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    assert_eq!(pushed["type"], "notification");
    let notification = &pushed["notification"];
    assert_eq!(notification["type"], "invited");
    assert_eq!(notification["event"], json!({"id": event, "title": "Party"}));
    assert_eq!(notification["actor"]["username"], "alice");
    assert_eq!(notification["detail"]["invitation_id"], invitation["id"]);
    assert_eq!(notification["read"], false);
    let same = by_protocol
        .next(Duration::from_secs(1))
        .await
        .expect("on the other socket too");
    assert_eq!(same["notification"], *notification);
    // Alice is told nothing of it; the list holds the same notification.
    assert_eq!(notifications(&app, &alice, "").await.len(), 0);
    assert_eq!(notifications(&app, &bob, "").await, std::slice::from_ref(notification));
}

both_stores!(a_websocket_without_a_good_token_is_closed_4401);
async fn a_websocket_without_a_good_token_is_closed_4401(app: TestApp) {
    let (mut ws, reply) = Ws::connect_with_message(&app, "not-a-token").await;
    assert_eq!(reply["type"], "error", "{reply}");
    assert_eq!(ws.close_code(Duration::from_secs(2)).await, Some(4401));
    // Not an upgrade: a problem, not a socket.
    app.get("/api/ws", Anon).await.problem(400);
    let bad = app
        .request(reqwest::Method::GET, "/api/ws", Anon)
        .header("sec-websocket-protocol", "bearer, nope");
    app.send(bad).await.problem(401);
}

both_stores!(a_user_promoted_from_the_waitlist_is_notified);
async fn a_user_promoted_from_the_waitlist_is_notified(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let event = app.waitlisted_event(&alice, [&bob, &carol]).await;
    let mut stream = Sse::open(&app, "/api/notifications/stream", &carol, None).await;
    app.leave(&event, &bob).await.expect(204);

    let promoted = stream.next(Duration::from_secs(5)).await.expect("a notification");
    assert_eq!(promoted.data["type"], "promoted");
    assert_eq!(promoted.data["event"]["id"], json!(event));
    // Not bob, who freed the seat: only the creator may know who the members are.
    assert_eq!(promoted.data["actor"]["username"], "carol", "{}", promoted.data);
    assert_eq!(promoted.id.as_deref(), promoted.data["position"].as_str());
    assert_eq!(
        notifications(&app, &carol, "").await,
        std::slice::from_ref(&promoted.data)
    );
    assert_eq!(notifications(&app, &bob, "").await.len(), 0);
    app.assert_verified().await;
}

both_stores!(members_hear_of_changes_and_read_marks_survive_a_rebuild);
async fn members_hear_of_changes_and_read_marks_survive_a_rebuild(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let event = app.event_joined_by(&alice, json!({"title": "Party"}), [&bob]).await;
    let path = format!("/api/events/{event}");
    let invitation = app
        .post(&format!("{path}/invitations"), &alice, json!({"username": "carol"}))
        .await
        .expect(201);
    app.put(
        &format!("/api/invitations/{}", id_of(&invitation)),
        &carol,
        json!({"status": "declined"}),
    )
    .await
    .expect(200);
    app.patch(&path, &alice, json!({"title": "Bigger party", "location": "Hall"}))
        .await
        .expect(200);
    app.patch(&path, &alice, json!({"status": "closed"})).await.expect(200);
    app.delete(&path, &alice).await.expect(204);

    let bobs = await_notifications(&app, &bob, 3).await;
    assert_eq!(types(&bobs), ["event_deleted", "event_closed", "event_changed"]);
    assert_eq!(bobs[2]["detail"]["fields"], json!(["title", "location"]));
    assert!(bobs.iter().all(|n| n["event"]["title"] == "Bigger party"));
    let alices = await_notifications(&app, &alice, 1).await;
    assert_eq!(types(&alices), ["invitation_answered"]);
    assert_eq!(alices[0]["detail"]["answer"], "declined");
    assert_eq!(alices[0]["actor"]["username"], "carol");

    let first = id_of(&bobs[2]);
    app.post_empty(&format!("/api/notifications/{first}/read"), &bob)
        .await
        .expect(204);
    app.post_empty(&format!("/api/notifications/{first}/read"), &bob)
        .await
        .expect(204);
    app.post_empty(&format!("/api/notifications/{first}/read"), &carol)
        .await
        .problem(404);
    app.post_empty("/api/notifications/not-a-uuid/read", &bob)
        .await
        .problem(404);
    assert_eq!(
        types(&notifications(&app, &bob, "?unread=true").await),
        ["event_deleted", "event_closed"]
    );
    let read = notifications(&app, &bob, "?unread=false").await;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0]["read"], true);
    parse_time(&read[0]["read_at"]);

    app.assert_verified().await;
    rebuild(&app).await;
    assert_eq!(
        notifications(&app, &bob, "?unread=false").await,
        read,
        "the mark outlives a rebuild"
    );
    let marked = app.post_empty("/api/notifications/read-all", &bob).await.expect(200);
    assert_eq!(marked, json!({"marked": 2}));
    assert_eq!(notifications(&app, &bob, "?unread=true").await.len(), 0);
    app.get("/api/notifications?unread=maybe", &bob)
        .await
        .invalid(&["unread"]);
    app.get("/api/notifications", Anon).await.problem(401);
}
