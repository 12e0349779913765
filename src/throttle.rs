//! At most `EVENTS_PER_DAY` event creations per user in any rolling 24 hours, a series
//! counting one per occurrence.
//!
//! A request takes its slots in `creation_slots` before its commands run: counting the
//! user's slots of the last 24 hours and taking more is one transaction under a per-user
//! lock, so instances racing for a user's last slot cannot both take it. Slots are the
//! user's record, kept in the database, so restarts and instances share them. A creation the
//! command refused gives its slot back; one that may have committed (an outage mid-command)
//! keeps it, so the limit is never exceeded.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::{Any, AnyPool, Executor, Row};
use uuid::Uuid;

use aggregates::{EventCommand, EventFact};

use crate::commands::{Answering, CommandError, Commands, Via};
use crate::store::begin_write_locked;

/// The rolling window the limit counts in.
const WINDOW: TimeDelta = TimeDelta::hours(24);

/// The class of the per-user locks (PostgreSQL advisory locks are two numbers; the first
/// keeps these apart from any other use).
const LOCK_CLASS: i32 = 0x7468_726f; // "thro"

pub struct CreationThrottle {
    per_day: u32,
}

/// Why a creation may not go ahead now.
#[derive(Debug, thiserror::Error)]
pub enum ThrottleError {
    #[error("you may create at most {limit} events in 24 hours")]
    Exceeded { limit: u32, retry_after: u64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// When the user's slots of the window were taken, and how many each time, oldest first.
async fn taken<'c>(
    executor: impl Executor<'c, Database = Any>,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, u32)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT reserved_at, events FROM creation_slots WHERE user_id = $1 AND reserved_at > $2 ORDER BY reserved_at",
    )
    .bind(user_id.to_string())
    .bind(projections::to_micros(now - WINDOW))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let events: i64 = row.try_get("events")?;
            Ok((
                projections::from_micros(row.try_get("reserved_at")?),
                u32::try_from(events).unwrap_or(u32::MAX),
            ))
        })
        .collect()
}

impl CreationThrottle {
    /// `per_day` 0 means no limit.
    pub fn new(per_day: u32) -> Self {
        Self { per_day }
    }

    /// Refuses at once when not even one more creation fits (before the body is read).
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn admit(&self, pool: &AnyPool, user_id: Uuid, now: DateTime<Utc>) -> Result<(), ThrottleError> {
        if self.per_day == 0 {
            return Ok(());
        }
        self.fits(&taken(pool, user_id, now).await?, 1, now)
    }

    /// Takes `count` slots for `user_id`'s creations, or refuses if they do not all fit.
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn reserve(
        &self,
        pool: &AnyPool,
        user_id: Uuid,
        count: u32,
        now: DateTime<Utc>,
    ) -> Result<Reservation, ThrottleError> {
        if self.per_day == 0 {
            return Ok(Reservation::unlimited());
        }
        // Any 32 bits of the id do as the lock's key: two users sharing one only queue.
        let key = user_id.as_u128() as u32 as i32;
        let mut tx = begin_write_locked(pool, LOCK_CLASS, key).await?;
        sqlx::query("DELETE FROM creation_slots WHERE user_id = $1 AND reserved_at <= $2")
            .bind(user_id.to_string())
            .bind(projections::to_micros(now - WINDOW))
            .execute(&mut *tx)
            .await?;
        self.fits(&taken(&mut *tx, user_id, now).await?, count, now)?;
        let id = Uuid::new_v4();
        sqlx::query("INSERT INTO creation_slots (id, user_id, reserved_at, events) VALUES ($1, $2, $3, $4)")
            .bind(id.to_string())
            .bind(user_id.to_string())
            .bind(projections::to_micros(now))
            .bind(i64::from(count))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Reservation {
            held: Some((pool.clone(), id)),
            slots: count,
            used: 0,
        })
    }

    /// Whether `count` more creations fit beside `taken`; if not, when they will.
    fn fits(&self, taken: &[(DateTime<Utc>, u32)], count: u32, now: DateTime<Utc>) -> Result<(), ThrottleError> {
        let limit = self.per_day;
        fits(limit, WINDOW, taken, count, now).map_err(|retry_after| ThrottleError::Exceeded { limit, retry_after })
    }
}

/// Whether `count` more fit beside the slots `taken` (when, and how many) in a rolling
/// `window` that holds `limit`; if not, the seconds until they will.
pub fn fits(
    limit: u32,
    window: TimeDelta,
    taken: &[(DateTime<Utc>, u32)],
    count: u32,
    now: DateTime<Utc>,
) -> Result<(), u64> {
    let mut remaining: u32 = taken.iter().map(|(_, n)| n).sum();
    if remaining.saturating_add(count) <= limit {
        return Ok(());
    }
    // Slots free up as the oldest leave the window: the first moment the count fits.
    let frees_at = taken
        .iter()
        .find_map(|(at, n)| {
            remaining -= n;
            (remaining.saturating_add(count) <= limit).then_some(*at + window)
        })
        .unwrap_or(now + window);
    let millis = u64::try_from((frees_at - now).num_milliseconds()).unwrap_or(0);
    Err(millis.div_ceil(1000).max(1))
}

/// The slots one request took; run each of its creations through [`Reservation::create`].
pub struct Reservation {
    held: Option<(AnyPool, Uuid)>,
    slots: u32,
    used: u32,
}

impl Reservation {
    fn unlimited() -> Self {
        Self {
            held: None,
            slots: 0,
            used: 0,
        }
    }

    /// Creates one event with a slot of this reservation. When it fails, the slots of the
    /// creations that certainly did not happen are given back: this one's if the command
    /// refused it (nothing was written), and those of any not yet run.
    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn create(
        &mut self,
        commands: &Commands,
        id: Uuid,
        command: EventCommand,
        recording: Option<Answering>,
    ) -> Result<Vec<EventFact>, CommandError> {
        match commands.execute_answering(id, command, Via::Api, recording).await {
            Ok(facts) => {
                self.used += 1;
                Ok(facts)
            }
            Err(error) => {
                let kept = self.used + u32::from(!matches!(error, CommandError::Rejected(_)));
                self.give_back(kept).await;
                Err(error)
            }
        }
    }

    /// Keeps `kept` of the slots. A failure only leaves slots taken until they expire.
    async fn give_back(&self, kept: u32) {
        let Some((pool, id)) = &self.held else { return };
        if kept >= self.slots {
            return;
        }
        let given_back = sqlx::query("UPDATE creation_slots SET events = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(i64::from(kept))
            .execute(pool)
            .await;
        if let Err(error) = given_back {
            tracing::warn!(%error, "creation slots not given back; they expire in 24 hours");
        }
    }
}
