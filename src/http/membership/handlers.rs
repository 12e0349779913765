//! Joining, leaving, and the creator's view of members and waitlist.

use aggregates::{EventCommand, EventFact};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use projections::members;
use uuid::Uuid;

use super::json::{Joined, MemberBody, WaitlistBody};
use super::requests::JoinFields;
use super::requests::MemberPath;
use crate::commands::Via;
use crate::http::access::{find, find_as_creator};
use crate::http::answer::{answering, Answer};
use crate::http::error::ApiError;
use crate::http::events::json::CapacityBody;
use crate::http::extract::{AuthUser, JsonBody, Viewer};
use crate::http::idempotency::ClaimedKey;
use crate::http::paths::EventPath;
use crate::http::query::{PageBody, Params};
use crate::http::wire::UserRef;
use crate::state::AppState;

/// Joins an event, or its waitlist when it is full and has one. The body is optional:
/// `{ticket_type}` is required when the event sells ticket types, and refused otherwise.
#[utoipa::path(post, path = "/events/{id}/join", tag = "membership", security(("bearer" = [])),
    params(crate::http::paths::EventPath),
    request_body(content = Option<super::requests::JoinFields>, description = "Only for events with ticket types"),
    responses(
        (status = 201, description = "A seat, or a place on the waitlist", body = Joined),
        (status = 400, description = "`ticket_type` missing, unknown, or given to an event without types"),
        (status = 409, description = "the event (or the ticket type) is full, closed or started, or the caller is already in it"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn join(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    claim: Option<Extension<ClaimedKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let ticket_type = body.parse_or_nothing::<JoinFields>().and_then(JoinFields::validate);
    // A bad body is a 400, but a missing event's 404 comes first.
    let ticket_type = match ticket_type {
        Ok(ticket_type) => ticket_type,
        Err(error) => {
            find(&state, id, user.viewer()).await?;
            return Err(error);
        }
    };
    let command = EventCommand::JoinEvent {
        ticket_type,
        actor: user.actor(),
    };
    let answer = move |facts: &[EventFact]| joined(id, &user, facts);
    let recording = answering(claim.as_deref(), answer.clone());
    let recorded = recording.is_some();
    let facts = state
        .commands
        .execute_answering(id, command, Via::Api, recording)
        .await?;
    Ok(answer(&facts)?.into_response(recorded))
}

/// The answer to a join, from the facts it recorded.
fn joined(event_id: Uuid, user: &AuthUser, facts: &[EventFact]) -> Result<Answer, ApiError> {
    let user_ref = UserRef {
        id: user.id,
        username: user.username.clone(),
    };
    let joined = match facts.first() {
        Some(EventFact::MemberWaitlisted { position, at, .. }) => Joined {
            event_id,
            user: user_ref,
            status: "waitlisted",
            position: Some(*position),
            joined_at: *at,
        },
        Some(fact) => Joined {
            event_id,
            user: user_ref,
            status: "member",
            position: None,
            joined_at: fact.at(),
        },
        None => return Err(ApiError::internal("a join recorded nothing")),
    };
    Answer::json(StatusCode::CREATED, &joined)
}

/// Leaves an event (or its waitlist); the first waitlisted user takes a freed seat.
#[utoipa::path(delete, path = "/events/{id}/exit", tag = "membership", security(("bearer" = [])),
    params(crate::http::paths::EventPath),
    responses(
        (status = 204, description = "Left"),
        (status = 409, description = "the caller is neither a member nor waitlisted"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
) -> Result<StatusCode, ApiError> {
    state
        .commands
        .execute(id, EventCommand::LeaveEvent { actor: user.actor() }, Via::Api)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/events/{id}/leave`: the same as `…/exit`.
#[utoipa::path(delete, path = "/events/{id}/leave", tag = "membership", security(("bearer" = [])),
    params(crate::http::paths::EventPath),
    responses(
        (status = 204, description = "Left"),
        (status = 409, description = "the caller is neither a member nor waitlisted"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn leave_alias(state: State<AppState>, user: AuthUser, path: EventPath) -> Result<StatusCode, ApiError> {
    leave(state, user, path).await
}

/// Removes a member or waitlisted user (creator only); promotes from the waitlist.
#[utoipa::path(delete, path = "/events/{id}/members/{user_id}", tag = "membership", security(("bearer" = [])),
    params(super::requests::MemberPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "only the creator may remove members"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    MemberPath { id, user_id }: MemberPath,
) -> Result<StatusCode, ApiError> {
    find_as_creator(&state, id, &user).await?;
    state
        .commands
        .execute(
            id,
            EventCommand::RemoveMember {
                user_id,
                actor: user.actor(),
            },
            Via::Api,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An event's members in join order (creator only).
#[utoipa::path(get, path = "/events/{id}/members", tag = "membership", security(("bearer" = [])),
    params(crate::http::paths::EventPath, crate::http::query::Pagination),
    responses(
        (status = 200, description = "A page of members", body = PageBody<MemberBody>),
        (status = 403, description = "only the creator may see the members"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn list_members(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    mut params: Params,
) -> Result<Json<PageBody<MemberBody>>, ApiError> {
    find_as_creator(&state, id, &user).await?;
    let page = params.page()?;
    params.finish()?;
    let rows = members::members(&state.store.read, id, page).await?;
    Ok(Json(params.envelope(page, rows.map(MemberBody::from))))
}

/// An event's waitlist in order (creator only).
#[utoipa::path(get, path = "/events/{id}/waitlist", tag = "membership", security(("bearer" = [])),
    params(crate::http::paths::EventPath, crate::http::query::Pagination),
    responses(
        (status = 200, description = "A page of the waitlist", body = PageBody<WaitlistBody>),
        (status = 403, description = "only the creator may see the waitlist"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn waitlist(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    mut params: Params,
) -> Result<Json<PageBody<WaitlistBody>>, ApiError> {
    find_as_creator(&state, id, &user).await?;
    let page = params.page()?;
    params.finish()?;
    let rows = members::waitlist(&state.store.read, id, page).await?;
    Ok(Json(params.envelope(page, rows.map(WaitlistBody::from))))
}

/// An event's seats: capacity, members, free seats and waitlist length.
#[utoipa::path(get, path = "/events/{id}/capacity", tag = "membership", params(crate::http::paths::EventPath),
    responses((status = 200, description = "The event's seats", body = CapacityBody)))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn capacity(
    State(state): State<AppState>,
    viewer: Viewer,
    EventPath { id }: EventPath,
) -> Result<Json<CapacityBody>, ApiError> {
    Ok(Json(CapacityBody::from(find(&state, id, viewer).await?)))
}
