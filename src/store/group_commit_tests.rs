//! Group commit against a real store: commands queued on one event are decided one after
//! another in one group, each answered for itself, and committed in one transaction.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aggregates::event::EventDetails;
use aggregates::values::{Capacity, Title};
use aggregates::{Actor, Event, EventCommand, EventError, EventFact, EventServices, SystemClock};
use chrono::Utc;
use cqrs_es::AggregateError;
use uuid::Uuid;

use super::{lock, AggregateStore, Committed, Submission};
use crate::store::Store;
use crate::testing::TestDatabase;

fn services() -> EventServices {
    crate::services::event_services(Arc::new(SystemClock))
}

fn submission(command: EventCommand) -> Submission<Event> {
    Submission {
        command,
        metadata: HashMap::from([("via".to_owned(), "api".to_owned())]),
        answer: None,
    }
}

fn join(actor: &Actor) -> Submission<Event> {
    submission(EventCommand::JoinEvent {
        ticket_type: None,
        actor: actor.clone(),
    })
}

async fn created(store: &AggregateStore<Event>, capacity: i64) -> String {
    let start = Utc::now() + chrono::Duration::days(7);
    let details = EventDetails::new(
        Title::parse("Group").unwrap(),
        start,
        Capacity::parse(capacity).unwrap(),
    );
    let id = Uuid::new_v4().to_string();
    let create = EventCommand::CreateEvent {
        details,
        actor: Actor::new(Uuid::new_v4(), "creator"),
    };
    store.submit(&id, submission(create), &services()).await.unwrap();
    id
}

/// Submits every command while the event's slot is held, so that they all wait in its
/// queue and are taken as one group when it is let go.
async fn as_one_group(
    store: &Arc<AggregateStore<Event>>,
    id: &str,
    submissions: Vec<Submission<Event>>,
) -> Vec<Result<Committed<Event>, AggregateError<EventError>>> {
    let cell = store.cell(id);
    let held = cell.slot.lock().await;
    let mut tasks = Vec::new();
    // One at a time, so that they queue in the order given.
    for (queued, submission) in submissions.into_iter().enumerate() {
        let (store, id) = (store.clone(), id.to_owned());
        tasks.push(tokio::spawn(
            async move { store.submit(&id, submission, &services()).await },
        ));
        while lock(&cell.queue).len() <= queued {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    drop(held);
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

async fn a_refused_command_refuses_only_itself(db: TestDatabase) {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let aggregates = Arc::new(store.aggregates::<Event>());
    let id = created(&aggregates, 2).await;
    let [ann, bob, cat] = ["ann", "bob", "cat"].map(|name| Actor::new(Uuid::new_v4(), name));

    // Ann twice, then Bob takes the last seat, then Cat finds the event full: each is
    // decided on the facts of the ones before it, none of them committed yet.
    let answers = as_one_group(&aggregates, &id, vec![join(&ann), join(&ann), join(&bob), join(&cat)]).await;

    let mut answers = answers.into_iter();
    let first = answers.next().unwrap().expect("Ann joins");
    assert!(matches!(first.facts[..], [EventFact::MemberJoined { .. }]));
    assert_eq!(first.version, 2);
    assert!(matches!(
        answers.next().unwrap(),
        Err(AggregateError::UserError(EventError::AlreadyJoined))
    ));
    let bob_joined = answers.next().unwrap().expect("Bob joins");
    assert_eq!(bob_joined.version, 3, "Ann's second join recorded nothing");
    assert!(matches!(
        answers.next().unwrap(),
        Err(AggregateError::UserError(EventError::Full))
    ));
    let (ann_at, bob_at) = (first.position.unwrap(), bob_joined.position.unwrap());
    assert!(ann_at < bob_at);
    assert_eq!(ann_at.tx, bob_at.tx, "one transaction");

    let stored = aggregates.replay(&id).await.unwrap();
    assert_eq!(stored.version(), 3, "created and two joins, nothing of the refused");
    assert_eq!(stored.members_count(), 2);
    assert_eq!(aggregates.current(&id).await.unwrap(), stored);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_command_refuses_only_itself_on_sqlite() {
    a_refused_command_refuses_only_itself(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn a_refused_command_refuses_only_itself_on_postgres() {
    a_refused_command_refuses_only_itself(TestDatabase::postgres().await).await;
}
