//! Liveness, and the answers for paths and methods that do not exist.

use axum::http::StatusCode;

use super::error::ApiError;

pub async fn healthz() -> StatusCode {
    StatusCode::OK
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such resource")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
