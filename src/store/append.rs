//! Appends one group of commands' facts in one transaction, answering each fact's global
//! position, so that callers can wait for exactly that position in the read models.
//!
//! postgres-es and sqlite-es insert one row per statement and say nothing of where the rows
//! landed; a group of 64 joins would cost 64 round trips and leave the callers polling.

use cqrs_es::persist::SerializedEvent;
use projections::Position;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row, Sqlite};

use super::Backend;

/// Rows per INSERT: PostgreSQL takes at most 65,535 bound values, SQLite 32,766, at 7 a row.
const ROWS_PER_STATEMENT: usize = 1_000;

/// A write the append makes in the same transaction as the facts: the record of the answer
/// to a request sent with an `Idempotency-Key`, so that a committed command is always
/// replayed, never run twice.
#[derive(Debug, Clone)]
pub struct AnswerRecord {
    pub user_id: String,
    pub key: String,
    pub status: i64,
    pub headers: String,
    pub body: String,
}

/// Why an append did not commit.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Another writer (another instance) took one of these sequence numbers first.
    #[error("another writer appended to the aggregate first")]
    Conflict,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn conflict_or(error: sqlx::Error) -> AppendError {
    match error.as_database_error().map(|e| e.is_unique_violation()) {
        Some(true) => AppendError::Conflict,
        _ => AppendError::Database(error),
    }
}

/// The append as a transaction: INSERTs of at most [`ROWS_PER_STATEMENT`] rows, then the
/// answers. One body for both backends, whose pools differ in type.
macro_rules! in_transaction {
    ($pool:expr, $db:ty, ($aggregate_type:expr, $events:expr, $answers:expr), $returning:expr, $decode:expr) => {{
        let mut tx = $pool.begin().await?;
        let mut positions = Vec::with_capacity($events.len());
        for chunk in $events.chunks(ROWS_PER_STATEMENT) {
            let mut sql = QueryBuilder::<$db>::new("");
            insert(&mut sql, $aggregate_type, chunk);
            sql.push($returning);
            let rows = sql.build().fetch_all(&mut *tx).await.map_err(conflict_or)?;
            positions.extend(in_order(chunk, &rows, $decode)?);
        }
        for answer in $answers {
            record_answer::<$db>(answer).build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(positions)
    }};
}

/// Appends `events` (of one aggregate type, in sequence order) and records `answers`, all or
/// nothing. Answers the position of each event, in the order given.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn append(
    backend: &Backend,
    aggregate_type: &str,
    events: &[SerializedEvent],
    answers: &[AnswerRecord],
) -> Result<Vec<Position>, AppendError> {
    match backend {
        Backend::Postgres(pool) if events.len() <= ROWS_PER_STATEMENT => {
            let rows = in_one_statement(aggregate_type, events, answers)
                .build()
                .fetch_all(pool)
                .await
                .map_err(conflict_or)?;
            Ok(in_order(events, &rows, pg_position)?)
        }
        Backend::Postgres(pool) => {
            in_transaction!(
                pool,
                Postgres,
                (aggregate_type, events, answers),
                PG_RETURNING,
                pg_position
            )
        }
        Backend::Sqlite(pool) => in_transaction!(
            pool,
            Sqlite,
            (aggregate_type, events, answers),
            " RETURNING sequence, rowid AS position",
            |row| Ok((row.try_get("sequence")?, 0, row.try_get("position")?))
        ),
    }
}

const PG_RETURNING: &str = " RETURNING sequence, position, tx::text::bigint AS tx";

fn pg_position(row: &PgRow) -> Result<(i64, i64, i64), sqlx::Error> {
    Ok((row.try_get("sequence")?, row.try_get("tx")?, row.try_get("position")?))
}

/// The append on PostgreSQL as one statement, atomic by itself: one round trip and no
/// BEGIN or COMMIT. The answers are recorded by a data-modifying `WITH`, which runs to
/// completion though nothing reads it.
fn in_one_statement<'a>(
    aggregate_type: &'a str,
    events: &'a [SerializedEvent],
    answers: &'a [AnswerRecord],
) -> QueryBuilder<'a, Postgres> {
    let mut sql = QueryBuilder::new("WITH appended AS (");
    insert(&mut sql, aggregate_type, events);
    sql.push(PG_RETURNING).push(")");
    if !answers.is_empty() {
        sql.push(
            ", answered AS (UPDATE idempotency_keys AS k
                 SET status = v.status, headers = v.headers, body = v.body FROM (",
        );
        sql.push_values(answers, |mut row, answer| {
            row.push_bind(answer.user_id.as_str())
                .push_bind(answer.key.as_str())
                .push_bind(answer.status)
                .push_unseparated("::bigint")
                .push_bind(answer.headers.as_str())
                .push_bind(answer.body.as_str());
        });
        sql.push(") AS v (user_id, key, status, headers, body) WHERE k.user_id = v.user_id AND k.key = v.key)");
    }
    sql.push(" SELECT sequence, position, tx FROM appended");
    sql
}

fn insert<'a, DB>(sql: &mut QueryBuilder<'a, DB>, aggregate_type: &'a str, events: &'a [SerializedEvent])
where
    DB: sqlx::Database,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a Value: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    sql.push(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) ",
    );
    sql.push_values(events, |mut row, event| {
        row.push_bind(aggregate_type)
            .push_bind(event.aggregate_id.as_str())
            .push_bind(event.sequence as i64)
            .push_bind(event.event_type.as_str())
            .push_bind(event.event_version.as_str())
            .push_bind(&event.payload)
            .push_bind(&event.metadata);
    });
}

/// The returned rows' positions in the order of `events` (RETURNING promises no order).
fn in_order<R>(
    events: &[SerializedEvent],
    rows: &[R],
    decode: impl Fn(&R) -> Result<(i64, i64, i64), sqlx::Error>,
) -> Result<Vec<Position>, sqlx::Error> {
    let mut by_sequence = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        let (sequence, tx, pos) = decode(row)?;
        by_sequence.insert(sequence, Position { tx, pos });
    }
    events
        .iter()
        .map(|event| {
            by_sequence
                .get(&(event.sequence as i64))
                .copied()
                .ok_or_else(|| sqlx::Error::Protocol("an appended event returned no position".to_owned()))
        })
        .collect()
}

fn record_answer<'a, DB>(answer: &'a AnswerRecord) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut update = QueryBuilder::new("UPDATE idempotency_keys SET status = ");
    update
        .push_bind(answer.status)
        .push(", headers = ")
        .push_bind(answer.headers.as_str())
        .push(", body = ")
        .push_bind(answer.body.as_str())
        .push(" WHERE user_id = ")
        .push_bind(answer.user_id.as_str())
        .push(" AND key = ")
        .push_bind(answer.key.as_str());
    update
}
