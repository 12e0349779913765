//! Builds the application from its configuration; `main` and the tests both start here.

use std::sync::Arc;

use aggregates::{Clock, SystemClock};
use projections::Projector;
use tokio::net::TcpListener;
use tower::util::MapRequestLayer;
use tower::Layer;
use tower_http::normalize_path::NormalizePathLayer;
use tracing_subscriber::EnvFilter;

use crate::accounts::{CalendarTokens, Passwords, Tokens, Users};
use crate::box_error::BoxError;
use crate::categories::Categories;
use crate::commands::{Closing, Commands};
use crate::config::Config;
use crate::email::SenderSettings;
use crate::email::{Mailer, SenderTask};
use crate::guests::{GuestLinks, Guests};
use crate::http::serve::{serve, ConnectionLimits};
use crate::http::{ics_paths, recorder, router, HttpSettings};
use crate::idempotency::IdempotencyKeys;
use crate::live::{Feed, Notices};
use crate::services::event_services;
use crate::state::AppState;
use crate::store::{patiently, Store};
use crate::throttle::CreationThrottle;

pub struct Application {
    listener: TcpListener,
    state: AppState,
    settings: HttpSettings,
    limits: ConnectionLimits,
    /// The email sender, unless email is off.
    email: Option<SenderTask>,
}

impl Application {
    /// Connects to the store, applies migrations, starts the projector and binds the port.
    pub async fn build(config: Config) -> Result<Self, BoxError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// The same, on a clock of the caller's (tests travel in time with it).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Self, BoxError> {
        let mut settings = HttpSettings::from_config(&config)?;
        if config.header_timeout.is_zero() {
            return Err("HEADER_TIMEOUT must be more than 0: every connection would be cut off".into());
        }
        let state = app_state(&config, clock).await?;
        crate::app::reminders::spawn(state.clone());
        let listener = TcpListener::bind(config.bind).await?;
        settings.listening_on(listener.local_addr()?);
        let email = state.mailer.spawn(
            &state.store,
            state.guests.links(),
            state.commands.projector().applied(),
            SenderSettings {
                public_url: settings.public_origin.0.clone(),
                backoff: config.email_retry_backoff,
                poll: config.email_poll_interval,
            },
        );
        let limits = ConnectionLimits {
            header_timeout: config.header_timeout,
            max_connections: config.max_connections as usize,
        };
        Ok(Self {
            listener,
            state,
            settings,
            limits,
            email,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Trailing slashes are trimmed before routing: `/api/events/` is `/api/events`.
        let app = MapRequestLayer::new(ics_paths).layer(router(self.state, &self.settings));
        let app = NormalizePathLayer::trim_trailing_slash().layer(app);
        let served = serve(self.listener, app, self.limits, shutdown_signal()).await;
        if let Some(email) = self.email {
            email.stop().await;
        }
        served
    }
}

/// Log lines go to standard output, filtered by `RUST_LOG` (default `info`), as text or, with
/// `LOG_FORMAT=json`, one JSON object per line.
pub fn init_tracing(config: &Config) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_format == "json" {
        logs.json().init();
    } else {
        logs.init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        () = terminate => {},
    }
}

/// Everything the service runs on: the store (migrated), the projector (started), commands,
/// accounts. `serve` puts HTTP in front of it; the maintenance commands use it directly.
pub async fn app_state(config: &Config, clock: Arc<dyn Clock>) -> Result<AppState, BoxError> {
    let patience = config.startup_timeout;
    let store = patiently(patience, "opening the store", || open_store(config)).await?;
    let projector = Projector::new(store.event_log(), store.read.clone());
    let handle = projector.handle();
    tokio::spawn(projector.run());
    let users = Users::new(store.read.clone());
    let closing: Closing = {
        let users = users.clone();
        Arc::new(move |id| {
            let users = users.clone();
            Box::pin(async move { users.is_closing(id).await })
        })
    };
    let commands = Commands::new(
        store.aggregates(),
        event_services(clock.clone()),
        handle.clone(),
        closing,
    );
    let tokens = patiently(patience, "loading the token secret", || {
        Tokens::load(
            store.read.clone(),
            config.jwt_secret.as_ref(),
            config.access_token_ttl,
            config.refresh_token_ttl,
        )
    })
    .await?;
    let event_log = Arc::new(store.event_log());
    let feed = patiently(patience, "starting the feed", || {
        Feed::start(Arc::clone(&event_log), &store.read, handle.clone())
    })
    .await?;
    let notices = patiently(patience, "starting notifications", || {
        Notices::start(store.read.clone(), handle.clone())
    })
    .await?;
    let links = GuestLinks::new(&tokens.derive_key(GuestLinks::KEY_PURPOSE));
    let guests = Guests::new(links, commands.clone(), store.read.clone(), clock.clone());
    let state = AppState {
        event_log,
        feed,
        notices,
        users,
        categories: Categories::new(store.read.clone()),
        calendar_tokens: CalendarTokens::new(store.read.clone()),
        idempotency: IdempotencyKeys::new(store.read.clone()),
        store,
        commands,
        tokens,
        passwords: Passwords::new(),
        clock,
        throttle: Arc::new(CreationThrottle::new(config.events_per_day)),
        organizers_only: config.organizers_only,
        guests,
        trusted_proxies: config.trusted_proxies.iter().copied().collect(),
        metrics: recorder(),
        mailer: Mailer::from_config(config)?,
    };
    spawn_heartbeat(state.idempotency.clone());
    Ok(state)
}

/// The store, connected and migrated.
async fn open_store(config: &Config) -> Result<Store, BoxError> {
    let store = Store::connect_with(&config.database_url, config.pools()).await?;
    store.migrate().await?;
    Ok(store)
}

/// Says every few seconds that this process is alive, for the claims it holds.
fn spawn_heartbeat(keys: IdempotencyKeys) {
    tokio::spawn(async move {
        if let Err(error) = keys.forget_silent().await {
            tracing::warn!(%error, "could not forget silent processes");
        }
        let mut beat = tokio::time::interval(crate::idempotency::HEARTBEAT);
        loop {
            beat.tick().await;
            if let Err(error) = keys.heartbeat().await {
                tracing::warn!(%error, "could not say this process is alive");
            }
        }
    });
}
