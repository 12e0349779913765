//! Users and tokens: registration, login, refresh rotation, logout, the caller's account.

use serde_json::{json, Value};

use crate::helpers::*;

fn assert_user_shape(user: &Value, username: &str, email: &str) {
    let keys: Vec<&str> = user
        .as_object()
        .expect("a user object")
        .keys()
        .map(String::as_str)
        .collect();
    for key in ["id", "username", "email", "first_name", "last_name", "date_joined"] {
        assert!(keys.contains(&key), "user lacks {key}: {user}");
    }
    assert!(
        uuid::Uuid::parse_str(user["id"].as_str().unwrap()).is_ok(),
        "id is a UUID: {user}"
    );
    assert_eq!(user["username"], json!(username));
    assert_eq!(user["email"], json!(email));
    parse_time(&user["date_joined"]);
    for key in keys {
        assert!(!key.contains("password"), "a user never shows a password field: {user}");
    }
}

both_stores!(registering_answers_201_with_the_user_and_never_the_password);
async fn registering_answers_201_with_the_user_and_never_the_password(app: TestApp) {
    let secret = "a very secret passphrase";
    let answer = app
        .register_with(json!({
            "username": "alice",
            "email": "alice@example.com",
            "password": secret,
            "first_name": "Alice",
            "last_name": "Liddell",
        }))
        .await;
    let text = answer.body.to_string();
    let user = answer.expect(201);
    assert_user_shape(&user, "alice", "alice@example.com");
    assert_eq!(user["first_name"], json!("Alice"));
    assert_eq!(user["last_name"], json!("Liddell"));
    assert!(!text.contains(secret), "the password is never returned: {text}");

    let bare = app.register("bob").await;
    assert_user_shape(&bare, "bob", "bob@example.com");
    assert_eq!(bare["first_name"], json!(""), "first_name defaults to empty");
    assert_eq!(bare["last_name"], json!(""), "last_name defaults to empty");
    assert_ne!(bare["id"], user["id"]);
}

both_stores!(registering_a_taken_username_in_any_case_is_409);
async fn registering_a_taken_username_in_any_case_is_409(app: TestApp) {
    app.register("alice").await;
    for taken in ["alice", "ALICE", "Alice"] {
        let answer = app
            .register_with(json!({"username": taken, "email": "other@example.com", "password": PASSWORD}))
            .await;
        answer.problem(409);
    }
}

both_stores!(registering_with_several_invalid_fields_names_every_one_at_once);
async fn registering_with_several_invalid_fields_names_every_one_at_once(app: TestApp) {
    app.register_with(json!({"username": "ab", "email": "not-an-email", "password": "short"}))
        .await
        .invalid(&["username", "email", "password"]);
    app.register_with(json!({}))
        .await
        .invalid(&["username", "email", "password"]);
    app.register_with(json!({"username": "carol", "email": "carol@example.com"}))
        .await
        .invalid(&["password"]);
    // None of these created anything.
    app.login("ab", "short").await.problem(401);
}

both_stores!(usernames_are_3_to_150_letters_digits_and_at_dot_plus_minus_underscore);
async fn usernames_are_3_to_150_letters_digits_and_at_dot_plus_minus_underscore(app: TestApp) {
    let long = "a".repeat(151);
    for bad in ["ab", "has space", "semi;colon", "slash/y", "quote'", long.as_str(), ""] {
        app.register_with(json!({"username": bad, "email": "x@example.com", "password": PASSWORD}))
            .await
            .invalid(&["username"]);
    }
    let longest = "b".repeat(150);
    for (i, good) in ["abc", "a.b+c-d_e@f", "User123", longest.as_str()]
        .into_iter()
        .enumerate()
    {
        app.register_with(json!({"username": good, "email": format!("u{i}@example.com"), "password": PASSWORD}))
            .await
            .expect(201);
    }
}

