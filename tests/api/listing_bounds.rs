//! What one listing request may ask of the store: a substring filter no longer than the
//! field it searches (a longer one can match nothing, and SQLite refuses a LIKE pattern past
//! 50,000 bytes), and pages no deeper than 10,000 items (each skipped row is read).

use crate::helpers::*;

both_stores!(substring_filters_longer_than_their_field_are_400);
async fn substring_filters_longer_than_their_field_are_400(app: TestApp) {
    let alice = app.user("alice").await;
    app.event(
        &alice,
        serde_json::json!({"title": "a".repeat(200), "location": "b".repeat(200)}),
    )
    .await;
    let listed = app.get(&format!("/api/events?title={}", "a".repeat(200)), Anon).await;
    assert_eq!(listed.expect(200)["count"], 1);
    let listed = app
        .get(&format!("/api/events?location={}", "b".repeat(200)), Anon)
        .await;
    assert_eq!(listed.expect(200)["count"], 1);

    for (name, length) in [
        ("title", 201),
        ("location", 201),
        ("title", 60_000),
        ("location", 60_000),
    ] {
        let path = format!("/api/events?{name}={}", "x".repeat(length));
        app.get(&path, Anon).await.invalid(&[name]);
        app.get(&path.replace("/api/events", "/api/events/upcoming"), Anon)
            .await
            .invalid(&[name]);
    }
}

both_stores!(pages_deeper_than_ten_thousand_items_are_400);
async fn pages_deeper_than_ten_thousand_items_are_400(app: TestApp) {
    let alice = app.user("alice").await;
    app.get("/api/events?page=500&page_size=20", Anon).await.expect(200);
    app.get("/api/events?page=100&page_size=100", Anon).await.expect(200);
    app.get("/api/events?page=501&page_size=20", Anon)
        .await
        .invalid(&["page"]);
    app.get("/api/events?page=5000&ordering=-title&title=seed", Anon)
        .await
        .invalid(&["page"]);
    app.get("/api/logs?page=101&page_size=100", &alice)
        .await
        .invalid(&["page"]);
}
