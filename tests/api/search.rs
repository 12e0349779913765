//! `title=` and `location=` are answered from a trigram index (migration 0013) and must
//! find exactly what a plain substring test finds, through renames, deletions and rebuilds.

use crate::helpers::*;

/// The events' titles and locations, as created.
const EVENTS: [(&str, &str); 6] = [
    ("Rust Meetup", "Café Zürich"),
    ("Quote \"this\" one", "Hall \"A\""),
    ("100% pure_fun", "Back\\room"),
    ("Tiny", "Io"),
    ("Ärger im Büro", "ÖSTERREICH"),
    ("rustic dinner", "Bern"),
];

/// Needles of every kind: shorter than a trigram, quotes, LIKE's own characters, case.
const NEEDLES: [&str; 12] = [
    "meetup", "MEET", "ru", "r", "\"this\"", "% p", "_", "\\", "ärger", "ÄRGER", "zürich", "österr",
];

both_stores!(substring_search_from_its_index_finds_what_a_plain_test_finds);
async fn substring_search_from_its_index_finds_what_a_plain_test_finds(app: TestApp) {
    let alice = app.user("alice").await;
    let mut ids = Vec::new();
    for (title, location) in EVENTS {
        ids.push(
            app.event_id(&alice, serde_json::json!({"title": title, "location": location}))
                .await,
        );
    }
    let mut live: Vec<(String, String)> = EVENTS.iter().map(|(t, l)| (t.to_string(), l.to_string())).collect();
    assert_searches(&app, &live).await;

    app.patch(
        &format!("/api/events/{}", ids[0]),
        &alice,
        serde_json::json!({"title": "Go Meetup", "location": "Basel"}),
    )
    .await
    .expect(200);
    live[0] = ("Go Meetup".to_owned(), "Basel".to_owned());
    app.delete(&format!("/api/events/{}", ids[5]), &alice).await.expect(204);
    live.remove(5);
    assert_searches(&app, &live).await;
    assert_eq!(
        titles(&app, "title", "rust").await,
        Vec::<String>::new(),
        "renamed and deleted: gone"
    );

    app.rebuild().await;
    assert_searches(&app, &live).await;
    if app.backend == Backend::Sqlite {
        // FTS5 compares its index with event_view's rows, and fails the statement if they differ.
        app.execute_sql("INSERT INTO event_search (event_search, rank) VALUES ('integrity-check', 1)")
            .await;
    }
    app.assert_verified().await;
}

/// Every needle, on titles and on locations, finds what `contains` on lowercased text finds.
async fn assert_searches(app: &TestApp, live: &[(String, String)]) {
    for needle in NEEDLES {
        let lowered = needle.to_lowercase();
        for (field, pick) in [("title", 0), ("location", 1)] {
            let mut expected: Vec<String> = live
                .iter()
                .filter(|event| [&event.0, &event.1][pick].to_lowercase().contains(&lowered))
                .map(|event| event.0.clone())
                .collect();
            expected.sort();
            assert_eq!(titles(app, field, needle).await, expected, "{field}={needle:?}");
        }
    }
}

async fn titles(app: &TestApp, field: &str, needle: &str) -> Vec<String> {
    let url = reqwest::Url::parse_with_params(&app.url("/api/events"), [(field, needle), ("page_size", "100")])
        .expect("a valid URL");
    let page = app.send(app.client.get(url)).await.expect(200);
    let mut found = column(&page, "/title");
    found.sort();
    found
}
