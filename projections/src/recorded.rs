use std::future::Future;

use aggregates::EventFact;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A place in the global order of the event store, after which a projection resumes.
///
/// On PostgreSQL `tx` is the appending transaction's id (commit-safe order, see
/// `src/store/event_log.rs`); on SQLite it is 0 and `pos` alone orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct Position {
    pub tx: i64,
    pub pos: i64,
}

/// Written `tx-pos` (`0-17` on SQLite, `1234-17` on PostgreSQL): what the change feed shows
/// as an item's `position` and SSE `id`, and takes back as `after` or `Last-Event-ID`.
impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.tx, self.pos)
    }
}

impl std::str::FromStr for Position {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const SHAPE: &str = "must be a position `tx-pos` of two non-negative integers (e.g. `0-17`)";
        let (tx, pos) = text.split_once('-').ok_or(SHAPE)?;
        let number = |part: &str| {
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse::<i64>().ok())
                .flatten()
                .ok_or(SHAPE)
        };
        Ok(Self {
            tx: number(tx)?,
            pos: number(pos)?,
        })
    }
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

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Reads the event store in global order, or history by history; implemented per backend
/// in the service.
pub trait EventSource: Send + Sync + 'static {
    /// Up to `limit` events after `after`, oldest first, never skipping one that commits late.
    fn read_after(&self, after: Position, limit: i64) -> impl Future<Output = Result<Vec<Recorded>, Error>> + Send;

    /// The first position that is not yet safe to read: every event before it has committed,
    /// and every event that commits later comes after it.
    fn horizon(&self) -> impl Future<Output = Result<Position, Error>> + Send;

    /// Whole histories, each in sequence order, but only their events before `before`.
    fn read_streams(
        &self,
        streams: Streams,
        before: Position,
    ) -> impl Future<Output = Result<Vec<Recorded>, Error>> + Send;
}

/// Which histories [`EventSource::read_streams`] reads.
#[derive(Debug, Clone)]
pub enum Streams {
    /// The next `count` events in the order of their ids, after `after` (from the first for
    /// `None`).
    After { after: Option<Uuid>, count: i64 },
    /// These events'.
    These(Vec<Uuid>),
}

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn a_position_reads_back_what_it_writes() {
        let position = Position { tx: 1234, pos: 17 };
        assert_eq!(position.to_string().parse(), Ok(position));
    }

    #[test]
    fn a_position_refuses_anything_but_two_non_negative_integers() {
        for bad in [
            "",
            "17",
            "-1-2",
            "1-",
            "-2",
            "a-1",
            "1-2-3",
            "+1-2",
            "99999999999999999999-1",
        ] {
            assert!(bad.parse::<Position>().is_err(), "{bad:?} parsed");
        }
    }
}
