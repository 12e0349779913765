//! Feedback: from members at the start (even if they left since), after the start, once.

use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use crate::helpers::*;

fn feedback_of(event: &str) -> String {
    format!("/api/events/{event}/feedback")
}

/// An event of `creator`'s that starts in three seconds; answers its id and start.
async fn starting_soon(app: &TestApp, creator: &TestUser) -> (String, chrono::DateTime<Utc>) {
    let start = Utc::now() + chrono::Duration::seconds(3);
    let id = app.event_id(creator, json!({"start_time": rfc3339(start)})).await;
    (id, start)
}

async fn sleep_until(time: chrono::DateTime<Utc>) {
    let wait = time - Utc::now() + chrono::Duration::milliseconds(200);
    tokio::time::sleep(wait.to_std().unwrap_or(Duration::ZERO)).await;
}

both_stores!(members_at_the_start_rate_the_event_once_after_it_started);
async fn members_at_the_start_rate_the_event_once_after_it_started(app: TestApp) {
    let [alice, bob, carol, dave, erin] = app.named_users(["alice", "bob", "carol", "dave", "erin"]).await;
    let (id, start) = starting_soon(&app, &alice).await;
    app.join_all(&id, [&bob, &carol, &dave]).await;
    assert_eq!(app.leave(&id, &dave).await.status, 204);
    let path = feedback_of(&id);

    // Before the start: members wait (409), everyone else is refused (403, checked first).
    app.post(&path, &bob, json!({"rating": 5})).await.problem(409);
    app.post(&path, &erin, json!({"rating": 5})).await.problem(403);
    app.post(&path, Anon, json!({"rating": 5})).await.problem(401);
    sleep_until(start).await;

    app.post(&path, &erin, json!({"rating": 5})).await.problem(403);
    app.post(&path, &erin, json!({"rating": 9})).await.problem(403);
    app.post(&path, &dave, json!({"rating": 5})).await.problem(403);
    app.post(&path, &bob, json!({"rating": 0, "comment": "x".repeat(2001)}))
        .await
        .invalid(&["rating", "comment"]);
    app.post(&path, &bob, json!({})).await.invalid(&["rating"]);
    app.post(
        &feedback_of(&uuid::Uuid::new_v4().to_string()),
        &bob,
        json!({"rating": 5}),
    )
    .await
    .problem(404);

    let left = app
        .post(&path, &bob, json!({"rating": 4, "comment": "Good talks"}))
        .await
        .expect(201);
    assert_eq!(left["event_id"], json!(id));
    assert_eq!(left["user"], json!({"id": bob.id, "username": "bob"}));
    assert_eq!(
        (left["rating"].clone(), left["comment"].clone()),
        (json!(4), json!("Good talks"))
    );
    parse_time(&left["created_at"]);
    app.post(&path, &bob, json!({"rating": 5})).await.problem(409);

    // Carol leaves after the start: she was a member when it started.
    assert_eq!(app.leave(&id, &carol).await.status, 204);
    let carols = app.post(&path, &carol, json!({"rating": 5})).await.expect(201);
    assert_eq!(carols["comment"], json!(""));

    let page = app.get(&path, Anon).await.expect(200);
    assert_eq!(page["count"], json!(2));
    assert_eq!(page["ratings_count"], json!(2));
    assert_eq!(page["average_rating"], json!(4.5));
    assert_eq!(column(&page, "/user/username"), ["carol", "bob"]);
    let log = app
        .get(&format!("/api/logs?event_id={id}&type=feedback_left"), &alice)
        .await
        .expect(200);
    assert_eq!(log["count"], json!(2));
}

both_stores!(an_event_without_feedback_has_no_average);
async fn an_event_without_feedback_has_no_average(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({})).await;
    let page = app.get(&feedback_of(&id), Anon).await.expect(200);
    assert_eq!(
        page,
        json!({"count": 0, "next": null, "previous": null, "results": [], "average_rating": null, "ratings_count": 0})
    );
    app.get(&feedback_of(&uuid::Uuid::new_v4().to_string()), Anon)
        .await
        .problem(404);
}

both_stores!(a_deleted_account_takes_its_feedback_and_invitations_along);
async fn a_deleted_account_takes_its_feedback_and_invitations_along(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let (id, start) = starting_soon(&app, &alice).await;
    app.join_all(&id, [&bob, &carol]).await;
    let later = app.event_id(&alice, json!({})).await;
    app.post(
        &format!("/api/events/{later}/invitations"),
        &alice,
        json!({"username": "bob"}),
    )
    .await
    .expect(201);
    sleep_until(start).await;
    for (user, rating) in [(&bob, 1), (&carol, 5)] {
        app.post(&feedback_of(&id), user, json!({"rating": rating}))
            .await
            .expect(201);
    }

    assert_eq!(app.delete("/api/users/me", &bob).await.status, 204);
    let page = app.get(&feedback_of(&id), Anon).await.expect(200);
    assert_eq!(
        (page["ratings_count"].clone(), page["average_rating"].clone()),
        (json!(1), json!(5.0))
    );
    let invitations = app
        .get(&format!("/api/events/{later}/invitations"), &alice)
        .await
        .expect(200);
    assert_eq!(invitations["count"], json!(0));
    let withdrawn = app
        .get(&format!("/api/logs?type=feedback_withdrawn&event_id={id}"), &alice)
        .await
        .expect(200);
    assert_eq!(withdrawn["results"][0]["metadata"]["via"], json!("account_deletion"));
}
