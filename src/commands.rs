//! The command side: runs a command against its aggregate the way cqrs-es's
//! `CqrsFramework::execute` does (load, handle, commit), and adds what it lacks.
//!
//! - Conflicts (another instance committed first) are retried here, with jitter and a bound.
//! - The committed facts are returned, and the caller's next read shows them: we wait for
//!   the projector instead of dispatching to queries after commit (which swallows errors).
//! - A command runs in its own task, so a client that hangs up cannot abandon it half-way.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aggregates::{Event, EventCommand, EventError, EventFact, EventServices};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, AggregateContext, AggregateError, EventStore};
use projections::{ProjectorHandle, WaitError};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::store::{is_outage, AggregateStore};

const MAX_ATTEMPTS: u32 = 20;
const READ_YOUR_WRITES_LIMIT: Duration = Duration::from_secs(10);

/// Why a command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Rejected(#[from] EventError),
    #[error("the event is too busy right now; try again")]
    Contended,
    #[error("the read models are lagging behind")]
    Lagging,
    #[error("the store is unavailable")]
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
    #[error("store failure: {0}")]
    Store(Box<dyn std::error::Error + Send + Sync>),
}

/// How a command arrived, recorded as `via` in every event's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Api,
    AccountDeletion,
    Prune,
    /// A change to a series, applied to each of its occurrences.
    Series,
    Reminder,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::AccountDeletion => "account_deletion",
            Self::Prune => "prune",
            Self::Series => "series",
            Self::Reminder => "reminder",
        }
    }
}

#[derive(Clone)]
pub struct Commands {
    inner: Arc<Inner>,
}

struct Inner {
    store: AggregateStore<Event>,
    services: EventServices,
    projector: ProjectorHandle,
    read: AnyPool,
}

impl Commands {
    pub fn new(
        store: AggregateStore<Event>,
        services: EventServices,
        projector: ProjectorHandle,
        read: AnyPool,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                services,
                projector,
                read,
            }),
        }
    }

    /// Runs `command` on event `event_id` and waits until the read models show its facts.
    pub async fn execute(
        &self,
        event_id: Uuid,
        command: EventCommand,
        via: Via,
    ) -> Result<Vec<EventFact>, CommandError> {
        let inner = self.inner.clone();
        let task = tokio::spawn(async move { inner.execute(event_id, command, via).await });
        task.await.map_err(|e| CommandError::Store(Box::new(e)))?
    }
}

impl Inner {
    async fn execute(&self, event_id: Uuid, command: EventCommand, via: Via) -> Result<Vec<EventFact>, CommandError> {
        let id = event_id.to_string();
        let metadata = HashMap::from([("via".to_owned(), via.as_str().to_owned())]);
        for attempt in 1..=MAX_ATTEMPTS {
            match self.attempt(&id, command.clone(), metadata.clone()).await {
                Ok((facts, version)) => {
                    if !facts.is_empty() {
                        self.projector
                            .wait_for(&self.read, event_id, version, READ_YOUR_WRITES_LIMIT)
                            .await
                            .map_err(|error| match error {
                                WaitError::TimedOut => CommandError::Lagging,
                                WaitError::Database(e) if is_outage(&e) => CommandError::Unavailable(Box::new(e)),
                                WaitError::Database(e) => CommandError::Store(Box::new(e)),
                            })?;
                    }
                    count("ok");
                    metrics::counter!("events_appended_total", "aggregate" => Event::TYPE)
                        .increment(facts.len() as u64);
                    return Ok(facts);
                }
                Err(AggregateError::AggregateConflict) => {
                    count("conflict_retried");
                    tracing::debug!(attempt, %event_id, "conflict; retrying");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(AggregateError::UserError(error)) => {
                    count("rejected");
                    return Err(CommandError::Rejected(error));
                }
                Err(AggregateError::DatabaseConnectionError(error)) => return Err(CommandError::Unavailable(error)),
                Err(AggregateError::UnexpectedError(error)) if is_outage(error.as_ref()) => {
                    return Err(CommandError::Unavailable(error))
                }
                Err(other) => return Err(CommandError::Store(Box::new(other))),
            }
        }
        Err(CommandError::Contended)
    }

    /// Load, handle, commit: one try. Answers the facts and the version they lead to.
    async fn attempt(
        &self,
        id: &str,
        command: EventCommand,
        metadata: HashMap<String, String>,
    ) -> Result<(Vec<EventFact>, u64), AggregateError<EventError>> {
        let mut context = self.store.load_aggregate(id).await?;
        let sink = EventSink::default();
        context
            .aggregate()
            .handle(command, &self.services, &sink)
            .await
            .map_err(AggregateError::UserError)?;
        let facts = sink.collect().await;
        let version = context.aggregate().version();
        let committed = self.store.commit(facts, context, metadata).await?;
        Ok((
            committed.into_iter().map(|envelope| envelope.payload).collect(),
            version,
        ))
    }
}

/// Counts a command's outcome (`GET /metrics`); a retried conflict counts once per retry.
fn count(outcome: &'static str) {
    metrics::counter!("commands_total", "aggregate" => Event::TYPE, "outcome" => outcome).increment(1);
}

/// Exponential backoff from 2 ms, capped at 100 ms, with full jitter.
fn backoff(attempt: u32) -> Duration {
    let ceiling = (2u64 << attempt.min(6)).min(100);
    let jitter = Uuid::new_v4().as_u128() as u64 % ceiling.max(1);
    Duration::from_millis(1 + jitter)
}

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