both_stores!(a_password_of_only_digits_or_under_eight_characters_is_400);
async fn a_password_of_only_digits_or_under_eight_characters_is_400(app: TestApp) {
    for bad in ["12345678901", "abc1234", "", "1234567"] {
        app.register_with(json!({"username": "dave", "email": "dave@example.com", "password": bad}))
            .await
            .invalid(&["password"]);
    }
    app.register_with(json!({"username": "dave", "email": "dave@example.com", "password": "abcd1234"}))
        .await
        .expect(201);
}

both_stores!(login_answers_200_with_a_bearer_token_pair);
async fn login_answers_200_with_a_bearer_token_pair(app: TestApp) {
    let user = app.register("alice").await;
    let tokens = app.login("alice", PASSWORD).await.expect(200);
    assert!(
        tokens["access"].as_str().is_some_and(|t| t.split('.').count() == 3),
        "access is a JWT: {tokens}"
    );
    assert!(
        tokens["refresh"].as_str().is_some_and(|t| !t.is_empty()),
        "a refresh token: {tokens}"
    );
    assert_eq!(tokens["token_type"], json!("Bearer"));
    assert_eq!(
        tokens["expires_in"],
        json!(900),
        "access tokens live 15 minutes by default"
    );

    let access = tokens["access"].as_str().unwrap();
    let me = app.get("/api/users/me", access).await.expect(200);
    assert_eq!(me, user);

    // The username is matched in any case.
    app.login("ALICE", PASSWORD).await.expect(200);
}

both_stores!(wrong_password_and_unknown_user_both_get_401_with_the_same_detail);
async fn wrong_password_and_unknown_user_both_get_401_with_the_same_detail(app: TestApp) {
    app.register("alice").await;
    let wrong_password = app.login("alice", "not the password").await.problem(401);
    let unknown_user = app.login("nobody", PASSWORD).await.problem(401);
    assert_eq!(wrong_password["detail"], unknown_user["detail"]);
    assert!(!wrong_password.to_string().contains("not the password"));
}

both_stores!(refreshing_rotates_the_refresh_token);
async fn refreshing_rotates_the_refresh_token(app: TestApp) {
    let alice = app.user("alice").await;
    let rotated = app.refresh(&alice.refresh).await.expect(200);
    let access = rotated["access"].as_str().expect("a new access token");
    let refresh = rotated["refresh"].as_str().expect("a new refresh token");
    assert_ne!(refresh, alice.refresh);
    app.get("/api/users/me", access).await.expect(200);

    app.refresh(&alice.refresh).await.problem(401);
}

both_stores!(reusing_a_rotated_refresh_token_revokes_its_whole_family);
async fn reusing_a_rotated_refresh_token_revokes_its_whole_family(app: TestApp) {
    let alice = app.user("alice").await;
    let other_session = app.tokens("alice", PASSWORD).await;

    let second = app.refresh(&alice.refresh).await.expect(200);
    let third = app.refresh(&second["refresh"]).await.expect(200);

    // Someone replays the first token: the whole family dies, the newest member too.
    app.refresh(&alice.refresh).await.problem(401);
    app.refresh(&third["refresh"]).await.problem(401);

    // Another login is another family.
    app.refresh(&other_session["refresh"]).await.expect(200);
}

both_stores!(a_forged_or_missing_refresh_token_is_refused);
async fn a_forged_or_missing_refresh_token_is_refused(app: TestApp) {
    app.user("alice").await;
    for forged in [
        "garbage",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        app.refresh(forged).await.problem(401);
    }
    app.post("/api/auth/refresh", Anon, json!({}))
        .await
        .invalid(&["refresh"]);
}

both_stores!(logout_answers_204_and_then_that_access_and_refresh_token_are_401);
async fn logout_answers_204_and_then_that_access_and_refresh_token_are_401(app: TestApp) {
    let alice = app.user("alice").await;
    let other_session = app.tokens("alice", PASSWORD).await;

    let answer = app
        .post("/api/auth/logout", &alice, json!({"refresh": alice.refresh}))
        .await;
    assert_eq!(answer.status, 204, "{}", answer.body);

    app.get("/api/users/me", &alice).await.problem(401);
    app.refresh(&alice.refresh).await.problem(401);

    // Only that session ended.
    let other_access = other_session["access"].as_str().unwrap();
    app.get("/api/users/me", other_access).await.expect(200);
    app.refresh(&other_session["refresh"]).await.expect(200);
}

