use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use cqrs_es::{Aggregate, AggregateError, EventEnvelope};
use projections::Position;
use tokio::sync::{oneshot, Mutex as AsyncMutex};

use super::aggregate_events::events_after;
use super::append::{append, AnswerRecord, AppendError};
use super::{is_outage, Backend};
use crate::sync::lock;

/// An aggregate that counts the events applied to it: its version after a command.
pub trait Versioned {
    fn version(&self) -> u64;
}

impl Versioned for aggregates::Event {
    fn version(&self) -> u64 {
        aggregates::Event::version(self)
    }
}

/// How many idle aggregates stay in memory.
const CACHED_AGGREGATES: usize = 10_000;
/// How long a command waits for the commands queued before it on the same event.
const QUEUE_WAIT: Duration = Duration::from_secs(10);
/// The most commands decided and committed together.
const GROUP: usize = 256;
/// Tries of a group against another instance's appends to the same aggregate.
const MAX_ATTEMPTS: u32 = 20;

/// Builds the record of a request's answer from its command's facts.
pub type AnswerFn<E> = Box<dyn Fn(&[E]) -> Option<AnswerRecord> + Send + Sync>;

/// A command, and what to do with its answer once its facts are known.
pub struct Submission<A: Aggregate> {
    pub command: A::Command,
    pub metadata: HashMap<String, String>,
    /// Builds the `Idempotency-Key` record from the command's facts, to be written in the
    /// same transaction as they are.
    pub answer: Option<AnswerFn<A::Event>>,
}

/// What a command committed.
#[derive(Debug)]
pub struct Committed<A: Aggregate> {
    pub facts: Vec<A::Event>,
    /// The aggregate's version after them.
    pub version: u64,
    /// The global position of the last fact; `None` when there were no facts.
    pub position: Option<Position>,
}

type Answer<A> = Result<Committed<A>, AggregateError<<A as Aggregate>::Error>>;

struct Pending<A: Aggregate> {
    ticket: u64,
    submission: Submission<A>,
    reply: oneshot::Sender<Answer<A>>,
}

/// One aggregate's queue of commands and its state in memory.
struct Cell<A: Aggregate> {
    queue: Mutex<Vec<Pending<A>>>,
    slot: AsyncMutex<Slot<A>>,
}

impl<A: Aggregate> Default for Cell<A> {
    fn default() -> Self {
        Self {
            queue: Mutex::new(Vec::new()),
            slot: AsyncMutex::new(Slot::default()),
        }
    }
}

#[derive(Default)]
struct Slot<A> {
    aggregate: A,
    /// The sequence of the last committed event in `aggregate`.
    sequence: usize,
    /// Whether `aggregate` was read from the store; until then nothing is known.
    loaded: bool,
}

/// The event store of one aggregate type, with group commit.
///
/// Each aggregate lives in memory in a slot behind its own lock. Commands to one aggregate
/// queue up; whoever holds the lock takes the whole queue, decides the commands one after
/// another against the aggregate (each `handle` sees the facts of those before it), and
/// appends all their facts in one transaction. So a hot event pays one commit for many
/// commands, and each command still gets its own answer.
///
/// A slot that has been read is trusted: another instance's appends to the same aggregate
/// take the sequence numbers we would take next, so our append conflicts, and the slot is
/// read again and the group decided anew. (cqrs-es 0.5.0's snapshots apply every event
/// twice, which is why the aggregates are kept this way and not snapshotted.)
pub struct AggregateStore<A: Aggregate> {
    backend: Backend,
    upcasters: Vec<Box<dyn EventUpcaster>>,
    cells: Mutex<HashMap<String, Arc<Cell<A>>>>,
    tickets: AtomicU64,
}

