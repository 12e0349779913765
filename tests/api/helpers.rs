//! The harness: every test gets its own service, on its own port, over its own database
//! (a fresh SQLite file or a fresh PostgreSQL database), and talks to it over HTTP only.

use std::collections::HashSet;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aggregates::{Clock, SystemClock};
use chrono::{DateTime, SecondsFormat, Utc};
use event_manager::app::prune::prune;
use event_manager::config::{Config, EmailUrl};
use event_manager::networks::Network;
use event_manager::startup::{app_state, Application};
use event_manager::store::Store;
use projections::events::EventRow;
use projections::rebuild;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Every user in the tests has this password unless a test says otherwise.
pub const PASSWORD: &str = "correct horse battery staple";

/// The HS256 secret the service signs with in tests, so tests can forge and expire tokens.
pub const JWT_SECRET: &str = "event-manager-test-secret-0123456789abcdef";

/// At most this many PostgreSQL-backed services at once (each may hold 32 connections and
/// the server allows 100).
const POSTGRES_APPS_AT_ONCE: usize = 2;

/// Runs the async fn of the same name once on SQLite and once on PostgreSQL, as the tests
/// `<name>::sqlite` and `<name>::postgres` (a module and a function may share a name).
///
/// ```ignore
/// both_stores!(joining_twice_is_409);
/// async fn joining_twice_is_409(app: TestApp) { ... }
/// ```
macro_rules! both_stores {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
            async fn postgres() {
                super::$name($crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await).await;
            }
        }
    };
    // For a test that starts its service itself (after a server it needs): it gets the
    // `Backend` instead of the service.
    ($name:ident, backend) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}

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
        rebuild::rebuild(&store.event_log(), &store.read, &all, |_| {})
            .await
            .expect("rebuild runs")
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

/// Who a request is made as.
pub trait Auth {
    fn token(&self) -> Option<String>;
}

/// No `Authorization` header at all.
#[derive(Clone, Copy, Debug)]
pub struct Anon;

impl Auth for Anon {
    fn token(&self) -> Option<String> {
        None
    }
}

impl Auth for &TestUser {
    fn token(&self) -> Option<String> {
        Some(self.access.clone())
    }
}

impl Auth for &str {
    fn token(&self) -> Option<String> {
        Some((*self).to_owned())
    }
}

impl Auth for &String {
    fn token(&self) -> Option<String> {
        Some((*self).clone())
    }
}

/// A registered, logged-in user.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: String,
    pub username: String,
    pub access: String,
    pub refresh: String,
}

/// An answer: status, headers and the body as JSON (`Null` when empty, a string when not JSON).
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and hands back the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        self.body
    }

    /// Asserts an RFC 9457 problem with this status (and hands back the body).
    #[track_caller]
    pub fn problem(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        let content_type = self.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/problem+json"),
            "a {status} must be application/problem+json, got {content_type:?}; body: {}",
            self.body
        );
        assert_eq!(
            self.body["status"],
            json!(status),
            "a problem carries its status: {}",
            self.body
        );
        assert!(
            self.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "a problem carries a human detail: {}",
            self.body
        );
        self.body
    }

    /// Asserts a 400 whose `errors` name (at least) these fields.
    #[track_caller]
    pub fn invalid(self, fields: &[&str]) -> Value {
        let body = self.problem(400);
        let errors = body["errors"]
            .as_object()
            .unwrap_or_else(|| panic!("a 400 carries `errors`: {body}"));
        for field in fields {
            let messages = errors
                .get(*field)
                .unwrap_or_else(|| panic!("`errors` should name {field}: {body}"));
            assert!(
                messages
                    .as_array()
                    .is_some_and(|m| !m.is_empty() && m.iter().all(Value::is_string)),
                "errors.{field} should be a list of messages: {body}"
            );
        }
        body
    }

    /// The `ETag` header.
    #[track_caller]
    pub fn etag(&self) -> String {
        self.header("etag")
            .unwrap_or_else(|| panic!("no ETag; headers: {:?}", self.headers))
            .to_owned()
    }
}

