//! JSON's own kinds as request fields, with the messages DRF gives for them.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::FromJson;

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, String> {
        let text = value.as_str().ok_or("not a valid string")?;
        no_nul(text)?;
        Ok(text.to_owned())
    }
}

/// PostgreSQL cannot store NUL in text, and no field of ours has a use for it.
pub fn no_nul(text: &str) -> Result<(), String> {
    if text.contains('\0') {
        Err("null characters are not allowed".to_owned())
    } else {
        Ok(())
    }
}

impl FromJson for i64 {
    fn from_json(value: &Value) -> Result<Self, String> {
        match value {
            Value::Number(n) => n.as_i64().ok_or_else(|| "a valid integer is required".to_owned()),
            _ => Err("a valid integer is required".to_owned()),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, String> {
        value.as_bool().ok_or_else(|| "must be a valid boolean".to_owned())
    }
}

impl FromJson for DateTime<Utc> {
    fn from_json(value: &Value) -> Result<Self, String> {
        let text = value.as_str().ok_or("must be an RFC 3339 date-time string")?;
        DateTime::parse_from_rfc3339(text)
            .map(|time| time.with_timezone(&Utc))
            .map_err(|_| "must be an RFC 3339 date-time with a time zone, e.g. 2026-12-01T18:00:00Z".to_owned())
    }
}

/// A UUID (of a ticket type, a ticket code, a user…).
impl FromJson for Uuid {
    fn from_json(value: &Value) -> Result<Self, String> {
        let raw = String::from_json(value)?;
        Uuid::parse_str(&raw).map_err(|_| "must be a valid UUID".to_owned())
    }
}

/// Any value at all: for a field whose presence is the problem.
pub struct Any;

impl FromJson for Any {
    fn from_json(_: &Value) -> Result<Self, String> {
        Ok(Self)
    }
}

/// A string checked by `parse`.
pub fn text<T>(value: &Value, parse: fn(&str) -> Result<T, String>) -> Result<T, String> {
    parse(&String::from_json(value)?)
}
