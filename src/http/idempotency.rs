//! `Idempotency-Key` on `POST`: a retry by the same user with the same key gets the first
//! answer (status, headers, body) and changes nothing, also when the two race. The same key
//! with another body is 422, as at Stripe. Keys belong to users; of the anonymous requests
//! only registration keeps keys (see [`owner`]).

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::ApiError;
use super::extract::{read_body, AuthUser};
use crate::idempotency::{Claim, StoredAnswer};
use crate::state::AppState;
use crate::store::AnswerRecord;

const HEADER: &str = "idempotency-key";
/// Headers of the first answer that a replay repeats.
const REPLAYED_HEADERS: [&str; 4] = ["content-type", "location", "etag", "retry-after"];
/// How long a retry waits for the first request with its key to finish.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(25);
/// Tries to record an answer before giving up on it.
const RECORD_TRIES: u32 = 20;

/// The key a request claimed, for a handler whose command records the answer in the
/// transaction that commits its facts (see `answer.rs`).
#[derive(Debug, Clone)]
pub struct ClaimedKey {
    owner: Uuid,
    key: String,
}

impl ClaimedKey {
    pub fn record(&self, status: u16, headers: Vec<(String, String)>, body: String) -> AnswerRecord {
        AnswerRecord {
            user_id: self.owner.to_string(),
            key: self.key.clone(),
            status: i64::from(status),
            headers: StoredAnswer::headers_text(&headers),
            body,
        }
    }
}

/// On a response whose answer its command's transaction recorded already.
#[derive(Debug, Clone, Copy)]
pub struct RecordedWithFacts;

pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    // In a task of its own, so that a client hanging up cannot leave the key claimed but
    // unanswered: from the claim on, the request runs to its end and its answer is recorded.
    let keyed = tokio::spawn(async move {
        match handle(&state, key, request, next).await {
            Ok(response) => response,
            Err(error) => error.into_response(),
        }
    });
    keyed
        .await
        .unwrap_or_else(|error| ApiError::internal(error).into_response())
}

/// The `POST`s whose answers hold credentials (tokens): never stored, so a key on them is
/// ignored and they run as usual, whoever sends them.
pub const WITH_CREDENTIALS: [&str; 3] = ["/auth/login", "/auth/refresh", "/users/me/calendar-token"];

/// The `POST`s open to anyone whose answers hold no credentials: registration, and a
/// guest's registration, confirmation and cancellation (whose tokens are in the body, so
/// only their holder can replay them).
const ANONYMOUS: [&str; 4] = ["/auth/register", "/guests", "/guests/confirm", "/guests/cancel"];

/// Whether a `POST` to `path` (under `/api`) keeps keys for anonymous callers.
pub fn keeps_anonymous_keys(path: &str) -> bool {
    ANONYMOUS.iter().any(|open| path.ends_with(open))
}

/// Whose keys these are: the signed-in user's, or for registration (the one `POST` open to
/// anyone whose answer holds no credentials) no one's, scoped by the request itself (see
/// [`Owner::scope`]). Other requests run as usual: their handler answers 401 first. A caller
/// who cannot be told (the store out of reach) is an error: run without its key, a retry of
/// the request would run it twice.
async fn owner(parts: &mut Parts, state: &AppState) -> Result<Option<Owner>, ApiError> {
    let path = parts.uri.path();
    if WITH_CREDENTIALS.iter().any(|credentials| path.ends_with(credentials)) {
        return Ok(None);
    }
    if !parts.headers.contains_key(AUTHORIZATION) && keeps_anonymous_keys(path) {
        return Ok(Some(Owner::Anonymous));
    }
    match AuthUser::from_request_parts(parts, state).await {
        Ok(user) => Ok(Some(Owner::User(user.id))),
        Err(ApiError::Unauthorized(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

enum Owner {
    User(Uuid),
    Anonymous,
}

impl Owner {
    /// The scope of the key: the user, or for anyone the request's fingerprint, so that
    /// strangers who happen to pick the same key do not collide, while a retry of the same
    /// registration finds its first answer.
    fn scope(&self, fingerprint: &str) -> Uuid {
        match self {
            Owner::User(id) => *id,
            Owner::Anonymous => Uuid::new_v5(&Uuid::NAMESPACE_OID, fingerprint.as_bytes()),
        }
    }
}

async fn handle(state: &AppState, key: HeaderValue, request: Request, next: Next) -> Result<Response, ApiError> {
    let key = key
        .to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned);
    let (mut parts, body) = request.into_parts();
    let Some(owner) = owner(&mut parts, state).await? else {
        return Ok(next.run(Request::from_parts(parts, body)).await);
    };
    // Checked once the caller is known: an anonymous request is 401 whatever its key.
    let key =
        key.ok_or_else(|| ApiError::BadRequest("Idempotency-Key must be 1–255 visible ASCII characters".to_owned()))?;
    let bytes = read_body(body).await?;
    let fingerprint = fingerprint(&parts.uri.to_string(), &bytes);
    let owner = owner.scope(&fingerprint);
    let keys = &state.idempotency;
    let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
    let _running = loop {
        match keys.claim(owner, &key, &fingerprint, state.clock.now()).await? {
            Claim::Won(running) => break running,
            Claim::Running { fingerprint: first } | Claim::Answered { fingerprint: first, .. }
                if first != fingerprint =>
            {
                return Err(ApiError::Unprocessable(
                    "this Idempotency-Key was used with another request; use a new key",
                ));
            }
            Claim::Answered { answer, .. } => return Ok(replay(answer)),
            Claim::Running { .. } if tokio::time::Instant::now() < deadline => tokio::time::sleep(POLL).await,
            Claim::Running { .. } => {
                return Err(ApiError::Conflict(
                    "a request with this Idempotency-Key is still in progress; retry later".to_owned(),
                ))
            }
        }
    };
    let claim = ClaimedKey { owner, key };
    parts.extensions.insert(claim.clone());
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    settle(state, &claim, response).await
}

/// Records the answer, or gives the key back when nothing ran: when we failed (so that a
/// retry may succeed), and, as at Stripe, when the request was refused before its command
/// (invalid fields, no such event, not allowed, throttled), so that the corrected request may
/// use the key. A 409 is the command's own answer, and is kept.
async fn settle(state: &AppState, claim: &ClaimedKey, response: Response) -> Result<Response, ApiError> {
    if response.extensions().get::<RecordedWithFacts>().is_some() {
        return Ok(response);
    }
    let (user_id, key) = (claim.owner, claim.key.as_str());
    let status = response.status();
    let ran = status.is_success() || status == StatusCode::CONFLICT;
    if !ran {
        // Should this fail too, the claim is found abandoned once this request has ended.
        let _ = state.idempotency.release(user_id, key).await;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.map_err(ApiError::internal)?;
    let answer = StoredAnswer {
        status: parts.status.as_u16(),
        headers: REPLAYED_HEADERS
            .iter()
            .filter_map(|name| {
                let value = parts.headers.get(*name)?.to_str().ok()?;
                Some(((*name).to_owned(), value.to_owned()))
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    // The answer exists now: a store that hiccups must not lose it.
    let mut tries = 0;
    while let Err(error) = state.idempotency.record(user_id, key, &answer).await {
        tries += 1;
        if tries == RECORD_TRIES {
            return Err(error.into());
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

fn replay(answer: StoredAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = (status, answer.body).into_response();
    let headers = response.headers_mut();
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

fn fingerprint(uri: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(uri.as_bytes());
    hash.update([0]);
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
