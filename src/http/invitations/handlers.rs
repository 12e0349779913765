//! Invitations: the creator invites by username or id; the invitee accepts or declines.

use aggregates::EventCommand;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use projections::invitations::{self, InvitationRow};
use uuid::Uuid;

use super::json::InvitationBody;
use super::requests::InvitationPath;
use super::requests::{Answer, InvitationFilters, Invite, Invitee};
use crate::commands::Via;
use crate::http::access::find_as_creator;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody};
use crate::http::paths::EventPath;
use crate::http::query::{PageBody, Params};
use crate::state::AppState;

async fn find(state: &AppState, id: Uuid) -> Result<InvitationRow, ApiError> {
    invitations::get(&state.store.read, id)
        .await?
        .ok_or(ApiError::NotFound("invitation not found"))
}

/// Invites a user to an event (creator only).
#[utoipa::path(post, path = "/events/{id}/invitations", tag = "invitations", security(("bearer" = [])),
    params(crate::http::paths::EventPath), request_body = super::requests::Invite,
    responses(
        (status = 201, description = "The invitation", body = InvitationBody),
        (status = 400, description = "invalid fields, or no such user to invite"),
        (status = 403, description = "only the creator may invite"),
        (status = 409, description = "the user is already a member, or already invited"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %event_id, user = %user.id))]
pub async fn send(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id: event_id }: EventPath,
    body: JsonBody,
) -> Result<(StatusCode, Json<InvitationBody>), ApiError> {
    find_as_creator(&state, event_id, &user).await?;
    let invitee = body.parse::<Invite>()?.validate()?;
    let found = match &invitee {
        Invitee::Id(id) => state.users.find(*id).await?,
        Invitee::Username(name) => state.users.find_by_username(name).await?,
    };
    let invitee = found.ok_or_else(|| ApiError::field(invitee.field(), "no user with this name or id"))?;
    let invitation_id = Uuid::new_v4();
    let command = EventCommand::SendInvitation {
        invitation_id,
        invitee: aggregates::Actor::new(invitee.id, invitee.username),
        actor: user.actor(),
    };
    state.commands.execute(event_id, command, Via::Api).await?;
    Ok((StatusCode::CREATED, Json(find(&state, invitation_id).await?.into())))
}

/// An event's invitations (creator only).
#[utoipa::path(get, path = "/events/{id}/invitations", tag = "invitations", security(("bearer" = [])),
    params(crate::http::paths::EventPath, super::requests::InvitationFilters, crate::http::query::Pagination),
    responses(
        (status = 200, description = "A page of invitations", body = PageBody<InvitationBody>),
        (status = 403, description = "only the creator may see the invitations"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %event_id, user = %user.id))]
pub async fn of_event(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id: event_id }: EventPath,
    mut params: Params,
) -> Result<Json<PageBody<InvitationBody>>, ApiError> {
    find_as_creator(&state, event_id, &user).await?;
    let status = params.read::<InvitationFilters>()?;
    let page = params.page()?;
    params.finish()?;
    let rows = invitations::for_event(&state.store.read, event_id, status, page).await?;
    Ok(Json(params.envelope(page, rows.map(InvitationBody::from))))
}

/// The invitations the caller received.
#[utoipa::path(get, path = "/invitations", tag = "invitations", security(("bearer" = [])),
    params(super::requests::InvitationFilters, crate::http::query::Pagination),
    responses((status = 200, description = "A page of invitations", body = PageBody<InvitationBody>)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn received(
    State(state): State<AppState>,
    user: AuthUser,
    mut params: Params,
) -> Result<Json<PageBody<InvitationBody>>, ApiError> {
    let status = params.read::<InvitationFilters>()?;
    let page = params.page()?;
    params.finish()?;
    let rows = invitations::received(&state.store.read, user.id, status, page).await?;
    Ok(Json(params.envelope(page, rows.map(InvitationBody::from))))
}

/// Accepts or declines an invitation (invitee only).
///
/// Accepting joins the event, even a closed one, but never beyond capacity (full: waitlisted
/// if enabled, else 409 and the invitation stays pending) and never after it started.
/// Someone else's invitation is 404, as if it did not exist: invitations are private.
#[utoipa::path(put, path = "/invitations/{id}", tag = "invitations", security(("bearer" = [])),
    params(super::requests::InvitationPath), request_body = super::requests::Answer,
    responses(
        (status = 200, description = "The answered invitation", body = InvitationBody),
        (status = 409, description = "already answered, or the event is full or started"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn answer(
    State(state): State<AppState>,
    user: AuthUser,
    InvitationPath { id }: InvitationPath,
    body: JsonBody,
) -> Result<Json<InvitationBody>, ApiError> {
    let invitation = find(&state, id).await?;
    if invitation.invitee_id != user.id {
        return Err(ApiError::NotFound("invitation not found"));
    }
    let (accept, ticket_type) = body.parse::<Answer>()?.validate()?;
    let command = EventCommand::AnswerInvitation {
        invitation_id: id,
        accept,
        ticket_type,
        actor: user.actor(),
    };
    state.commands.execute(invitation.event_id, command, Via::Api).await?;
    Ok(Json(find(&state, id).await?.into()))
}
