//! Registration, login, token refresh and logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use super::json::{TokensBody, UserBody};
use super::requests::{Login, Logout, Refresh, Register, Registration};
use crate::accounts::NewUser;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody};
use crate::state::AppState;

/// Registers a user.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = super::requests::Register,
    responses(
        (status = 201, description = "The new user", body = UserBody),
        (status = 409, description = "a user with that username already exists"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(State(state): State<AppState>, body: JsonBody) -> Result<(StatusCode, Json<UserBody>), ApiError> {
    let Registration {
        username,
        email,
        password,
        first_name,
        last_name,
        role,
    } = body.parse::<Register>()?.validate()?;
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
    let (username, password) = body.parse::<Login>()?.validate()?;
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
    let refresh = body.parse::<Refresh>()?.validate()?;
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
    let refresh = body.parse_or_empty::<Logout>()?.validate()?;
    state.tokens.logout(&user.claims, refresh.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
