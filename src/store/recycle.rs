//! Which SQLite connections the pools keep: none that cannot write for good.
//!
//! SQLite opens a file it may not write (read-only for now) read-only, and the connection
//! stays so after the file is writable again: such a connection is refused when it opens.
//!
//! After a full disk or an I/O error SQLite may roll a transaction back by itself while
//! sqlx still counts it open. sqlx then begins the next transaction on that connection as a
//! `SAVEPOINT`, whose rollback (`ROLLBACK TO`) leaves SQLite's transaction open: the
//! connection idles in the pool holding the write lock, and every other writer waits out its
//! busy timeout ("database is locked") until a restart. Such a connection is closed when it
//! comes back to the pool.

use std::path::Path;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::{Connection, Executor};

/// An `after_connect` check: fails (an outage: 503) while `file` cannot be opened for
/// writing, so that the connection SQLite just opened read-only is not kept.
///
/// It asks `access(2)` and never opens the file: closing any descriptor of it drops every
/// POSIX lock this process holds on it, SQLite's included. Then another process that
/// closed its last connection took itself for the file's last user and deleted the
/// write-ahead log that this one went on writing, and those writes were lost.
pub fn writable(file: &Path) -> BoxFuture<'static, Result<(), sqlx::Error>> {
    let checked = match may_write(file) {
        Ok(()) => Ok(()),
        // An in-memory database has no file.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(sqlx::Error::Io(error)),
    };
    futures_util::future::ready(checked).boxed()
}

#[cfg(unix)]
fn may_write(file: &Path) -> std::io::Result<()> {
    nix::unistd::access(file, nix::unistd::AccessFlags::W_OK).map_err(std::io::Error::from)
}

/// Windows locks belong to the handle that took them: closing this one leaves them alone.
#[cfg(not(unix))]
fn may_write(file: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().write(true).open(file).map(drop)
}

/// An `after_release` hook: answers whether the connection may be reused.
///
/// Every way into the broken state passes through a transaction that sqlx still counts
/// (one SQLite had rolled back by itself), so only a connection released while sqlx counts
/// one is probed: probing every release cost SQLite's reads about a quarter of their rate.
pub fn outside_transaction<C>(conn: &mut C, _: PoolConnectionMetadata) -> BoxFuture<'_, Result<bool, sqlx::Error>>
where
    C: Connection,
    for<'e> &'e mut C: Executor<'e>,
{
    async move {
        if !conn.is_in_transaction() {
            return Ok(true);
        }
        // The rollback a dropped transaction queued runs before the ping returns.
        conn.ping().await?;
        if conn.is_in_transaction() {
            return Ok(false);
        }
        // SQLite's own view, whatever sqlx counts: BEGIN fails inside a transaction.
        Ok(sqlx::raw_sql("BEGIN; ROLLBACK").execute(&mut *conn).await.is_ok())
    }
    .boxed()
}
