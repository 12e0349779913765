//! `recurrence` in `POST /api/events`: how a series repeats.

use aggregates::values::{Ending, Frequency, Recurrence};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::fields::{object, Field, Fields, FromJson};

/// How an event repeats (`POST /api/events`): every `interval` weeks or months, `count`
/// times or `until` a time; at most 200 occurrences.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"freq": "weekly", "interval": 1, "count": 10}))]
pub struct RecurrenceFields {
    #[serde(default)]
    #[schema(value_type = String, pattern = "^(weekly|monthly)$", required = true)]
    freq: Field<Frequency>,
    #[serde(default)]
    #[schema(value_type = i64)]
    interval: Field<i64>,
    #[serde(default)]
    /// Give `count` or `until`, not both.
    #[schema(value_type = i64)]
    count: Field<i64>,
    #[serde(default)]
    /// Inclusive.
    #[schema(value_type = DateTime<Utc>)]
    until: Field<DateTime<Utc>>,
}

/// `recurrence`: `{freq: weekly|monthly, interval (default 1), count | until}`.
impl FromJson for Recurrence {
    fn from_json(value: &Value) -> Result<Self, String> {
        let request: RecurrenceFields = object(value, "{freq, interval, count | until}")?;
        let mut fields = Fields::new();
        let freq = fields.required("freq", request.freq);
        let interval = fields.optional("interval", request.interval).unwrap_or(1);
        let count = fields.optional("count", request.count);
        let until = fields.optional("until", request.until);
        let freq = fields.complete_nested(|| freq)?;
        let ending = match (count, until) {
            (Some(count), None) => Ending::Count(u32::try_from(count).unwrap_or(0)),
            (None, Some(until)) => Ending::Until(until),
            _ => return Err("give either count or until".to_owned()),
        };
        Recurrence::parse(freq, interval, ending)
    }
}
