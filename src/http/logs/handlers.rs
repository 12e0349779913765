//! The creator's activity log and an event's raw history.

use axum::extract::State;
use axum::Json;
use projections::activity::{self, LogFilter};
use projections::events;
use uuid::Uuid;

use super::json::{HistoryBody, LogBody};
use super::requests::LogPath;
use super::requests::{LogEventFilter, LogTypeFilter};
use crate::http::error::ApiError;
use crate::http::extract::AuthUser;
use crate::http::paths::EventPath;
use crate::http::query::{PageBody, Params};
use crate::state::AppState;

/// An event that ever existed (deleted ones too), if the caller created it: 404 (also for
/// a private event the caller may not see), then 403.
async fn check_creator(state: &AppState, id: Uuid, user: &AuthUser) -> Result<(), ApiError> {
    match events::creator_of(&state.store.read, id, user.viewer().0).await? {
        None => Err(ApiError::NotFound("event not found")),
        Some(creator) if creator != user.id => {
            Err(ApiError::Forbidden("only the creator of the event may see its log"))
        }
        Some(_) => Ok(()),
    }
}

async fn respond(
    state: &AppState,
    user: &AuthUser,
    event_id: Option<Uuid>,
    params: &mut Params,
) -> Result<Json<PageBody<LogBody>>, ApiError> {
    let page = params.page()?;
    let event_id = match event_id {
        Some(id) => Some(id),
        None => params.read::<LogEventFilter>()?,
    };
    let kind = params.read::<LogTypeFilter>()?;
    params.finish()?;
    let filter = LogFilter {
        creator_id: user.id,
        event_id,
        kind,
    };
    let rows = activity::list(&state.store.read, &filter, page).await?;
    Ok(Json(params.envelope(page, rows.map(LogBody::from))))
}

/// The log of every event the caller created (deleted ones included), newest first.
#[utoipa::path(get, path = "/logs", tag = "logs", security(("bearer" = [])),
    params(super::requests::LogEventFilter, super::requests::LogTypeFilter, crate::http::query::Pagination),
    responses((status = 200, description = "A page of log entries", body = PageBody<LogBody>)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn all(
    State(state): State<AppState>,
    user: AuthUser,
    mut params: Params,
) -> Result<Json<PageBody<LogBody>>, ApiError> {
    respond(&state, &user, None, &mut params).await
}

/// One event's log, newest first, also after the event was deleted (creator only).
#[utoipa::path(get, path = "/logs/{event_id}", tag = "logs", security(("bearer" = [])),
    params(super::requests::LogPath, super::requests::LogTypeFilter, crate::http::query::Pagination),
    responses(
        (status = 200, description = "A page of log entries", body = PageBody<LogBody>),
        (status = 403, description = "only the creator may see the event's log"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn of_event(
    State(state): State<AppState>,
    user: AuthUser,
    LogPath { event_id: id }: LogPath,
    mut params: Params,
) -> Result<Json<PageBody<LogBody>>, ApiError> {
    check_creator(&state, id, &user).await?;
    respond(&state, &user, Some(id), &mut params).await
}

/// An event's raw domain events, oldest first, also after it was deleted (creator only).
#[utoipa::path(get, path = "/events/{id}/history", tag = "logs", security(("bearer" = [])),
    params(crate::http::paths::EventPath, crate::http::query::Pagination),
    responses(
        (status = 200, description = "A page of domain events", body = PageBody<HistoryBody>),
        (status = 403, description = "only the creator may see the event's history"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn history(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    mut params: Params,
) -> Result<Json<PageBody<HistoryBody>>, ApiError> {
    check_creator(&state, id, &user).await?;
    let page = params.page()?;
    params.finish()?;
    let rows = state.event_log.history(id, page).await?;
    Ok(Json(params.envelope(page, rows.map(HistoryBody::from))))
}
