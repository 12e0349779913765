//! Registration, login, token refresh and logout.

use aggregates::values::{Email, Password, Username};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use super::json::{TokensBody, UserBody};
use crate::accounts::{NewUser, Role};
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody};
use crate::http::fields::{string, text, Fields};
use crate::state::AppState;

/// The longest first or last name, in characters, as in Django.
pub const MAX_NAME_CHARS: usize = 150;

/// First and last names: at most 150 characters, like Django's.
pub fn name(value: &Value) -> Result<String, String> {
    let name = string(value)?;
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "ensure this field has no more than {MAX_NAME_CHARS} characters"
        ));
    }
    Ok(name)
}

/// Registers a user.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = super::requests::Register,
    responses(
        (status = 201, description = "The new user", body = UserBody),
        (status = 409, description = "a user with that username already exists"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(State(state): State<AppState>, body: JsonBody) -> Result<(StatusCode, Json<UserBody>), ApiError> {
    let mut fields = Fields::new(body.object()?);
    let username = fields.required("username", &text(Username::parse_new));
    let email = fields.required("email", &text(Email::parse));
    let password = fields.required("password", &text(Password::parse));
    let first_name = fields.optional("first_name", &name).unwrap_or_default();
    let last_name = fields.optional("last_name", &name).unwrap_or_default();
    let role = fields.optional("role", &text(Role::parse)).unwrap_or_default();
    fields.finish()?;
    let (Some(username), Some(email), Some(password)) = (username, email, password) else {
        unreachable!("finish() reports missing required fields");
    };
    let password_hash = state.passwords.hash(password.expose()).await?;
    let new = NewUser {
        username: username.as_str().to_owned(),
        email: email.as_str().to_owned(),
        first_name,
        last_name,
        password_hash,
        role,
    };
    let user = state
        .users
        .create(new)
        .await?
        .ok_or_else(|| ApiError::Conflict("a user with that username already exists".to_owned()))?;
    Ok((StatusCode::CREATED, Json(UserBody::from(&user))))
}

/// Logs in: trades a username and password for a token pair.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = super::requests::Login,
    responses(
        (status = 200, description = "A token pair", body = TokensBody),
        (status = 401, description = "wrong username or password (the same answer for both)"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn login(State(state): State<AppState>, body: JsonBody) -> Result<Json<TokensBody>, ApiError> {
    const WRONG: &str = "no active account found with the given credentials";
    let mut fields = Fields::new(body.object()?);
    let username = fields.required("username", &string);
    let password = fields.required("password", &string);
    fields.finish()?;
    let (Some(username), Some(password)) = (username, password) else {
        unreachable!("finish() reports missing required fields");
    };
    let found = state.users.find_for_login(&username).await?;
    let hash = found.as_ref().map(|(_, hash)| hash.as_str());
    let matches = state.passwords.verify(&password, hash).await?;
    let user = found.filter(|_| matches).ok_or(ApiError::Unauthorized(WRONG))?.0;
    let tokens = state.tokens.issue(user.id).await?;
    Ok(Json(tokens.into()))
}

/// Trades a refresh token for a new pair; the old refresh token is revoked.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = super::requests::Refresh,
    responses(
        (status = 200, description = "A new token pair", body = TokensBody),
        (status = 401, description = "the refresh token is revoked, expired or forged"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn refresh(State(state): State<AppState>, body: JsonBody) -> Result<Json<TokensBody>, ApiError> {
    let mut fields = Fields::new(body.object()?);
    let refresh = fields.required("refresh", &string);
    fields.finish()?;
    let refresh = refresh.unwrap_or_default();
    match state.tokens.refresh(&refresh).await {
        Ok(tokens) => Ok(Json(tokens.into())),
        Err(crate::accounts::TokenError::Invalid) => Err(ApiError::Unauthorized(
            "the refresh token is invalid, expired or revoked",
        )),
        Err(crate::accounts::TokenError::Database(e)) => Err(e.into()),
    }
}

/// Logs out: revokes the access token, and the refresh token if given.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    request_body(content = super::requests::Logout, description = "Optional: an empty body is `{}`"),
    responses((status = 204, description = "Logged out")))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn logout(State(state): State<AppState>, user: AuthUser, body: JsonBody) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(body.object_or_empty()?);
    let refresh = fields.optional("refresh", &string);
    fields.finish()?;
    state.tokens.logout(&user.claims, refresh.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
