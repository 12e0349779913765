//! On PostgreSQL an append that took an earlier position can commit after a later one is
//! visible. The projector must still apply it.

use aggregates::event::EventDetails;
use aggregates::values::{Capacity, Description, EventStatus, Title};
use aggregates::{Actor, EventFact};
use chrono::{Duration, Utc};
use projections::Projector;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::store::{EventLog, Store};
use crate::testing::TestDatabase;

fn created(title: &str) -> serde_json::Value {
    let details = EventDetails {
        title: Title::parse(title).unwrap(),
        description: Description::default(),
        location: None,
        start_time: Utc::now() + Duration::days(30),
        end_time: None,
        capacity: Capacity::parse(10).unwrap(),
        status: EventStatus::Open,
        waitlist_enabled: false,
        category: None,
        ticket_types: Vec::new(),
        series_id: None,
    };
    let actor = Actor::new(Uuid::new_v4(), "ali");
    serde_json::to_value(EventFact::EventCreated {
        details,
        actor,
        at: Utc::now(),
    })
    .unwrap()
}

async fn append(conn: &mut PgConnection, id: Uuid, title: &str) {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('Event', $1, 1, 'EventCreated', '1', $2, '{}')",
    )
    .bind(id.to_string())
    .bind(created(title))
    .execute(conn)
    .await
    .unwrap();
}

async fn titles(store: &Store) -> Vec<String> {
    sqlx::query_scalar("SELECT title FROM event_view ORDER BY title")
        .fetch_all(&store.read)
        .await
        .unwrap()
}

async fn migrated(db: &TestDatabase) -> (Store, Projector<EventLog>) {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let projector = Projector::new(store.event_log(), store.read.clone());
    (store, projector)
}

#[tokio::test]
async fn an_event_that_commits_late_is_still_projected() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    let (store, projector) = migrated(&db).await;

    let mut held = PgConnection::connect(&db.url).await.unwrap();
    let mut tx = held.begin().await.unwrap();
    append(&mut tx, Uuid::new_v4(), "held").await;
    let mut other = PgConnection::connect(&db.url).await.unwrap();
    append(&mut other, Uuid::new_v4(), "later").await;

    projector.catch_up().await.unwrap();
    assert!(
        titles(&store).await.is_empty(),
        "nothing past the open transaction may be applied, or it would be skipped"
    );

    tx.commit().await.unwrap();
    projector.catch_up().await.unwrap();
    assert_eq!(titles(&store).await, ["held", "later"]);
}

#[tokio::test]
async fn a_long_transaction_that_appends_nothing_does_not_hold_the_projector_back() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    let (store, projector) = migrated(&db).await;

    // xids are cluster-wide: a transaction with one, in any database, is older than the append.
    let mut idle = PgConnection::connect(&db.url).await.unwrap();
    let mut tx = idle.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *tx)
        .await
        .unwrap();
    let mut other = PgConnection::connect(&db.url).await.unwrap();
    append(&mut other, Uuid::new_v4(), "meanwhile").await;

    projector.catch_up().await.unwrap();
    assert_eq!(titles(&store).await, ["meanwhile"]);
    tx.rollback().await.unwrap();
}
