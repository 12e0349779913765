//! The HTTP API: one module per resource; `router` wires paths to handlers.

mod access;
mod accounts;
mod answer;
mod bounds;
mod calendar;
mod categories;
mod client_ip;
mod docs;
mod drain;
mod error;
mod events;
mod extract;
mod feed;
mod feedback;
mod fields;
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
mod paths;
mod query;
mod series;
pub mod serve;
mod tickets;
mod wire;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{middleware, Extension, Router};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use calendar::ics_paths;
pub use error::ApiError;
pub use extract::BODY_WITHIN;
pub use layers::HttpSettings;
pub use metrics::recorder;

use crate::state::AppState;

/// The contract's body limit.
const BODY_LIMIT: usize = 64 * 1024;

/// Every route, each put in the router and in the OpenAPI document by the same `routes!`.
pub fn router(state: AppState, settings: &HttpSettings) -> Router {
    let api = OpenApiRouter::new()
        .routes(routes!(accounts::auth::register))
        .routes(routes!(accounts::auth::login))
        .routes(routes!(accounts::auth::refresh))
        .routes(routes!(accounts::auth::logout))
        .routes(routes!(
            accounts::users::me,
            accounts::users::update_me,
            accounts::users::delete_me
        ))
        .routes(routes!(accounts::users::my_events))
        .routes(routes!(events::handlers::list, events::handlers::create))
        .routes(routes!(events::handlers::upcoming))
        .routes(routes!(
            events::handlers::get,
            events::handlers::put,
            events::handlers::patch,
            events::handlers::delete
        ))
        .routes(routes!(membership::handlers::join))
        .routes(routes!(membership::handlers::leave))
        .routes(routes!(membership::handlers::leave_alias))
        .routes(routes!(membership::handlers::list_members))
        .routes(routes!(membership::handlers::remove))
        .routes(routes!(membership::handlers::waitlist))
        .routes(routes!(membership::handlers::capacity))
        .routes(routes!(guests::handlers::register))
        .routes(routes!(guests::handlers::confirm))
        .routes(routes!(guests::handlers::cancel))
        .routes(routes!(guests::handlers::remove))
        .routes(routes!(logs::handlers::history))
        .routes(routes!(invitations::handlers::of_event, invitations::handlers::send))
        .routes(routes!(invitations::handlers::received))
        .routes(routes!(invitations::handlers::answer))
        .routes(routes!(feedback::handlers::list, feedback::handlers::leave))
        .routes(routes!(
            series::handlers::get,
            series::handlers::patch,
            series::handlers::delete
        ))
        .routes(routes!(tickets::handlers::mine))
        .routes(routes!(tickets::handlers::get))
        .routes(routes!(tickets::handlers::check_in))
        .routes(routes!(categories::handlers::list, categories::handlers::create))
        .routes(routes!(categories::handlers::update))
        .routes(routes!(logs::handlers::all))
        .routes(routes!(logs::handlers::of_event))
        .routes(routes!(feed::handlers::feed))
        .routes(routes!(notifications::handlers::list))
        .routes(routes!(notifications::handlers::read))
        .routes(routes!(notifications::handlers::read_all))
        .routes(routes!(notifications::handlers::stream))
        .routes(routes!(notifications::ws::ws))
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
        .routes(routes!(guests::pages::confirm_page, guests::pages::confirm_form))
        .routes(routes!(guests::pages::cancel_page, guests::pages::cancel_form))
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
