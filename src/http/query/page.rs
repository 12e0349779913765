//! Which page of a list: `page` and `page_size`, no deeper than [`MAX_PAGED_ITEMS`].

use projections::PageRequest;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Bounded, Param, Query, DEFAULT_PAGE_SIZE, MAX_PAGED_ITEMS, MAX_PAGE_SIZE};
use crate::http::fields::Fields;

/// A page's size: 1 to [`MAX_PAGE_SIZE`].
pub type PageSize = Bounded<1, MAX_PAGE_SIZE>;

/// Which page of a list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// From 1; a page past the end has empty `results`. No deeper than 10,000 items:
    /// `page` × `page_size` above that is 400.
    #[serde(default)]
    #[param(value_type = Option<u32>)]
    page: Param<Bounded<1, { u32::MAX - 1 }>>,
    /// 1–100, default 20.
    #[serde(default)]
    #[param(value_type = Option<u32>)]
    page_size: Param<PageSize>,
}

impl Query for Pagination {
    type Valid = PageRequest;

    fn validate(self, fields: &mut Fields) -> PageRequest {
        let page = self.page.read("page", fields).map_or(1, |Bounded(n)| n);
        let size = self
            .page_size
            .read("page_size", fields)
            .map_or(DEFAULT_PAGE_SIZE, |Bounded(n)| n);
        if u64::from(page) * u64::from(size) > MAX_PAGED_ITEMS {
            fields.error(
                "page",
                format!("at most {MAX_PAGED_ITEMS} items can be paged through (page × page_size); narrow the filters"),
            );
        }
        PageRequest { page, size }
    }
}