impl<A> AggregateStore<A>
where
    A: Aggregate + Versioned,
    A::Command: Clone,
{
    pub fn new(backend: Backend, upcasters: Vec<Box<dyn EventUpcaster>>) -> Self {
        Self {
            backend,
            upcasters,
            cells: Mutex::new(HashMap::new()),
            tickets: AtomicU64::new(0),
        }
    }

    fn cell(&self, aggregate_id: &str) -> Arc<Cell<A>> {
        let mut cells = lock(&self.cells);
        if cells.len() >= CACHED_AGGREGATES {
            cells.retain(|_, cell| Arc::strong_count(cell) > 1);
        }
        cells.entry(aggregate_id.to_owned()).or_default().clone()
    }

    /// Decides and commits `submission` on `aggregate_id`, together with whatever else is
    /// queued there.
    #[tracing::instrument(level = "debug", skip_all, fields(aggregate_id = %aggregate_id))]
    pub async fn submit(&self, aggregate_id: &str, submission: Submission<A>, services: &A::Services) -> Answer<A> {
        let cell = self.cell(aggregate_id);
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        let (reply, mut answer) = oneshot::channel();
        lock(&cell.queue).push(Pending {
            ticket,
            submission,
            reply,
        });
        let deadline = tokio::time::Instant::now() + QUEUE_WAIT;
        loop {
            let mut slot = tokio::select! {
                biased;
                answered = &mut answer => return answered.unwrap_or_else(|_| Err(dropped())),
                slot = tokio::time::timeout_at(deadline, cell.slot.lock()) => match slot {
                    Ok(slot) => slot,
                    Err(_) => return self.give_up(&cell, ticket, answer).await,
                },
            };
            let group: Vec<Pending<A>> = {
                let mut queue = lock(&cell.queue);
                let take = queue.len().min(GROUP);
                queue.drain(..take).collect()
            };
            self.run(&mut slot, aggregate_id, group, services).await;
        }
    }

    /// The queue did not move in time. A command still queued is taken back unanswered; one
    /// a group already holds will be answered by it.
    async fn give_up(&self, cell: &Cell<A>, ticket: u64, answer: oneshot::Receiver<Answer<A>>) -> Answer<A> {
        let taken_back = {
            let mut queue = lock(&cell.queue);
            let index = queue.iter().position(|pending| pending.ticket == ticket);
            index.map(|index| queue.remove(index))
        };
        match taken_back {
            Some(_) => Err(AggregateError::DatabaseConnectionError(
                "the event's earlier commands took too long".into(),
            )),
            None => answer.await.unwrap_or_else(|_| Err(dropped())),
        }
    }

    /// Decides and commits one group, answering each of its commands.
    async fn run(&self, slot: &mut Slot<A>, aggregate_id: &str, group: Vec<Pending<A>>, services: &A::Services) {
        for attempt in 1..=MAX_ATTEMPTS {
            match self.attempt(slot, aggregate_id, &group, services).await {
                Ok(answers) => {
                    for (pending, answer) in group.into_iter().zip(answers) {
                        let _ = pending.reply.send(answer);
                    }
                    return;
                }
                Err(Failure::Stale) => {}
                Err(Failure::Conflict) => {
                    metrics::counter!("commands_total", "aggregate" => A::TYPE, "outcome" => "conflict_retried")
                        .increment(group.len() as u64);
                    tracing::debug!(attempt, aggregate_id, "conflict; retrying");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(failure) => {
                    for pending in group {
                        let _ = pending.reply.send(Err(failure.answer()));
                    }
                    return;
                }
            }
        }
        for pending in group {
            let _ = pending.reply.send(Err(AggregateError::AggregateConflict));
        }
    }

    /// One try: read what is new, decide every command, append every fact. On failure the
    /// slot is left unloaded, so the next try reads the aggregate afresh from the store.
    async fn attempt(
        &self,
        slot: &mut Slot<A>,
        aggregate_id: &str,
        group: &[Pending<A>],
        services: &A::Services,
    ) -> Result<Vec<Answer<A>>, Failure> {
        if !slot.loaded {
            *slot = Slot::default();
            self.catch_up(slot, aggregate_id).await?;
        }
        // Until the group commits, the aggregate holds facts the store may never have: should
        // anything below fail or panic, the next group reads it afresh.
        slot.loaded = false;
        let mut decided: Vec<Decided<A>> = Vec::with_capacity(group.len());
        let mut serialized = Vec::new();
        let mut answers = Vec::new();
        for pending in group.iter() {
            let sink = EventSink::default();
            let command = pending.submission.command.clone();
            // A refused command leaves the aggregate as it was: every rule is checked before
            // the first fact is written.
            if let Err(error) = slot.aggregate.handle(command, services, &sink).await {
                decided.push(Decided::Rejected(error));
                continue;
            }
            let facts = sink.collect().await;
            let first = slot.sequence + serialized.len() + 1;
            for (offset, fact) in facts.iter().enumerate() {
                let envelope = EventEnvelope::<A> {
                    aggregate_id: aggregate_id.to_owned(),
                    sequence: first + offset,
                    payload: fact.clone(),
                    metadata: pending.submission.metadata.clone(),
                };
                match SerializedEvent::try_from(&envelope) {
                    Ok(event) => serialized.push(event),
                    Err(error) => return Err(AggregateError::<A::Error>::from(error).into()),
                }
            }
            if let Some(answer) = pending.submission.answer.as_ref().filter(|_| !facts.is_empty()) {
                answers.extend(answer(&facts));
            }
            decided.push(Decided::Facts {
                last: serialized.len(),
                facts,
                version: slot.aggregate.version(),
            });
        }
        let positions = if serialized.is_empty() {
            // Refusals alone commit nothing that would tell a stale aggregate: ask the store
            // whether another instance wrote since, and if so decide them again.
            match events_after(&self.backend, A::TYPE, aggregate_id, slot.sequence).await {
                Ok(newer) if newer.is_empty() => {}
                Ok(_) => return Err(Failure::Stale),
                Err(error) => return Err(read_failed::<A::Error>(error).into()),
            }
            Vec::new()
        } else {
            match append(&self.backend, A::TYPE, &serialized, &answers).await {
                Ok(positions) => positions,
                Err(AppendError::Conflict) => return Err(Failure::Conflict),
                Err(AppendError::Database(error)) => return Err(Failure::commit(error)),
            }
        };
        slot.sequence += serialized.len();
        slot.loaded = true;
        Ok(decided
            .into_iter()
            .map(|decided| match decided {
                Decided::Rejected(error) => Err(AggregateError::UserError(error)),
                Decided::Facts { last, facts, version } => Ok(Committed {
                    position: last
                        .checked_sub(1)
                        .and_then(|i| positions.get(i).copied())
                        .filter(|_| !facts.is_empty()),
                    facts,
                    version,
                }),
            })
            .collect())
    }

    /// Applies the events the store holds beyond the slot's; a slot it fails on stays
    /// unloaded, to be read afresh.
    async fn catch_up(&self, slot: &mut Slot<A>, aggregate_id: &str) -> Result<(), AggregateError<A::Error>> {
        slot.loaded = false;
        let newer = events_after(&self.backend, A::TYPE, aggregate_id, slot.sequence)
            .await
            .map_err(read_failed)?;
        for event in newer {
            let envelope = self.deserialize(event)?;
            slot.aggregate.apply(envelope.payload);
            slot.sequence = envelope.sequence;
        }
        slot.loaded = true;
        Ok(())
    }

    fn deserialize(&self, event: SerializedEvent) -> Result<EventEnvelope<A>, AggregateError<A::Error>> {
        let event = aggregates::upcast(&self.upcasters, event);
        Ok(EventEnvelope::try_from(event)?)
    }

    /// The aggregate as this store holds it, brought up to date with the store.
    #[tracing::instrument(level = "debug", skip_all, fields(aggregate_id = %aggregate_id))]
    pub async fn current(&self, aggregate_id: &str) -> Result<A, AggregateError<A::Error>>
    where
        A: Clone,
    {
        let cell = self.cell(aggregate_id);
        let mut slot = cell.slot.lock().await;
        if !slot.loaded {
            *slot = Slot::default();
        }
        self.catch_up(&mut slot, aggregate_id).await?;
        Ok(slot.aggregate.clone())
    }

    /// The aggregate replayed from its whole history, bypassing what is kept in memory.
    #[tracing::instrument(level = "debug", skip_all, fields(aggregate_id = %aggregate_id))]
    pub async fn replay(&self, aggregate_id: &str) -> Result<A, AggregateError<A::Error>> {
        let mut slot = Slot::default();
        self.catch_up(&mut slot, aggregate_id).await?;
        Ok(slot.aggregate)
    }
}

enum Decided<A: Aggregate> {
    Rejected(A::Error),
    Facts {
        /// How many of the group's events come up to and including this command's.
        last: usize,
        facts: Vec<A::Event>,
        version: u64,
    },
}

enum Failure {
    /// Another writer appended to the aggregate first.
    Conflict,
    /// The aggregate in memory was behind the store.
    Stale,
    /// Answered to every command of the group; `unavailable` (503: nothing was saved, try
    /// again) when the store was out of reach or refused the group's commit.
    Store { unavailable: bool, error: Arc<BoxError> },
}

use crate::box_error::BoxError;

impl<E: std::error::Error> From<AggregateError<E>> for Failure {
    fn from(error: AggregateError<E>) -> Self {
        let (unavailable, error): (bool, BoxError) = match error {
            AggregateError::UserError(e) => (false, e.to_string().into()),
            AggregateError::AggregateConflict => return Failure::Conflict,
            AggregateError::DatabaseConnectionError(e) => (true, e),
            AggregateError::DeserializationError(e) | AggregateError::UnexpectedError(e) => (false, e),
        };
        Failure::Store {
            unavailable,
            error: Arc::new(error),
        }
    }
}

impl Failure {
    /// The group's commit failed: whatever the cause, none of its facts were saved.
    fn commit(error: sqlx::Error) -> Self {
        tracing::error!(%error, "a group of commands could not commit");
        Failure::Store {
            unavailable: true,
            error: Arc::new(Box::new(error)),
        }
    }

    /// The failure as one command of the group is answered it.
    fn answer<E: std::error::Error>(&self) -> AggregateError<E> {
        match self {
            Failure::Conflict | Failure::Stale => AggregateError::AggregateConflict,
            Failure::Store {
                unavailable: true,
                error,
            } => AggregateError::DatabaseConnectionError(Box::new(SharedError(error.clone()))),
            Failure::Store {
                unavailable: false,
                error,
            } => AggregateError::UnexpectedError(Box::new(SharedError(error.clone()))),
        }
    }
}

/// Reading an aggregate's events failed: the store is out of reach, or a fault of ours.
fn read_failed<E: std::error::Error>(error: sqlx::Error) -> AggregateError<E> {
    if is_outage(&error) {
        AggregateError::DatabaseConnectionError(Box::new(error))
    } else {
        AggregateError::UnexpectedError(Box::new(error))
    }
}

/// A group's failure, shared by its commands; its causes stay reachable (`is_outage`).
#[derive(Debug)]
struct SharedError(Arc<BoxError>);

impl std::fmt::Display for SharedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SharedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref().as_ref())
    }
}

fn dropped<E: std::error::Error>() -> AggregateError<E> {
    AggregateError::UnexpectedError("the command's group ended without answering it".into())
}

/// Exponential backoff from 2 ms, capped at 100 ms, with full jitter.
fn backoff(attempt: u32) -> Duration {
    let ceiling = (2u64 << attempt.min(6)).min(100);
    let jitter = uuid::Uuid::new_v4().as_u128() as u64 % ceiling.max(1);
    Duration::from_millis(1 + jitter)
}

#[cfg(test)]
#[path = "group_commit_tests.rs"]
mod tests;
