use std::collections::HashMap;

use aggregates::EventFact;
use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use projections::{EventSource, Page, PageRequest, Position, Recorded, Streams};
use serde_json::Value;
use sqlx::Row;
use uuid::Uuid;

use super::Backend;

use crate::box_error::BoxError;

/// Reads the event store itself: in global order for the projector, per event for history.
pub struct EventLog(pub(super) Backend);

/// One stored domain event, as the history endpoint shows it.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
    pub recorded_at: DateTime<Utc>,
}

/// How far the projector may read on PostgreSQL: below the oldest transaction that may still
/// append to `events` in this database, so nothing can later commit before the checkpoint.
///
/// `pg_snapshot_xmin` would do it too, but xids are cluster-wide: any long transaction — in
/// another database, or our own `rebuild` — would stall every projection. Writers of `events`
/// hold its RowExclusiveLock until they finish; one that has no xid yet will get one at or
/// above this statement's `xmax`. Appends write nothing before `events`, so their xid is
/// assigned under that lock. Lock holders carry 32-bit xids; each is widened against `xmax`.
/// The rows must be read by a later statement, whose snapshot sees whatever finished by now.
const PG_HORIZON: &str = "
    WITH now AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
         writers AS (
             SELECT activity.backend_xid::text::bigint AS xid
               FROM pg_locks AS lock
               JOIN pg_stat_activity AS activity ON activity.pid = lock.pid
              WHERE lock.locktype = 'relation'
                AND lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND lock.relation = 'events'::regclass
                AND lock.mode = 'RowExclusiveLock'
                AND lock.pid <> pg_backend_pid())
    SELECT COALESCE(MIN(CASE
               WHEN writers.xid IS NULL THEN now.xmax
               WHEN (now.xmax - writers.xid) % 4294967296 BETWEEN 1 AND 2147483647
                   THEN now.xmax - (now.xmax - writers.xid) % 4294967296
               ELSE now.xmax
           END), now.xmax) AS horizon
      FROM now LEFT JOIN writers ON true
  GROUP BY now.xmax";

/// `aggregate_type || ''` keeps the planner off the primary key's index, through which
/// every read walked every stored event (the 10,000th join cost 2.4× the 10th); the order is
/// the table's `(tx, position)`, which `events_global_order` holds, not the output's `tx`.
const PG_READ_AFTER: &str = "
    SELECT tx::text::bigint AS tx, position, aggregate_id, sequence, event_type, event_version,
           payload, metadata, recorded_at
      FROM events
     WHERE aggregate_type || '' = 'Event'
       AND (tx, position) > ($1::bigint::text::xid8, $2)
       AND tx < $4::bigint::text::xid8
     ORDER BY events.tx, events.position
     LIMIT $3";

/// `+aggregate_type` keeps SQLite off the primary key's index: through it, every read
/// scanned and sorted the whole store (the 10,000th join cost 3× the 10th), instead of
/// seeking by rowid.
const SQLITE_READ_AFTER: &str = "
    SELECT 0 AS tx, rowid AS position, aggregate_id, sequence, event_type, event_version,
           payload, metadata, recorded_at
      FROM events
     WHERE +aggregate_type = 'Event' AND rowid > $1
     ORDER BY rowid
     LIMIT $2";

/// Histories for a replay, in the primary key's order, each before a position (`$1`, and
/// `$2` on PostgreSQL): those of the next events by id after an id, found by their creating
/// fact (every history starts with one), or those named. Two statements, not one with an
/// OR: with it, PostgreSQL scanned every id after the first for each page.
macro_rules! read_streams {
    (postgres, $streams:literal) => {
        read_streams!(
            "SELECT tx::text::bigint AS tx, position, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at",
            "(tx, position) < ($1::bigint::text::xid8, $2)",
            $streams
        )
    };
    (sqlite, $streams:literal) => {
        read_streams!(
            "SELECT 0 AS tx, rowid AS position, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at",
            "rowid < $1",
            $streams
        )
    };
    ($select:literal, $before:literal, $streams:literal) => {
        concat!(
            $select,
            " FROM events WHERE aggregate_type = 'Event' AND ",
            $before,
            " AND aggregate_id IN (SELECT aggregate_id FROM events WHERE aggregate_type = 'Event' AND sequence = 1 AND ",
            $before,
            " AND ",
            $streams,
            ") ORDER BY aggregate_id, sequence"
        )
    };
}

