//! Membership: join, leave, waitlists, the creator's view of members, the caller's events.

use serde_json::{json, Value};

use crate::helpers::*;

both_stores!(joining_answers_201_with_the_membership);
async fn joining_answers_201_with_the_membership(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_id(&alice, json!({"capacity": 2})).await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);

    let joined = app.join(&id, &bob).await.expect(201);
    let keys: Vec<&String> = joined.as_object().expect("an object").keys().collect();
    assert_eq!(joined["event_id"], json!(id));
    assert_eq!(joined["user"], json!({"id": bob.id, "username": "bob"}));
    assert_eq!(joined["status"], json!("member"));
    assert!(parse_time(&joined["joined_at"]) >= before);
    assert!(
        joined.get("position").is_none_or(Value::is_null),
        "members have no position: {keys:?}"
    );

    let event = app.event_of(&id, Anon).await;
    assert_eq!(
        (event["members_count"].clone(), event["available_slots"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        app.capacity(&id).await,
        json!({"capacity": 2, "members_count": 1, "available_slots": 1, "waitlist_count": 0})
    );

    app.post_empty(&format!("/api/events/{id}/join"), Anon)
        .await
        .problem(401);
    app.post_empty(&format!("/api/events/{}/join", uuid::Uuid::new_v4()), &bob)
        .await
        .problem(404);
    app.post_empty("/api/events/not-a-uuid/join", &bob).await.problem(404);
    // The creator may join their own event too.
    app.join(&id, &alice).await.expect(201);
}

both_stores!(joining_a_full_event_without_a_waitlist_is_409_event_is_full);
async fn joining_a_full_event_without_a_waitlist_is_409_event_is_full(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let id = app.event_joined_by(&alice, json!({"capacity": 1}), [&bob]).await;
    let refused = app.join(&id, &carol).await.problem(409);
    assert_eq!(refused["detail"], json!("event is full"));
    assert_eq!(refused["title"], json!("Conflict"));
    assert_eq!(app.capacity(&id).await["members_count"], json!(1));
}

both_stores!(joining_a_full_event_with_a_waitlist_queues_you_with_a_position);
async fn joining_a_full_event_with_a_waitlist_queues_you_with_a_position(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("u", 3).await;
    let id = app.waitlisted_event(&alice, []).await;
    let joined = app.join_all(&id, &users).await;
    for (i, (user, queued)) in users.iter().zip(&joined).enumerate().skip(1) {
        assert_eq!(queued["status"], json!("waitlisted"));
        assert_eq!(queued["position"], json!(i));
        assert_eq!(queued["user"]["id"], json!(user.id));
        parse_time(&queued["joined_at"]);
    }
    let event = app.event_of(&id, Anon).await;
    assert_eq!(event["members_count"], json!(1));
    assert_eq!(event["waitlist_count"], json!(2));
    assert_eq!(event["available_slots"], json!(0));
}

both_stores!(joining_a_closed_event_is_409_event_is_closed);
async fn joining_a_closed_event_is_409_event_is_closed(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app
        .event_id(&alice, json!({"status": "closed", "waitlist_enabled": true}))
        .await;
    let refused = app.join(&id, &bob).await.problem(409);
    assert_eq!(refused["detail"], json!("event is closed"));
}

both_stores!(joining_twice_is_409_for_members_and_waitlisted_users);
async fn joining_twice_is_409_for_members_and_waitlisted_users(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let id = app.waitlisted_event(&alice, [&bob, &carol]).await;
    app.join(&id, &bob).await.problem(409);
    app.join(&id, &carol).await.problem(409);
    assert_eq!(app.capacity(&id).await["waitlist_count"], json!(1));
}

both_stores!(leaving_answers_204_and_leave_is_an_alias_of_exit);
async fn leaving_answers_204_and_leave_is_an_alias_of_exit(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_joined_by(&alice, json!({}), [&bob]).await;
    let exit = app.delete(&format!("/api/events/{id}/exit"), &bob).await;
    assert_eq!((exit.status, exit.body), (204, Value::Null));
    assert_eq!(app.capacity(&id).await["members_count"], json!(0));

    app.join(&id, &bob).await.expect(201);
    let leave = app.delete(&format!("/api/events/{id}/leave"), &bob).await;
    assert_eq!(leave.status, 204);
    assert_eq!(app.capacity(&id).await["members_count"], json!(0));

    app.delete(&format!("/api/events/{id}/exit"), Anon).await.problem(401);
    app.delete(&format!("/api/events/{}/exit", uuid::Uuid::new_v4()), &bob)
        .await
        .problem(404);
}

both_stores!(leaving_without_a_seat_is_409);
async fn leaving_without_a_seat_is_409(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_id(&alice, json!({})).await;
    app.leave(&id, &bob).await.problem(409);
    app.delete(&format!("/api/events/{id}/leave"), &bob).await.problem(409);
    app.join(&id, &bob).await.expect(201);
    assert_eq!(app.leave(&id, &bob).await.status, 204);
    app.leave(&id, &bob).await.problem(409);
}

both_stores!(leaving_promotes_the_first_waitlisted_user_with_a_fresh_joined_at);
async fn leaving_promotes_the_first_waitlisted_user_with_a_fresh_joined_at(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("u", 4).await;
    let id = app.waitlisted_event(&alice, []).await;
    let joined = app.join_all(&id, &users).await;
    let queued = &joined[1];

    // A waitlisted user leaving moves those behind them up.
    assert_eq!(app.leave(&id, &users[2]).await.status, 204);
    let waitlist = app.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await;
    let positions: Vec<(Value, Value)> = waitlist
        .iter()
        .map(|w| (w["user"]["id"].clone(), w["position"].clone()))
        .collect();
    assert_eq!(
        positions,
        [(json!(users[1].id), json!(1)), (json!(users[3].id), json!(2))]
    );
    assert_eq!(app.capacity(&id).await["members_count"], json!(1));

    let left_at = chrono::Utc::now();
    assert_eq!(app.leave(&id, &users[0]).await.status, 204);
    let members = app.all_pages(&format!("/api/events/{id}/members"), &alice).await;
    assert_eq!(members.len(), 1);
    assert_eq!(
        members[0]["user"],
        json!({"id": users[1].id, "username": users[1].username})
    );
    let promoted_at = parse_time(&members[0]["joined_at"]);
    assert!(
        promoted_at > parse_time(&queued["joined_at"]),
        "joined_at is the moment of promotion"
    );
    assert!(promoted_at >= left_at - chrono::Duration::milliseconds(5));

    let mine = app.all_pages("/api/users/me/events", &users[1]).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["status"], json!("member"));
    assert_eq!(mine[0]["joined_at"], members[0]["joined_at"]);

    let waitlist = app.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await;
    assert_eq!(waitlist.len(), 1);
    assert_eq!(
        (waitlist[0]["user"]["id"].clone(), waitlist[0]["position"].clone()),
        (json!(users[3].id), json!(1))
    );
    assert_eq!(
        app.capacity(&id).await,
        json!({"capacity": 1, "members_count": 1, "available_slots": 0, "waitlist_count": 1})
    );
}

