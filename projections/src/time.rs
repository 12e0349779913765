use chrono::{DateTime, Utc};

/// Read models keep times as microseconds since the epoch: sortable and the same on both
/// backends.
pub fn to_micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

pub fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}