const PG_READ_STREAMS_AFTER: &str = read_streams!(postgres, "aggregate_id > $3 ORDER BY aggregate_id LIMIT $4");
const PG_READ_STREAMS_NAMED: &str = read_streams!(postgres, "aggregate_id = ANY($3::text[])");
const SQLITE_READ_STREAMS_AFTER: &str = read_streams!(sqlite, "aggregate_id > $2 ORDER BY aggregate_id LIMIT $3");
/// SQLite takes the names as a JSON array.
const SQLITE_READ_STREAMS_NAMED: &str = read_streams!(sqlite, "aggregate_id IN (SELECT value FROM json_each($2))");

const HISTORY: &str = "
    SELECT sequence, event_type, event_version, payload, metadata, recorded_at
      FROM events
     WHERE aggregate_type = 'Event' AND aggregate_id = $1
     ORDER BY sequence
     LIMIT $2 OFFSET $3";

/// The creating fact of an event: always committed before any later fact of the same event.
const CREATED: &str = "
    SELECT 0 AS tx, 0 AS position, aggregate_id, sequence, event_type, event_version,
           payload, metadata, recorded_at
      FROM events
     WHERE aggregate_type = 'Event' AND aggregate_id = $1 AND sequence = 1";

const HISTORY_COUNT: &str = "SELECT COUNT(*) FROM events WHERE aggregate_type = 'Event' AND aggregate_id = $1";

macro_rules! on_backend {
    ($backend:expr, $pool:ident => $body:expr) => {
        match $backend {
            Backend::Postgres($pool) => $body,
            Backend::Sqlite($pool) => $body,
        }
    };
}

/// Turns rows of either backend into recorded events.
macro_rules! decode_recorded {
    ($rows:expr) => {
        $rows
            .iter()
            .map(|row| {
                let serialized = SerializedEvent::new(
                    row.try_get("aggregate_id")?,
                    row.try_get::<i64, _>("sequence")? as usize,
                    "Event".to_owned(),
                    row.try_get("event_type")?,
                    row.try_get("event_version")?,
                    row.try_get("payload")?,
                    row.try_get("metadata")?,
                );
                let position = Position {
                    tx: row.try_get("tx")?,
                    pos: row.try_get("position")?,
                };
                recorded(serialized, position, row.try_get("recorded_at")?)
            })
            .collect()
    };
}

impl EventSource for EventLog {
    async fn read_after(&self, after: Position, limit: i64) -> Result<Vec<Recorded>, BoxError> {
        match &self.0 {
            Backend::Postgres(pool) => {
                let horizon: i64 = sqlx::query_scalar(PG_HORIZON).fetch_one(pool).await?;
                let query = sqlx::query(PG_READ_AFTER)
                    .bind(after.tx)
                    .bind(after.pos)
                    .bind(limit)
                    .bind(horizon);
                decode_recorded!(query.fetch_all(pool).await?)
            }
            Backend::Sqlite(pool) => {
                let query = sqlx::query(SQLITE_READ_AFTER).bind(after.pos).bind(limit);
                decode_recorded!(query.fetch_all(pool).await?)
            }
        }
    }

