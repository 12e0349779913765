//! The caller's own account and memberships.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use projections::members;

use super::json::{MembershipBody, UserBody};
use super::requests::{AccountChanges, UserChanges as UserChangesRequest};
use crate::accounts::{User, UserChanges};
use crate::app;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody};
use crate::http::fields::Fields;
use crate::http::query::{PageBody, Params};
use crate::state::AppState;

async fn current(state: &AppState, user: &AuthUser) -> Result<User, ApiError> {
    state
        .users
        .find(user.id)
        .await?
        .ok_or(ApiError::Unauthorized("the user no longer exists"))
}

/// The caller's account.
#[utoipa::path(get, path = "/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = UserBody)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<UserBody>, ApiError> {
    Ok(Json(UserBody::from(&current(&state, &user).await?)))
}

/// Changes the caller's email, names, password or which messages they are mailed.
#[utoipa::path(patch, path = "/users/me", tag = "users", security(("bearer" = [])),
    request_body = super::requests::UserChanges,
    responses((status = 200, description = "The changed account", body = UserBody)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn update_me(
    State(state): State<AppState>,
    user: AuthUser,
    body: JsonBody,
) -> Result<Json<UserBody>, ApiError> {
    let mut fields = Fields::new();
    let AccountChanges {
        email,
        first_name,
        last_name,
        password,
        email_notifications,
    } = body.parse::<UserChangesRequest>()?.validate(&mut fields);
    let password = match password {
        Some((_, None)) => {
            fields.error("current_password", "this field is required to change the password");
            None
        }
        Some((password, Some(given))) => {
            let hash = state.users.password_hash(user.id).await?;
            if !state.passwords.verify(&given, hash.as_deref()).await? {
                fields.error("current_password", "the current password is not correct");
            }
            Some(password)
        }
        None => None,
    };
    fields.finish()?;
    let password_hash = match password {
        Some(password) => Some(state.passwords.hash(password.expose()).await?),
        None => None,
    };
    let changes = UserChanges {
        email: email.map(|e| e.as_str().to_owned()),
        first_name,
        last_name,
        password_hash,
        email_notifications,
    };
    let changed_password = changes.password_hash.is_some();
    let updated = state
        .users
        .update(user.id, changes)
        .await?
        .ok_or(ApiError::Unauthorized("the user no longer exists"))?;
    if changed_password {
        state.tokens.revoke_all(user.id).await?;
    }
    Ok(Json(UserBody::from(&updated)))
}

/// Deletes the caller's account.
///
/// The events it created are deleted and the ones it joined are left (promoting waitlists),
/// each through the ordinary commands, so every step is in the logs; its invitations and
/// feedback go with it, and the username becomes free again.
#[utoipa::path(delete, path = "/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 204, description = "Deleted")))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn delete_me(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    app::accounts::delete_account(&state, &user.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's memberships and waitlist places.
#[utoipa::path(get, path = "/users/me/events", tag = "users", security(("bearer" = [])),
    params(crate::http::query::Pagination),
    responses((status = 200, description = "A page of memberships", body = PageBody<MembershipBody>)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn my_events(
    State(state): State<AppState>,
    user: AuthUser,
    mut params: Params,
) -> Result<Json<PageBody<MembershipBody>>, ApiError> {
    let page = params.page()?;
    params.finish()?;
    let rows = members::memberships(&state.store.read, user.id, page).await?;
    Ok(Json(params.envelope(page, rows.map(MembershipBody::from))))
}
