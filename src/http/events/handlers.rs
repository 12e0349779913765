//! `/api/events`: listing, creation, and a creator's changes to an event.

use std::mem::take;

use aggregates::{EventCommand, EventFact};
use axum::extract::State;
use axum::http::header::{ETAG, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use projections::events::{self, EventRow};
use uuid::Uuid;

use super::filters::{EventFilters, Listing};
use super::json::EventBody;
use super::links;
use super::preconditions::{ChangeAnswers, IfMatch};
use super::requests::{EventChanges, EventFields, EventReplacement, EventUpdate, Extent, NewEvent, Schedule};
use crate::app;
use crate::categories::Category;
use crate::commands::Via;
use crate::http::access::{find, find_as_creator};
use crate::http::answer::{answering, Answer};
use crate::http::categories::json::CategoryBody;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody, Viewer};
use crate::http::fields::Fields;
use crate::http::idempotency::ClaimedKey;
use crate::http::paths::EventPath;
use crate::http::query::{PageBody, Params};
use crate::http::tickets::json::TicketTypeBody;
use crate::state::AppState;
use crate::store::LISTING_BUDGET;

/// An event with its `ETag`.
async fn with_etag(state: &AppState, status: StatusCode, row: EventRow) -> Result<Response, ApiError> {
    let etag = etag(row.version);
    let body = links::body(state, row).await?;
    Ok((status, [(ETAG, etag)], Json(body)).into_response())
}

/// An event version's `ETag`.
fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("a number is a valid header")
}

/// Events that are not deleted and that the caller may see: private events only to their
/// creator, members, waitlisted users and invitees (`count` counts only those).
#[utoipa::path(get, path = "/events", tag = "events",
    params(super::filters::EventFilters, crate::http::query::Pagination),
    responses((status = 200, description = "A page of the events the caller may see", body = PageBody<EventBody>)))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    mut params: Params,
) -> Result<Json<PageBody<EventBody>>, ApiError> {
    respond_list(&state, viewer, &mut params, false).await
}

/// Events that start in the future: the same as `GET /api/events?upcoming=true` (private
/// ones only for those who may see them).
#[utoipa::path(get, path = "/events/upcoming", tag = "events",
    params(super::filters::EventFilters, crate::http::query::Pagination),
    responses((status = 200, description = "A page of the upcoming events the caller may see", body = PageBody<EventBody>)))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upcoming(
    State(state): State<AppState>,
    viewer: Viewer,
    mut params: Params,
) -> Result<Json<PageBody<EventBody>>, ApiError> {
    respond_list(&state, viewer, &mut params, true).await
}

async fn respond_list(
    state: &AppState,
    viewer: Viewer,
    params: &mut Params,
    upcoming: bool,
) -> Result<Json<PageBody<EventBody>>, ApiError> {
    let page = params.page()?;
    let Listing {
        mut filter,
        upcoming: asked,
        ordering,
    } = params.read::<EventFilters>()?;
    // Read even when the path already asks for upcoming events, so a bad value is still 400.
    if upcoming || asked {
        filter.start_after = Some(state.clock.now());
    }
    params.finish()?;
    let listed = events::list(&state.store.listing, &filter, viewer.0, ordering, page);
    let rows = tokio::time::timeout(LISTING_BUDGET, listed)
        .await
        .map_err(|_| ApiError::Unavailable("the search took too long; narrow it or try again"))??;
    Ok(Json(params.envelope(page, links::bodies(state, rows).await?)))
}

