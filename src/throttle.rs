//! At most `EVENTS_PER_DAY` event creations per user in any rolling 24 hours.
//!
//! Creations are counted from the activity log, which is folded from the store: refused
//! attempts leave no trace there, and the count survives restarts and is shared by every
//! instance on one database. Within one instance a user's creations are serialised, so two
//! concurrent requests cannot both take the last slot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyPool;
use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

/// Past this many users with a lock, idle locks are dropped.
const IDLE_LOCKS_KEPT: usize = 10_000;

pub struct CreationThrottle {
    per_day: u32,
    locks: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
}

/// Why a creation may not go ahead now.
#[derive(Debug, thiserror::Error)]
pub enum ThrottleError {
    #[error("you may create at most {limit} events in 24 hours")]
    Exceeded { limit: u32, retry_after: u64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl CreationThrottle {
    /// `per_day` 0 means no limit.
    pub fn new(per_day: u32) -> Self {
        Self {
            per_day,
            locks: Mutex::new(HashMap::new()),
        }
    }

    /// Admits one creation by `user_id`; hold the answer until the creation is committed.
    pub async fn admit(
        &self,
        pool: &AnyPool,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<OwnedMutexGuard<()>>, ThrottleError> {
        if self.per_day == 0 {
            return Ok(None);
        }
        let guard = self.lock(user_id).lock_owned().await;
        let window = Duration::hours(24);
        let recent = projections::activity::creations_since(pool, user_id, now - window).await?;
        let limit = self.per_day as usize;
        if recent.len() < limit {
            return Ok(Some(guard));
        }
        // A slot frees up when the creation that keeps the count at the limit leaves the window.
        let frees_at = recent[recent.len() - limit] + window;
        let millis = u64::try_from((frees_at - now).num_milliseconds()).unwrap_or(0);
        Err(ThrottleError::Exceeded {
            limit: self.per_day,
            retry_after: millis.div_ceil(1000).max(1),
        })
    }

    fn lock(&self, user_id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if locks.len() > IDLE_LOCKS_KEPT {
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(user_id).or_default().clone()
    }
}
