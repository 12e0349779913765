//! The service under test: its settings, its database, and its start, restart and teardown.

use std::collections::BTreeSet;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aggregates::{Clock, SystemClock};
use chrono::{DateTime, Utc};
use event_manager::app::prune::prune;
use event_manager::config::{Config, EmailUrl};
use event_manager::networks::Network;
use event_manager::startup::{app_state, Application};
use event_manager::store::Store;
use projections::events::EventRow;
use projections::rebuild;
use sqlx::{Connection, PgConnection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::auth::JWT_SECRET;
use super::client::Api;

/// At most this many PostgreSQL-backed services at once (each may hold 32 connections and
/// the server allows 100).
const POSTGRES_APPS_AT_ONCE: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What to throw away when the test ends.
enum Database {
    Sqlite { dir: PathBuf },
    Postgres { admin_url: String, name: String },
}

/// How a test's service differs from `serve` with no configuration.
#[derive(Clone)]
pub struct Settings {
    /// No limit unless a test asks for one: many tests create more than five events.
    pub events_per_day: u32,
    pub clock: Arc<dyn Clock>,
    /// `ORGANIZERS_ONLY`.
    pub organizers_only: bool,
    /// `TRUSTED_PROXIES`.
    pub trusted_proxies: Vec<Network>,
    /// `EMAIL_URL`; `None` is the default, `console`.
    pub email_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            events_per_day: 0,
            clock: Arc::new(SystemClock),
            organizers_only: false,
            trusted_proxies: Vec::new(),
            email_url: None,
        }
    }
}

impl Settings {
    /// A service that mails through `email_url` (`smtp://…`, `none`, …).
    pub fn mailing(email_url: impl Into<String>) -> Self {
        Self {
            email_url: Some(email_url.into()),
            ..Self::default()
        }
    }

    pub fn throttled(events_per_day: u32) -> Self {
        Self {
            events_per_day,
            ..Self::default()
        }
    }

    /// A service whose clock shows `time` now, and runs on from there.
    pub fn at(time: DateTime<Utc>) -> Self {
        Self {
            clock: Arc::new(ShiftedClock(time - Utc::now())),
            ..Self::default()
        }
    }
}

struct ShiftedClock(chrono::Duration);

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.0
    }
}

/// A running service over a database of its own. Derefs to [`Api`], the HTTP client.
pub struct TestApp {
    pub api: Api,
    pub backend: Backend,
    database_url: String,
    server: JoinHandle<()>,
    database: Database,
    _permit: Option<OwnedSemaphorePermit>,
}

impl Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

fn postgres_slots() -> Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS
        .get_or_init(|| Arc::new(Semaphore::new(POSTGRES_APPS_AT_ONCE)))
        .clone()
}

/// `postgres://u@h:p/db?x` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

fn config(url: &str, settings: &Settings) -> Config {
    let mut config = Config::for_database(url);
    config.bind = "127.0.0.1:0".parse().expect("a valid address");
    config.jwt_secret = Some(JWT_SECRET.parse().expect("a long enough secret"));
    config.events_per_day = settings.events_per_day;
    config.organizers_only = settings.organizers_only;
    config.trusted_proxies = settings.trusted_proxies.clone();
    if let Some(url) = &settings.email_url {
        config.email_url = EmailUrl::parse(url).expect("a valid EMAIL_URL");
        // Retries within a test's patience.
        config.email_poll_interval = EMAIL_POLL_INTERVAL;
        config.email_retry_backoff = Duration::from_millis(500);
    }
    config
}

/// How often the tests' services look for due mail (`EMAIL_POLL_INTERVAL`).
pub const EMAIL_POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Starts the service over `url`; answers its task and its address.
async fn serve(url: &str, settings: Settings) -> (JoinHandle<()>, String) {
    let application = Application::build_with_clock(config(url, &settings), settings.clock)
        .await
        .expect("the service starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let server = tokio::spawn(async move {
        let _ = application.run_until_stopped().await;
    });
    (server, address)
}

