//! Storage wiring: the event store (sqlite-es or postgres-es) and the read-model pool.

mod aggregate_store;
mod append;
mod event_log;
mod outage;
mod recycle;
mod repository;
mod writable;
mod write_tx;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AnyPool, PgPool, SqlitePool};

pub use aggregate_store::{AggregateStore, AnswerFn, Committed, Submission, Versioned};
pub use append::AnswerRecord;
pub use event_log::{EventLog, HistoryRow};
pub use outage::is_outage;
pub use repository::Repository;
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
}

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
        let read = AnyPoolOptions::new()
            .max_connections(pools.size)
            .acquire_timeout(pools.acquire_timeout);
        let read = match &backend {
            Backend::Sqlite(pool) => {
                let file = pool.connect_options().get_filename().to_owned();
                read.after_connect(move |_, _| recycle::writable(&file))
                    .after_release(recycle::outside_transaction)
            }
            // What the projector's literal scripts rely on (the default, but a role may
            // change it).
            Backend::Postgres(_) => read.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("SET standard_conforming_strings = on")
                        .execute(conn)
                        .await?;
                    Ok(())
                })
            }),
        };
        let read = read.connect(url).await?;
        Ok(Self { backend, read })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.backend {
            Backend::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
            Backend::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await,
        }
    }

    pub fn repository(&self) -> Repository {
        match &self.backend {
            Backend::Postgres(pool) => Repository::Postgres(postgres_es::PostgresEventRepository::new(pool.clone())),
            Backend::Sqlite(pool) => Repository::Sqlite(sqlite_es::SqliteEventRepository::new(pool.clone())),
        }
    }

    /// The store of `Event` aggregates, kept in memory between commands.
    pub fn aggregates<A>(&self) -> AggregateStore<A>
    where
        A: cqrs_es::Aggregate + Versioned,
        A::Command: Clone,
    {
        AggregateStore::new(self.repository(), self.backend.clone(), aggregates::upcasters())
    }

    pub fn event_log(&self) -> EventLog {
        EventLog(self.backend.clone())
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
