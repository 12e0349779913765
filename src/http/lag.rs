//! How far each projection is behind the event store, read from its checkpoint: the events
//! it has not applied yet, and how long the oldest of them has waited.

use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::store::{Backend, Store};

/// One projection's distance from the newest event.
#[derive(Debug, Serialize, ToSchema)]
pub struct Lag {
    #[schema(example = "events")]
    pub projection: String,
    /// Stored events the projection has not applied yet.
    pub events: i64,
    /// How long the oldest of them has waited (0 when there are none).
    pub seconds: f64,
}

/// On SQLite the rowid is the global position (see the event store's migration).
const SQLITE_LAG: &str = "
    SELECT c.name AS projection, COUNT(e.rowid) AS events,
           COALESCE((julianday('now') - julianday(MIN(e.recorded_at))) * 86400.0, 0.0) AS seconds
      FROM projection_checkpoints c
      LEFT JOIN events e ON e.aggregate_type = 'Event' AND e.rowid > c.pos
     GROUP BY c.name
     ORDER BY c.name";

/// On PostgreSQL the global position is `(tx, position)`; events of transactions the
/// projector may not read yet (still below the oldest running one) count as lag too.
const POSTGRES_LAG: &str = "
    SELECT c.name AS projection, COUNT(e.position) AS events,
           COALESCE(EXTRACT(EPOCH FROM now() - MIN(e.recorded_at)), 0)::float8 AS seconds
      FROM projection_checkpoints c
      LEFT JOIN events e ON e.aggregate_type = 'Event' AND (e.tx, e.position) > (c.tx::text::xid8, c.pos)
     GROUP BY c.name
     ORDER BY c.name";

pub async fn projection_lag(store: &Store) -> Result<Vec<Lag>, sqlx::Error> {
    let sql = match store.backend {
        Backend::Postgres(_) => POSTGRES_LAG,
        Backend::Sqlite(_) => SQLITE_LAG,
    };
    let rows = sqlx::query(sql).fetch_all(&store.read).await?;
    rows.iter()
        .map(|row| {
            Ok(Lag {
                projection: row.try_get("projection")?,
                events: row.try_get("events")?,
                seconds: row.try_get::<f64, _>("seconds")?.max(0.0),
            })
        })
        .collect()
}
