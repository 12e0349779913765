//! Reads a JSON object field by field, collecting every problem before answering 400.
//!
//! Handlers do not deserialise bodies into the request types of each resource's
//! `requests.rs`: they read them field by field here (and query strings parameter by
//! parameter, `Params`), so that a 400 names every bad field at once and the contract's
//! order of errors holds. Those types only describe the same fields to the OpenAPI document.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::error::{ApiError, FieldErrors};

pub struct Fields {
    map: Map<String, Value>,
    errors: FieldErrors,
}

type Parser<'a, T> = &'a dyn Fn(&Value) -> Result<T, String>;

impl Fields {
    pub fn new(map: Map<String, Value>) -> Self {
        Self {
            map,
            errors: FieldErrors::new(),
        }
    }

    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.entry(name.to_owned()).or_default().push(message.into());
    }

    pub fn problems(&mut self, problems: impl IntoIterator<Item = (&'static str, String)>) {
        for (name, message) in problems {
            self.error(name, message);
        }
    }

    fn parse<T>(&mut self, name: &str, value: &Value, parse: Parser<'_, T>) -> Option<T> {
        parse(value).map_err(|message| self.error(name, message)).ok()
    }

    /// A field that must be present and not null.
    pub fn required<T>(&mut self, name: &str, parse: Parser<'_, T>) -> Option<T> {
        match self.map.remove(name) {
            None => {
                self.error(name, "this field is required");
                None
            }
            Some(value) => self.not_null(name, value, parse),
        }
    }

    /// A field that may be absent, but not null.
    pub fn optional<T>(&mut self, name: &str, parse: Parser<'_, T>) -> Option<T> {
        let value = self.map.remove(name)?;
        self.not_null(name, value, parse)
    }

    /// A field that may be absent (`None`) or null (`Some(None)`).
    pub fn nullable<T>(&mut self, name: &str, parse: Parser<'_, T>) -> Option<Option<T>> {
        match self.map.remove(name)? {
            Value::Null => Some(None),
            value => self.parse(name, &value, parse).map(Some),
        }
    }

    /// Like [`Self::nullable`], but the field must be present.
    pub fn required_nullable<T>(&mut self, name: &str, parse: Parser<'_, T>) -> Option<Option<T>> {
        if !self.map.contains_key(name) {
            self.error(name, "this field is required");
            return None;
        }
        self.nullable(name, parse)
    }

    fn not_null<T>(&mut self, name: &str, value: Value, parse: Parser<'_, T>) -> Option<T> {
        if value.is_null() {
            self.error(name, "this field may not be null");
            return None;
        }
        self.parse(name, &value, parse)
    }

    /// Every problem as `field: message`, for a nested object reported under its parent.
    pub fn into_problems(self) -> Vec<String> {
        let each = self.errors.into_iter();
        each.flat_map(|(name, messages)| messages.into_iter().map(move |m| format!("{name}: {m}")))
            .collect()
    }

    /// Ends reading: 400 naming every bad field, if any. Unknown fields are ignored.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

pub fn string(value: &Value) -> Result<String, String> {
    let text = value.as_str().ok_or("not a valid string")?;
    no_nul(text)?;
    Ok(text.to_owned())
}

/// PostgreSQL cannot store NUL in text, and no field of ours has a use for it.
pub fn no_nul(text: &str) -> Result<(), String> {
    if text.contains('\0') {
        Err("null characters are not allowed".to_owned())
    } else {
        Ok(())
    }
}

pub fn integer(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n.as_i64().ok_or_else(|| "a valid integer is required".to_owned()),
        _ => Err("a valid integer is required".to_owned()),
    }
}

pub fn boolean(value: &Value) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| "must be a valid boolean".to_owned())
}

pub fn datetime(value: &Value) -> Result<DateTime<Utc>, String> {
    let text = value.as_str().ok_or("must be an RFC 3339 date-time string")?;
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| "must be an RFC 3339 date-time with a time zone, e.g. 2026-12-01T18:00:00Z".to_owned())
}

/// A string checked by a domain type's `parse`.
pub fn text<T>(parse: fn(&str) -> Result<T, String>) -> impl Fn(&Value) -> Result<T, String> {
    move |value| parse(&string(value)?)
}

/// A UUID (of a ticket type, a ticket code…).
pub fn uuid(value: &Value) -> Result<Uuid, String> {
    let raw = string(value)?;
    Uuid::parse_str(&raw).map_err(|_| "must be a valid UUID".to_owned())
}
