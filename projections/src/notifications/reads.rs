//! Read marks: the user's own record of what they have read, kept beside the read model
//! (never rebuilt, never folded from the store). They name notifications by the ids the fold
//! derives from facts, so they still match after a rebuild.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;
use uuid::Uuid;

use crate::sql::Sql;
use crate::time::to_micros;

/// Marks one of the user's notifications read (once: a second mark keeps the first time).
/// Answers `false` if the user has no such notification.
pub async fn mark_read(pool: &AnyPool, user_id: Uuid, id: Uuid, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut exists = Sql::new("SELECT COUNT(*) FROM notification_view WHERE user_id = ");
    exists.bind(user_id).push(" AND id = ").bind(id);
    if exists.count(pool).await? == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO notification_reads (user_id, notification_id, read_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, notification_id) DO NOTHING",
    )
    .bind(user_id.to_string())
    .bind(id.to_string())
    .bind(to_micros(now))
    .execute(pool)
    .await?;
    Ok(true)
}

/// Drops the read marks of a user whose account is deleted.
pub async fn forget_reads(pool: &AnyPool, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM notification_reads WHERE user_id = $1")
        .bind(user_id.to_string())
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks every notification the user has now as read; answers how many were unread.
pub async fn mark_all_read(pool: &AnyPool, user_id: Uuid, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO notification_reads (user_id, notification_id, read_at)
         SELECT user_id, id, $2 FROM notification_view WHERE user_id = $1
         ON CONFLICT (user_id, notification_id) DO NOTHING",
    )
    .bind(user_id.to_string())
    .bind(to_micros(now))
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