    async fn horizon(&self) -> Result<Position, BoxError> {
        Ok(match &self.0 {
            Backend::Postgres(pool) => Position {
                tx: sqlx::query_scalar(PG_HORIZON).fetch_one(pool).await?,
                pos: 0,
            },
            Backend::Sqlite(pool) => Position {
                tx: 0,
                pos: sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) + 1 FROM events")
                    .fetch_one(pool)
                    .await?,
            },
        })
    }

    async fn read_streams(&self, streams: Streams, before: Position) -> Result<Vec<Recorded>, BoxError> {
        let first = |after: Option<Uuid>| after.map(|id| id.to_string()).unwrap_or_default();
        let names = |ids: Vec<Uuid>| ids.iter().map(Uuid::to_string).collect::<Vec<_>>();
        match &self.0 {
            Backend::Postgres(pool) => {
                let query = match streams {
                    Streams::After { after, count } => sqlx::query(PG_READ_STREAMS_AFTER)
                        .bind(before.tx)
                        .bind(before.pos)
                        .bind(first(after))
                        .bind(count),
                    Streams::These(ids) => sqlx::query(PG_READ_STREAMS_NAMED)
                        .bind(before.tx)
                        .bind(before.pos)
                        .bind(names(ids)),
                };
                decode_recorded!(query.fetch_all(pool).await?)
            }
            Backend::Sqlite(pool) => {
                let query = match streams {
                    Streams::After { after, count } => sqlx::query(SQLITE_READ_STREAMS_AFTER)
                        .bind(before.pos)
                        .bind(first(after))
                        .bind(count),
                    Streams::These(ids) => sqlx::query(SQLITE_READ_STREAMS_NAMED)
                        .bind(before.pos)
                        .bind(serde_json::Value::from(names(ids)).to_string()),
                };
                decode_recorded!(query.fetch_all(pool).await?)
            }
        }
    }
}

fn recorded(event: SerializedEvent, position: Position, recorded_at: DateTime<Utc>) -> Result<Recorded, BoxError> {
    let event = aggregates::upcast(&aggregates::upcasters(), event);
    let metadata: HashMap<String, String> = serde_json::from_value(event.metadata)?;
    Ok(Recorded {
        position,
        event_id: Uuid::parse_str(&event.aggregate_id)?,
        sequence: event.sequence as i64,
        fact: serde_json::from_value::<EventFact>(event.payload)?,
        via: metadata.get("via").cloned().unwrap_or_else(|| "api".to_owned()),
        recorded_at,
    })
}

impl EventLog {
    /// The position of the last event committed; `None` for an empty store. Once the read
    /// models pass it, they show every command that committed before this was asked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn last(&self) -> Result<Option<Position>, sqlx::Error> {
        Ok(match &self.0 {
            Backend::Postgres(pool) => {
                sqlx::query_as("SELECT tx::text::bigint, position FROM events ORDER BY tx DESC, position DESC LIMIT 1")
                    .fetch_optional(pool)
                    .await?
                    .map(|(tx, pos)| Position { tx, pos })
            }
            Backend::Sqlite(pool) => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(rowid) FROM events")
                .fetch_one(pool)
                .await?
                .map(|pos| Position { tx: 0, pos }),
        })
    }

    /// Who created an event, read from its first fact in the store (not from a read model,
    /// which may lag behind); `None` if the store holds no such event.
    #[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
    pub async fn creator(&self, event_id: Uuid) -> Result<Option<Uuid>, BoxError> {
        let id = event_id.to_string();
        let rows: Result<Vec<Recorded>, BoxError> = on_backend!(&self.0, pool => {
            let rows = sqlx::query(CREATED).bind(&id).fetch_all(pool).await?;
            decode_recorded!(rows)
        });
        let rows = rows?;
        Ok(rows.first().map(|created| created.fact.actor().id))
    }

    /// An event's stored domain events, oldest first.
    #[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
    pub async fn history(&self, event_id: Uuid, page: PageRequest) -> Result<Page<HistoryRow>, sqlx::Error> {
        let id = event_id.to_string();
        on_backend!(&self.0, pool => {
            let count: i64 = sqlx::query(HISTORY_COUNT).bind(&id).fetch_one(pool).await?.try_get(0)?;
            let rows = sqlx::query(HISTORY).bind(&id).bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
            let items = rows
                .iter()
                .map(|row| {
                    Ok(HistoryRow {
                        sequence: row.try_get("sequence")?,
                        event_type: row.try_get("event_type")?,
                        event_version: row.try_get("event_version")?,
                        payload: row.try_get("payload")?,
                        metadata: row.try_get("metadata")?,
                        recorded_at: row.try_get("recorded_at")?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()?;
            Ok(Page { count, items })
        })
    }
}

#[cfg(test)]
#[path = "late_commit_tests.rs"]
mod late_commit_tests;

#[cfg(test)]
#[path = "read_plan_tests.rs"]
mod read_plan_tests;
