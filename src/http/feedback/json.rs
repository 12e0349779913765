//! Feedback and its summary.

use chrono::{DateTime, Utc};
use projections::feedback::FeedbackRow;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::query::PageBody;
use crate::http::wire::{rfc3339, UserRef};

/// One attendee's rating of an event.
#[derive(Serialize, ToSchema)]
pub struct FeedbackBody {
    id: Uuid,
    event_id: Uuid,
    user: UserRef,
    rating: i64,
    comment: String,
    #[serde(serialize_with = "rfc3339")]
    created_at: DateTime<Utc>,
}

impl From<FeedbackRow> for FeedbackBody {
    fn from(row: FeedbackRow) -> Self {
        Self {
            id: row.id,
            event_id: row.event_id,
            user: UserRef {
                id: row.user_id,
                username: row.username,
            },
            rating: row.rating,
            comment: row.comment,
            created_at: row.created_at,
        }
    }
}

/// A page of feedback, and the summary of all of it.
#[derive(Serialize, ToSchema)]
pub struct FeedbackPage {
    #[serde(flatten)]
    pub page: PageBody<FeedbackBody>,
    /// The mean rating, to two decimals; null while nobody has rated the event.
    #[schema(example = 4.5)]
    pub average_rating: Option<f64>,
    /// How many ratings there are (the same as `count`).
    pub ratings_count: i64,
}
