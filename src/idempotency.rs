//! The durable record of answers to `POST`s sent with an `Idempotency-Key`, per user.
//!
//! A request first claims its key (an insert that only one racer wins). The winner runs
//! and stores its answer; the others wait for that answer and replay it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use crate::sync::lock;

/// How long a key's answer is kept and replayed.
pub const RETENTION: Duration = Duration::hours(24);
/// A claim of no known process (written before processes named themselves) that has not
/// been answered after this long belongs to a process that died.
const ABANDONED_AFTER: Duration = Duration::minutes(2);
/// How often a process says it is alive.
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(2);
/// A process silent for this long has died, and its unanswered claims are abandoned.
const SILENCE: Duration = Duration::seconds(10);

/// A claim without an answer, as the store shows it.
struct Unanswered {
    claimed_by: Option<String>,
    /// When its process last said it was alive.
    seen_at: Option<i64>,
    created_at: DateTime<Utc>,
}

/// An answer as it will be replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAnswer {
    pub status: u16,
    /// Header name and value pairs.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl StoredAnswer {
    /// Headers as the record keeps them.
    pub fn headers_text(headers: &[(String, String)]) -> String {
        serde_json::to_string(headers).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key is ours: run the request and record its answer while holding this.
    Won(Running),
    /// Another request with this key is still running.
    Running {
        fingerprint: String,
    },
    Answered {
        fingerprint: String,
        answer: StoredAnswer,
    },
}

/// The requests of this process that hold, or are about to hold, a claim on a key.
type InFlight = Arc<Mutex<HashMap<(Uuid, String), usize>>>;

/// A request of this process running under its key, until dropped.
#[derive(Debug)]
pub struct Running {
    in_flight: InFlight,
    key: (Uuid, String),
}

impl Running {
    fn start(in_flight: &InFlight, user_id: Uuid, key: &str) -> Self {
        let key = (user_id, key.to_owned());
        *lock(in_flight).entry(key.clone()).or_default() += 1;
        Self {
            in_flight: in_flight.clone(),
            key,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut in_flight = lock(&self.in_flight);
        if let Some(count) = in_flight.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                in_flight.remove(&self.key);
            }
        }
    }
}

#[derive(Clone)]
pub struct IdempotencyKeys {
    pool: AnyPool,
    /// This process, as its claims name it.
    instance: Uuid,
    in_flight: InFlight,
}

impl IdempotencyKeys {
    pub fn new(pool: AnyPool) -> Self {
        Self {
            pool,
            instance: Uuid::new_v4(),
            in_flight: InFlight::default(),
        }
    }

    /// Says this process is alive.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn heartbeat(&self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO service_instances (id, seen_at) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(self.instance.to_string())
        .bind(projections::to_micros(Utc::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets processes silent for longer than any claim is kept (once, at start).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn forget_silent(&self) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM service_instances WHERE seen_at < $1")
            .bind(projections::to_micros(Utc::now() - RETENTION))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether a claim that has no answer yet was left by a request that is gone: one of
    /// this process that ended without an answer (it could not give the key back), or one
    /// of a process that went silent. Nothing of it was committed, since a committed
    /// command records its answer then.
    fn abandoned(&self, key: &(Uuid, String), claim: &Unanswered, now: DateTime<Utc>) -> bool {
        match &claim.claimed_by {
            None => now - claim.created_at > ABANDONED_AFTER,
            Some(instance) if *instance == self.instance.to_string() => !lock(&self.in_flight).contains_key(key),
            Some(_) => claim
                .seen_at
                .is_none_or(|seen| Utc::now() - projections::from_micros(seen) > SILENCE),
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn claim(
        &self,
        user_id: Uuid,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, sqlx::Error> {
        loop {
            let running = Running::start(&self.in_flight, user_id, key);
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at, claimed_by)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (user_id, key) DO NOTHING",
            )
            .bind(user_id.to_string())
            .bind(key)
            .bind(fingerprint)
            .bind(projections::to_micros(now))
            .bind(self.instance.to_string())
            .execute(&self.pool)
            .await?;
            if inserted.rows_affected() == 1 {
                return Ok(Claim::Won(running));
            }
            drop(running);
            let row = sqlx::query(
                "SELECT k.fingerprint, k.status, k.headers, k.body, k.created_at, k.claimed_by, i.seen_at
                   FROM idempotency_keys AS k LEFT JOIN service_instances AS i ON i.id = k.claimed_by
                  WHERE k.user_id = $1 AND k.key = $2",
            )
            .bind(user_id.to_string())
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
            // Released meanwhile: try to claim it again.
            let Some(row) = row else { continue };
            let created_at = projections::from_micros(row.try_get("created_at")?);
            let status: Option<i64> = row.try_get("status")?;
            let stale = match status {
                Some(_) => now - created_at > RETENTION,
                None => {
                    let claim = Unanswered {
                        claimed_by: row.try_get("claimed_by")?,
                        seen_at: row.try_get("seen_at")?,
                        created_at,
                    };
                    self.abandoned(&(user_id, key.to_owned()), &claim, now)
                }
            };
            if stale {
                self.forget(user_id, key, created_at).await?;
                continue;
            }
            let fingerprint: String = row.try_get("fingerprint")?;
            let Some(status) = status else {
                return Ok(Claim::Running { fingerprint });
            };
            let headers: String = row.try_get("headers")?;
            let answer = StoredAnswer {
                status: u16::try_from(status).unwrap_or(500),
                headers: serde_json::from_str(&headers).unwrap_or_default(),
                body: row.try_get("body")?,
            };
            return Ok(Claim::Answered { fingerprint, answer });
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn record(&self, user_id: Uuid, key: &str, answer: &StoredAnswer) -> Result<(), sqlx::Error> {
        let headers = StoredAnswer::headers_text(&answer.headers);
        sqlx::query("UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 WHERE user_id = $1 AND key = $2")
            .bind(user_id.to_string())
            .bind(key)
            .bind(i64::from(answer.status))
            .bind(headers)
            .bind(answer.body.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Gives a claim back (the request failed on our side): a retry may run it again.
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn release(&self, user_id: Uuid, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL")
            .bind(user_id.to_string())
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn forget(&self, user_id: Uuid, key: &str, created_at: DateTime<Utc>) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at = $3")
            .bind(user_id.to_string())
            .bind(key)
            .bind(projections::to_micros(created_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
