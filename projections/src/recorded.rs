use std::future::Future;

use aggregates::EventFact;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A place in the global order of the event store, after which a projection resumes.
///
/// On PostgreSQL `tx` is the appending transaction's id (commit-safe order, see
/// `src/store/event_log.rs`); on SQLite it is 0 and `pos` alone orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub tx: i64,
    pub pos: i64,
}

/// A domain event as the store recorded it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub position: Position,
    pub event_id: Uuid,
    pub sequence: i64,
    pub fact: EventFact,
    /// How the command arrived (`api`, `account_deletion`, …), from the event's metadata.
    pub via: String,
    pub recorded_at: DateTime<Utc>,
}

/// Reads the event store in global order; implemented per backend in the service.
pub trait EventSource: Send + Sync + 'static {
    /// Up to `limit` events after `after`, oldest first, never skipping one that commits late.
    fn read_after(
        &self,
        after: Position,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Recorded>, Box<dyn std::error::Error + Send + Sync>>> + Send;
}
