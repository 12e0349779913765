//! The HTTP API: one module per resource; `router` wires paths to handlers.

mod auth;
mod error;
mod events;
mod extract;
mod feedback;
mod fields;
mod health;
mod idempotency;
mod invitations;
mod logs;
mod membership;
mod query;
mod users;
mod wire;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{delete, get, post, put};
use axum::Router;

pub use error::ApiError;

use crate::state::AppState;

/// The contract's body limit.
const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route(
            "/users/me",
            get(users::me).patch(users::update_me).delete(users::delete_me),
        )
        .route("/users/me/events", get(users::my_events))
        .route("/events", get(events::list).post(events::create))
        .route("/events/upcoming", get(events::upcoming))
        .route(
            "/events/{id}",
            get(events::get)
                .put(events::put)
                .patch(events::patch)
                .delete(events::delete),
        )
        .route("/events/{id}/join", post(membership::join))
        .route("/events/{id}/exit", delete(membership::leave))
        .route("/events/{id}/leave", delete(membership::leave))
        .route("/events/{id}/members", get(membership::list_members))
        .route("/events/{id}/members/{user_id}", delete(membership::remove))
        .route("/events/{id}/waitlist", get(membership::waitlist))
        .route("/events/{id}/capacity", get(membership::capacity))
        .route("/events/{id}/history", get(logs::history))
        .route(
            "/events/{id}/invitations",
            get(invitations::of_event).post(invitations::send),
        )
        .route("/invitations", get(invitations::received))
        .route("/invitations/{id}", put(invitations::answer))
        .route("/events/{id}/feedback", get(feedback::list).post(feedback::leave))
        .route("/logs", get(logs::all))
        .route("/logs/{event_id}", get(logs::of_event))
        .route_layer(middleware::from_fn_with_state(state.clone(), idempotency::idempotent));
    Router::new()
        .nest("/api", api)
        .route("/healthz", get(health::healthz))
        .fallback(health::not_found)
        .method_not_allowed_fallback(health::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}
