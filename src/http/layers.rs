//! What every request passes through: a request id, a tracing span, metrics, a time limit,
//! CORS (only for the configured origins), compression and security headers.

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{
    AUTHORIZATION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_MATCH, LOCATION, REFERRER_POLICY, RETRY_AFTER,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::error::ApiError;
use super::metrics::track;
use crate::box_error::BoxError;
use crate::config::Config;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// JSON answers need no sources of any kind; the docs page sets its own policy.
const CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The settings the layers need, checked once at start.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    cors_origins: Vec<HeaderValue>,
    request_timeout: Duration,
    /// `PUBLIC_URL`, or the listening address once bound (see [`HttpSettings::listening_on`]).
    pub public_origin: PublicOrigin,
}

/// Where clients reach the service (`https://events.example`): the start of every link it
/// writes.
#[derive(Clone, Debug)]
pub struct PublicOrigin(pub String);

impl HttpSettings {
    pub fn from_config(config: &Config) -> Result<Self, BoxError> {
        let cors_origins = config
            .cors_origins
            .iter()
            .map(|origin| origin.trim())
            .filter(|origin| !origin.is_empty())
            .map(|origin| HeaderValue::from_str(origin).map_err(|_| format!("CORS_ORIGINS: bad origin {origin:?}")))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            cors_origins,
            request_timeout: config.request_timeout,
            public_origin: PublicOrigin(config.public_url.clone().unwrap_or_default()),
        })
    }

    /// Without `PUBLIC_URL`, links start with the address the service listens on.
    pub fn listening_on(&mut self, address: std::net::SocketAddr) {
        if self.public_origin.0.is_empty() {
            self.public_origin = PublicOrigin(format!("http://{address}"));
        }
    }
}

/// Wraps every route (and the fallbacks) of `router` in the layers.
pub fn wrap(router: Router, settings: &HttpSettings) -> Router {
    let cors = (!settings.cors_origins.is_empty()).then(|| cors(settings.cors_origins.clone()));
    let trace = TraceLayer::new_for_http()
        .make_span_with(span)
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    let layers = ServiceBuilder::new()
        .layer(middleware::from_fn(foreign_request_id))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(middleware::from_fn(track))
        .layer(CompressionLayer::new())
        .layer(header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(X_FRAME_OPTIONS, "DENY"))
        .layer(header(REFERRER_POLICY, "no-referrer"))
        .layer(header(CONTENT_SECURITY_POLICY, CSP))
        .option_layer(cors)
        .layer(middleware::from_fn_with_state(settings.request_timeout, time_limit));
    router.layer(layers)
}

/// The longest `X-Request-Id` a client may choose (a UUID is 36 characters).
const REQUEST_ID_MAX: usize = 128;

/// Drops a client's `X-Request-Id` that is longer than [`REQUEST_ID_MAX`] or holds more than
/// letters, digits and `-._:/`: it goes into every log line of its request and comes back in
/// the answer, so it is ours to bound. The request gets a UUID of its own instead.
async fn foreign_request_id(mut request: Request, next: Next) -> Response {
    let fits = |id: &HeaderValue| {
        id.len() <= REQUEST_ID_MAX
            && id
                .as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-._:/".contains(b))
    };
    if request.headers().get(REQUEST_ID).is_some_and(|id| !fits(id)) {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

fn header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

fn span(request: &Request) -> tracing::Span {
    let id = request.headers().get(REQUEST_ID).and_then(|id| id.to_str().ok());
    let route = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
    tracing::info_span!("request", request_id = id, method = %request.method(), uri = %request.uri(), route)
}

fn cors(origins: Vec<HeaderValue>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([
            AUTHORIZATION,
            CONTENT_TYPE,
            IF_MATCH,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            ETAG,
            LOCATION,
            RETRY_AFTER,
            REQUEST_ID,
            HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(Duration::from_secs(600))
}

/// A request that takes too long is answered 503 (commands run in their own tasks, so a
/// command cut off here still finishes or fails whole).
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable("the request took too long; try again").into_response(),
    }
}
