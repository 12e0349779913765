//! Invitations: the creator invites, the invitee accepts (a join through the same seat
//! rules, but also into a closed event) or declines.

use std::time::Duration;

use chrono::Utc;
use serde_json::{json, Value};

use crate::helpers::*;

fn invitations_of(event: &str) -> String {
    format!("/api/events/{event}/invitations")
}

async fn invite(app: &TestApp, creator: &TestUser, event: &str, invitee: &TestUser) -> Value {
    app.post(&invitations_of(event), creator, json!({"username": invitee.username}))
        .await
        .expect(201)
}

async fn answer(app: &TestApp, invitation: &Value, invitee: &TestUser, status: &str) -> Resp {
    app.put(
        &format!("/api/invitations/{}", id_of(invitation)),
        invitee,
        json!({"status": status}),
    )
    .await
}

/// The status of an invitation as its invitee's list shows it.
async fn status_of(app: &TestApp, invitation: &Value, invitee: &TestUser) -> Value {
    let mine = app.all_pages("/api/invitations", invitee).await;
    let found = mine
        .iter()
        .find(|i| i["id"] == invitation["id"])
        .expect("the invitation is listed");
    found["status"].clone()
}

both_stores!(the_creator_invites_and_the_invitee_answers);
async fn the_creator_invites_and_the_invitee_answers(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let event = app.event(&alice, json!({"title": "Party", "capacity": 2})).await;
    let id = id_of(&event);
    let path = invitations_of(&id);

    let to_bob = invite(&app, &alice, &id, &bob).await;
    assert_eq!(to_bob["event"], json!({"id": id, "title": "Party"}));
    assert_eq!(to_bob["inviter"], json!({"id": alice.id, "username": "alice"}));
    assert_eq!(to_bob["invitee"], json!({"id": bob.id, "username": "bob"}));
    assert_eq!(to_bob["status"], json!("pending"));
    assert_eq!(to_bob["responded_at"], Value::Null);
    parse_time(&to_bob["sent_at"]);
    let to_carol = app.post(&path, &alice, json!({"user_id": carol.id})).await.expect(201);
    assert_eq!(to_carol["invitee"]["username"], json!("carol"));

    app.post(&path, &alice, json!({"username": "BOB"})).await.problem(409);
    app.post(&path, &alice, json!({"username": "nobody"}))
        .await
        .invalid(&["username"]);
    app.post(&path, &alice, json!({"user_id": "not-a-uuid"}))
        .await
        .invalid(&["user_id"]);
    app.post(&path, &alice, json!({"user_id": uuid::Uuid::new_v4()}))
        .await
        .invalid(&["user_id"]);
    app.post(&path, &alice, json!({})).await.invalid(&["username"]);
    app.post(&path, &bob, json!({"username": "carol"})).await.problem(403);
    app.post(&path, Anon, json!({"username": "carol"})).await.problem(401);
    app.post(
        &invitations_of(&uuid::Uuid::new_v4().to_string()),
        &alice,
        json!({"username": "bob"}),
    )
    .await
    .problem(404);

    assert_eq!(app.get(&path, &alice).await.expect(200)["count"], json!(2));
    app.get(&path, &bob).await.problem(403);
    app.get(&path, Anon).await.problem(401);
    let received = app.get("/api/invitations", &bob).await.expect(200);
    assert_eq!(column(&received, "/id"), [id_of(&to_bob)]);
    for (status, count) in [("pending", 1), ("accepted", 0), ("declined", 0)] {
        let filtered = app
            .get(&format!("/api/invitations?status={status}"), &bob)
            .await
            .expect(200);
        assert_eq!(filtered["count"], json!(count), "status={status}");
    }
    app.get("/api/invitations?status=maybe", &bob)
        .await
        .invalid(&["status"]);
    app.get("/api/invitations", Anon).await.problem(401);

    answer(&app, &to_bob, &carol, "accepted").await.problem(404);
    answer(&app, &to_bob, &alice, "accepted").await.problem(404);
    answer(&app, &to_bob, &bob, "maybe").await.invalid(&["status"]);
    app.put("/api/invitations/not-a-uuid", &bob, json!({"status": "accepted"}))
        .await
        .problem(404);
    let accepted = answer(&app, &to_bob, &bob, "accepted").await.expect(200);
    assert_eq!(accepted["status"], json!("accepted"));
    parse_time(&accepted["responded_at"]);
    assert_eq!(app.capacity(&id).await["members_count"], json!(1));
    answer(&app, &to_bob, &bob, "declined").await.problem(409);
    answer(&app, &to_bob, &bob, "accepted").await.problem(409);
    app.post(&path, &alice, json!({"username": "bob"})).await.problem(409);

    let declined = answer(&app, &to_carol, &carol, "declined").await.expect(200);
    assert_eq!(declined["status"], json!("declined"));
    assert_eq!(app.capacity(&id).await["members_count"], json!(1));

    let log = app.all_pages(&format!("/api/logs/{id}"), &alice).await;
    let mut types: Vec<_> = log.iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    types.reverse();
    assert_eq!(
        types,
        [
            "event_created",
            "invitation_sent",
            "invitation_sent",
            "invitation_accepted",
            "member_joined",
            "invitation_declined"
        ]
    );
}

