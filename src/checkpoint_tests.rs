//! Every projection has its checkpoint row once the store is migrated, and a projector that
//! finds one missing says so (an error the projector's loop logs) instead of rolling its
//! batch back and reading it again forever.

use std::sync::Arc;

use aggregates::{Actor, EventCommand, SystemClock};
use projections::{Projector, ProjectorError, ProjectorHandle, PROJECTIONS};
use uuid::Uuid;

use crate::commands::{Commands, Via};
use crate::store::Store;
use crate::testing::TestDatabase;

/// Runs the async fn of the same name on a fresh SQLite file and on a fresh PostgreSQL
/// database, as the tests `<name>::sqlite` and `<name>::postgres`.
macro_rules! both_stores {
    ($name:ident) => {
        mod $name {
            use crate::testing::TestDatabase;

            #[tokio::test]
            async fn sqlite() {
                super::$name(TestDatabase::sqlite()).await;
            }

            #[tokio::test]
            #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
            async fn postgres() {
                super::$name(TestDatabase::postgres().await).await;
            }
        }
    };
}

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

both_stores!(every_projection_has_a_checkpoint_after_migrate);

/// Commands on `store` that wait for `projector`.
fn commands_on(store: &Store, projector: ProjectorHandle) -> Commands {
    let services = crate::services::event_services(Arc::new(SystemClock));
    Commands::new(
        store.aggregates(),
        services,
        projector,
        crate::commands::never_closing(),
    )
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

    let commands = commands_on(&store, projector.handle());
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

/// After a replay of every projection but the email outbox (a `rebuild` of a store whose
/// outbox lags), the others' checkpoints stand more than a batch ahead of the outbox's.
/// A projector catches the outbox up and must leave the others where they are: moved back
/// to the end of its first batch, they would fold again what they hold (a second member
/// row for the same join) and the projector would fail at every try.
async fn a_projection_behind_the_others_moves_none_of_them_back(db: TestDatabase) {
    let store = migrated(&db).await;
    let projector = Projector::new(store.event_log(), store.read.clone());
    let commands = commands_on(&store, projector.handle());
    let running = tokio::spawn(projector.run());
    let event = Uuid::new_v4();
    let creator = Actor::new(Uuid::new_v4(), "ali");
    let create = EventCommand::CreateEvent {
        details: crate::testing::event_details(1_000),
        actor: creator,
    };
    commands.execute(event, create, Via::Api).await.unwrap();
    // More joins than a projector's batch.
    let joins = 520;
    for n in 0..joins {
        let actor = Actor::new(Uuid::new_v4(), format!("member{n}"));
        let join = EventCommand::JoinEvent {
            ticket_type: None,
            actor,
        };
        commands.execute(event, join, Via::Api).await.unwrap();
    }
    running.abort();
    let _ = running.await;
    // The outbox as if it had never seen these events.
    for sql in [
        "DELETE FROM email_outbox",
        "DELETE FROM email_audience",
        "UPDATE projection_checkpoints SET tx = 0, pos = 0 WHERE name = 'email'",
    ] {
        sqlx::query(sql).execute(&store.read).await.unwrap();
    }

    let projector = Projector::new(store.event_log(), store.read.clone());
    let applied = projector.catch_up().await.expect("the outbox catches up");

    assert_eq!(applied, joins + 1, "the outbox's events, once");
    let positions: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT name, tx, pos FROM projection_checkpoints ORDER BY name")
            .fetch_all(&store.read)
            .await
            .unwrap();
    let head = positions.iter().map(|(_, tx, pos)| (*tx, *pos)).max().unwrap();
    let behind: Vec<_> = positions.iter().filter(|(_, tx, pos)| (*tx, *pos) != head).collect();
    assert!(behind.is_empty(), "behind the head {head:?}: {behind:?}");
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member_view WHERE event_id = $1")
        .bind(event.to_string())
        .fetch_one(&store.read)
        .await
        .unwrap();
    assert_eq!(members, joins as i64);
}

both_stores!(a_projection_behind_the_others_moves_none_of_them_back);
