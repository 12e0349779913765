//! A command's answer built from its facts alone, before they commit: so that, for a
//! request sent with an `Idempotency-Key`, the transaction that commits the facts also
//! records the answer (as Stripe does), and a retry of a committed command is always
//! replayed, whatever happened to the first request after the commit.

use aggregates::EventFact;
use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;
use super::idempotency::{ClaimedKey, RecordedWithFacts};
use crate::commands::Answering;

/// A JSON answer: status, the headers a replay repeats, and the body.
#[derive(Debug, Clone)]
pub struct Answer {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: String,
}

impl Answer {
    pub fn json(status: StatusCode, body: &impl Serialize) -> Result<Self, ApiError> {
        Ok(Self {
            status,
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body: serde_json::to_string(body).map_err(ApiError::internal)?,
        })
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The answer as sent; `recorded` says the command's transaction recorded it already.
    pub fn into_response(self, recorded: bool) -> Response {
        let mut response = (self.status, Body::from(self.body)).into_response();
        response.headers_mut().extend(self.headers);
        if recorded {
            response.extensions_mut().insert(RecordedWithFacts);
        }
        response
    }
}

/// With a claimed key, the recording of `build`'s answer in the facts' transaction.
pub fn answering<F>(claim: Option<&ClaimedKey>, build: F) -> Option<Answering>
where
    F: Fn(&[EventFact]) -> Result<Answer, ApiError> + Send + Sync + 'static,
{
    let claim = claim?.clone();
    Some(Box::new(move |facts: &[EventFact]| {
        let answer = build(facts).ok()?;
        let headers = answer
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect();
        Some(claim.record(answer.status.as_u16(), headers, answer.body))
    }))
}