/// The version an `ETag` carries (`"3"`, `W/"3"` or `3`).
pub fn etag_version(etag: &str) -> u64 {
    etag.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .unwrap_or_else(|_| panic!("ETag {etag:?} is not a version"))
}

/// An HTTP client bound to one running service; cheap to clone into tasks.
#[derive(Clone)]
pub struct Api {
    pub address: String,
    pub client: reqwest::Client,
}

impl Api {
    /// A client for the service at `address`, with keep-alive connections for storms.
    pub fn new(address: String) -> Self {
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        Self { address, client }
    }

    /// Waits until `/readyz` shows every projection caught up with the store. A restarted
    /// server projects in the background what the one before it committed and did not
    /// project; reads before that are behind, as the contract allows.
    pub async fn caught_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = self.get("/readyz", Anon).await;
            let behind: Vec<&Value> = ready.body["projections"]
                .as_array()
                .map(|lags| lags.iter().filter(|lag| lag["events"] != 0).collect())
                .unwrap_or_default();
            if ready.status == 200 && behind.is_empty() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the read models did not catch up within 30 s: {} {}",
                ready.status,
                ready.body
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{}", self.address, path)
        }
    }

    /// A request to customise (headers, raw bodies); send it with [`Api::send`].
    pub fn request(&self, method: Method, path: &str, auth: impl Auth) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match auth.token() {
            Some(token) => builder.header("authorization", format!("Bearer {token}")),
            None => builder,
        }
    }

    /// Sends it and reads the answer. A 500 fails the test wherever it happens.
    pub async fn send(&self, builder: RequestBuilder) -> Resp {
        let described = format!("{builder:?}");
        let answer = self.send_unchecked(builder).await;
        assert!(
            answer.status != 500,
            "the service answered 500: {}; request: {described}",
            answer.body
        );
        answer
    }

    /// Sends it and reads the answer, whatever it is.
    pub async fn send_unchecked(&self, builder: RequestBuilder) -> Resp {
        let described = format!("{builder:?}");
        self.try_send(builder).await.unwrap_or_else(|e| {
            let mut chain = format!("{e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                chain.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            panic!("request failed: {chain}; {described}")
        })
    }

    /// The answer, or the transport error (a server that died mid-request).
    pub async fn try_send(&self, builder: RequestBuilder) -> Result<Resp, reqwest::Error> {
        let response = builder.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok(Resp { status, headers, body })
    }

    pub async fn call(&self, method: Method, path: &str, auth: impl Auth, body: Option<Value>) -> Resp {
        let builder = self.request(method, path, auth);
        let builder = match body {
            Some(body) => builder.json(&body),
            None => builder,
        };
        self.send(builder).await
    }

    pub async fn get(&self, path: &str, auth: impl Auth) -> Resp {
        self.call(Method::GET, path, auth, None).await
    }

    pub async fn post(&self, path: &str, auth: impl Auth, body: Value) -> Resp {
        self.call(Method::POST, path, auth, Some(body)).await
    }

    pub async fn post_empty(&self, path: &str, auth: impl Auth) -> Resp {
        self.call(Method::POST, path, auth, None).await
    }

    pub async fn put(&self, path: &str, auth: impl Auth, body: Value) -> Resp {
        self.call(Method::PUT, path, auth, Some(body)).await
    }

    pub async fn patch(&self, path: &str, auth: impl Auth, body: Value) -> Resp {
        self.call(Method::PATCH, path, auth, Some(body)).await
    }

    pub async fn delete(&self, path: &str, auth: impl Auth) -> Resp {
        self.call(Method::DELETE, path, auth, None).await
    }

    // ---- users -------------------------------------------------------------------------

    pub async fn register_with(&self, body: Value) -> Resp {
        self.post("/api/auth/register", Anon, body).await
    }

    /// Registers `username` with [`PASSWORD`] (asserting 201) and answers the user.
    pub async fn register(&self, username: &str) -> Value {
        self.register_with(json!({
            "username": username,
            "email": format!("{}@example.com", username.to_lowercase()),
            "password": PASSWORD,
        }))
        .await
        .expect(201)
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/auth/login",
            Anon,
            json!({"username": username, "password": password}),
        )
        .await
    }

    /// Trades a refresh token for a new pair (`POST /api/auth/refresh`).
    pub async fn refresh(&self, token: impl serde::Serialize) -> Resp {
        self.post("/api/auth/refresh", Anon, json!({ "refresh": token })).await
    }

    /// Logs in (asserting 200) and answers the token pair.
    pub async fn tokens(&self, username: &str, password: &str) -> Value {
        self.login(username, password).await.expect(200)
    }

    /// Registers and logs in `username`.
    pub async fn user(&self, username: &str) -> TestUser {
        let registered = self.register(username).await;
        let tokens = self.tokens(username, PASSWORD).await;
        TestUser {
            id: registered["id"].as_str().expect("a user id").to_owned(),
            username: username.to_owned(),
            access: tokens["access"].as_str().expect("an access token").to_owned(),
            refresh: tokens["refresh"].as_str().expect("a refresh token").to_owned(),
        }
    }

    /// Registers and logs in a user of each of these names, one after the other.
    pub async fn named_users<const N: usize>(&self, names: [&str; N]) -> [TestUser; N] {
        let mut users = Vec::with_capacity(N);
        for name in names {
            users.push(self.user(name).await);
        }
        users.try_into().expect("one user per name")
    }

    /// `n` users named `{prefix}{i:03}`, registered and logged in concurrently, in order.
    pub async fn users(&self, prefix: &str, n: usize) -> Vec<TestUser> {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..n {
            let api = self.clone();
            let name = format!("{prefix}{i:03}");
            tasks.spawn(async move { (i, api.user(&name).await) });
        }
        let mut users: Vec<(usize, TestUser)> = tasks.join_all().await;
        users.sort_by_key(|(i, _)| *i);
        users.into_iter().map(|(_, u)| u).collect()
    }

    // ---- events ------------------------------------------------------------------------

    /// Creates an event as `user` (asserting 201) and answers it.
    pub async fn create_event(&self, user: &TestUser, body: Value) -> Value {
        self.post("/api/events", user, body).await.expect(201)
    }

    /// Creates an event from [`event_body`] with `overrides` on top.
    pub async fn event(&self, user: &TestUser, overrides: Value) -> Value {
        self.create_event(user, merge(event_body("Rust meetup"), overrides))
            .await
    }

    /// Creates an event from [`event_body`] with `overrides` on top and answers its id.
    pub async fn event_id(&self, user: &TestUser, overrides: Value) -> String {
        id_of(&self.event(user, overrides).await)
    }

    /// Has `users` join `event` one after the other, asserting 201 for each, and answers
    /// the memberships in the same order.
    pub async fn join_all<'a>(&self, event: &str, users: impl IntoIterator<Item = &'a TestUser>) -> Vec<Value> {
        let mut joined = Vec::new();
        for user in users {
            let answer = self.join(event, user).await;
            assert_eq!(answer.status, 201, "{} joining {event}: {}", user.username, answer.body);
            joined.push(answer.body);
        }
        joined
    }

    /// An event of `creator`'s from [`event_body`] with `overrides` on top, joined by `users`
    /// in order (see [`Api::join_all`]); answers its id.
    pub async fn event_joined_by<'a>(
        &self,
        creator: &TestUser,
        overrides: Value,
        users: impl IntoIterator<Item = &'a TestUser>,
    ) -> String {
        let id = self.event_id(creator, overrides).await;
        self.join_all(&id, users).await;
        id
    }

    /// An event of `creator`'s with one seat and the waitlist on, joined by `users` in order
    /// (the first takes the seat, the others queue at positions 1, 2, ...); answers its id.
    pub async fn waitlisted_event<'a>(
        &self,
        creator: &TestUser,
        users: impl IntoIterator<Item = &'a TestUser>,
    ) -> String {
        self.event_joined_by(creator, json!({"capacity": 1, "waitlist_enabled": true}), users)
            .await
    }

    pub async fn event_of(&self, id: &str, auth: impl Auth) -> Value {
        self.get(&format!("/api/events/{id}"), auth).await.expect(200)
    }

    pub async fn join(&self, event: &str, user: &TestUser) -> Resp {
        self.post_empty(&format!("/api/events/{event}/join"), user).await
    }

    pub async fn leave(&self, event: &str, user: &TestUser) -> Resp {
        self.delete(&format!("/api/events/{event}/exit"), user).await
    }

    pub async fn capacity(&self, event: &str) -> Value {
        self.get(&format!("/api/events/{event}/capacity"), Anon)
            .await
            .expect(200)
    }

    /// Every item of a paginated list, following `next` (page size 100).
    pub async fn all_pages(&self, path: &str, auth: impl Auth + Copy) -> Vec<Value> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{separator}page_size=100"));
        let mut items = Vec::new();
        let mut pages = 0;
        while let Some(url) = next {
            let page = self.get(&url, auth).await.expect(200);
            items.extend(page["results"].as_array().expect("a results list").iter().cloned());
            next = page["next"].as_str().map(str::to_owned);
            pages += 1;
            assert!(pages < 1000, "`next` never ends");
        }
        items
    }
}

