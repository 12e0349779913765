//! One aggregate's events after a sequence number: what the aggregate store reads to bring a
//! kept aggregate up to date. The service appends events itself (see `append`), so this is
//! all it asks of the event store's table, the same on both backends.

use cqrs_es::persist::SerializedEvent;
use sqlx::Row;

use super::Backend;

const AFTER: &str = "
    SELECT aggregate_id, sequence, event_type, event_version, payload, metadata
      FROM events
     WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
     ORDER BY sequence";

/// The events of `aggregate_type`'s `aggregate_id` after `sequence`, in order.
#[tracing::instrument(level = "debug", skip_all, fields(aggregate_id = %aggregate_id))]
pub async fn events_after(
    backend: &Backend,
    aggregate_type: &str,
    aggregate_id: &str,
    sequence: usize,
) -> Result<Vec<SerializedEvent>, sqlx::Error> {
    let sequence = i64::try_from(sequence).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    macro_rules! read {
        ($pool:expr) => {{
            let rows = sqlx::query(AFTER)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .bind(sequence)
                .fetch_all($pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(SerializedEvent::new(
                        row.try_get("aggregate_id")?,
                        row.try_get::<i64, _>("sequence")? as usize,
                        aggregate_type.to_owned(),
                        row.try_get("event_type")?,
                        row.try_get("event_version")?,
                        row.try_get("payload")?,
                        row.try_get("metadata")?,
                    ))
                })
                .collect()
        }};
    }
    match backend {
        Backend::Postgres(pool) => read!(pool),
        Backend::Sqlite(pool) => read!(pool),
    }
}
