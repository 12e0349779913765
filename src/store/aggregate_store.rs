use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cqrs_es::persist::{EventUpcaster, PersistedEventRepository, SerializedEvent};
use cqrs_es::{Aggregate, AggregateContext, AggregateError, EventEnvelope, EventStore};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use super::Repository;

/// An aggregate that counts the events applied to it, so a half-applied command shows.
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
const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// cqrs-es's `EventStore`, keeping each aggregate in memory between commands.
///
/// cqrs-es 0.5.0's snapshots apply every event twice, so instead each aggregate lives in a
/// slot behind its own lock: a command takes the lock (commands to one aggregate queue up
/// here instead of conflicting), reads only the events written since (by another instance),
/// and commits. Command cost therefore does not grow with the aggregate's history.
pub struct AggregateStore<A: Aggregate> {
    repository: Repository,
    upcasters: Vec<Box<dyn EventUpcaster>>,
    slots: Mutex<HashMap<String, Arc<AsyncMutex<Slot<A>>>>>,
}

#[derive(Default)]
pub struct Slot<A> {
    aggregate: A,
    /// The sequence of the last event in `aggregate`.
    sequence: usize,
}

/// A loaded aggregate, locked until the command commits or fails.
pub struct Loaded<A: Aggregate + Versioned> {
    aggregate_id: String,
    slot: OwnedMutexGuard<Slot<A>>,
}

impl<A: Aggregate + Versioned> AggregateContext<A> for Loaded<A> {
    fn aggregate(&mut self) -> &mut A {
        &mut self.slot.aggregate
    }
}

impl<A: Aggregate + Versioned> Drop for Loaded<A> {
    /// `handle` applies events as it writes them; if they were never committed (the store
    /// refused them, or the command was abandoned), the slot starts over from the store.
    fn drop(&mut self) {
        if self.slot.aggregate.version() != self.slot.sequence as u64 {
            *self.slot = Slot::default();
        }
    }
}

impl<A: Aggregate + Versioned> AggregateStore<A> {
    pub fn new(repository: Repository, upcasters: Vec<Box<dyn EventUpcaster>>) -> Self {
        Self {
            repository,
            upcasters,
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, aggregate_id: &str) -> Arc<AsyncMutex<Slot<A>>> {
        let mut slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slots.len() >= CACHED_AGGREGATES {
            slots.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
        slots.entry(aggregate_id.to_owned()).or_default().clone()
    }

    fn deserialize(&self, event: SerializedEvent) -> Result<EventEnvelope<A>, AggregateError<A::Error>> {
        let event = self.upcasters.iter().fold(event, |event, upcaster| {
            if upcaster.can_upcast(&event.event_type, &event.event_version) {
                upcaster.upcast(event)
            } else {
                event
            }
        });
        Ok(EventEnvelope::try_from(event)?)
    }
}

impl<A: Aggregate + Versioned> EventStore<A> for AggregateStore<A> {
    type AC = Loaded<A>;

    async fn load_events(&self, aggregate_id: &str) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        let events = self.repository.get_events::<A>(aggregate_id).await?;
        events.into_iter().map(|event| self.deserialize(event)).collect()
    }

    async fn load_aggregate(&self, aggregate_id: &str) -> Result<Loaded<A>, AggregateError<A::Error>> {
        // Commands to one event queue here; when the store is down each would wait out its
        // own connection timeout in turn, so the queue itself is bounded.
        let mut slot = tokio::time::timeout(QUEUE_WAIT, self.slot(aggregate_id).lock_owned())
            .await
            .map_err(|_| {
                AggregateError::DatabaseConnectionError("the event's earlier commands took too long".into())
            })?;
        let newer = self
            .repository
            .get_last_events::<A>(aggregate_id, slot.sequence)
            .await?;
        for event in newer {
            let envelope = match self.deserialize(event) {
                Ok(envelope) => envelope,
                Err(error) => {
                    *slot = Slot::default();
                    return Err(error);
                }
            };
            slot.aggregate.apply(envelope.payload);
            slot.sequence = envelope.sequence;
        }
        Ok(Loaded {
            aggregate_id: aggregate_id.to_owned(),
            slot,
        })
    }

    async fn commit(
        &self,
        events: Vec<A::Event>,
        mut context: Loaded<A>,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        let first = context.slot.sequence + 1;
        let envelopes: Vec<EventEnvelope<A>> = events
            .into_iter()
            .enumerate()
            .map(|(offset, payload)| EventEnvelope {
                aggregate_id: context.aggregate_id.clone(),
                sequence: first + offset,
                payload,
                metadata: metadata.clone(),
            })
            .collect();
        if envelopes.is_empty() {
            return Ok(envelopes);
        }
        let serialized = envelopes
            .iter()
            .map(SerializedEvent::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        // On failure `context` drops with uncommitted events applied, which resets the slot.
        self.repository.persist::<A>(&serialized, None).await?;
        context.slot.sequence += envelopes.len();
        Ok(envelopes)
    }
}
