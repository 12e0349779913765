//! Request pieces that many operations share: which page, which event.
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::IntoParams;
use uuid::Uuid;

/// Which page of a list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// From 1; a page past the end has empty `results`. No deeper than 10,000 items:
    /// `page` × `page_size` above that is 400.
    page: Option<u32>,
    /// 1–100, default 20.
    page_size: Option<u32>,
}

/// An event named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The event's id.
    id: Uuid,
}
