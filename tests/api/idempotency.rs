//! `Idempotency-Key`: a retry by the same user gets the first answer and changes nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

fn keyed(app: &Api, path: &str, user: &TestUser, key: &str) -> reqwest::RequestBuilder {
    app.request(Method::POST, path, user).header("idempotency-key", key)
}

both_stores!(a_post_retried_with_the_same_idempotency_key_gets_the_first_answer);
async fn a_post_retried_with_the_same_idempotency_key_gets_the_first_answer(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let key = uuid::Uuid::new_v4().to_string();
    // One body for every try: `event_body` reads the clock.
    let body = event_body("Once");
    let create = || keyed(&app, "/api/events", &alice, &key).json(&body);
    let first = app.send(create()).await;
    let first_location = first.header("location").map(str::to_owned);
    let first = first.expect(201);
    let retried = app.send(create()).await;
    assert_eq!(retried.header("location").map(str::to_owned), first_location);
    assert_eq!(retried.header("idempotent-replayed"), Some("true"));
    assert_eq!(retried.expect(201), first, "the retry gets the first answer");
    assert_eq!(
        app.get("/api/events", Anon).await.expect(200)["count"],
        json!(1),
        "and creates nothing"
    );
    let other_body = keyed(&app, "/api/events", &alice, &key).json(&event_body("Twice"));
    app.send(other_body).await.problem(422);

    let id = id_of(&first);
    let join = |user: &TestUser| keyed(&app, &format!("/api/events/{id}/join"), user, "join-once");
    let joined = app.send(join(&bob)).await.expect(201);
    assert_eq!(app.send(join(&bob)).await.expect(201), joined);
    // The same key from another user is another request.
    assert_eq!(app.send(join(&carol)).await.expect(201)["user"]["id"], json!(carol.id));
    assert_eq!(app.capacity(&id).await["members_count"], json!(2));
    // A refusal is an answer too: replayed, not run again.
    let again = keyed(&app, &format!("/api/events/{id}/join"), &bob, "join-again");
    app.send(again).await.problem(409);
    assert_eq!(app.leave(&id, &bob).await.status, 204);
    let again = keyed(&app, &format!("/api/events/{id}/join"), &bob, "join-again");
    app.send(again).await.problem(409);
    let joins = app
        .get(&format!("/api/logs?event_id={id}&type=member_joined"), &alice)
        .await
        .expect(200);
    assert_eq!(joins["count"], json!(2));
}

both_stores!(twenty_racing_posts_with_one_key_create_one_event_and_get_one_answer);
async fn twenty_racing_posts_with_one_key_create_one_event_and_get_one_answer(app: TestApp) {
    let alice = app.user("alice").await;
    let body = event_body("Raced");
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (api, alice, body) = (app.api.clone(), alice.clone(), body.clone());
        racers.spawn(async move {
            let request = keyed(&api, "/api/events", &alice, "race").json(&body);
            api.send(request).await
        });
    }
    let answers = racers.join_all().await;
    for answer in &answers {
        assert_eq!(answer.status, 201, "{}", answer.body);
        assert_eq!(answer.body, answers[0].body);
    }
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(1));
    let other = keyed(&app, "/api/events", &alice, "race").json(&event_body("Other"));
    app.send(other).await.problem(422);
}

both_stores!(a_registration_retried_with_its_key_gets_the_first_answer);
async fn a_registration_retried_with_its_key_gets_the_first_answer(app: TestApp) {
    let body = json!({"username": "ida", "email": "ida@example.com", "password": PASSWORD});
    let register = || {
        app.request(Method::POST, "/api/auth/register", Anon)
            .header("idempotency-key", "sign-up-1")
            .json(&body)
    };
    let first = app.send(register()).await.expect(201);
    let retried = app.send(register()).await;
    assert_eq!(retried.header("idempotent-replayed"), Some("true"));
    assert_eq!(retried.expect(201), first);
    // Without the key, the same registration is a second attempt: the name is taken.
    app.post("/api/auth/register", Anon, body.clone()).await.problem(409);
    // Log-in answers hold tokens: never stored, so never replayed.
    let login = || {
        app.request(Method::POST, "/api/auth/login", Anon)
            .header("idempotency-key", "log-in-1")
            .json(&json!({"username": "ida", "password": PASSWORD}))
    };
    app.send(login()).await.expect(200);
    assert_eq!(app.send(login()).await.header("idempotent-replayed"), None);
}

