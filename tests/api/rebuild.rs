//! `rebuild` replaces damaged read models with a replay of the store, while the service goes
//! on answering and projecting.

use std::collections::BTreeSet;

use serde_json::json;

use crate::helpers::*;

/// Sends a join to `event` for each of `users` at once; the statuses come as they are
/// answered, while the caller goes on.
fn joins_meanwhile(app: &TestApp, event: &str, users: Vec<TestUser>) -> tokio::task::JoinSet<u16> {
    let mut joins = tokio::task::JoinSet::new();
    for user in users {
        let (api, event) = (app.api.clone(), event.to_owned());
        joins.spawn(async move { api.join(&event, &user).await.status });
    }
    joins
}

both_stores!(a_rebuild_repairs_damaged_read_models_while_joins_go_on);
async fn a_rebuild_repairs_damaged_read_models_while_joins_go_on(app: TestApp) {
    let creator = app.user("creator").await;
    let event = app.event_id(&creator, json!({"capacity": 30})).await;
    app.join_all(&event, &app.users("early", 10).await).await;

    app.execute_sql("UPDATE event_view SET members_count = 99").await;
    app.execute_sql("DELETE FROM activity_log").await;
    let damaged: BTreeSet<&str> = app.differences().await.iter().map(|d| d.table).collect();
    assert_eq!(damaged, BTreeSet::from(["activity_log", "event_view"]));

    let joins = joins_meanwhile(&app, &event, app.users("late", 20).await);
    let replayed = app.rebuild().await;
    assert_eq!(joins.join_all().await, [201; 20]);
    assert!(
        replayed >= 11,
        "the creation and the early joins at least, not {replayed}"
    );

    app.assert_verified().await;
    assert_eq!(app.capacity(&event).await["members_count"], 30);
    let log = app.all_pages(&format!("/api/logs/{event}"), &creator).await;
    assert_eq!(log.len(), 31, "the creation and 30 joins");
}

both_stores!(a_rebuild_leaves_the_schema_as_the_migrations_made_it);
async fn a_rebuild_leaves_the_schema_as_the_migrations_made_it(app: TestApp) {
    let creator = app.user("creator").await;
    let event = app
        .event_id(&creator, json!({"capacity": 10, "title": "Schema meetup"}))
        .await;
    app.join_all(&event, &app.users("early", 3).await).await;
    let migrated = app.schema().await;

    // Twice: the second replays over the tables and indexes the first swapped in.
    for _ in 0..2 {
        app.rebuild().await;
        let rebuilt = app.schema().await;
        let lost: Vec<_> = migrated.difference(&rebuilt).collect();
        let gained: Vec<_> = rebuilt.difference(&migrated).collect();
        assert!(
            lost.is_empty() && gained.is_empty(),
            "lost {lost:#?}\ngained {gained:#?}"
        );
    }

    // The swapped-in indexes and the full-text index serve and take writes.
    app.join_all(&event, &app.users("late", 2).await).await;
    let found = app.get("/api/events?title=meetup", Anon).await.expect(200);
    assert_eq!(found["count"], 1);
    assert_eq!(app.capacity(&event).await["members_count"], 5);
    app.assert_verified().await;
}

both_stores!(fifty_joins_during_a_rebuild_are_all_answered_and_none_waits_for_it);
async fn fifty_joins_during_a_rebuild_are_all_answered_and_none_waits_for_it(app: TestApp) {
    let creator = app.user("creator").await;
    // History enough that the replay is still going when the joins arrive.
    for n in 0..20 {
        let earlier = app
            .event_id(&creator, json!({"capacity": 100, "title": format!("earlier {n}")}))
            .await;
        app.join_all(&earlier, &app.users(&format!("guest{n}-"), 5).await).await;
    }
    let event = app.event_id(&creator, json!({"capacity": 100})).await;
    let users = app.users("joiner", 50).await;

    let joins = joins_meanwhile(&app, &event, users);
    let replayed = app.rebuild().await;
    let statuses = joins.join_all().await;

    assert_eq!(statuses, [201; 50], "every join is answered 201, none 503");
    assert!(
        replayed >= 121,
        "the 21 creations and 100 earlier joins at least, not {replayed}"
    );
    app.assert_verified().await;
    assert_eq!(app.capacity(&event).await["members_count"], 50);
    let log = app.all_pages(&format!("/api/logs/{event}"), &creator).await;
    assert_eq!(log.len(), 51, "the creation and 50 joins");
}

both_stores!(a_verify_during_fifty_joins_answers_them_all_and_finds_only_the_planted_damage);
async fn a_verify_during_fifty_joins_answers_them_all_and_finds_only_the_planted_damage(app: TestApp) {
    let creator = app.user("creator").await;
    let damaged = app.event_id(&creator, json!({"capacity": 10})).await;
    app.join_all(&damaged, &app.users("early", 5).await).await;
    app.execute_sql(&format!(
        "UPDATE event_view SET title = 'tampered' WHERE id = '{damaged}'"
    ))
    .await;
    let event = app.event_id(&creator, json!({"capacity": 100})).await;
    let users = app.users("joiner", 50).await;

    // The joins go on while verify replays, catches up and compares: the live tables it
    // compares must be those at the checkpoints it caught up to, or a join that lands
    // meanwhile would show as a difference.
    let joins = joins_meanwhile(&app, &event, users);
    let differences = app.differences().await;
    let statuses = joins.join_all().await;

    assert_eq!(statuses, [201; 50], "every join is answered 201, none 503");
    let found: Vec<(&str, &str)> = differences.iter().map(|d| (d.table, d.key.as_str())).collect();
    let key = format!("{:?}", damaged.to_string());
    assert_eq!(found, [("event_view", key.as_str())], "{differences:#?}");
    assert_eq!(app.capacity(&event).await["members_count"], 50);
}

/// SQLite stages a replay's rows in a file beside the database. A file left there by a replay
/// that did not finish (here, one that is not even a database) is replaced, and none is left
/// after a rebuild.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rebuild_on_sqlite_replaces_a_stale_staging_file_and_leaves_none() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let creator = app.user("creator").await;
    let event = app.event_id(&creator, json!({"capacity": 10})).await;
    app.join_all(&event, &app.users("early", 3).await).await;
    let database = app
        .database_url()
        .strip_prefix("sqlite:")
        .expect("a SQLite URL")
        .to_owned();
    let staging = format!("{database}-rebuild");
    std::fs::write(&staging, "not a database").expect("a stale staging file");

    app.rebuild().await;

    assert!(!std::path::Path::new(&staging).exists(), "{staging} is left");
    assert_eq!(app.capacity(&event).await["members_count"], 3);
    app.assert_verified().await;
}
