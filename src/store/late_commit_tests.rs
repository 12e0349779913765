//! On PostgreSQL an append that took an earlier position can commit after a later one is
//! visible. The projector must still apply it.

use aggregates::Actor;
use projections::Projector;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::store::{EventLog, Store};
use crate::testing::{append_created, TestDatabase};

fn ali() -> Actor {
    Actor::new(Uuid::new_v4(), "ali")
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
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn an_event_that_commits_late_is_still_projected() {
    let db = TestDatabase::postgres().await;
    let (store, projector) = migrated(&db).await;

    let mut held = PgConnection::connect(&db.url).await.unwrap();
    let mut tx = held.begin().await.unwrap();
    append_created(&mut tx, &ali(), "held").await;
    let mut other = PgConnection::connect(&db.url).await.unwrap();
    append_created(&mut other, &ali(), "later").await;

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
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn a_long_transaction_that_appends_nothing_does_not_hold_the_projector_back() {
    let db = TestDatabase::postgres().await;
    let (store, projector) = migrated(&db).await;

    // xids are cluster-wide: a transaction with one, in any database, is older than the append.
    let mut idle = PgConnection::connect(&db.url).await.unwrap();
    let mut tx = idle.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *tx)
        .await
        .unwrap();
    let mut other = PgConnection::connect(&db.url).await.unwrap();
    append_created(&mut other, &ali(), "meanwhile").await;

    projector.catch_up().await.unwrap();
    assert_eq!(titles(&store).await, ["meanwhile"]);
    tx.rollback().await.unwrap();
}
