//! `Idempotency-Key`: a retry by the same user gets the first answer and changes nothing.

use reqwest::Method;
use serde_json::json;

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
