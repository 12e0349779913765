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
//! - A user's command that commits while their account is being deleted is undone and
//!   refused: the deletion may already have swept past it (see `app::accounts`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aggregates::{Actor, Event, EventCommand, EventError, EventFact, EventServices};
use cqrs_es::{Aggregate, AggregateError};
use futures_util::future::BoxFuture;
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
    /// The actor's account is being deleted; what the command did was undone.
    #[error("this account is being deleted")]
    AccountClosing,
}

/// A read that a workflow's next command depends on failed.
impl From<sqlx::Error> for CommandError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(Box::new(error))
    }
}

/// Builds the `Idempotency-Key` record of a command's answer from its facts.
pub type Answering = AnswerFn<EventFact>;

/// Whether a user's account is being deleted, or is gone (`accounts::Users::is_closing`).
pub type Closing = Arc<dyn Fn(Uuid) -> BoxFuture<'static, Result<bool, sqlx::Error>> + Send + Sync>;

/// For commands outside the service (tests): no account is ever being deleted.
#[cfg(test)]
pub fn never_closing() -> Closing {
    Arc::new(|_| Box::pin(async { Ok(false) }))
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
    closing: Closing,
}

impl Commands {
    pub fn new(
        store: AggregateStore<Event>,
        services: EventServices,
        projector: ProjectorHandle,
        closing: Closing,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                services,
                projector,
                closing,
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
        let user = match via {
            Via::Api => command.actor().cloned(),
            Via::AccountDeletion | Via::Prune | Via::Series | Via::Reminder => None,
        };
        let inner = self.inner.clone();
        let task = tokio::spawn(async move {
            let asker = user.as_ref().map(|user| user.id);
            let (facts, closing) = inner.execute(event_id, submission(command, via, answer), asker).await?;
            match user {
                Some(user) if closing => inner.undo(event_id, user, &facts).await,
                Some(_) | None => Ok(facts),
            }
        });
        task.await.map_err(|e| CommandError::Store(Box::new(e)))?
    }
}

fn submission(command: EventCommand, via: Via, answer: Option<Answering>) -> Submission<Event> {
    Submission {
        command,
        metadata: HashMap::from([("via".to_owned(), via.as_str().to_owned())]),
        answer,
    }
}

impl Inner {
    /// Commits `submission` and waits for the read models to show it; answers its facts and
    /// whether the account of `asker` turned out to be closing. Asked after the commit (while
    /// the read models catch up), this misses no command: one that committed before the
    /// account was marked is found by the deletion's sweep.
    async fn execute(
        &self,
        event_id: Uuid,
        submission: Submission<Event>,
        asker: Option<Uuid>,
    ) -> Result<(Vec<EventFact>, bool), CommandError> {
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
        let settled = async {
            if let Some(position) = position {
                if !self.projector.wait_for(position, READ_YOUR_WRITES_LIMIT).await {
                    metrics::counter!("read_your_writes_timeouts_total").increment(1);
                    tracing::warn!(%event_id, %position, "answered before the read models showed the change");
                }
            }
        };
        let closing = async {
            match asker {
                Some(user) if !facts.is_empty() => (self.closing)(user).await.unwrap_or_else(|error| {
                    // Committed is done: answered as such, though a deletion racing it may
                    // have swept past it.
                    tracing::warn!(%error, %user, "could not tell whether the account is being deleted");
                    false
                }),
                Some(_) | None => false,
            }
        };
        let ((), closing) = tokio::join!(settled, closing);
        Ok((facts, closing))
    }

    /// Undoes what `user`, whose account is being deleted, just did: the event they created
    /// goes, or they leave the event and their invitations and feedback go.
    async fn undo(&self, event_id: Uuid, user: Actor, facts: &[EventFact]) -> Result<Vec<EventFact>, CommandError> {
        let created = facts.iter().any(|fact| matches!(fact, EventFact::EventCreated { .. }));
        let undo = if created {
            EventCommand::DeleteEvent {
                expected_version: None,
                actor: user,
            }
        } else {
            EventCommand::ForgetParticipant { actor: user }
        };
        match self
            .execute(event_id, submission(undo, Via::AccountDeletion, None), None)
            .await
        {
            Ok(_) | Err(CommandError::Rejected(_)) => Err(CommandError::AccountClosing),
            Err(error) => Err(error),
        }
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
