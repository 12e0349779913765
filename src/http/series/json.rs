//! A series of events.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::events::json::EventBody;

/// Recurring events: ordinary events sharing a `series_id`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesBody {
    id: Uuid,
    /// The occurrences not deleted, by start; past ones included.
    occurrences: Vec<EventBody>,
}

impl SeriesBody {
    pub fn new(id: Uuid, occurrences: Vec<EventBody>) -> Self {
        Self { id, occurrences }
    }
}
