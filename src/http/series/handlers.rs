//! `/api/series/{id}`: recurring events. A series is a set of ordinary events (each its own
//! capacity, members and log) that share a `series_id`; a series change is one command per
//! future occurrence.

use std::mem::take;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use projections::events::{self, EventRow};
use projections::Page;
use uuid::Uuid;

use super::json::SeriesBody;
use super::requests::SeriesChanges;
use super::requests::SeriesPath;
use crate::app;
use crate::http::error::ApiError;
use crate::http::events::links;
use crate::http::extract::{AuthUser, JsonBody, Viewer};
use crate::http::fields::Fields;
use crate::state::AppState;

/// The series' live occurrences that `viewer` may see, or 404 when none is left.
async fn occurrences(state: &AppState, id: Uuid, viewer: Viewer) -> Result<Vec<EventRow>, ApiError> {
    let rows = events::of_series(&state.store.read, id, viewer.0).await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound("series not found"));
    }
    Ok(rows)
}

/// The live occurrences, for their creator only: 404, then 403.
async fn as_creator(state: &AppState, id: Uuid, user: &AuthUser) -> Result<Vec<EventRow>, ApiError> {
    let rows = occurrences(state, id, user.viewer()).await?;
    if rows[0].creator_id != user.id {
        return Err(ApiError::Forbidden("only the creator of the series may do this"));
    }
    Ok(rows)
}

async fn series_body(state: &AppState, id: Uuid, viewer: Viewer) -> Result<SeriesBody, ApiError> {
    let rows = occurrences(state, id, viewer).await?;
    let count = rows.len() as i64;
    let page = links::bodies(state, Page { count, items: rows }).await?;
    Ok(SeriesBody::new(id, page.items))
}

/// A series and its occurrences (not deleted), by start.
#[utoipa::path(get, path = "/series/{id}", tag = "series", params(super::requests::SeriesPath),
    responses(
        (status = 200, description = "The series", body = SeriesBody),
        (status = 404, description = "no such series, or none of its occurrences is left (that the \
            caller may see: private ones only for their creator, members, waitlisted users and invitees)"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    SeriesPath { id }: SeriesPath,
) -> Result<Json<SeriesBody>, ApiError> {
    Ok(Json(series_body(&state, id, viewer).await?))
}

/// Changes the given fields of every future occurrence (creator only), also of occurrences
/// changed alone before: a field the series change names is set everywhere; the fields it
/// does not name keep each occurrence's own value. Times are changed one occurrence at a time.
#[utoipa::path(patch, path = "/series/{id}", tag = "series", security(("bearer" = [])),
    params(super::requests::SeriesPath), request_body = super::requests::SeriesChanges,
    responses(
        (status = 200, description = "The series after the change", body = SeriesBody),
        (status = 403, description = "only the creator may change the series"),
        (status = 409, description = "an occurrence refuses the change: capacity below its members (checked before any change), or one that only its command can tell (then the ones before it are changed)"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn patch(
    State(state): State<AppState>,
    user: AuthUser,
    SeriesPath { id }: SeriesPath,
    body: JsonBody,
) -> Result<Json<SeriesBody>, ApiError> {
    let rows = as_creator(&state, id, &user).await?;
    let mut request: SeriesChanges = body.parse()?;
    let mut fields = Fields::new();
    let category = links::category_field(&state, &mut fields, take(&mut request.category)).await?;
    let (changes, status) = request.validate(&mut fields, category);
    fields.finish()?;
    app::series::change(&state, &user.actor(), &rows, changes, status).await?;
    Ok(Json(series_body(&state, id, user.viewer()).await?))
}

/// Deletes the occurrences that have not started (creator only); past ones stay.
#[utoipa::path(delete, path = "/series/{id}", tag = "series", security(("bearer" = [])),
    params(super::requests::SeriesPath),
    responses(
        (status = 204, description = "The future occurrences are deleted"),
        (status = 403, description = "only the creator may delete the series"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    SeriesPath { id }: SeriesPath,
) -> Result<StatusCode, ApiError> {
    let rows = as_creator(&state, id, &user).await?;
    app::series::delete(&state, &user.actor(), &rows).await?;
    Ok(StatusCode::NO_CONTENT)
}