impl TestApp {
    /// Starts a service over a fresh database. A PostgreSQL test without `TEST_DATABASE_URL`
    /// fails: it is compiled as ignored unless the variable (or `CI`) was set at build time.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Settings::default()).await
    }

    /// The same, with `settings`.
    pub async fn spawn_with(backend: Backend, settings: Settings) -> TestApp {
        let (url, database, permit) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("em-test-{}", Uuid::new_v4()));
                std::fs::create_dir_all(&dir).expect("creating the test directory");
                let url = format!("sqlite:{}", dir.join("db.sqlite").display());
                (url, Database::Sqlite { dir }, None)
            }
            Backend::Postgres => {
                let admin_url = std::env::var("TEST_DATABASE_URL")
                    .expect("PostgreSQL tests need TEST_DATABASE_URL (under CI they must run)");
                let permit = postgres_slots()
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                let name = format!("em_test_{}", Uuid::new_v4().simple());
                let mut admin = PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("connecting to TEST_DATABASE_URL ({admin_url}): {e}"));
                sqlx::raw_sql(&format!(r#"CREATE DATABASE "{name}""#))
                    .execute(&mut admin)
                    .await
                    .expect("creating the test database");
                let _ = admin.close().await;
                (
                    with_database(&admin_url, &name),
                    Database::Postgres { admin_url, name },
                    Some(permit),
                )
            }
        };

        let (server, address) = serve(&url, settings).await;
        let app = TestApp {
            api: Api::new(address),
            backend,
            database_url: url,
            server,
            database,
            _permit: permit,
        };
        app.wait_until_healthy().await;
        app
    }

    /// Stops the service and starts it again over the same database, with `settings`.
    pub async fn restart(&mut self, settings: Settings) {
        self.server.abort();
        let (server, address) = serve(&self.database_url, settings).await;
        self.server = server;
        self.api.address = address;
        self.wait_until_healthy().await;
    }

    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Compares every read model with a rebuild from the store, as `verify` does, and
    /// asserts they are equal.
    pub async fn assert_verified(&self) {
        let differences = self.differences().await;
        let shown: Vec<String> = differences.iter().take(20).map(ToString::to_string).collect();
        assert!(
            differences.is_empty(),
            "{} differences between the read models and a rebuild:\n{}",
            differences.len(),
            shown.join("\n")
        );
    }

    /// What `verify` finds.
    pub async fn differences(&self) -> Vec<rebuild::Difference> {
        let store = Store::connect(&self.database_url).await.expect("the store opens");
        let all = rebuild::select(None).expect("every projection");
        rebuild::verify(&store.event_log(), &store.read, &all)
            .await
            .expect("verify runs")
    }

    /// Runs `rebuild` against the service's database, as the command does; answers how many
    /// events it replayed.
    pub async fn rebuild(&self) -> u64 {
        let store = Store::connect(&self.database_url).await.expect("the store opens");
        let all = rebuild::select(None).expect("every projection");
        rebuild::rebuild(&store.event_log(), &store.read, &all, |_, _| {})
            .await
            .expect("rebuild runs")
            .events
    }

    /// The database's tables, indexes, keys and triggers, one definition per line, sorted.
    /// A SQLite file must pass `PRAGMA integrity_check` first, which checks every index
    /// against its table. SQLite quotes a table's name in its definition or not depending
    /// on how it was last renamed; the quotes are left out.
    pub async fn schema(&self) -> BTreeSet<String> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT type || ' ' || name || ' on ' || tbl_name || ': '
                                       || replace(coalesce(sql, '(key)'), '\"', '')
                                  FROM sqlite_master",
            Backend::Postgres => "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
                                  UNION ALL
                                  SELECT conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid)
                                    FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
                                  UNION ALL
                                  SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal",
        };
        let store = Store::connect(&self.database_url).await.expect("the store opens");
        if self.backend == Backend::Sqlite {
            let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&store.read)
                .await
                .expect("the check runs");
            assert_eq!(integrity, ["ok"]);
        }
        let schema: Vec<String> = sqlx::query_scalar(sql)
            .fetch_all(&store.read)
            .await
            .expect("the schema is read");
        schema.into_iter().collect()
    }

    /// Runs a statement on the service's database behind its back.
    pub async fn execute_sql(&self, sql: &str) {
        let store = Store::connect(&self.database_url).await.expect("the store opens");
        sqlx::query(sql).execute(&store.read).await.expect("the statement runs");
    }

    /// Runs `user promote USERNAME --admin` against the service's database, as the command does.
    pub async fn make_admin(&self, username: &str) {
        event_manager::maintenance::promote(&self.database_url, username, true, false)
            .await
            .expect("the user is promoted");
    }

    /// Runs `prune --older-than age` against the service's database, as the command does.
    pub async fn prune(&self, age: chrono::Duration) -> Vec<EventRow> {
        let state = app_state(&config(&self.database_url, &Settings::default()), Arc::new(SystemClock))
            .await
            .expect("the maintenance state starts");
        prune(&state, Utc::now() - age).await.expect("prune runs")
    }

    /// Runs the reminder job once against the service's database, as another instance whose
    /// clock shows `at`; answers the events it reminded.
    pub async fn remind(&self, at: DateTime<Utc>) -> Vec<Uuid> {
        let settings = Settings::at(at);
        let state = app_state(&config(&self.database_url, &settings), settings.clock)
            .await
            .expect("the instance starts");
        event_manager::app::reminders::remind_due(&state)
            .await
            .expect("the reminder job runs")
    }

    async fn wait_until_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let answer = self.client.get(self.url("/healthz")).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the service did not become healthy within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        match &self.database {
            Database::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Database::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop may run inside the test's runtime (or while unwinding from a panic):
                // a thread of our own with a small runtime of its own can always block.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                    runtime.block_on(async move {
                        let mut admin = PgConnection::connect(&admin_url).await?;
                        sqlx::raw_sql(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
                            .execute(&mut admin)
                            .await?;
                        admin.close().await
                    })?;
                    Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
                })
                .join();
                if let Ok(Err(e)) = dropped {
                    eprintln!("warning: could not drop the test database: {e}");
                }
            }
        }
    }
}
