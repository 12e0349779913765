//! Query strings: typed reading of parameters, and pagination with DRF's envelope.

mod page;
mod param;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use projections::{Page, PageRequest};
use serde::Serialize;
use utoipa::ToSchema;

pub use self::page::{PageSize, Pagination};
pub use self::param::{choice, Bounded, FromParam, Param, Query, Substring};
use super::error::ApiError;
use super::fields::{no_nul, Fields};
use super::layers::PublicOrigin;

/// How deep a list can be paged: every item before a page is read to skip it.
pub const MAX_PAGED_ITEMS: u64 = 10_000;
/// The largest `page_size`.
pub const MAX_PAGE_SIZE: u32 = 100;
/// The size a page has unless asked.
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
    problems: Fields,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let OriginalUri(uri) = OriginalUri::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("bad request URI".to_owned()))?;
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
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
            problems: Fields::new(),
        };
        for (key, value) in pairs {
            match no_nul(&key).and(no_nul(&value)) {
                Ok(()) => params.pairs.push((key, value)),
                Err(message) => params.problems.error(&key.replace('\0', ""), message),
            }
        }
        Ok(params)
    }
}

impl Params {
    /// The query as the type `Q` that describes it (the last value of a name wins); its
    /// problems are answered by [`Self::finish`].
    pub fn read<Q: Query>(&mut self) -> Result<Q::Valid, ApiError> {
        param::read::<Q>(&self.pairs, &mut self.problems)
    }

    /// `page` and `page_size` ([`Pagination`]).
    pub fn page(&mut self) -> Result<PageRequest, ApiError> {
        self.read::<Pagination>()
    }

    /// A problem found outside the query string's own type (a header's, say).
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.problems.error(name, message);
    }

    /// Ends reading: 400 naming every bad parameter, if any.
    pub fn finish(&mut self) -> Result<(), ApiError> {
        std::mem::take(&mut self.problems).finish()
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