both_stores!(the_members_list_is_for_the_creator_only_in_join_order);
async fn the_members_list_is_for_the_creator_only_in_join_order(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("m", 3).await;
    let outsider = app.user("outsider").await;
    let id = app.event_id(&alice, json!({})).await;
    let joined = app.join_all(&id, &users).await;
    let path = format!("/api/events/{id}/members");
    let page = app.get(&path, &alice).await.expect(200);
    assert_eq!(page["count"], json!(3));
    assert_eq!(page["next"], Value::Null);
    for (i, member) in results(&page).iter().enumerate() {
        assert_eq!(
            member["user"],
            json!({"id": users[i].id, "username": users[i].username})
        );
        assert_eq!(parse_time(&member["joined_at"]), parse_time(&joined[i]["joined_at"]));
    }
    let first_two = app.get(&format!("{path}?page_size=2"), &alice).await.expect(200);
    assert_eq!(
        column(&first_two, "/user/username"),
        [users[0].username.clone(), users[1].username.clone()]
    );
    assert!(first_two["next"].is_string());
    let last = app.get(&format!("{path}?page_size=2&page=2"), &alice).await.expect(200);
    assert_eq!(column(&last, "/user/username"), [users[2].username.clone()]);

    app.get(&path, &outsider).await.problem(403);
    app.get(&path, &users[0]).await.problem(403);
    app.get(&path, Anon).await.problem(401);
    app.get(&format!("/api/events/{}/members", uuid::Uuid::new_v4()), &alice)
        .await
        .problem(404);
}

