//! Storage wiring: the event store and the read-model pool, on SQLite or PostgreSQL.

mod aggregate_events;
mod aggregate_store;
mod append;
mod event_log;
mod migrations;
mod outage;
mod patience;
mod recycle;
mod writable;
mod write_tx;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AnyPool, Executor, PgPool, SqlitePool};

pub use aggregate_store::{AggregateStore, AnswerFn, Committed, Submission, Versioned};
pub use append::AnswerRecord;
pub use event_log::{EventLog, HistoryRow};
pub use outage::is_outage;
pub use patience::patiently;
pub use writable::probe_write;
pub use write_tx::{begin_write, begin_write_locked};

/// How the pools are sized: connections in each, and how long a request waits for one
/// before it is answered 503.
#[derive(Debug, Clone, Copy)]
pub struct Pools {
    pub size: u32,
    pub acquire_timeout: Duration,
}

impl Default for Pools {
    fn default() -> Self {
        Self {
            size: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// SQLite lets one writer in at a time: more connections to its file only wait longer.
const SQLITE_STORE_CONNECTIONS: u32 = 8;

/// The backend's own pool, used by the event store and its readers.
#[derive(Clone, Debug)]
pub enum Backend {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Everything the service keeps: the event store and, through `read`, the read models and
/// accounts (one SQL dialect for both backends).
#[derive(Clone, Debug)]
pub struct Store {
    pub backend: Backend,
    pub read: AnyPool,
    /// The read models for searches anyone may send (the event listing): a quarter of the
    /// read side's connections, cut from `read`, since 40 deep searches held every
    /// connection and a plain `GET /api/events/{id}` waited out its acquire timeout (503).
    pub listing: AnyPool,
}

/// How long one listing may keep the database busy before it is answered 503.
pub const LISTING_BUDGET: Duration = Duration::from_secs(3);

impl Store {
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        Self::connect_with(url, Pools::default()).await
    }

    pub async fn connect_with(url: &str, pools: Pools) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(pools.size)
                .acquire_timeout(pools.acquire_timeout)
                .connect_with(options)
                .await?;
            Backend::Postgres(pool)
        } else {
            Backend::Sqlite(connect_sqlite(url, pools).await?)
        };
        let listing_size = (pools.size / 4).max(1);
        let read = read_pool(&backend, pools.size.saturating_sub(listing_size).max(1), &pools, None)
            .connect(url)
            .await?;
        let listing = read_pool(&backend, listing_size, &pools, Some(LISTING_BUDGET))
            .connect(url)
            .await?;
        Ok(Self { backend, read, listing })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.backend {
            Backend::Postgres(pool) => migrations::POSTGRES.migrator().await?.run(pool).await,
            Backend::Sqlite(pool) => migrations::SQLITE.migrator().await?.run(pool).await,
        }
    }

    /// The store of `Event` aggregates, kept in memory between commands.
    pub fn aggregates<A>(&self) -> AggregateStore<A>
    where
        A: cqrs_es::Aggregate + Versioned,
        A::Command: Clone,
    {
        AggregateStore::new(self.backend.clone(), aggregates::upcasters())
    }

    pub fn event_log(&self) -> EventLog {
        EventLog(self.backend.clone())
    }

    /// Closes every connection, waiting for each: a command that exits with connections
    /// still open leaves SQLite's last-user work (its checkpoint) undone.
    pub async fn close(&self) {
        self.listing.close().await;
        self.read.close().await;
        match &self.backend {
            Backend::Postgres(pool) => pool.close().await,
            Backend::Sqlite(pool) => pool.close().await,
        }
    }
}

/// Options of a pool of `size` over the read models, as `backend` needs them. PostgreSQL
/// cancels a statement that outlasts `budget` itself; SQLite has no such setting, and the
/// caller's deadline stops reading its rows.
fn read_pool(backend: &Backend, size: u32, pools: &Pools, budget: Option<Duration>) -> AnyPoolOptions {
    let read = AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(pools.acquire_timeout);
    match backend {
        Backend::Sqlite(pool) => {
            let file = pool.connect_options().get_filename().to_owned();
            read.after_connect(move |_, _| recycle::writable(&file))
                .after_release(recycle::outside_transaction)
        }
        Backend::Postgres(_) => {
            // What the projector's literal scripts rely on (the default, but a role may
            // change it).
            let mut settings = vec!["SET standard_conforming_strings = on".to_owned()];
            settings.extend(budget.map(|budget| format!("SET statement_timeout = {}", budget.as_millis())));
            read.after_connect(move |conn, _| {
                let settings = settings.clone();
                Box::pin(async move {
                    for setting in &settings {
                        // `Executor::execute` on a `&str`: `sqlx::query` here is not `Send`
                        // for every lifetime the pool's hook asks for.
                        Executor::execute(&mut *conn, setting.as_str()).await?;
                    }
                    Ok(())
                })
            })
        }
    }
}

async fn connect_sqlite(url: &str, pools: Pools) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    if let Some(dir) = Path::new(options.get_filename()).parent() {
        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
    }
    let file = options.get_filename().to_owned();
    SqlitePoolOptions::new()
        .max_connections(pools.size.min(SQLITE_STORE_CONNECTIONS))
        .acquire_timeout(pools.acquire_timeout)
        .after_connect(move |_, _| recycle::writable(&file))
        .after_release(recycle::outside_transaction)
        .connect_with(options)
        .await
}
