//! Calendar export: one event as iCalendar, and a user's subscription feed of the events
//! they joined, opened by a revocable token in the URL (calendar apps send no headers).
//!
//! The router cannot match a path parameter followed by `.ics` in the same segment, so
//! [`ics_paths`] rewrites `…/{x}.ics` to `…/{x}/ics` before routing; the document shows the
//! public form.

use axum::extract::{Path, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use projections::calendar;

use super::error::ApiError;
use super::extract::{AuthUser, Viewer};
use super::layers::PublicOrigin;
use super::notifications::json::CalendarTokenBody;
use crate::http::paths::EventPath;
use crate::live::ics;
use crate::state::AppState;

const TEXT_CALENDAR: &str = "text/calendar; charset=utf-8";

/// One event as an iCalendar file; 404 once deleted, as everywhere but the logs (the
/// subscription feed alone keeps showing it, `STATUS:CANCELLED`, so calendars drop it).
#[utoipa::path(get, path = "/api/events/{id}.ics", tag = "calendar",
    params(super::paths::EventPath),
    responses(
        (status = 200, description = "A VCALENDAR with one VEVENT: UID, DTSTAMP, DTSTART, DTEND (when \
            the event has an end), SUMMARY, DESCRIPTION, LOCATION (when set), SEQUENCE (the event's \
            version), STATUS (CONFIRMED)",
            content((String = "text/calendar"))),
        (status = 404, description = "no such event, it was deleted, or it is private and the caller \
            (by `Authorization`, if any) may not see it"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn event(
    State(state): State<AppState>,
    viewer: Viewer,
    EventPath { id }: EventPath,
) -> Result<Response, ApiError> {
    let row = calendar::event(&state.store.read, id, viewer.0)
        .await?
        .filter(|row| !row.deleted)
        .ok_or(ApiError::NotFound("event not found"))?;
    let name = row.title.clone();
    Ok(ics_response(ics::calendar(&name, &[row])))
}

/// The subscription feed: every event the token's owner has a seat in, cancelled ones too.
#[utoipa::path(get, path = "/api/calendar/{token}.ics", tag = "calendar",
    params(("token" = String, Path, description = "The user's calendar token")),
    responses(
        (status = 200, description = "A VCALENDAR with a VEVENT per event (as for one event)",
            content((String = "text/calendar"))),
        (status = 404, description = "no such token (never issued, rotated or revoked)"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn subscription(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let user = state
        .calendar_tokens
        .user_of(&token)
        .await?
        .ok_or(ApiError::NotFound("calendar not found"))?;
    let rows = calendar::joined_by(&state.store.read, user).await?;
    Ok(ics_response(ics::calendar("Event Manager", &rows)))
}

/// Issues the caller a calendar token, replacing (and so revoking) the one before.
#[utoipa::path(post, path = "/users/me/calendar-token", tag = "calendar", security(("bearer" = [])),
    responses((status = 201, description = "The new token and the subscription URL; shown only now",
        body = CalendarTokenBody)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn rotate(
    State(state): State<AppState>,
    user: AuthUser,
    Extension(origin): Extension<PublicOrigin>,
) -> Result<(StatusCode, Json<CalendarTokenBody>), ApiError> {
    let token = state.calendar_tokens.rotate(user.id).await?;
    let url = format!("{}/api/calendar/{token}.ics", origin.0);
    Ok((StatusCode::CREATED, Json(CalendarTokenBody { token, url })))
}

/// Revokes the caller's calendar token (also when there is none).
#[utoipa::path(delete, path = "/users/me/calendar-token", tag = "calendar", security(("bearer" = [])),
    responses((status = 204, description = "Revoked: the subscription URL answers 404 from now on")))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn revoke(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    state.calendar_tokens.revoke(user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn ics_response(body: String) -> Response {
    ([(CONTENT_TYPE, TEXT_CALENDAR), (CACHE_CONTROL, "no-cache")], body).into_response()
}

/// `/api/…/{x}.ics` → `/api/…/{x}/ics`, where the router finds it.
pub fn ics_paths(mut request: Request) -> Request {
    let path = request.uri().path();
    let Some(stem) = path
        .strip_suffix(".ics")
        .filter(|stem| stem.starts_with("/api/") && !stem.ends_with('/'))
    else {
        return request;
    };
    let rewritten = match request.uri().query() {
        Some(query) => format!("{stem}/ics?{query}"),
        None => format!("{stem}/ics"),
    };
    if let Ok(path_and_query) = rewritten.parse() {
        let mut parts = request.uri().clone().into_parts();
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}
