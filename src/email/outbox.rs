//! The outbox as the sender sees it: rows to claim, and what became of each.
//!
//! A claim moves a row's `due_at` past a lease and counts the attempt, in one statement;
//! the row is marked only by the claim that holds it (its `attempts`), so a row whose lease
//! ran out and was claimed again is not marked twice. On PostgreSQL the claim skips rows
//! another instance is claiming at the same moment (`FOR UPDATE SKIP LOCKED`); on SQLite
//! the single writer lets one claim in at a time.

use chrono::{DateTime, Utc};
use projections::email::{Message, Recipient};
use projections::{from_micros, to_micros};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use crate::store::Backend;

/// The claim, with what locks the rows it picks (PostgreSQL's `FOR UPDATE SKIP LOCKED`).
macro_rules! claim {
    ($lock:literal) => {
        concat!(
            "UPDATE email_outbox SET due_at = $1, attempts = attempts + 1
              WHERE (event_id, sequence, recipient) IN (
                 SELECT event_id, sequence, recipient FROM email_outbox
                  WHERE status = 'pending' AND due_at <= $2
                  ORDER BY due_at LIMIT $3",
            $lock,
            ") RETURNING event_id, sequence, recipient, recipient_kind, payload, attempts, created_at"
        )
    };
}

/// A row this sender holds until its lease ends.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub event_id: Uuid,
    pub sequence: i64,
    /// The `recipient` column as stored (the row's key).
    pub key: String,
    /// `None` for a kind of recipient or message this version cannot read.
    pub recipient: Option<Recipient>,
    pub message: Option<Message>,
    /// Counting this one.
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
}

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent,
    /// Not sent, and never will be (no such account, or the user turned that kind off).
    Skipped(String),
    /// Failed; tried again at `at`.
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// Failed for the last time.
    Failed(String),
}

#[derive(Clone)]
pub struct Outbox {
    pool: AnyPool,
    claim: &'static str,
}

impl Outbox {
    pub fn new(pool: AnyPool, backend: &Backend) -> Self {
        let claim = match backend {
            Backend::Postgres(_) => claim!(" FOR UPDATE SKIP LOCKED"),
            Backend::Sqlite(_) => claim!(""),
        };
        Self { pool, claim }
    }

    /// Claims up to `limit` rows due at `now`, each until `until`.
    pub async fn claim(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Claimed>, sqlx::Error> {
        let rows = sqlx::query(self.claim)
            .bind(to_micros(until))
            .bind(to_micros(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(claimed).collect()
    }

    /// Records what became of `row`'s attempt, if this sender still holds it.
    pub async fn finish(&self, row: &Claimed, outcome: &Outcome, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
        let (status, due_at, error) = match outcome {
            Outcome::Sent => ("sent", None, None),
            Outcome::Skipped(reason) => ("skipped", None, Some(reason)),
            Outcome::Retry { at, error } => ("pending", Some(to_micros(*at)), Some(error)),
            Outcome::Failed(error) => ("failed", None, Some(error)),
        };
        let finished_at = (status != "pending").then(|| to_micros(now));
        sqlx::query(
            "UPDATE email_outbox SET status = $5, due_at = COALESCE($6, due_at), finished_at = $7, last_error = $8
              WHERE event_id = $1 AND sequence = $2 AND recipient = $3 AND attempts = $4 AND status = 'pending'",
        )
        .bind(row.event_id.to_string())
        .bind(row.sequence)
        .bind(&row.key)
        .bind(row.attempts)
        .bind(status)
        .bind(due_at)
        .bind(finished_at)
        .bind(error.map(String::as_str))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Hands rows back unattempted (the sender is stopping), due at once.
    pub async fn release(&self, rows: &[Claimed]) -> Result<(), sqlx::Error> {
        for row in rows {
            sqlx::query(
                "UPDATE email_outbox SET due_at = 0, attempts = attempts - 1
                  WHERE event_id = $1 AND sequence = $2 AND recipient = $3 AND attempts = $4 AND status = 'pending'",
            )
            .bind(row.event_id.to_string())
            .bind(row.sequence)
            .bind(&row.key)
            .bind(row.attempts)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }
}

/// Messages waiting to be sent (or tried again): the outbox depth `/metrics` shows.
pub async fn depth(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox WHERE status = 'pending'")
        .fetch_one(pool)
        .await
}

fn claimed(row: &AnyRow) -> Result<Claimed, sqlx::Error> {
    let event_id: String = row.try_get("event_id")?;
    let key: String = row.try_get("recipient")?;
    let kind: String = row.try_get("recipient_kind")?;
    let payload: String = row.try_get("payload")?;
    Ok(Claimed {
        event_id: Uuid::parse_str(&event_id).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        sequence: row.try_get("sequence")?,
        recipient: Recipient::from_columns(&kind, &key),
        key,
        message: serde_json::from_str(&payload).ok(),
        attempts: row.try_get("attempts")?,
        created_at: from_micros(row.try_get("created_at")?),
    })
}
