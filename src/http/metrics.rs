//! `GET /metrics`: Prometheus text from the `metrics` facade. HTTP requests are counted and
//! timed here; commands and appended events in `commands.rs`; projection lag is read from
//! the store at each scrape.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::health::STORE_TIMEOUT;
use super::lag::projection_lag;
use crate::state::AppState;

const REQUEST_DURATION: &str = "http_request_duration_seconds";

/// Latency buckets from 5 ms to 10 s (the read-your-writes wait is bounded at 10 s).
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// How often histograms are folded and idle series dropped between scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// The process's recorder. The `metrics` facade has one global recorder per process, so
/// every service in it (the tests start many) shares this one.
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.to_owned()), &BUCKETS)
                .expect("the buckets are not empty")
                .install_recorder()
                .expect("no other metrics recorder is installed in this process");
            let upkeep = handle.clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(UPKEEP);
                upkeep.run_upkeep();
            });
            handle
        })
        .clone()
}

/// Counts and times every request by method, route template and status.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!(REQUEST_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// The metrics in Prometheus' text format.
///
/// `http_requests_total` and `http_request_duration_seconds` (by `method`, `route`,
/// `status`), `commands_total` (by `aggregate`, `outcome`: `ok`, `rejected`,
/// `conflict_retried`), `events_appended_total`, `projection_lag_events` and
/// `projection_lag_seconds` (by `projection`), and email: `emails_sent_total`,
/// `emails_failed_total` (given up after 24 hours), `emails_skipped_total` (the account
/// was deleted or the user turned that kind off), `emails_retried_total` (failed attempts
/// tried again later) and `email_outbox_depth` (messages waiting).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(STORE_TIMEOUT, projection_lag(&state.store)).await {
        Ok(Ok(lags)) => {
            for lag in lags {
                metrics::gauge!("projection_lag_events", "projection" => lag.projection.clone()).set(lag.events as f64);
                metrics::gauge!("projection_lag_seconds", "projection" => lag.projection).set(lag.seconds);
            }
        }
        Ok(Err(error)) => tracing::warn!(%error, "metrics: projection lag unavailable"),
        Err(_) => tracing::warn!("metrics: projection lag timed out"),
    }
    match tokio::time::timeout(STORE_TIMEOUT, crate::email::depth(&state.store.read)).await {
        Ok(Ok(depth)) => metrics::gauge!("email_outbox_depth").set(depth as f64),
        Ok(Err(error)) => tracing::warn!(%error, "metrics: email outbox depth unavailable"),
        Err(_) => tracing::warn!("metrics: email outbox depth timed out"),
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(),
    )
}
