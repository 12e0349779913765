//! The HTTP API: one module per resource; `router` wires paths to handlers.

mod answer;
mod auth;
mod bounds;
mod calendar;
mod categories;
mod client_ip;
mod docs;
mod drain;
mod error;
mod event_links;
mod events;
mod extract;
mod feed;
mod feedback;
mod fields;
mod guest_pages;
mod guests;
mod health;
mod idempotency;
mod invitations;
mod lag;
mod lapse;
mod layers;
mod logs;
mod membership;
mod metrics;
mod notifications;
mod openapi;
mod query;
mod requests;
mod series;
pub mod serve;
mod ticket_fields;
mod tickets;
mod users;
mod wire;
mod ws;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{middleware, Extension, Router};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use calendar::ics_paths;
pub use error::ApiError;
pub use layers::HttpSettings;
pub use metrics::recorder;

use crate::state::AppState;

/// The contract's body limit.
const BODY_LIMIT: usize = 64 * 1024;

/// Every route, each put in the router and in the OpenAPI document by the same `routes!`.
pub fn router(state: AppState, settings: &HttpSettings) -> Router {
    let api = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(users::me, users::update_me, users::delete_me))
        .routes(routes!(users::my_events))
        .routes(routes!(events::list, events::create))
        .routes(routes!(events::upcoming))
        .routes(routes!(events::get, events::put, events::patch, events::delete))
        .routes(routes!(membership::join))
        .routes(routes!(membership::leave))
        .routes(routes!(membership::leave_alias))
        .routes(routes!(membership::list_members))
        .routes(routes!(membership::remove))
        .routes(routes!(membership::waitlist))
        .routes(routes!(membership::capacity))
        .routes(routes!(guests::register))
        .routes(routes!(guests::confirm))
        .routes(routes!(guests::cancel))
        .routes(routes!(guests::remove))
        .routes(routes!(logs::history))
        .routes(routes!(invitations::of_event, invitations::send))
        .routes(routes!(invitations::received))
        .routes(routes!(invitations::answer))
        .routes(routes!(feedback::list, feedback::leave))
        .routes(routes!(series::get, series::patch, series::delete))
        .routes(routes!(tickets::mine))
        .routes(routes!(tickets::get))
        .routes(routes!(tickets::check_in))
        .routes(routes!(categories::list, categories::create))
        .routes(routes!(categories::update))
        .routes(routes!(logs::all))
        .routes(routes!(logs::of_event))
        .routes(routes!(feed::feed))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::read))
        .routes(routes!(notifications::read_all))
        .routes(routes!(notifications::stream))
        .routes(routes!(ws::ws))
        .routes(routes!(calendar::rotate, calendar::revoke))
        .routes(routes!(openapi::document))
        .routes(routes!(docs::page))
        .routes(routes!(docs::asset))
        .route_layer(middleware::from_fn_with_state(state.clone(), idempotency::idempotent));
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::skeleton())
        .nest("/api", api)
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(metrics::metrics))
        .routes(routes!(guest_pages::confirm_page, guest_pages::confirm_form))
        .routes(routes!(guest_pages::cancel_page, guest_pages::cancel_form))
        .split_for_parts();
    // Served under their rewritten paths (see `calendar::ics_paths`), documented as public.
    let router = router
        .route("/api/events/{id}/ics", get(calendar::event))
        .route("/api/calendar/{token}/ics", get(calendar::subscription));
    doc.merge(openapi::Calendars::openapi());
    openapi::complete(&mut doc);
    bounds::apply(&mut doc);
    let document = openapi::Document(Bytes::from(doc.to_json().expect("the document serialises")));
    let router = router
        .layer(Extension(document))
        .layer(Extension(settings.public_origin.clone()))
        .fallback(health::not_found)
        .method_not_allowed_fallback(health::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    layers::wrap(router, settings)
}
