//! This resource's query parameters, as the OpenAPI document describes them: `Params`
//! reads a query parameter by parameter, so that a 400 names every bad one at once.
#![expect(
    dead_code,
    reason = "describes queries for the OpenAPI document; `Params` parses them"
)]

use utoipa::IntoParams;

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Only what was recorded after this position (`tx-pos`, from an item's `position` or a
    /// page's `position`), or `now` for only what happens from here on. Default: from the
    /// beginning for a JSON page, `now` for a stream (`after=0-0` streams the history too).
    /// A `Last-Event-ID` header takes precedence.
    #[param(pattern = r"^(\d+-\d+|now)$", example = "0-42")]
    after: Option<String>,
    /// How many items a JSON page holds: 1–100, default 20.
    page_size: Option<u32>,
}
