//! The caller's own account and memberships.

use aggregates::values::{Email, Password};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use projections::members;
use serde_json::Value;

use super::auth::name;
use super::json::{MembershipBody, UserBody};
use crate::accounts::{EmailNotificationChanges, User, UserChanges};
use crate::app;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody};
use crate::http::fields::{boolean, string, text, Fields};
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
    let mut fields = Fields::new(body.object()?);
    let email = fields.optional("email", &text(Email::parse));
    let first_name = fields.optional("first_name", &name);
    let last_name = fields.optional("last_name", &name);
    let password = fields.optional("password", &text(Password::parse));
    let current_password = fields.optional("current_password", &string);
    let email_notifications = fields.optional("email_notifications", &notification_changes);
    if password.is_some() {
        match &current_password {
            None => fields.error("current_password", "this field is required to change the password"),
            Some(given) => {
                let hash = state.users.password_hash(user.id).await?;
                if !state.passwords.verify(given, hash.as_deref()).await? {
                    fields.error("current_password", "the current password is not correct");
                }
            }
        }
    }
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
        email_notifications: email_notifications.unwrap_or_default(),
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

/// `email_notifications`: `{invitations, promotions, changes, reminders}`, each an optional
/// boolean.
fn notification_changes(value: &Value) -> Result<EmailNotificationChanges, String> {
    let Value::Object(map) = value else {
        return Err("must be an object {invitations, promotions, changes, reminders} of booleans".to_owned());
    };
    let mut fields = Fields::new(map.clone());
    let changes = EmailNotificationChanges {
        invitations: fields.optional("invitations", &boolean),
        promotions: fields.optional("promotions", &boolean),
        changes: fields.optional("changes", &boolean),
        reminders: fields.optional("reminders", &boolean),
    };
    let problems = fields.into_problems();
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(problems.join(", "))
    }
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
    params(crate::http::params::Pagination),
    responses((status = 200, description = "A page of memberships", body = PageBody<MembershipBody>)))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn my_events(
    State(state): State<AppState>,
    user: AuthUser,
    mut params: Params,
) -> Result<Json<PageBody<MembershipBody>>, ApiError> {
    let page = params.page();
    params.finish()?;
    let rows = members::memberships(&state.store.read, user.id, page).await?;
    Ok(Json(params.envelope(page, rows.map(MembershipBody::from))))
}
