//! Query strings: typed reading of parameters, and pagination with DRF's envelope.

use axum::extract::{FromRequestParts, OriginalUri, Query};
use axum::http::request::Parts;
use projections::{Page, PageRequest};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, FieldErrors};
use super::fields::no_nul;
use super::layers::PublicOrigin;

/// How deep a list can be paged: every item before a page is read to skip it.
pub const MAX_PAGED_ITEMS: u64 = 10_000;
/// The largest `page_size`, and the one a page has unless asked.
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// One page of a list, in DRF's envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageBody<T> {
    /// How many items the whole list has.
    pub count: i64,
    /// The URL of the next page, or null on the last one.
    #[schema(format = "uri")]
    pub next: Option<String>,
    /// The URL of the previous page, or null on the first one.
    #[schema(format = "uri")]
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// The query string's parameters (the last value wins), and where the request was sent.
pub struct Params {
    pairs: Vec<(String, String)>,
    base: String,
    errors: FieldErrors,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let OriginalUri(uri) = OriginalUri::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("bad request URI".to_owned()))?;
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map(|q| q.0)
            .unwrap_or_default();
        let origin = parts
            .extensions
            .get::<PublicOrigin>()
            .map_or("http://localhost", |origin| origin.0.as_str());
        let path = uri.path().trim_end_matches('/');
        let mut params = Self {
            pairs: Vec::new(),
            base: format!("{origin}{path}"),
            errors: FieldErrors::new(),
        };
        for (key, value) in pairs {
            match no_nul(&key).and(no_nul(&value)) {
                Ok(()) => params.pairs.push((key, value)),
                Err(message) => params.error(&key.replace('\0', ""), message),
            }
        }
        Ok(params)
    }
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.entry(name.to_owned()).or_default().push(message.into());
    }

    /// Parses a parameter if present, recording an error if it does not parse.
    pub fn parse<T>(&mut self, name: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.get(name)?.to_owned();
        parse(&raw).map_err(|message| self.error(name, message)).ok()
    }

    /// `page` (from 1) and `page_size` (1–100, default 20), no deeper than
    /// [`MAX_PAGED_ITEMS`].
    pub fn page(&mut self) -> PageRequest {
        let number = |raw: &str, min: u32, max: u32| {
            raw.parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| format!("must be an integer between {min} and {max}"))
        };
        let page = self.parse("page", |raw| number(raw, 1, u32::MAX - 1)).unwrap_or(1);
        let size = self
            .parse("page_size", |raw| number(raw, 1, MAX_PAGE_SIZE))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        if u64::from(page) * u64::from(size) > MAX_PAGED_ITEMS {
            self.error(
                "page",
                format!("at most {MAX_PAGED_ITEMS} items can be paged through (page × page_size); narrow the filters"),
            );
        }
        PageRequest { page, size }
    }

    /// Ends reading: 400 naming every bad parameter, if any.
    pub fn finish(&mut self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(std::mem::take(&mut self.errors)))
        }
    }

    /// This request's URL with `name` set to `value`, its other parameters kept.
    pub fn url_with(&self, name: &str, value: &str) -> String {
        let encoded: Vec<String> = self
            .pairs
            .iter()
            .filter(|(key, _)| key != name)
            .map(|(key, other)| (key.as_str(), other.as_str()))
            .chain([(name, value)])
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        format!("{}?{}", self.base, encoded.join("&"))
    }

    fn link(&self, page: u32, size: u32) -> String {
        let mut query: Vec<(String, String)> = self
            .pairs
            .iter()
            .filter(|(key, _)| key != "page" && key != "page_size")
            .cloned()
            .collect();
        query.push(("page".to_owned(), page.to_string()));
        query.push(("page_size".to_owned(), size.to_string()));
        let encoded: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        format!("{}?{}", self.base, encoded.join("&"))
    }

    /// The paginated envelope: `{count, next, previous, results}`.
    pub fn envelope<T>(&self, request: PageRequest, page: Page<T>) -> PageBody<T> {
        let shown = i64::from(request.page) * i64::from(request.size);
        PageBody {
            count: page.count,
            next: (shown < page.count).then(|| self.link(request.page + 1, request.size)),
            previous: (request.page > 1).then(|| self.link(request.page - 1, request.size)),
            results: page.items,
        }
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
