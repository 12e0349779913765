use std::sync::Arc;

use aggregates::Clock;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::accounts::{CalendarTokens, Passwords, Tokens, Users};
use crate::categories::Categories;
use crate::commands::Commands;
use crate::email::Mailer;
use crate::guests::Guests;
use crate::idempotency::IdempotencyKeys;
use crate::live::{Feed, Notices};
use crate::networks::Network;
use crate::store::{EventLog, Store};
use crate::throttle::CreationThrottle;

/// What every handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub event_log: Arc<EventLog>,
    pub commands: Commands,
    pub users: Users,
    pub categories: Categories,
    pub tokens: Tokens,
    pub calendar_tokens: CalendarTokens,
    pub passwords: Passwords,
    pub clock: Arc<dyn Clock>,
    pub throttle: Arc<CreationThrottle>,
    pub idempotency: IdempotencyKeys,
    /// `ORGANIZERS_ONLY`: only organizers may create events.
    pub organizers_only: bool,
    /// The change feed's shared reader of the store.
    pub feed: Arc<Feed>,
    /// The live push of new notifications.
    pub notices: Arc<Notices>,
    /// Guest registration, and the tokens of guests' links.
    pub guests: Guests,
    /// `TRUSTED_PROXIES`: whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[Network]>,
    /// Whether and how mail is sent (`EMAIL_URL`, `EMAIL_FROM`).
    pub mailer: Mailer,
    /// Renders the process's metrics for `GET /metrics`.
    pub metrics: PrometheusHandle,
}
