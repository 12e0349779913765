//! The caller's notifications: the list, read marks, and the live SSE stream.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::stream::{self, Stream, StreamExt};
use projections::notifications::{self, NotificationRow};
use projections::Position;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;

use super::json::{MarkedBody, NotificationBody};
use super::requests::NotificationPath;
use super::requests::UnreadFilter;
use crate::http::error::ApiError;
use crate::http::extract::AuthUser;
use crate::http::feed::json::SseMessage;
use crate::http::lapse;
use crate::http::query::{PageBody, Params};
use crate::state::AppState;

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/notifications", tag = "live", security(("bearer" = [])),
    params(super::requests::UnreadFilter, crate::http::query::Pagination),
    responses((status = 200, description = "A page of notifications", body = PageBody<NotificationBody>)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    mut params: Params,
) -> Result<Json<PageBody<NotificationBody>>, ApiError> {
    let page = params.page()?;
    let unread = params.read::<UnreadFilter>()?;
    params.finish()?;
    let rows = notifications::list(&state.store.read, user.id, unread, page).await?;
    Ok(Json(
        params.envelope(page, rows.map(|row| NotificationBody::from(&row))),
    ))
}

/// Marks one of the caller's notifications read (again: no change).
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "live", security(("bearer" = [])),
    params(super::requests::NotificationPath),
    responses((status = 204, description = "Read")))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn read(
    State(state): State<AppState>,
    user: AuthUser,
    NotificationPath { id }: NotificationPath,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    match notifications::mark_read(&state.store.read, user.id, id, now).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(ApiError::NotFound("notification not found")),
    }
}

/// Marks every notification the caller has now as read.
#[utoipa::path(post, path = "/notifications/read-all", tag = "live", security(("bearer" = [])),
    responses((status = 200, description = "How many were marked", body = MarkedBody)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn read_all(State(state): State<AppState>, user: AuthUser) -> Result<Json<MarkedBody>, ApiError> {
    let marked = notifications::mark_all_read(&state.store.read, user.id, state.clock.now()).await?;
    Ok(Json(MarkedBody { marked }))
}

/// The caller's new notifications as Server-Sent Events, until the access token expires, is
/// logged out or its user is deleted (checked every 5 s); resume with `Last-Event-ID`.
#[utoipa::path(get, path = "/notifications/stream", tag = "live", security(("bearer" = [])),
    params(("Last-Event-ID" = Option<String>, Header, pattern = r"^\d+-\d+$",
        description = "Resume: the notifications after this position are sent first.")),
    responses(
        (status = 200, description = "An endless stream: each message has `id:` the notification's \
            `position` and `data:` one `NotificationBody` (schema) as JSON; a `: keep-alive` comment comes every 15 s.",
            content((SseMessage = "text/event-stream", example = "id: 0-42\ndata: {\"id\":\"…\",\"type\":\"invited\",…}\n\n"))),
        (status = 400, description = "`Last-Event-ID` is not a position"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn stream(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let resume = match headers.get("last-event-id") {
        None => None,
        Some(raw) => Some(
            raw.to_str()
                .ok()
                .and_then(|raw| raw.parse::<Position>().ok())
                .ok_or_else(|| ApiError::field("Last-Event-ID", "must be a position `tx-pos`"))?,
        ),
    };
    // Subscribe before reading what was missed, so nothing falls between the two.
    let live = BroadcastStream::new(state.notices.subscribe());
    let missed = match resume {
        Some(after) => notifications::since(&state.store.read, after, Some(user.id)).await?,
        None => Vec::new(),
    };
    let mut sent = missed.last().map(|row| row.position).or(resume).unwrap_or_default();
    let missed = missed.into_iter().map(Arc::new);
    let uid = user.id;
    let live = live.filter_map(move |row| {
        let keep = match row {
            Ok(row) if row.user_id == uid && row.position > sent => {
                sent = row.position;
                Some(row)
            }
            Ok(_) => None,
            // A connection too slow for the live channel misses some; it may resume.
            Err(BroadcastStreamRecvError::Lagged(_)) => None,
        };
        std::future::ready(keep)
    });
    let rows = stream::iter(missed).chain(live);
    let events = rows
        .map(|row| Ok(message(&row)))
        .take_until(lapse::lapsed(state.clone(), user.claims.clone()));
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn message(row: &NotificationRow) -> Event {
    SseMessage::new(row.position, &NotificationBody::from(row)).into()
}
