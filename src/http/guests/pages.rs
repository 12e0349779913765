//! The pages a guest's email links to: `GET` shows a button (a link that mail scanners
//! prefetch must change nothing), and the button's `POST` confirms or cancels through the
//! same workflow as `POST /api/guests/confirm` and `…/cancel`, answering in HTML.

use aggregates::event::GuestPlace;
use aggregates::EventFact;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::html::escape;
use crate::http::error::ApiError;
use crate::state::AppState;

/// Inline styles and a form posting back here; nothing else.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/// The token a link carries, in its query or in the form its page posts.
#[derive(Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct LinkToken {
    /// The token from the email.
    #[serde(default)]
    token: String,
}

/// The page of a confirmation link: a button that confirms.
#[utoipa::path(get, path = "/guests/confirm", tag = "guests", params(LinkToken),
    responses((status = 200, description = "A page with a button that confirms the registration", content_type = "text/html")))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm_page(Query(link): Query<LinkToken>) -> Response {
    let form = button("/guests/confirm", &link.token, "Confirm my seat");
    page(StatusCode::OK, "Confirm your registration", &form)
}

/// The confirmation page's button: a seat (with its ticket code) or a place in line.
#[utoipa::path(post, path = "/guests/confirm", tag = "guests",
    request_body(content = LinkToken, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "Confirmed: the seat and its ticket code, or the place on the waitlist", content_type = "text/html"),
        (status = 400, description = "no token in the form", content_type = "text/html"),
        (status = 403, description = "the event no longer accepts guests", content_type = "text/html"),
        (status = 404, description = "the link is not valid (expired or used already)", content_type = "text/html"),
        (status = 409, description = "the event is full, closed or started", content_type = "text/html"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm_form(State(state): State<AppState>, form: Result<Form<LinkToken>, FormRejection>) -> Response {
    let token = match token_of(form) {
        Ok(token) => token,
        Err(error) => return refused(error),
    };
    match state.guests.confirm(&token, |_| None).await {
        Ok((_, facts)) => page(StatusCode::CREATED, "You are registered", &seated(&facts)),
        Err(error) => refused(ApiError::from(error)),
    }
}

/// The page of a cancel link: a button that gives the seat back.
#[utoipa::path(get, path = "/guests/cancel", tag = "guests", params(LinkToken),
    responses((status = 200, description = "A page with a button that cancels the seat", content_type = "text/html")))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn cancel_page(Query(link): Query<LinkToken>) -> Response {
    let form = button("/guests/cancel", &link.token, "Give my seat back");
    page(StatusCode::OK, "Cancel your registration", &form)
}

/// The cancel page's button.
#[utoipa::path(post, path = "/guests/cancel", tag = "guests",
    request_body(content = LinkToken, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Cancelled", content_type = "text/html"),
        (status = 400, description = "no token in the form", content_type = "text/html"),
        (status = 404, description = "the link is not valid, or the seat was given back already", content_type = "text/html"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn cancel_form(State(state): State<AppState>, form: Result<Form<LinkToken>, FormRejection>) -> Response {
    let token = match token_of(form) {
        Ok(token) => token,
        Err(error) => return refused(error),
    };
    match state.guests.cancel(&token).await {
        Ok(()) => page(
            StatusCode::OK,
            "Cancelled",
            "<p>Your seat is given back. Thank you for saying so.</p>",
        ),
        Err(error) => refused(ApiError::from(error)),
    }
}

fn token_of(form: Result<Form<LinkToken>, FormRejection>) -> Result<String, ApiError> {
    form.map(|Form(link)| link.token)
        .map_err(|_| ApiError::BadRequest("the form holds no token".to_owned()))
}

/// A refusal as a page, with the status the API gives it and its words.
fn refused(error: ApiError) -> Response {
    let detail = format!("<p>{}</p>", escape(&error.to_string()));
    // The API's own answer decides the status (and logs an internal error).
    let status = error.into_response().status();
    page(status, "This did not work", &detail)
}

fn seated(facts: &[EventFact]) -> String {
    match facts.first() {
        Some(EventFact::GuestConfirmed {
            place: GuestPlace::Member { ticket },
            ..
        }) => format!(
            "<p>You have a seat. Your ticket code is <strong>{}</strong>; an email brings it with a link to cancel.</p>",
            ticket.code
        ),
        Some(EventFact::GuestConfirmed {
            place: GuestPlace::Waitlist { position },
            ..
        }) => format!(
            "<p>The event is full: you are number {position} on the waitlist. An email tells you when a seat is yours.</p>"
        ),
        _ => "<p>You are registered.</p>".to_owned(),
    }
}

fn button(action: &str, token: &str, label: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
         <button type=\"submit\">{label}</button></form>",
        escape(token)
    )
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>\n"
    );
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        (CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    (status, headers, html).into_response()
}
