//! Extractors whose rejections are `ApiError`s, so every bad request gets our problem+json.

use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes, HttpBody};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::error::ApiError;
use super::BODY_LIMIT;
use crate::accounts::Claims;
use crate::state::AppState;

/// The caller, authenticated by a valid, unexpired and unrevoked access token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub username: String,
    pub claims: Claims,
}

impl AuthUser {
    pub fn actor(&self) -> aggregates::Actor {
        aggregates::Actor::new(self.id, self.username.clone())
    }

    /// The caller as a reader of events.
    pub fn viewer(&self) -> Viewer {
        Viewer(Some(self.id))
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        const MISSING: &str = "authentication credentials were not provided";
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or(ApiError::Unauthorized(MISSING))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .ok_or(ApiError::Unauthorized(INVALID))?;
        Self::from_token(state, token).await
    }
}

const INVALID: &str = "the access token is invalid, expired or revoked";

/// Who reads an endpoint that anyone may read: the user of a valid access token, else an
/// anonymous caller (`None`), as before these endpoints knew of callers. It decides which
/// private events exist for them.
#[derive(Debug, Clone, Copy)]
pub struct Viewer(pub projections::events::Viewer);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if !parts.headers.contains_key(AUTHORIZATION) {
            return Ok(Self(None));
        }
        match AuthUser::from_request_parts(parts, state).await {
            Ok(user) => Ok(Self(Some(user.id))),
            Err(ApiError::Unauthorized(_)) => Ok(Self(None)),
            Err(other) => Err(other),
        }
    }
}

impl AuthUser {
    /// The user of a bare access token (as a WebSocket sends it, without a header).
    pub async fn from_token(state: &AppState, token: &str) -> Result<Self, ApiError> {
        let claims = state
            .tokens
            .verify(token.trim())
            .map_err(|_| ApiError::Unauthorized(INVALID))?;
        let username = state
            .tokens
            .is_active(&claims)
            .await?
            .ok_or(ApiError::Unauthorized(INVALID))?;
        Ok(Self {
            id: claims.sub,
            username,
            claims,
        })
    }
}

/// A JSON object body. Reading it never rejects the request by itself: handlers call
/// [`JsonBody::object`] after the checks that take precedence (401, 404, 403).
pub struct JsonBody(Result<Map<String, Value>, ApiError>, bool);

impl JsonBody {
    /// The body as the request `T` (a resource's `requests.rs` type).
    pub fn parse<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        request(self.object()?)
    }

    /// Like [`Self::parse`]; an empty body counts as `{}`.
    pub fn parse_or_empty<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        request(self.object_or_empty()?)
    }

    /// Like [`Self::parse`], for endpoints that took no body before (see
    /// [`Self::object_or_nothing`]).
    pub fn parse_or_nothing<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        request(self.object_or_nothing()?)
    }

    fn object(self) -> Result<Map<String, Value>, ApiError> {
        self.0
    }

    /// An empty body counts as `{}` (for endpoints whose body is optional).
    fn object_or_empty(self) -> Result<Map<String, Value>, ApiError> {
        match self.0 {
            Err(ApiError::BadRequest(message)) if message == EMPTY => Ok(Map::new()),
            other => other,
        }
    }

    /// For endpoints that took no body before: an empty body counts as `{}` whatever its
    /// `Content-Type` (so old clients are answered as before), and so does a JSON `null`.
    fn object_or_nothing(self) -> Result<Map<String, Value>, ApiError> {
        if self.1 {
            return Ok(Map::new());
        }
        self.object_or_empty()
    }
}

const EMPTY: &str = "a JSON body is required";

/// How long a request body (at most [`BODY_LIMIT`]) may take to arrive once its head has.
pub const BODY_WITHIN: Duration = Duration::from_secs(10);

/// A request body, read whole: 413 for a declared length over [`BODY_LIMIT`] (before a byte
/// is read) or a body that grows past it, 408 for one that stops arriving within
/// [`BODY_WITHIN`] (not 503 at the request's own deadline). Every reader of a body reads it
/// here: [`JsonBody`], and the `Idempotency-Key` middleware that hashes it first.
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    if body.size_hint().lower() > BODY_LIMIT as u64 {
        return Err(ApiError::PayloadTooLarge);
    }
    match tokio::time::timeout(BODY_WITHIN, to_bytes(body, BODY_LIMIT)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(ApiError::PayloadTooLarge),
        Err(_) => Err(ApiError::RequestTimeout),
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|mime| mime.trim().to_ascii_lowercase())
            .map(|mime| mime == "application/json" || mime.ends_with("+json"));
        // Read as it came, an encoded body would be taken for another one.
        let encoded = request
            .headers()
            .get(CONTENT_ENCODING)
            .is_some_and(|coding| !coding.as_bytes().eq_ignore_ascii_case(b"identity"));
        if encoded {
            return Ok(Self(Err(ApiError::UnsupportedEncoding), false));
        }
        let bytes = match read_body(request.into_body()).await {
            Ok(bytes) => bytes,
            Err(error) => return Ok(Self(Err(error), false)),
        };
        // No body, or a JSON `null`: nothing sent (the document allows both where it is optional).
        let text = bytes.trim_ascii();
        let absent = text.is_empty() || (is_json == Some(true) && text == b"null");
        Ok(Self(parse(&bytes, is_json), absent))
    }
}

/// Fields of a request never fail to deserialise (each keeps its own problem), so this
/// fails only for a type that is not made of them.
fn request<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, ApiError> {
    T::deserialize(Value::Object(map)).map_err(|error| ApiError::BadRequest(error.to_string()))
}

fn parse(bytes: &[u8], is_json: Option<bool>) -> Result<Map<String, Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) && is_json != Some(false) {
        return Err(ApiError::BadRequest(EMPTY.to_owned()));
    }
    if is_json != Some(true) {
        return Err(ApiError::UnsupportedMediaType);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::BadRequest("the body must be a JSON object".to_owned())),
        Err(error) => Err(ApiError::BadRequest(format!("malformed JSON: {error}"))),
    }
}

/// A path type's parameters, by name; anything that is not a UUID names no resource (404).
pub async fn path<T: DeserializeOwned + Send, S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<T, ApiError> {
    let Path(path) = Path::<T>::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::NotFound("not found"))?;
    Ok(path)
}

/// Makes each path type (`#[derive(Deserialize, IntoParams)]`, its fields named as the
/// route's parameters) the extractor of its path, so that one type parses and documents it.
macro_rules! path_params {
    ($($path:ty),+ $(,)?) => {$(
        impl<S: Send + Sync> axum::extract::FromRequestParts<S> for $path {
            type Rejection = $crate::http::error::ApiError;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                state: &S,
            ) -> Result<Self, Self::Rejection> {
                $crate::http::extract::path(parts, state).await
            }
        }
    )+};
}
pub(crate) use path_params;
