//! Whether the store takes writes now, found by writing: a full disk, a read-only file or a
//! write lock held too long answer reads as ever and refuse only writes.

use sqlx::AnyPool;

/// Writes one small row of `settings` (a value of its own, so the row really changes).
pub async fn probe_write(pool: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('write_probe', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(pool)
    .await?;
    Ok(())
}
