//! Transactions that write through the read-model pool.

use sqlx::{Any, AnyPool, Transaction};

fn is_sqlite(pool: &AnyPool) -> bool {
    pool.connect_options().database_url.scheme() == "sqlite"
}

/// Begins a transaction that is going to write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting out the busy timeout for it: a deferred transaction that
/// reads first and writes later is refused outright ("database is locked") when another
/// writer committed in between, and no timeout helps. PostgreSQL locks rows as it goes.
pub async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    if is_sqlite(pool) {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

/// A write transaction that holds the lock on `(class, key)` until it ends, so that
/// transactions on one key run one after the other, in any instance: a check-then-insert
/// under it is atomic. SQLite's write lock already orders every writer; PostgreSQL takes a
/// transaction-scoped advisory lock.
pub async fn begin_write_locked(
    pool: &AnyPool,
    class: i32,
    key: i32,
) -> Result<Transaction<'static, Any>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    if !is_sqlite(pool) {
        // Through a subquery: the Any driver has no type for the function's `void`.
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1, $2)) AS locked")
            .bind(class)
            .bind(key)
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}
