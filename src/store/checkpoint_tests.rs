//! Every projection has its checkpoint row once the store is migrated, and a projector that
//! finds one missing says so (an error the projector's loop logs) instead of rolling its
//! batch back and reading it again forever.

use std::sync::Arc;

use aggregates::{Actor, EventCommand, SystemClock};
use projections::{Projector, ProjectorError, PROJECTIONS};
use uuid::Uuid;

use crate::commands::{Commands, Via};
use crate::store::Store;
use crate::testing::TestDatabase;

async fn migrated(db: &TestDatabase) -> Store {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

async fn checkpoint_names(store: &Store) -> Vec<String> {
    let mut names: Vec<String> = sqlx::query_scalar("SELECT name FROM projection_checkpoints")
        .fetch_all(&store.read)
        .await
        .unwrap();
    names.sort();
    names
}

async fn every_projection_has_a_checkpoint_after_migrate(db: TestDatabase) {
    let store = migrated(&db).await;
    let mut expected: Vec<String> = PROJECTIONS.iter().map(|p| p.name.to_owned()).collect();
    expected.sort();
    assert_eq!(checkpoint_names(&store).await, expected);
}

#[tokio::test]
async fn sqlite_every_projection_has_a_checkpoint_after_migrate() {
    every_projection_has_a_checkpoint_after_migrate(TestDatabase::sqlite()).await;
}

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn postgres_every_projection_has_a_checkpoint_after_migrate() {
    every_projection_has_a_checkpoint_after_migrate(TestDatabase::postgres().await).await;
}

async fn forget_checkpoint(store: &Store, name: &str) {
    sqlx::query("DELETE FROM projection_checkpoints WHERE name = $1")
        .bind(name)
        .execute(&store.read)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_projector_without_a_checkpoint_says_which_at_once() {
    let db = TestDatabase::sqlite();
    let store = migrated(&db).await;
    forget_checkpoint(&store, "feedback").await;
    let projector = Projector::new(store.event_log(), store.read.clone());
    let error = projector.catch_up().await.expect_err("no checkpoint to move");
    assert!(
        matches!(
            error.downcast_ref(),
            Some(ProjectorError::MissingCheckpoint("feedback"))
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_checkpoint_lost_while_projecting_stops_the_projector_with_an_error() {
    let db = TestDatabase::sqlite();
    let store = migrated(&db).await;
    let projector = Projector::new(store.event_log(), store.read.clone());
    assert_eq!(
        projector.catch_up().await.unwrap(),
        0,
        "an empty store, checkpoints known"
    );
    forget_checkpoint(&store, "tickets").await;

    let services = crate::startup::event_services(Arc::new(SystemClock));
    let commands = Commands::new(store.aggregates(), services, projector.handle());
    let creator = Actor::new(Uuid::new_v4(), "ali");
    let details = crate::testing::event_details(20);
    let command = EventCommand::CreateEvent {
        details,
        actor: creator,
    };
    // The command waits for its read models, which will not come: it runs on its own.
    let create = tokio::spawn(async move { commands.execute(Uuid::new_v4(), command, Via::Api).await });
    // Before the check, catch_up rolled back and read the same batch again without end.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let error = loop {
        match tokio::time::timeout_at(deadline, projector.catch_up()).await {
            Ok(Ok(_)) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            Ok(Err(error)) => break error,
            Err(_) => panic!("no error within 10 s"),
        }
    };
    assert!(
        matches!(error.downcast_ref(), Some(ProjectorError::MissingCheckpoint("tickets"))),
        "{error}"
    );
    create.abort();
}