// ---- values --------------------------------------------------------------------------------

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A whole-second UTC time `days` from now.
pub fn in_days(days: i64) -> String {
    rfc3339(Utc::now() + chrono::Duration::days(days))
}

pub fn parse_time(value: &Value) -> DateTime<Utc> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a timestamp string"));
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// The minimal valid event.
pub fn event_body(title: &str) -> Value {
    json!({"title": title, "start_time": in_days(7), "capacity": 10})
}

/// `base` with the keys of `overrides` set (a `null` override sets null; it does not remove).
pub fn merge(mut base: Value, overrides: Value) -> Value {
    if let (Some(base), Value::Object(overrides)) = (base.as_object_mut(), overrides) {
        for (key, value) in overrides {
            base.insert(key, value);
        }
    }
    base
}

pub fn id_of(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {value}"))
        .to_owned()
}

/// The `results` of a page.
#[track_caller]
pub fn results(page: &Value) -> &Vec<Value> {
    page["results"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {page}"))
}

/// The given field of every result of a page, as strings.
pub fn column(page: &Value, pointer: &str) -> Vec<String> {
    results(page)
        .iter()
        .map(|item| match item.pointer(pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => panic!("no {pointer} in {item}"),
        })
        .collect()
}

/// The `user.id` of every entry of a members or waitlist listing, in order.
pub fn user_ids(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| {
            entry["user"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no user id in {entry}"))
                .to_owned()
        })
        .collect()
}

pub fn assert_unique(items: &[String]) {
    let set: HashSet<&String> = items.iter().collect();
    assert_eq!(set.len(), items.len(), "duplicates in {items:?}");
}

/// base64url without padding (for hand-made JWTs).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// An HS256 JWT over `claims` signed with `secret`.
pub fn sign(claims: &Value, secret: &str) -> String {
    event_manager::accounts::install_jwt_crypto();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signing a token")
}

/// Claims like the service's own for `user_id`, expiring `exp_in_seconds` from now.
pub fn claims(user_id: &str, exp_in_seconds: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({"sub": user_id, "jti": Uuid::new_v4().simple().to_string(), "iat": now, "exp": now + exp_in_seconds})
}
