//! The creator's activity log and an event's raw history.

use axum::extract::State;
use axum::Json;
use projections::activity::{self, LogFilter, LOG_TYPES};
use projections::events;
use serde_json::{json, Value};
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{AuthUser, Id};
use super::query::Params;
use super::wire::{at, LogBody};
use crate::state::AppState;

/// An event that ever existed (deleted ones too), if the caller created it: 404, then 403.
async fn check_creator(state: &AppState, id: Uuid, user: &AuthUser) -> Result<(), ApiError> {
    match events::creator_of(&state.store.read, id).await? {
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
) -> Result<Json<Value>, ApiError> {
    let page = params.page();
    let event_id = event_id.or_else(|| {
        params.parse("event_id", |raw| {
            Uuid::parse_str(raw).map_err(|_| "must be a UUID".to_owned())
        })
    });
    let kind = params.parse("type", |raw| {
        LOG_TYPES
            .contains(&raw)
            .then(|| raw.to_owned())
            .ok_or_else(|| format!("\"{raw}\" is not a valid log type"))
    });
    params.finish()?;
    let filter = LogFilter {
        creator_id: user.id,
        event_id,
        kind,
    };
    let rows = activity::list(&state.store.read, &filter, page).await?;
    Ok(Json(params.envelope(page, rows.map(LogBody::from))))
}

pub async fn all(State(state): State<AppState>, user: AuthUser, mut params: Params) -> Result<Json<Value>, ApiError> {
    respond(&state, &user, None, &mut params).await
}

pub async fn of_event(
    State(state): State<AppState>,
    user: AuthUser,
    Id(id): Id,
    mut params: Params,
) -> Result<Json<Value>, ApiError> {
    check_creator(&state, id, &user).await?;
    respond(&state, &user, Some(id), &mut params).await
}

pub async fn history(
    State(state): State<AppState>,
    user: AuthUser,
    Id(id): Id,
    mut params: Params,
) -> Result<Json<Value>, ApiError> {
    check_creator(&state, id, &user).await?;
    let page = params.page();
    params.finish()?;
    let rows = state.event_log.history(id, page).await?;
    Ok(Json(params.envelope(
        page,
        rows.map(|row| {
            json!({
                "sequence": row.sequence,
                "event_type": row.event_type,
                "event_version": row.event_version.parse::<i64>().map_or_else(|_| json!(row.event_version), |v| json!(v)),
                "payload": row.payload,
                "metadata": row.metadata,
                "recorded_at": at(row.recorded_at),
            })
        }),
    )))
}