both_stores!(a_key_outside_visible_ascii_is_400_and_nothing_happens);
async fn a_key_outside_visible_ascii_is_400_and_nothing_happens(app: TestApp) {
    let user = app.user("spacey").await;
    for key in ["two words", "tab\there", &"k".repeat(256)] {
        let answer = app.send(keyed(&app, "/api/notifications/read-all", &user, key)).await;
        answer.problem(400);
        let answer = app
            .send(keyed(&app, "/api/events", &user, key).json(&event_body("Keyed")))
            .await;
        answer.problem(400);
    }
    assert_eq!(app.get("/api/events", &user).await.expect(200)["count"], 0);
}

both_stores!(answers_holding_credentials_are_never_kept_even_for_a_signed_in_caller);
async fn answers_holding_credentials_are_never_kept_even_for_a_signed_in_caller(app: TestApp) {
    let ida = app.user("ida").await;
    let keyed = |path: &str, body: Value| {
        app.request(Method::POST, path, &ida)
            .header("idempotency-key", "credentials-1")
            .json(&body)
    };
    let login = json!({"username": "ida", "password": PASSWORD});
    let first = app.send(keyed("/api/auth/login", login.clone())).await;
    let second = app.send(keyed("/api/auth/login", login)).await;
    assert_eq!(second.header("idempotent-replayed"), None, "log-in");
    assert_ne!(first.expect(200)["access"], second.expect(200)["access"]);

    let refreshed = app
        .send(keyed("/api/auth/refresh", json!({"refresh": ida.refresh})))
        .await;
    assert_eq!(refreshed.header("idempotent-replayed"), None, "refresh");
    let again = app
        .send(keyed("/api/auth/refresh", json!({"refresh": ida.refresh})))
        .await;
    assert_eq!(again.header("idempotent-replayed"), None, "refresh, again");

    let calendar = || {
        app.request(Method::POST, "/api/users/me/calendar-token", &ida)
            .header("idempotency-key", "calendar-1")
    };
    let first = app.send(calendar()).await;
    let second = app.send(calendar()).await;
    assert_eq!(second.header("idempotent-replayed"), None, "calendar token");
    assert_ne!(first.expect(201)["token"], second.expect(201)["token"]);
}

both_stores!(strangers_registering_with_one_key_do_not_collide);
async fn strangers_registering_with_one_key_do_not_collide(app: TestApp) {
    let register = |name: &str| {
        app.request(Method::POST, "/api/auth/register", Anon)
            .header("idempotency-key", "1")
            .json(&json!({"username": name, "email": format!("{name}@example.com"), "password": PASSWORD}))
    };
    let ann = app.send(register("ann")).await.expect(201);
    let bob = app.send(register("bob")).await;
    assert_eq!(bob.header("idempotent-replayed"), None);
    assert_eq!(bob.expect(201)["username"], json!("bob"));
    let retried = app.send(register("ann")).await;
    assert_eq!(retried.header("idempotent-replayed"), Some("true"));
    assert_eq!(retried.expect(201), ann);
}

both_stores!(a_key_refused_before_its_command_ran_is_free_for_the_corrected_request);
async fn a_key_refused_before_its_command_ran_is_free_for_the_corrected_request(app: TestApp) {
    let alice = app.user("alice").await;
    let key = "fix-and-retry";
    let invalid = keyed(&app, "/api/events", &alice, key).json(&json!({"title": "", "capacity": 0}));
    app.send(invalid).await.problem(400);
    // Before, the 400 was kept as the key's answer: the corrected body got 422.
    let corrected = keyed(&app, "/api/events", &alice, key).json(&event_body("Fixed"));
    let created = app.send(corrected).await.expect(201);
    let retried = keyed(&app, "/api/events", &alice, key).json(&event_body("Fixed"));
    let retried = app.send(retried).await;
    assert_eq!(retried.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        retried.expect(201),
        created,
        "the corrected request's answer is the key's now"
    );
    let unknown = format!("/api/events/{}/join", uuid::Uuid::new_v4());
    app.send(keyed(&app, &unknown, &alice, "join-key")).await.problem(404);
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(1));
}