both_stores!(logout_without_a_known_refresh_token_is_still_204);
async fn logout_without_a_known_refresh_token_is_still_204(app: TestApp) {
    let alice = app.user("alice").await;
    let answer = app
        .post("/api/auth/logout", &alice, json!({"refresh": "unknown"}))
        .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    app.get("/api/users/me", &alice).await.problem(401);

    let bob = app.user("bob").await;
    let answer = app.post_empty("/api/auth/logout", &bob).await;
    assert_eq!(answer.status, 204, "logout without a body: {}", answer.body);
    app.get("/api/users/me", &bob).await.problem(401);
    // The refresh token not given is not revoked.
    app.refresh(&bob.refresh).await.expect(200);

    app.post("/api/auth/logout", Anon, json!({})).await.problem(401);
}

both_stores!(unsigned_forged_expired_and_garbage_tokens_are_401);
async fn unsigned_forged_expired_and_garbage_tokens_are_401(app: TestApp) {
    let alice = app.user("alice").await;
    let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64url(claims(&alice.id, 600).to_string().as_bytes());
    let unsigned = format!("{header}.{payload}.");
    let wrong_secret = sign(&claims(&alice.id, 600), "some-other-secret-that-is-long-enough-0123");
    let expired = sign(&claims(&alice.id, -60), JWT_SECRET);
    let unknown_user = sign(&claims(&uuid::Uuid::new_v4().to_string(), 600), JWT_SECRET);
    let mut tampered = alice.access.clone();
    tampered.pop();
    tampered.push(if alice.access.ends_with('A') { 'B' } else { 'A' });

    for token in [
        unsigned,
        wrong_secret,
        expired,
        unknown_user,
        tampered,
        "garbage".to_owned(),
        "a.b.c".to_owned(),
    ] {
        app.get("/api/users/me", &token).await.problem(401);
        app.post("/api/events", &token, event_body("Nope")).await.problem(401);
    }

    // The scheme must be Bearer; a token nowhere is no authentication.
    let basic = app
        .request(reqwest::Method::GET, "/api/users/me", Anon)
        .header("authorization", "Basic YTpi");
    app.send(basic).await.problem(401);
    let bare = app
        .request(reqwest::Method::GET, "/api/users/me", Anon)
        .header("authorization", alice.access.clone());
    app.send(bare).await.problem(401);
    app.get("/api/users/me", Anon).await.problem(401);

    // A token the service's own secret signed, for a real user, works (the harness is sound).
    app.get("/api/users/me", &sign(&claims(&alice.id, 600), JWT_SECRET))
        .await
        .expect(200);
}

both_stores!(users_me_shows_and_patches_the_caller);
async fn users_me_shows_and_patches_the_caller(app: TestApp) {
    let alice = app.user("alice").await;
    let me = app.get("/api/users/me", &alice).await.expect(200);
    assert_user_shape(&me, "alice", "alice@example.com");
    assert_eq!(me["id"], json!(alice.id));

    let patched = app
        .patch(
            "/api/users/me",
            &alice,
            json!({"email": "alice@wonderland.example", "first_name": "Alice", "last_name": "L."}),
        )
        .await
        .expect(200);
    assert_eq!(patched["email"], json!("alice@wonderland.example"));
    assert_eq!(patched["first_name"], json!("Alice"));
    assert_eq!(patched["last_name"], json!("L."));
    assert_eq!(patched["username"], json!("alice"));
    assert_eq!(app.get("/api/users/me", &alice).await.expect(200), patched);

    // Only the fields given change.
    let again = app
        .patch("/api/users/me", &alice, json!({"last_name": "Liddell"}))
        .await
        .expect(200);
    assert_eq!(again["first_name"], json!("Alice"));
    assert_eq!(again["last_name"], json!("Liddell"));

    app.patch("/api/users/me", &alice, json!({"email": "nope"}))
        .await
        .invalid(&["email"]);
    app.patch("/api/users/me", Anon, json!({"first_name": "X"}))
        .await
        .problem(401);
}

