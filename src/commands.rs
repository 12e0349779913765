//! The command side: runs a command against its aggregate the way cqrs-es's
//! `CqrsFramework::execute` does (load, handle, commit), and adds what it lacks.
//!
//! - Commands to one event are decided one after another and committed in groups (see
//!   [`AggregateStore`]); conflicts with another instance are retried there.
//! - The committed facts are returned, and the caller's next read shows them: we wait for
//!   the projector to pass their position instead of dispatching to queries after commit
//!   (which swallows errors). Once committed, a command is answered as done, however slow
//!   the read models are.
//! - A command runs in its own task, so a client that hangs up cannot abandon it half-way.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aggregates::{Event, EventCommand, EventError, EventFact, EventServices};
use cqrs_es::{Aggregate, AggregateError};
use projections::ProjectorHandle;
use uuid::Uuid;

use crate::store::{is_outage, AggregateStore, AnswerFn, Committed, Submission};

/// How long a committed command waits for the read models before it is answered anyway.
const READ_YOUR_WRITES_LIMIT: Duration = Duration::from_secs(10);

/// Why a command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Rejected(#[from] EventError),
    #[error("the event is too busy right now; try again")]
    Contended,
    #[error("the store is unavailable")]
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
    #[error("store failure: {0}")]
    Store(Box<dyn std::error::Error + Send + Sync>),
}

/// A read that a workflow's next command depends on failed.
impl From<sqlx::Error> for CommandError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(Box::new(error))
    }
}

/// Builds the `Idempotency-Key` record of a command's answer from its facts.
pub type Answering = AnswerFn<EventFact>;

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
}

impl Commands {
    pub fn new(store: AggregateStore<Event>, services: EventServices, projector: ProjectorHandle) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                services,
                projector,
            }),
        }
    }

    /// The projector the commands wait for.
    pub fn projector(&self) -> &ProjectorHandle {
        &self.inner.projector
    }

    /// Runs `command` on event `event_id` and waits until the read models show its facts.
    #[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
    pub async fn execute(
        &self,
        event_id: Uuid,
        command: EventCommand,
        via: Via,
    ) -> Result<Vec<EventFact>, CommandError> {
        self.execute_answering(event_id, command, via, None).await
    }

    /// The same, recording the request's answer (built by `answer` from the facts) in the
    /// transaction that commits them: a retry of a committed command is always replayed.
    #[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
    pub async fn execute_answering(
        &self,
        event_id: Uuid,
        command: EventCommand,
        via: Via,
        answer: Option<Answering>,
    ) -> Result<Vec<EventFact>, CommandError> {
        let submission = Submission {
            command,
            metadata: HashMap::from([("via".to_owned(), via.as_str().to_owned())]),
            answer,
        };
        let inner = self.inner.clone();
        let task = tokio::spawn(async move { inner.execute(event_id, submission).await });
        task.await.map_err(|e| CommandError::Store(Box::new(e)))?
    }
}

impl Inner {
    async fn execute(&self, event_id: Uuid, submission: Submission<Event>) -> Result<Vec<EventFact>, CommandError> {
        let committed = self
            .store
            .submit(&event_id.to_string(), submission, &self.services)
            .await;
        let Committed { facts, position, .. } = match committed {
            Ok(committed) => committed,
            Err(error) => return Err(refusal(error)),
        };
        count("ok");
        metrics::counter!("events_appended_total", "aggregate" => Event::TYPE).increment(facts.len() as u64);
        if let Some(position) = position {
            if !self.projector.wait_for(position, READ_YOUR_WRITES_LIMIT).await {
                metrics::counter!("read_your_writes_timeouts_total").increment(1);
                tracing::warn!(%event_id, %position, "answered before the read models showed the change");
            }
        }
        Ok(facts)
    }
}

fn refusal(error: AggregateError<EventError>) -> CommandError {
    match error {
        AggregateError::UserError(error) => {
            count("rejected");
            CommandError::Rejected(error)
        }
        AggregateError::AggregateConflict => CommandError::Contended,
        AggregateError::DatabaseConnectionError(error) => CommandError::Unavailable(error),
        AggregateError::UnexpectedError(error) if is_outage(error.as_ref()) => CommandError::Unavailable(error),
        AggregateError::DeserializationError(error) | AggregateError::UnexpectedError(error) => {
            CommandError::Store(error)
        }
    }
}

/// Counts a command's outcome (`GET /metrics`); a retried conflict counts once per retry.
fn count(outcome: &'static str) {
    metrics::counter!("commands_total", "aggregate" => Event::TYPE, "outcome" => outcome).increment(1);
}

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
