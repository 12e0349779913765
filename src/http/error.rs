//! One error type for every failure, mapped to its status and problem+json body here only.

use std::collections::BTreeMap;

use aggregates::EventError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::{HashError, TokenError};
use crate::app::creation::CreationError;
use crate::app::series::SeriesError;
use crate::commands::CommandError;
use crate::guests::{GuestError, LimitError};
use crate::store::is_outage;
use crate::throttle::ThrottleError;

/// Field name → messages, for 400 answers that name every bad field at once.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// An `application/problem+json` body (RFC 9457): every error answer has this shape.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "Conflict", "status": 409, "detail": "event is full"}))]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The status code's reason phrase.
    title: &'static str,
    status: u16,
    /// What went wrong, for a person to read.
    detail: String,
    /// On 400 only: every bad field (or query parameter) with its messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(inline, example = json!({"capacity": ["must be between 1 and 100000"]}))]
    errors: Option<FieldErrors>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("request body is larger than 64 KiB")]
    PayloadTooLarge,
    #[error("the request body did not arrive in time")]
    RequestTimeout,
    #[error("request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("request bodies are not decoded: send the body without Content-Encoding")]
    UnsupportedEncoding,
    #[error("{0}")]
    Unprocessable(&'static str),
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("internal error")]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        Self::Validation(BTreeMap::from([(name.to_owned(), vec![message.into()])]))
    }

    /// A failure of ours, unless the store is only out of reach for now: then a 503.
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let error = error.into();
        if is_outage(error.as_ref()) {
            Self::store_unavailable(error.as_ref())
        } else {
            Self::Internal(error)
        }
    }

    fn store_unavailable(error: &dyn std::fmt::Display) -> Self {
        tracing::warn!(%error, "store unavailable");
        Self::Unavailable("the store is unavailable; try again")
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType | Self::UnsupportedEncoding => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Internal(error) = &self {
            tracing::error!(error = %error, "internal error");
        }
        let body = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: self.to_string(),
            errors: match &self {
                Self::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match self {
            Self::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            Self::TooManyRequests { retry_after, .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            _ => {}
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

/// Where a bad token is just "unauthorized"; where the message matters, handlers map
/// `TokenError::Invalid` themselves.
impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Invalid => Self::Unauthorized("the token is invalid or expired"),
            TokenError::Database(error) => error.into(),
        }
    }
}

impl From<HashError> for ApiError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy => Self::Unavailable("too many passwords are being checked; try again"),
            HashError::Failed(_) => Self::internal(error),
        }
    }
}

impl From<EventError> for ApiError {
    fn from(error: EventError) -> Self {
        match error {
            EventError::NotFound => Self::NotFound("event not found"),
            EventError::MemberNotFound => Self::NotFound("this user is neither a member nor on the waitlist"),
            EventError::InvitationNotFound => Self::NotFound("invitation not found"),
            EventError::TicketNotFound => Self::NotFound("ticket not found"),
            EventError::GuestNotFound => Self::NotFound("guest not found"),
            EventError::GuestLinkInvalid => {
                Self::NotFound("this link is not valid (it may have expired or been used already)")
            }
            EventError::GuestsNotAccepted => Self::Forbidden("this event does not accept guest registrations"),
            EventError::NotCreator => Self::Forbidden("only the creator of the event may do this"),
            EventError::NotAnAttendee => {
                Self::Forbidden("only users who were members when the event started may leave feedback")
            }
            EventError::VersionMismatch { .. } => Self::PreconditionFailed(error.to_string()),
            EventError::InvalidFields(fields) => Self::Validation(
                fields
                    .into_iter()
                    .map(|(name, message)| (name.to_owned(), vec![message]))
                    .collect(),
            ),
            EventError::AlreadyExists
            | EventError::CapacityBelowMembers { .. }
            | EventError::Full
            | EventError::Closed
            | EventError::AlreadyStarted
            | EventError::AlreadyJoined
            | EventError::AlreadyWaitlisted
            | EventError::NotJoined
            | EventError::InviteeAlreadyJoined
            | EventError::AlreadyInvited
            | EventError::InvitationAnswered
            | EventError::NotStarted
            | EventError::FeedbackAlreadyLeft
            | EventError::CapacityBelowTicketQuantities { .. }
            | EventError::TicketTypeSoldOut
            | EventError::TicketVoid
            | EventError::AlreadyCheckedIn { .. }
            | EventError::AlreadyReminded
            | EventError::TooEarlyToRemind
            | EventError::GuestAlreadySeated => Self::Conflict(error.to_string()),
        }
    }
}

impl From<GuestError> for ApiError {
    fn from(error: GuestError) -> Self {
        match error {
            GuestError::Limited(LimitError::Exceeded { retry_after, .. }) => Self::TooManyRequests {
                detail: error.to_string(),
                retry_after,
            },
            GuestError::Limited(LimitError::Database(error)) => error.into(),
            GuestError::Command(error) => error.into(),
        }
    }
}

impl From<ThrottleError> for ApiError {
    fn from(error: ThrottleError) -> Self {
        match error {
            ThrottleError::Exceeded { retry_after, .. } => Self::TooManyRequests {
                detail: error.to_string(),
                retry_after,
            },
            ThrottleError::Database(error) => error.into(),
        }
    }
}

impl From<CreationError> for ApiError {
    fn from(error: CreationError) -> Self {
        match error {
            CreationError::NotAnOrganizer => Self::Forbidden("only organizers may create events"),
            CreationError::Throttled(error) => error.into(),
            CreationError::Command(error) => error.into(),
        }
    }
}

impl From<SeriesError> for ApiError {
    fn from(error: SeriesError) -> Self {
        match error {
            SeriesError::Crowded { .. } => Self::Conflict(error.to_string()),
            SeriesError::Command(error) => error.into(),
        }
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Rejected(error) => error.into(),
            CommandError::Contended => Self::Unavailable("the event is too busy right now; try again"),
            CommandError::Unavailable(error) => Self::store_unavailable(&error),
            CommandError::Store(error) => Self::internal(error),
            CommandError::AccountClosing => Self::Unauthorized("this account is being deleted"),
        }
    }
}
