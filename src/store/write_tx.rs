//! Transactions that write through the read-model pool.

use sqlx::{Any, AnyPool, Transaction};

/// Begins a transaction that is going to write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting out the busy timeout for it: a deferred transaction that
/// reads first and writes later is refused outright ("database is locked") when another
/// writer committed in between, and no timeout helps. PostgreSQL locks rows as it goes.
pub async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}