/// One event. A private event exists only for its creator, members, waitlisted users and
/// invitees: anyone else, anonymous callers included, gets the 404 of an unknown id.
#[utoipa::path(get, path = "/events/{id}", tag = "events", params(crate::http::paths::EventPath),
    responses(
        (status = 200, description = "The event", body = EventBody, headers(("ETag" = String, description = "The event's version"))),
        (status = 404, description = "no such event, deleted, or private and the caller may not see it"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    EventPath { id }: EventPath,
) -> Result<Response, ApiError> {
    with_etag(&state, StatusCode::OK, find(&state, id, viewer).await?).await
}

/// Creates an event; the caller is its creator. With `recurrence`, creates a series of
/// ordinary events (`GET /api/series/{id}`) and answers its first occurrence.
#[utoipa::path(post, path = "/events", tag = "events", security(("bearer" = [])),
    request_body = super::requests::EventFields,
    responses(
        (status = 201, description = "The new event", body = EventBody, headers(
            ("Location" = String, description = "The event's URL"),
            ("ETag" = String, description = "The event's version"))),
        (status = 403, description = "`ORGANIZERS_ONLY` is on and the caller is not an organizer"),
        (status = 429, description = "too many creations in the last 24 hours (checked before the body)",
            headers(("Retry-After" = u64, description = "Seconds until a creation is allowed again"))),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    claim: Option<Extension<ClaimedKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    app::creation::admit(&state, &user.actor()).await?;
    let mut request: EventFields = body.parse()?;
    let mut fields = Fields::new();
    let category = links::category_field(&state, &mut fields, take(&mut request.category))
        .await?
        .flatten();
    let event = request.validate(&mut fields, category, state.clock.now());
    let NewEvent { details, starts } = fields.complete(|| event)?;
    let id = Uuid::new_v4();
    let category = match details.category {
        Some(category) => state.categories.by_ids(&[category]).await?.remove(&category),
        None => None,
    };
    let answer = move |facts: &[EventFact]| created(id, facts, category.clone());
    let recording = answering(claim.as_deref(), answer.clone());
    let recorded = recording.is_some();
    let facts = app::creation::create(&state, &user.actor(), id, details, starts.as_deref(), recording).await?;
    Ok(answer(&facts)?.into_response(recorded))
}

/// The answer to a creation, from the creating fact: the event as it will read.
fn created(id: Uuid, facts: &[EventFact], category: Option<Category>) -> Result<Answer, ApiError> {
    let fact = facts
        .first()
        .ok_or_else(|| ApiError::internal("a creation recorded nothing"))?;
    let row = EventRow::created(id, fact).ok_or_else(|| ApiError::internal("a creation recorded no creation"))?;
    let etag = etag(row.version);
    let types = match fact {
        EventFact::EventCreated { details, .. } => details.ticket_types.iter().map(TicketTypeBody::offered).collect(),
        _ => Vec::new(),
    };
    let body = EventBody::from(row)
        .with_category(category.map(CategoryBody::from))
        .with_ticket_types(types);
    let location = HeaderValue::from_str(&format!("/api/events/{id}")).expect("a path is a valid header");
    Ok(Answer::json(StatusCode::CREATED, &body)?
        .with_header(ETAG, etag)
        .with_header(LOCATION, location))
}

/// `PUT` needs every writable field; `PATCH` takes the ones given.
async fn change(
    state: AppState,
    user: AuthUser,
    id: Uuid,
    if_match: IfMatch,
    body: JsonBody,
    extent: Extent,
) -> Result<Response, ApiError> {
    let current = find_as_creator(&state, id, &user).await?;
    let schedule = Schedule {
        start: current.start_time,
        end: current.end_time,
        now: state.clock.now(),
    };
    let mut request = match extent {
        Extent::Whole => body.parse::<EventReplacement>()?.0,
        Extent::Part => body.parse::<EventChanges>()?,
    };
    let mut fields = Fields::new();
    let category = links::category_field(&state, &mut fields, take(&mut request.category)).await?;
    let update = request.validate(extent, &mut fields, category, schedule);
    fields.finish()?;
    let EventUpdate { changes, status } = update;
    let command = EventCommand::UpdateEvent {
        changes,
        status,
        expected_version: if_match.expected(current.version),
        actor: user.actor(),
    };
    state.commands.execute(id, command, Via::Api).await?;
    with_etag(&state, StatusCode::OK, find(&state, id, user.viewer()).await?).await
}

/// Replaces every writable field of an event (creator only).
#[utoipa::path(put, path = "/events/{id}", tag = "events", security(("bearer" = [])),
    params(crate::http::paths::EventPath, IfMatch), request_body = super::requests::EventReplacement,
    responses(ChangeAnswers))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn put(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    if_match: IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    change(state, user, id, if_match, body, Extent::Whole).await
}

/// Changes the given fields of an event (creator only).
#[utoipa::path(patch, path = "/events/{id}", tag = "events", security(("bearer" = [])),
    params(crate::http::paths::EventPath, IfMatch), request_body = super::requests::EventChanges,
    responses(ChangeAnswers))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn patch(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    if_match: IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    change(state, user, id, if_match, body, Extent::Part).await
}

/// Deletes an event (creator only); its log stays readable.
#[utoipa::path(delete, path = "/events/{id}", tag = "events", security(("bearer" = [])),
    params(crate::http::paths::EventPath, IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "only the creator may delete the event"),
        (status = 412, description = "`If-Match` does not match the event's version"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    if_match: IfMatch,
) -> Result<StatusCode, ApiError> {
    let current = find_as_creator(&state, id, &user).await?;
    state
        .commands
        .execute(
            id,
            EventCommand::DeleteEvent {
                expected_version: if_match.expected(current.version),
                actor: user.actor(),
            },
            Via::Api,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
