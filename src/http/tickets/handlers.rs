//! Tickets: the caller's own, the creator's look-up by code, and check-in at the door.

use std::collections::HashMap;

use aggregates::EventCommand;
use axum::extract::State;
use axum::Json;
use projections::tickets::{self, TicketRow};
use projections::Page;
use uuid::Uuid;

use super::json::{TicketBody, TicketTypeBody};
use super::requests::CheckIn;
use super::requests::TicketPath;
use crate::commands::Via;
use crate::http::access::find_as_creator;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody};
use crate::http::paths::EventPath;
use crate::http::query::{PageBody, Params};
use crate::state::AppState;

/// Tickets as the API shows them, each with its type.
async fn bodies(state: &AppState, page: Page<TicketRow>) -> Result<Page<TicketBody>, ApiError> {
    let mut events: Vec<Uuid> = page
        .items
        .iter()
        .filter(|t| t.ticket_type_id.is_some())
        .map(|t| t.event_id)
        .collect();
    events.dedup();
    let types: HashMap<Uuid, TicketTypeBody> = tickets::types_of(&state.store.read, &events)
        .await?
        .into_iter()
        .map(|row| (row.id, row.into()))
        .collect();
    Ok(page.map(|row| {
        let ticket_type = row.ticket_type_id.and_then(|id| types.get(&id)).cloned();
        TicketBody::new(row, ticket_type)
    }))
}

async fn one(state: &AppState, row: TicketRow) -> Result<TicketBody, ApiError> {
    let mut page = bodies(state, Page::of_one(row)).await?;
    Ok(page.items.remove(0))
}

/// The ticket `code` of event `id`, for its creator: 404 for a code the event never issued.
async fn find(state: &AppState, id: Uuid, code: Uuid) -> Result<TicketRow, ApiError> {
    tickets::get(&state.store.read, id, code)
        .await?
        .ok_or(ApiError::NotFound("ticket not found"))
}

/// The caller's tickets that still admit them (valid or checked in), by the events' start.
/// Waitlisted users have none until they are promoted.
#[utoipa::path(get, path = "/users/me/tickets", tag = "tickets", security(("bearer" = [])),
    params(crate::http::query::Pagination),
    responses((status = 200, description = "A page of tickets", body = PageBody<TicketBody>)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn mine(
    State(state): State<AppState>,
    user: AuthUser,
    mut params: Params,
) -> Result<Json<PageBody<TicketBody>>, ApiError> {
    let page = params.page()?;
    params.finish()?;
    let rows = tickets::of_user(&state.store.read, user.id, page).await?;
    Ok(Json(params.envelope(page, bodies(&state, rows).await?)))
}

/// One ticket of the event, by its code (creator only), void or not.
#[utoipa::path(get, path = "/events/{id}/tickets/{code}", tag = "tickets", security(("bearer" = [])),
    params(super::requests::TicketPath),
    responses(
        (status = 200, description = "The ticket", body = TicketBody),
        (status = 403, description = "only the creator may look tickets up"),
        (status = 404, description = "no such event, or the event never issued this code"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    TicketPath { id, code }: TicketPath,
) -> Result<Json<TicketBody>, ApiError> {
    find_as_creator(&state, id, &user).await?;
    let row = find(&state, id, code).await?;
    Ok(Json(one(&state, row).await?))
}

/// Checks a ticket in at the door (creator only), once.
#[utoipa::path(post, path = "/events/{id}/check-in", tag = "tickets", security(("bearer" = [])),
    params(crate::http::paths::EventPath), request_body = super::requests::CheckIn,
    responses(
        (status = 200, description = "The ticket, checked in", body = TicketBody),
        (status = 403, description = "only the creator may check tickets in"),
        (status = 404, description = "no such event, or the event never issued this code"),
        (status = 409, description = "already checked in (the detail says when), or void"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn check_in(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id }: EventPath,
    body: JsonBody,
) -> Result<Json<TicketBody>, ApiError> {
    find_as_creator(&state, id, &user).await?;
    let code = body.parse::<CheckIn>()?.validate()?;
    let command = EventCommand::CheckInTicket {
        code,
        actor: user.actor(),
    };
    state.commands.execute(id, command, Via::Api).await?;
    let row = find(&state, id, code).await?;
    Ok(Json(one(&state, row).await?))
}
