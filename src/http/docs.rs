//! `GET /api/docs`: Swagger UI for the OpenAPI document, served from the binary (the
//! `vendored` build of utoipa-swagger-ui embeds its files; nothing loads from elsewhere).

use std::sync::Arc;

use axum::extract::Path;
use axum::http::header::{CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use utoipa_swagger_ui::Config;

use super::error::ApiError;

/// The page needs its own scripts and styles (and the inline styles Swagger UI sets), data:
/// images from its stylesheet, and the document from this origin; nothing else.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; base-uri 'self'; frame-ancestors 'none'";

/// Served at `/api/docs` without a trailing slash (trailing slashes are trimmed before
/// routing), so the page's relative links would miss the folder: `<base>` points them there.
const BASE: &str = "<head><base href=\"/api/docs/\">";

/// The interactive documentation.
#[utoipa::path(get, path = "/docs", tag = "operations",
    responses((status = 200, description = "Swagger UI for `/api/openapi.json`", content_type = "text/html")))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page() -> Result<Response, ApiError> {
    serve("index.html")
}

/// A file of the documentation page (scripts, styles, icons).
#[utoipa::path(get, path = "/docs/{file}", tag = "operations",
    params(("file" = String, Path, description = "e.g. `swagger-ui-bundle.js`")),
    responses(
        (status = 200, description = "The file"),
        (status = 404, description = "no such file"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    serve(&file)
}

fn serve(file: &str) -> Result<Response, ApiError> {
    let config = Arc::new(Config::from("/api/openapi.json"));
    let found = utoipa_swagger_ui::serve(file, config)
        .map_err(|error| ApiError::internal(error.to_string()))?
        .ok_or(ApiError::NotFound("no such file"))?;
    let body = if file == "index.html" {
        String::from_utf8_lossy(&found.bytes)
            .replacen("<head>", BASE, 1)
            .into_bytes()
    } else {
        found.bytes.into_owned()
    };
    let mut response = ([(CONTENT_TYPE, found.content_type)], body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    if found.gzpipped {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(response)
}
