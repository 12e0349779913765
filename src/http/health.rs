//! Liveness and readiness, and the answers for paths and methods that do not exist.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;
use super::lag::{projection_lag, Lag};
use crate::state::AppState;
use crate::store::probe_write;

/// How long readiness waits for the store before calling it unavailable.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// Read models further behind than this are not ready: reads would be stale.
const MAX_LAG_SECONDS: f64 = 30.0;

/// The process runs.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process runs")))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn healthz() -> StatusCode {
    StatusCode::OK
}

/// What readiness found.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    status: &'static str,
    projections: Vec<Lag>,
}

/// Ready: the store takes a write and answers, and every projection is within 30 s of the
/// newest event.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "the store does not take a write or answer, or the read models lag behind"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Readiness>, ApiError> {
    let checks = async {
        probe_write(&state.store.read).await?;
        projection_lag(&state.store).await
    };
    let projections = tokio::time::timeout(STORE_TIMEOUT, checks)
        .await
        .map_err(|_| ApiError::Unavailable("the store did not answer in time"))?
        .map_err(|error| {
            tracing::warn!(%error, "readiness: the store failed");
            ApiError::Unavailable("the store is unavailable")
        })?;
    if projections.iter().any(|lag| lag.seconds > MAX_LAG_SECONDS) {
        return Err(ApiError::Unavailable(
            "the read models are more than 30 s behind the event store",
        ));
    }
    Ok(Json(Readiness {
        status: "ready",
        projections,
    }))
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such resource")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