both_stores!(changing_the_password_needs_the_current_one_and_revokes_refresh_tokens);
async fn changing_the_password_needs_the_current_one_and_revokes_refresh_tokens(app: TestApp) {
    let alice = app.user("alice").await;
    let second_session = app.tokens("alice", PASSWORD).await;
    let new_password = "a brand new passphrase";

    app.patch("/api/users/me", &alice, json!({"password": new_password}))
        .await
        .invalid(&["current_password"]);
    app.patch(
        "/api/users/me",
        &alice,
        json!({"password": new_password, "current_password": "wrong one"}),
    )
    .await
    .invalid(&["current_password"]);
    app.patch(
        "/api/users/me",
        &alice,
        json!({"password": "12345678901", "current_password": PASSWORD}),
    )
    .await
    .invalid(&["password"]);
    // Nothing changed so far.
    app.login("alice", PASSWORD).await.expect(200);

    let me = app
        .patch(
            "/api/users/me",
            &alice,
            json!({"password": new_password, "current_password": PASSWORD}),
        )
        .await
        .expect(200);
    assert!(!me.to_string().contains(new_password));

    for refresh in [
        alice.refresh.clone(),
        second_session["refresh"].as_str().unwrap().to_owned(),
    ] {
        app.refresh(&refresh).await.problem(401);
    }
    app.login("alice", PASSWORD).await.problem(401);
    app.login("alice", new_password).await.expect(200);
}

both_stores!(deleting_the_account_frees_its_seats_deletes_its_events_and_its_username);
async fn deleting_the_account_frees_its_seats_deletes_its_events_and_its_username(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let bobs_id = app.event_id(&bob, json!({"title": "Bob's party"})).await;
    let alices_id = app.waitlisted_event(&alice, [&bob]).await;
    assert_eq!(
        app.join(&alices_id, &carol).await.expect(201)["status"],
        json!("waitlisted")
    );
    app.join(&bobs_id, &carol).await.expect(201);

    let answer = app.delete("/api/users/me", &bob).await;
    assert_eq!(answer.status, 204, "{}", answer.body);

    app.get("/api/users/me", &bob).await.problem(401);
    app.refresh(&bob.refresh).await.problem(401);
    app.login("bob", PASSWORD).await.problem(401);

    // The events bob created are gone.
    app.get(&format!("/api/events/{bobs_id}"), Anon).await.problem(404);
    let listed = app.all_pages("/api/events", Anon).await;
    assert!(
        listed.iter().all(|e| e["id"] != json!(bobs_id)),
        "a deleted event is not listed"
    );

    // His seat went to the waitlist.
    let capacity = app.capacity(&alices_id).await;
    assert_eq!(capacity["members_count"], json!(1));
    assert_eq!(capacity["waitlist_count"], json!(0));
    let members = app.all_pages(&format!("/api/events/{alices_id}/members"), &alice).await;
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["user"]["id"], json!(carol.id));
    let carols = app.all_pages("/api/users/me/events", &carol).await;
    assert_eq!(
        carols.len(),
        1,
        "carol's membership of bob's deleted event is gone: {carols:?}"
    );
    assert_eq!(carols[0]["status"], json!("member"));

    // The username is free again, for somebody new.
    let new_bob = app.register("Bob").await;
    assert_ne!(new_bob["id"], json!(bob.id));
    app.login("bob", PASSWORD).await.expect(200);
    app.delete("/api/users/me", Anon).await.problem(401);
}

