//! The abuse limits of guest registration: per address and per client, in a rolling hour.
//!
//! The creation throttle's method (see `crate::throttle`): a request counts the subject's
//! slots of the window and takes one in one transaction under a per-subject lock, so
//! instances racing for the last slot cannot both take it, and restarts forget nothing.

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};

use crate::store::begin_write_locked;
use crate::throttle::fits;

/// The rolling window both limits count in.
const WINDOW: TimeDelta = TimeDelta::hours(1);
/// Registrations one address may make in the window.
pub const PER_ADDRESS: u32 = 5;
/// Registrations one client (IP address) may make in the window.
pub const PER_CLIENT: u32 = 20;
/// The class of the per-subject locks, apart from the creation throttle's.
const LOCK_CLASS: i32 = 0x6775_6573; // "gues"

#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error("at most {limit} guest registrations per {what} in an hour; try again later")]
    Exceeded {
        what: &'static str,
        limit: u32,
        retry_after: u64,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Who a limit counts.
#[derive(Debug, Clone, Copy)]
enum Scope {
    Address,
    Client,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Self::Address => "email",
            Self::Client => "ip",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::Address => "email address",
            Self::Client => "client",
        }
    }

    fn limit(self) -> u32 {
        match self {
            Self::Address => PER_ADDRESS,
            Self::Client => PER_CLIENT,
        }
    }
}

/// Takes a slot of the client's, then of the address's; refuses when either is used up.
/// A slot taken is kept whatever the registration's outcome: attempts are what is limited.
pub async fn take(pool: &AnyPool, address: &str, client: IpAddr, now: DateTime<Utc>) -> Result<(), LimitError> {
    take_one(pool, Scope::Client, &client.to_string(), now).await?;
    take_one(pool, Scope::Address, address, now).await
}

async fn take_one(pool: &AnyPool, scope: Scope, subject: &str, now: DateTime<Utc>) -> Result<(), LimitError> {
    let digest = Sha256::digest(format!("{}/{subject}", scope.name()).as_bytes());
    let key = i32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    let mut tx = begin_write_locked(pool, LOCK_CLASS, key).await?;
    let since = projections::to_micros(now - WINDOW);
    sqlx::query("DELETE FROM guest_slots WHERE scope = $1 AND subject = $2 AND taken_at <= $3")
        .bind(scope.name())
        .bind(subject)
        .bind(since)
        .execute(&mut *tx)
        .await?;
    let taken = sqlx::query("SELECT taken_at FROM guest_slots WHERE scope = $1 AND subject = $2 ORDER BY taken_at")
        .bind(scope.name())
        .bind(subject)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| Ok((projections::from_micros(row.try_get("taken_at")?), 1)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let limit = scope.limit();
    fits(limit, WINDOW, &taken, 1, now).map_err(|retry_after| LimitError::Exceeded {
        what: scope.what(),
        limit,
        retry_after,
    })?;
    sqlx::query("INSERT INTO guest_slots (scope, subject, taken_at) VALUES ($1, $2, $3)")
        .bind(scope.name())
        .bind(subject)
        .bind(projections::to_micros(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
