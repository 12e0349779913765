//! Guests: registration without an account, its confirmation and cancellation by the
//! links mailed to the guest, and the creator's removal of a guest.

use aggregates::event::GuestPlace;
use aggregates::{EventCommand, EventFact};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use uuid::Uuid;

use super::json::GuestName as GuestNameBody;
use super::json::{GuestPending, GuestSeat, TicketCode};
use super::requests::GuestPath;
use super::requests::{GuestRegistration, GuestToken};
use crate::commands::Via;
use crate::http::access::{find, find_as_creator};
use crate::http::answer::{answering, Answer};
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody, Viewer};
use crate::http::idempotency::ClaimedKey;
use crate::http::paths::EventPath;
use crate::state::AppState;

/// Registers someone without an account for an event open to guests. No seat is taken: the
/// address receives a link (and its code) to confirm within 24 hours.
#[utoipa::path(post, path = "/events/{id}/guests", tag = "guests",
    params(crate::http::paths::EventPath), request_body = super::requests::GuestRegistration,
    responses(
        (status = 202, description = "Registered; waiting for the confirmation from the email", body = GuestPending),
        (status = 400, description = "invalid fields"),
        (status = 403, description = "the event does not accept guest registrations"),
        (status = 404, description = "no such event (a private event is none to a guest)"),
        (status = 409, description = "the address already holds a seat or a place in this event, or the event is closed or started"),
        (status = 429, description = "too many registrations from this address or client in the last hour (see `Retry-After`)"),
        (status = 503, description = "email is turned off (`EMAIL_URL=none`), so no confirmation could be sent"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn register(
    State(state): State<AppState>,
    EventPath { id }: EventPath,
    ClientIp(client): ClientIp,
    claim: Option<Extension<ClaimedKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request = body.parse::<GuestRegistration>().and_then(GuestRegistration::validate);
    // 404, then 403, come before a bad body's 400.
    let event = find(&state, id, Viewer(None)).await?;
    if !event.guest_registration {
        return Err(ApiError::Forbidden("this event does not accept guest registrations"));
    }
    // A registration is confirmed only from its email.
    if !state.mailer.enabled() {
        return Err(ApiError::Unavailable(
            "email is turned off on this server (EMAIL_URL=none), so no confirmation could be sent",
        ));
    }
    let request = request?;
    let answer = |facts: &[EventFact]| match facts.first() {
        Some(EventFact::GuestRegistered { expires_at, .. }) => Answer::json(
            StatusCode::ACCEPTED,
            &GuestPending {
                status: "pending_confirmation",
                expires_at: *expires_at,
            },
        ),
        _ => Err(ApiError::internal("a registration recorded no registration")),
    };
    let recording = answering(claim.as_deref(), answer);
    let recorded = recording.is_some();
    let facts = state.guests.register(id, request, client, recording).await?;
    Ok(answer(&facts)?.into_response(recorded))
}

/// Confirms a guest's registration with the token from its email: a seat with a ticket, or a
/// place on the waitlist, by the rules of a join. A second email brings the ticket and a
/// link to cancel.
#[utoipa::path(post, path = "/guests/confirm", tag = "guests", request_body = super::requests::GuestToken,
    responses(
        (status = 201, description = "A seat (with its ticket), or a place on the waitlist", body = GuestSeat),
        (status = 400, description = "no token given"),
        (status = 403, description = "the event no longer accepts guest registrations"),
        (status = 404, description = "the token is unknown, expired or used already (which, is not said)"),
        (status = 409, description = "the event is full (without waitlist), closed or started, or the address holds a seat already"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm(
    State(state): State<AppState>,
    claim: Option<Extension<ClaimedKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let token = body.parse::<GuestToken>()?.validate()?;
    let recorded = claim.is_some();
    let (target, facts) = state
        .guests
        .confirm(&token, |target| {
            answering(claim.as_deref(), move |facts| seated(target.event_id, facts))
        })
        .await?;
    Ok(seated(target.event_id, &facts)?.into_response(recorded))
}

/// The answer to a confirmation, from the facts it recorded.
fn seated(event_id: Uuid, facts: &[EventFact]) -> Result<Answer, ApiError> {
    let Some(EventFact::GuestConfirmed { guest, place, .. }) = facts.first() else {
        return Err(ApiError::internal("a confirmation recorded no confirmation"));
    };
    let guest = GuestNameBody {
        name: guest.name.as_str().to_owned(),
    };
    let body = match place {
        GuestPlace::Member { ticket } => GuestSeat {
            event_id,
            guest,
            status: "member",
            position: None,
            ticket: Some(TicketCode { code: ticket.code }),
        },
        GuestPlace::Waitlist { position } => GuestSeat {
            event_id,
            guest,
            status: "waitlisted",
            position: Some(*position),
            ticket: None,
        },
    };
    Answer::json(StatusCode::CREATED, &body)
}

/// Gives a guest's seat or place back, with the cancel token from the ticket's email; the
/// next in line takes a freed seat.
#[utoipa::path(post, path = "/guests/cancel", tag = "guests", request_body = super::requests::GuestToken,
    responses(
        (status = 204, description = "Cancelled"),
        (status = 400, description = "no token given"),
        (status = 404, description = "the token is unknown, or its seat was given back already"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn cancel(State(state): State<AppState>, body: JsonBody) -> Result<StatusCode, ApiError> {
    let token = body.parse::<GuestToken>()?.validate()?;
    state.guests.cancel(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a guest from the event or its waitlist (creator only); promotes from the waitlist.
#[utoipa::path(delete, path = "/events/{id}/guests/{guest_id}", tag = "guests", security(("bearer" = [])),
    params(super::requests::GuestPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "only the creator may remove guests"),
        (status = 404, description = "no such event, or no such guest in its seats or waitlist"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    GuestPath { id, guest_id }: GuestPath,
) -> Result<StatusCode, ApiError> {
    find_as_creator(&state, id, &user).await?;
    let command = EventCommand::RemoveGuest {
        guest_id,
        actor: user.actor(),
    };
    state.commands.execute(id, command, Via::Api).await?;
    Ok(StatusCode::NO_CONTENT)
}
