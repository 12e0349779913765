//! The command path against a real store: conflicts between two instances are retried,
//! and the aggregates kept in memory equal a replay of the full history.

use std::sync::Arc;

use aggregates::{Actor, Event, EventCommand, SystemClock};
use projections::Projector;
use uuid::Uuid;

use super::{Commands, Via};
use crate::store::Store;
use crate::testing::{event_details, TestDatabase};

async fn replayed(store: &Store, id: Uuid) -> Event {
    store.aggregates::<Event>().replay(&id.to_string()).await.unwrap()
}

async fn two_instances_agree_with_a_full_replay(db: TestDatabase) {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let projector = Projector::new(store.event_log(), store.read.clone());
    let handle = projector.handle();
    tokio::spawn(projector.run());
    let instance = || {
        let services = crate::services::event_services(Arc::new(SystemClock));
        Commands::new(
            store.aggregates(),
            services,
            handle.clone(),
            crate::commands::never_closing(),
        )
    };
    let instances = [instance(), instance()];
    let creator = Actor::new(Uuid::new_v4(), "creator");
    let id = Uuid::new_v4();
    instances[0]
        .execute(
            id,
            EventCommand::CreateEvent {
                details: event_details(20),
                actor: creator,
            },
            Via::Api,
        )
        .await
        .unwrap();

    let users: Vec<Actor> = (0..60)
        .map(|n| Actor::new(Uuid::new_v4(), format!("user{n}")))
        .collect();
    let joins = users.iter().enumerate().map(|(n, user)| {
        let commands = instances[n % 2].clone();
        let actor = user.clone();
        async move {
            commands
                .execute(
                    id,
                    EventCommand::JoinEvent {
                        ticket_type: None,
                        actor,
                    },
                    Via::Api,
                )
                .await
        }
    });
    for result in futures_join_all(joins).await {
        result.expect("every join gets its real answer");
    }
    let leaves = users.iter().step_by(3).enumerate().map(|(n, user)| {
        let commands = instances[(n + 1) % 2].clone();
        let actor = user.clone();
        async move { commands.execute(id, EventCommand::LeaveEvent { actor }, Via::Api).await }
    });
    for result in futures_join_all(leaves).await {
        result.expect("every leave gets its real answer");
    }

    let truth = replayed(&store, id).await;
    assert_eq!(truth.members_count(), 20, "40 stayed for 20 seats");
    assert_eq!(truth.waitlist().len(), 20);
    let leavers: Vec<Uuid> = users.iter().step_by(3).map(|user| user.id).collect();
    assert!(truth.waitlist().iter().all(|id| !leavers.contains(id)));
    assert!(
        truth.version() >= 1 + 60 + 20,
        "created, 60 joins, 20 leaves and the promotions"
    );
    for commands in &instances {
        let cached = commands.inner.store.current(&id.to_string()).await.unwrap();
        assert_eq!(cached, truth);
        assert_eq!(cached.waitlist(), truth.waitlist(), "waitlist order");
    }
}

/// Runs futures concurrently on the runtime and collects their results in order.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let tasks: Vec<_> = futures.map(tokio::spawn).collect();
    let mut results = Vec::with_capacity(tasks.len());
    for task in tasks {
        results.push(task.await.expect("task ran"));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_agree_with_a_full_replay_on_sqlite() {
    two_instances_agree_with_a_full_replay(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn two_instances_agree_with_a_full_replay_on_postgres() {
    two_instances_agree_with_a_full_replay(TestDatabase::postgres().await).await;
}
