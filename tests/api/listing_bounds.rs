//! What one listing request may ask of the store: a substring filter no longer than the
//! field it searches (a longer one can match nothing, and SQLite refuses a LIKE pattern past
//! 50,000 bytes), pages no deeper than 10,000 items (each skipped row is read), and searches
//! kept to a share of the connections.

use std::time::Duration;

use crate::helpers::*;
use crate::process::ServerProcess;

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

/// Rows enough that a deep search takes a while, written into the read model behind the
/// service's back (titles `seed 1`…, all by `creator`, starting in 2100).
async fn seed_listing(app: &TestApp, creator: &TestUser, rows: u32) {
    let id = match app.backend {
        Backend::Sqlite => "printf('00000000-0000-4000-8000-%012d', i)",
        Backend::Postgres => "'00000000-0000-4000-8000-' || lpad(i::text, 12, '0')",
    };
    app.execute_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
         INSERT INTO event_view (id, title, title_key, description, start_time, capacity, status,
             waitlist_enabled, creator_id, creator_username, members_count, waitlist_count,
             created_at, updated_at, version)
         SELECT {id}, 'Seed ' || i, 'seed ' || i, '', 4102444800000000 + i, 10, 'open', 0,
             '{}', '{}', 0, 0, 0, 0, 1 FROM n",
        creator.id, creator.username
    ))
    .await;
}

both_stores!(deep_searches_leave_connections_for_everyone_else);
async fn deep_searches_leave_connections_for_everyone_else(app: TestApp) {
    let alice = app.user("alice").await;
    let victim = app.event_id(&alice, event_body("The victim")).await;
    // Enough that 16 searches keep four connections busy, and few enough that one search
    // fits its time budget in a debug build (SQLite's C is unoptimised there).
    let rows = match app.backend {
        Backend::Sqlite => 30_000,
        Backend::Postgres => 100_000,
    };
    seed_listing(&app, &alice, rows).await;
    // Four connections, given up on after 200 ms: the searches alone could hold them all.
    let settings = [("DATABASE_POOL_SIZE", "4"), ("DATABASE_ACQUIRE_TIMEOUT", "200ms")];
    let server = ServerProcess::start_with(app.database_url(), &settings, None).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(4);
    let mut searches = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let api = server.api.clone();
        searches.spawn(async move {
            let mut statuses = Vec::new();
            while std::time::Instant::now() < deadline {
                let path = "/api/events?ordering=-title&page=500&page_size=20&title=seed";
                statuses.push(api.get(path, Anon).await.status);
            }
            statuses
        });
    }
    let mut victim_statuses = Vec::new();
    while std::time::Instant::now() < deadline {
        victim_statuses.push(server.api.get(&format!("/api/events/{victim}"), Anon).await.status);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let searched: Vec<u16> = searches.join_all().await.concat();
    assert!(searched.contains(&200), "some searches were served: {searched:?}");
    assert!(
        searched.iter().all(|s| [200, 503].contains(s)),
        "searches: 200 or 503: {searched:?}"
    );
    assert!(
        victim_statuses.iter().all(|&s| s == 200),
        "every read of the event answered 200 while the searches ran: {victim_statuses:?}"
    );
}
