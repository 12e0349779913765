//! On PostgreSQL an append that took an earlier position can commit after a later one is
//! visible. The projector must still apply it.

use aggregates::event::EventDetails;
use aggregates::values::{Capacity, Description, EventStatus, Title};
use aggregates::{Actor, EventFact};
use chrono::{Duration, Utc};
use projections::Projector;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::store::Store;
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

#[tokio::test]
async fn an_event_that_commits_late_is_still_projected() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let projector = Projector::new(store.event_log(), store.read.clone());

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
