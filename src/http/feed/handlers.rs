//! The change feed: a page by position as JSON, or a live stream of Server-Sent Events.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::header::ACCEPT;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{Stream, StreamExt};
use projections::Position;
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

use super::json::{FeedEntryBody, FeedPageBody, SseMessage};
use super::requests::{After, FeedParams};
use crate::http::error::ApiError;
use crate::http::extract::AuthUser;
use crate::http::lapse;
use crate::http::query::{FromParam, Params, DEFAULT_PAGE_SIZE};
use crate::live::{Feed, FeedItem};
use crate::state::AppState;

/// The domain events the caller may see, after a position: as a JSON page, or, with
/// `Accept: text/event-stream`, as a stream that ends only when the access token expires,
/// is logged out or its user is deleted (checked every 5 s): then log in again and resume
/// with `Last-Event-ID`.
#[utoipa::path(get, path = "/feed", tag = "live", security(("bearer" = [])),
    params(super::requests::FeedParams,
        ("Last-Event-ID" = Option<String>, Header, pattern = r"^\d+-\d+$",
            description = "Sent by an SSE client on reconnecting: the `id` of the last message it received. Takes precedence over `after`.")),
    responses(
        (status = 200, description = "A page of the feed (JSON), or the live stream (SSE). Each SSE \
            message has `id:` its position and `data:` one `FeedEntryBody` (schema) as JSON; a `: keep-alive` \
            comment comes every 15 s. On reconnecting, `Last-Event-ID` resumes after the last \
            message received, without loss or repetition.",
            content(
                (FeedPageBody = "application/json"),
                (SseMessage = "text/event-stream", example = "id: 0-42\ndata: {\"position\":\"0-42\",\"type\":\"member_joined\",…}\n\n"),
            )),
        (status = 400, description = "`after`, `page_size` or `Last-Event-ID` is not valid"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn feed(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    mut params: Params,
) -> Result<Response, ApiError> {
    let feed = &state.feed;
    let resume = headers
        .get("last-event-id")
        .map(|value| value.to_str().unwrap_or("\u{0}"));
    let query = params.read::<FeedParams>()?;
    let after = match resume {
        Some(raw) => After::from_param(raw)
            .map_err(|message| params.error("Last-Event-ID", message))
            .ok(),
        None => query.after,
    };
    let after = after.map(|after| match after {
        After::Position(position) => position,
        After::Now => feed.head(),
    });
    params.finish()?;
    if wants_stream(&headers) {
        // Catching up is reading the store from there: history only for who asks for it.
        let after = after.unwrap_or_else(|| feed.head());
        let lapsed = lapse::lapsed(state.clone(), user.claims.clone());
        return Ok(stream(Arc::clone(feed), user, after, lapsed).into_response());
    }
    let page = feed
        .page(
            user.id,
            after.unwrap_or_default(),
            query.page_size.unwrap_or(DEFAULT_PAGE_SIZE as usize),
        )
        .await
        .map_err(ApiError::internal)?;
    let position = page.position.to_string();
    Ok(Json(FeedPageBody {
        next: page.more.then(|| params.url_with("after", &position)),
        position,
        results: page
            .items
            .iter()
            .map(|item| FeedEntryBody::seen_by(item, user.id))
            .collect(),
    })
    .into_response())
}

fn wants_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.to_ascii_lowercase().contains("text/event-stream"))
}

/// The live feed, until `lapsed` resolves (the caller's token expired or was revoked).
fn stream(
    feed: Arc<Feed>,
    user: AuthUser,
    after: Position,
    lapsed: impl Future<Output = ()> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let viewer = user.id;
    let items = ReceiverStream::new(feed.follow(viewer, after))
        .map(move |item| Ok(message(&item, viewer)))
        .take_until(lapsed);
    Sse::new(items).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn message(item: &FeedItem, viewer: Uuid) -> Event {
    SseMessage::new(item.recorded.position, &FeedEntryBody::seen_by(item, viewer)).into()
}
