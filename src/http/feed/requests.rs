//! The feed's query, which parses and documents it.

use projections::Position;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::fields::Fields;
use crate::http::query::{Bounded, FromParam, PageSize, Param, Query};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Only what was recorded after this position (`tx-pos`, from an item's `position` or a
    /// page's `position`), or `now` for only what happens from here on. Default: from the
    /// beginning for a JSON page, `now` for a stream (`after=0-0` streams the history too).
    /// A `Last-Event-ID` header takes precedence.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = r"^(\d+-\d+|now)$", example = "0-42")]
    after: Param<After>,
    /// How many items a JSON page holds: 1–100, default 20.
    #[serde(default)]
    #[param(value_type = Option<u32>)]
    page_size: Param<PageSize>,
}

/// What a valid query asks for.
pub struct FeedQuery {
    pub after: Option<After>,
    pub page_size: Option<usize>,
}

impl Query for FeedParams {
    type Valid = FeedQuery;

    fn validate(self, fields: &mut Fields) -> FeedQuery {
        FeedQuery {
            after: self.after.read("after", fields),
            page_size: self.page_size.read("page_size", fields).map(|Bounded(n)| n as usize),
        }
    }
}

/// Where to start: after a position, or where the feed has reached (only what happens from
/// here on).
#[derive(Debug, Clone, Copy)]
pub enum After {
    Position(Position),
    Now,
}

impl FromParam for After {
    fn from_param(raw: &str) -> Result<Self, String> {
        if raw == "now" {
            return Ok(Self::Now);
        }
        raw.parse().map(Self::Position).map_err(str::to_owned)
    }
}