both_stores!(fifty_concurrent_registrations_of_one_username_make_exactly_one_account);
async fn fifty_concurrent_registrations_of_one_username_make_exactly_one_account(app: TestApp) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let api = app.api.clone();
        let username = if i % 2 == 0 { "rush" } else { "RUSH" };
        tasks.spawn(async move {
            api.register_with(json!({"username": username, "email": format!("r{i}@example.com"), "password": PASSWORD}))
                .await
        });
    }
    let answers = tasks.join_all().await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let conflicts = answers.iter().filter(|a| a.status == 409).count();
    let others: Vec<_> = answers
        .iter()
        .filter(|a| a.status != 201 && a.status != 409)
        .map(|a| a.status)
        .collect();
    assert_eq!((created, conflicts, others), (1, 49, vec![]));
    app.login("rush", PASSWORD).await.expect(200);
}

both_stores!(a_token_not_yet_valid_or_expiring_this_second_is_401);
async fn a_token_not_yet_valid_or_expiring_this_second_is_401(app: TestApp) {
    let alice = app.user("alice").await;
    let mut early = claims(&alice.id, 600);
    early["nbf"] = json!(chrono::Utc::now().timestamp() + 300);
    app.get("/api/users/me", &sign(&early, JWT_SECRET)).await.problem(401);
    // `exp` is the first second the token is no longer valid (RFC 7519 §4.1.4).
    let ending = sign(&claims(&alice.id, 0), JWT_SECRET);
    app.get("/api/users/me", &ending).await.problem(401);
    app.get("/api/users/me", &sign(&claims(&alice.id, 600), JWT_SECRET))
        .await
        .expect(200);
}

both_stores!(a_fullwidth_username_is_the_same_username);
async fn a_fullwidth_username_is_the_same_username(app: TestApp) {
    app.register("ali").await;
    app.register_with(json!({"username": "ａｌｉ", "email": "other@example.com", "password": PASSWORD}))
        .await
        .problem(409);
    let tokens = app.tokens("ＡＬＩ", PASSWORD).await;
    let me = app
        .get("/api/users/me", &tokens["access"].as_str().expect("a token").to_owned())
        .await
        .expect(200);
    assert_eq!(me["username"], "ali");
    let bob = app
        .register_with(json!({"username": "ｂｏｂ", "email": "bob@example.com", "password": PASSWORD}))
        .await
        .expect(201);
    assert_eq!(bob["username"], "bob", "kept in NFKC");
}

both_stores!(joins_and_creations_racing_an_account_deletion_leave_nothing_of_it);
async fn joins_and_creations_racing_an_account_deletion_leave_nothing_of_it(app: TestApp) {
    let alice = app.user("alice").await;
    let mut events = Vec::new();
    for _ in 0..8 {
        events.push(app.event_id(&alice, json!({"capacity": 5})).await);
    }
    for round in 0..4 {
        let bob = app.user(&format!("bob{round}")).await;
        // The hole: the deletion listed bob's seats and events first, so a join or a creation
        // that committed after that list stayed, held by an account that no longer existed.
        let mut tasks = tokio::task::JoinSet::new();
        for event in &events {
            let (api, bob, event) = (app.api.clone(), bob.clone(), event.clone());
            tasks.spawn(async move { api.join(&event, &bob).await.status });
        }
        for _ in 0..3 {
            let (api, bob) = (app.api.clone(), bob.clone());
            tasks.spawn(async move { api.post("/api/events", &bob, event_body("Bob's")).await.status });
        }
        let deletion = app.delete("/api/users/me", &bob).await;
        assert_eq!(deletion.status, 204, "round {round}: {}", deletion.body);
        for status in tasks.join_all().await {
            assert!([201, 401].contains(&status), "round {round}: {status}");
        }
        for event in &events {
            let members = app.all_pages(&format!("/api/events/{event}/members"), &alice).await;
            assert!(
                members.iter().all(|m| m["user"]["id"] != json!(bob.id)),
                "round {round}: the deleted bob holds a seat of {event}: {members:?}"
            );
            assert_eq!(app.capacity(event).await["members_count"], json!(members.len()));
        }
        let listed = app.all_pages("/api/events", Anon).await;
        assert!(
            listed.iter().all(|e| e["creator"]["id"] != json!(bob.id)),
            "round {round}: an event of the deleted bob is listed"
        );
    }
    app.assert_verified().await;
}
