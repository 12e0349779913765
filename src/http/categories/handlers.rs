//! `/api/categories`: anyone reads them; administrators create and change them.

use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::json::CategoryBody;
use super::requests::CategoryPath;
use super::requests::{CategoryChanges, NewCategory};
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody};
use crate::http::query::{PageBody, Params};
use crate::state::AppState;

const SLUG_TAKEN: &str = "a category with this slug already exists";

/// 403 unless the caller is an administrator (made by `user promote USERNAME --admin`).
async fn require_admin(state: &AppState, user: &AuthUser) -> Result<(), ApiError> {
    match state.users.find(user.id).await? {
        Some(account) if account.is_admin => Ok(()),
        _ => Err(ApiError::Forbidden("only administrators may manage categories")),
    }
}

/// Every category, by name.
#[utoipa::path(get, path = "/categories", tag = "categories", params(crate::http::query::Pagination),
    responses((status = 200, description = "A page of categories", body = PageBody<CategoryBody>)))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(State(state): State<AppState>, mut params: Params) -> Result<Json<PageBody<CategoryBody>>, ApiError> {
    let page = params.page()?;
    params.finish()?;
    let categories = state.categories.list(page).await?;
    Ok(Json(params.envelope(page, categories.map(CategoryBody::from))))
}

/// Creates a category (administrators only); the slug defaults to one made from the name.
#[utoipa::path(post, path = "/categories", tag = "categories", security(("bearer" = [])),
    request_body = super::requests::NewCategory,
    responses(
        (status = 201, description = "The new category", body = CategoryBody,
            headers(("Location" = String, description = "The category list"))),
        (status = 403, description = "only administrators may manage categories"),
        (status = 409, description = "a category with this slug already exists"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
pub async fn create(State(state): State<AppState>, user: AuthUser, body: JsonBody) -> Result<Response, ApiError> {
    require_admin(&state, &user).await?;
    let (name, slug) = body.parse::<NewCategory>()?.validate()?;
    let category = state
        .categories
        .create(&name, &slug)
        .await?
        .ok_or_else(|| ApiError::Conflict(SLUG_TAKEN.to_owned()))?;
    let location = HeaderValue::from_static("/api/categories");
    Ok((
        StatusCode::CREATED,
        [(LOCATION, location)],
        Json(CategoryBody::from(category)),
    )
        .into_response())
}

/// Renames a category or changes its slug (administrators only); events keep it.
#[utoipa::path(patch, path = "/categories/{id}", tag = "categories", security(("bearer" = [])),
    params(super::requests::CategoryPath), request_body = super::requests::CategoryChanges,
    responses(
        (status = 200, description = "The changed category", body = CategoryBody),
        (status = 403, description = "only administrators may manage categories"),
        (status = 404, description = "no such category"),
        (status = 409, description = "a category with this slug already exists"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %id, user = %user.id))]
pub async fn update(
    State(state): State<AppState>,
    user: AuthUser,
    CategoryPath { id }: CategoryPath,
    body: JsonBody,
) -> Result<Json<CategoryBody>, ApiError> {
    // 404 before 403, as the contract orders them.
    if state.categories.find(&id.to_string()).await?.is_none() {
        return Err(ApiError::NotFound("category not found"));
    }
    require_admin(&state, &user).await?;
    let (name, slug) = body.parse::<CategoryChanges>()?.validate()?;
    let changed = state.categories.update(id, name.as_deref(), slug.as_deref()).await;
    match changed {
        Ok(Some(category)) => Ok(Json(CategoryBody::from(category))),
        Ok(None) => Err(ApiError::NotFound("category not found")),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(ApiError::Conflict(SLUG_TAKEN.to_owned())),
        Err(e) => Err(e.into()),
    }
}