both_stores!(accepting_a_full_event_waitlists_or_stays_pending);
async fn accepting_a_full_event_waitlists_or_stays_pending(app: TestApp) {
    let [alice, bob, dave] = app.named_users(["alice", "bob", "dave"]).await;
    let no_waitlist = app.event_joined_by(&alice, json!({"capacity": 1}), [&dave]).await;
    let invitation = invite(&app, &alice, &no_waitlist, &bob).await;
    let refused = answer(&app, &invitation, &bob, "accepted").await.problem(409);
    assert_eq!(refused["detail"], json!("event is full"));
    assert_eq!(status_of(&app, &invitation, &bob).await, json!("pending"));
    assert_eq!(app.capacity(&no_waitlist).await["members_count"], json!(1));
    // A seat frees up: the same invitation now takes it.
    assert_eq!(app.leave(&no_waitlist, &dave).await.status, 204);
    answer(&app, &invitation, &bob, "accepted").await.expect(200);
    assert_eq!(app.capacity(&no_waitlist).await["members_count"], json!(1));

    let with_waitlist = app.waitlisted_event(&alice, [&dave]).await;
    let invitation = invite(&app, &alice, &with_waitlist, &bob).await;
    answer(&app, &invitation, &bob, "accepted").await.expect(200);
    let waitlist = app
        .get(&format!("/api/events/{with_waitlist}/waitlist"), &alice)
        .await
        .expect(200);
    assert_eq!(column(&waitlist, "/user/id"), [bob.id.as_str()]);
}

both_stores!(accepting_joins_a_closed_event_and_an_existing_member_just_accepts);
async fn accepting_joins_a_closed_event_and_an_existing_member_just_accepts(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let id = app.event_id(&alice, json!({"capacity": 5})).await;
    let to_bob = invite(&app, &alice, &id, &bob).await;
    let to_carol = invite(&app, &alice, &id, &carol).await;
    app.join(&id, &carol).await.expect(201);
    app.patch(&format!("/api/events/{id}"), &alice, json!({"status": "closed"}))
        .await
        .expect(200);
    app.join(&id, &bob).await.problem(409);
    answer(&app, &to_bob, &bob, "accepted").await.expect(200);
    answer(&app, &to_carol, &carol, "accepted").await.expect(200);
    let members = app.all_pages(&format!("/api/events/{id}/members"), &alice).await;
    assert_eq!(user_ids(&members), [carol.id.clone(), bob.id.clone()]);
}

both_stores!(accepting_after_the_start_is_409_and_stays_pending);
async fn accepting_after_the_start_is_409_and_stays_pending(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let start = Utc::now() + chrono::Duration::seconds(3);
    let id = app.event_id(&alice, json!({"start_time": rfc3339(start)})).await;
    let invitation = invite(&app, &alice, &id, &bob).await;
    let wait = start - Utc::now() + chrono::Duration::milliseconds(200);
    tokio::time::sleep(wait.to_std().unwrap_or(Duration::ZERO)).await;
    answer(&app, &invitation, &bob, "accepted").await.problem(409);
    assert_eq!(status_of(&app, &invitation, &bob).await, json!("pending"));
    answer(&app, &invitation, &bob, "declined").await.expect(200);
}

both_stores!(a_deleted_events_invitations_are_gone);
async fn a_deleted_events_invitations_are_gone(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_id(&alice, json!({})).await;
    let invitation = invite(&app, &alice, &id, &bob).await;
    assert_eq!(app.delete(&format!("/api/events/{id}"), &alice).await.status, 204);
    assert_eq!(app.get("/api/invitations", &bob).await.expect(200)["count"], json!(0));
    answer(&app, &invitation, &bob, "accepted").await.problem(404);
    app.get(&invitations_of(&id), &alice).await.problem(404);
}