both_stores!(the_creator_removes_members_and_waitlisted_users);
async fn the_creator_removes_members_and_waitlisted_users(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("u", 3).await;
    let id = app.waitlisted_event(&alice, &users).await;
    let remove = |user_id: &str| format!("/api/events/{id}/members/{user_id}");

    app.delete(&remove(&users[0].id), Anon).await.problem(401);
    app.delete(&remove(&users[0].id), &users[1]).await.problem(403);
    app.delete(&remove(&uuid::Uuid::new_v4().to_string()), &alice)
        .await
        .problem(404);
    app.delete(&remove("not-a-uuid"), &alice).await.problem(404);
    app.delete(&remove(&alice.id), &alice).await.problem(404);

    // Removing the member promotes the first waitlisted user.
    let answer = app.delete(&remove(&users[0].id), &alice).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let members = app.all_pages(&format!("/api/events/{id}/members"), &alice).await;
    assert_eq!(user_ids(&members), [users[1].id.clone()]);

    // Removing a waitlisted user.
    assert_eq!(app.delete(&remove(&users[2].id), &alice).await.status, 204);
    assert_eq!(
        app.capacity(&id).await,
        json!({"capacity": 1, "members_count": 1, "available_slots": 0, "waitlist_count": 0})
    );
    app.delete(&remove(&users[2].id), &alice).await.problem(404);
    assert_eq!(
        app.get("/api/users/me/events", &users[0]).await.expect(200)["count"],
        json!(0)
    );
    // A removed member may join again (as a waitlisted user now).
    assert_eq!(
        app.join(&id, &users[0]).await.expect(201)["status"],
        json!("waitlisted")
    );
}

both_stores!(the_waitlist_lists_positions_in_order_for_the_creator);
async fn the_waitlist_lists_positions_in_order_for_the_creator(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("w", 4).await;
    let id = app.waitlisted_event(&alice, &users).await;
    let path = format!("/api/events/{id}/waitlist");
    let page = app.get(&path, &alice).await.expect(200);
    assert_eq!(page["count"], json!(3));
    for (i, entry) in results(&page).iter().enumerate() {
        assert_eq!(
            entry["user"],
            json!({"id": users[i + 1].id, "username": users[i + 1].username})
        );
        assert_eq!(entry["position"], json!(i + 1));
        parse_time(&entry["joined_at"]);
    }
    let second_page = app.get(&format!("{path}?page_size=2&page=2"), &alice).await.expect(200);
    assert_eq!(
        results(&second_page)[0]["position"],
        json!(3),
        "positions are absolute, not per page"
    );
    app.get(&path, &users[1]).await.problem(403);
    app.get(&path, Anon).await.problem(401);
}

both_stores!(the_capacity_endpoint_is_public);
async fn the_capacity_endpoint_is_public(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_joined_by(&alice, json!({"capacity": 5}), [&bob]).await;
    let capacity = app.get(&format!("/api/events/{id}/capacity"), Anon).await.expect(200);
    assert_eq!(
        capacity,
        json!({"capacity": 5, "members_count": 1, "available_slots": 4, "waitlist_count": 0})
    );
    app.get(&format!("/api/events/{}/capacity", uuid::Uuid::new_v4()), Anon)
        .await
        .problem(404);
}

both_stores!(users_me_events_lists_the_callers_memberships);
async fn users_me_events_lists_the_callers_memberships(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let open = app.event(&alice, json!({"title": "Open seats"})).await;
    let full = app
        .event(
            &alice,
            json!({"title": "Full", "capacity": 1, "waitlist_enabled": true}),
        )
        .await;
    app.event(&alice, json!({"title": "Not joined"})).await;
    app.join(&id_of(&full), &carol).await.expect(201);
    app.join(&id_of(&open), &bob).await.expect(201);
    app.join(&id_of(&full), &bob).await.expect(201);

    let mine = app.get("/api/users/me/events", &bob).await.expect(200);
    assert_eq!(mine["count"], json!(2));
    let mut entries: Vec<Value> = results(&mine).clone();
    entries.sort_by_key(|e| e["event"]["title"].as_str().unwrap().to_owned());
    assert_eq!(entries[0]["event"]["id"], full["id"]);
    assert_eq!(entries[0]["event"]["title"], json!("Full"));
    assert_eq!(
        parse_time(&entries[0]["event"]["start_time"]),
        parse_time(&full["start_time"])
    );
    assert_eq!(entries[0]["status"], json!("waitlisted"));
    assert_eq!(entries[1]["event"]["id"], open["id"]);
    assert_eq!(entries[1]["status"], json!("member"));
    parse_time(&entries[1]["joined_at"]);

    assert_eq!(app.leave(&id_of(&open), &bob).await.status, 204);
    let mine = app.all_pages("/api/users/me/events", &bob).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(
        app.get("/api/users/me/events", &alice).await.expect(200)["count"],
        json!(0)
    );
    app.get("/api/users/me/events", Anon).await.problem(401);
}
