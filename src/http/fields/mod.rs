//! Request bodies: each resource's `requests.rs` declares one type per operation that both
//! parses the body and documents it. Its fields are [`Field`]s, which keep a bad value as
//! a problem instead of failing the whole body, so that the request's `validate` can run
//! after the checks that come first (401, 404, 403) and still name every bad field at once.

mod json;
mod values;

use serde::de::{Deserialize, Deserializer};
use serde_json::Value;

pub use self::json::{no_nul, text, Any};
use super::error::{ApiError, FieldErrors};

/// How a JSON value becomes a `Self`, or the message that says why it cannot.
pub trait FromJson: Sized {
    fn from_json(value: &Value) -> Result<Self, String>;
}

/// One field of a request body, as sent.
#[derive(Debug, Default)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Sent(Result<T, String>),
}

impl<'de, T: FromJson> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Null => Self::Null,
            value => Self::Sent(T::from_json(&value)),
        })
    }
}

/// A request's problems, gathered field by field while its `validate` reads it.
#[derive(Default)]
pub struct Fields {
    errors: FieldErrors,
}

impl Fields {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.entry(name.to_owned()).or_default().push(message.into());
    }

    pub fn problems(&mut self, problems: impl IntoIterator<Item = (&'static str, String)>) {
        for (name, message) in problems {
            self.error(name, message);
        }
    }

    fn parsed<T>(&mut self, name: &str, parsed: Result<T, String>) -> Option<T> {
        parsed.map_err(|message| self.error(name, message)).ok()
    }

    /// A field that must be present and not null.
    pub fn required<T>(&mut self, name: &str, field: Field<T>) -> Option<T> {
        match field {
            Field::Absent => {
                self.error(name, "this field is required");
                None
            }
            field => self.optional(name, field),
        }
    }

    /// A field that may be absent, but not null.
    pub fn optional<T>(&mut self, name: &str, field: Field<T>) -> Option<T> {
        match field {
            Field::Absent => None,
            Field::Null => {
                self.error(name, "this field may not be null");
                None
            }
            Field::Sent(parsed) => self.parsed(name, parsed),
        }
    }

    /// A field that may be absent (`None`) or null (`Some(None)`).
    pub fn nullable<T>(&mut self, name: &str, field: Field<T>) -> Option<Option<T>> {
        match field {
            Field::Absent => None,
            Field::Null => Some(None),
            Field::Sent(parsed) => self.parsed(name, parsed).map(Some),
        }
    }

    /// Like [`Self::nullable`], but the field must be present.
    pub fn required_nullable<T>(&mut self, name: &str, field: Field<T>) -> Option<Option<T>> {
        if matches!(field, Field::Absent) {
            self.error(name, "this field is required");
            return None;
        }
        self.nullable(name, field)
    }

    /// A body whose one field is required: its value, or 400.
    pub fn only_required<T>(name: &str, field: Field<T>) -> Result<T, ApiError> {
        let mut fields = Self::new();
        let value = fields.required(name, field);
        fields.complete(|| value)
    }

    /// A body whose one field is optional: its value if given, or 400.
    pub fn only_optional<T>(name: &str, field: Field<T>) -> Result<Option<T>, ApiError> {
        let mut fields = Self::new();
        let value = fields.optional(name, field);
        fields.finish().map(|()| value)
    }

    /// Every problem as `field: message`, for a nested object reported under its parent.
    fn into_problems(self) -> Vec<String> {
        let each = self.errors.into_iter();
        each.flat_map(|(name, messages)| messages.into_iter().map(move |m| format!("{name}: {m}")))
            .collect()
    }

    /// The problems reported, for a test that expects some.
    #[cfg(test)]
    pub fn problems_for_test(self) -> FieldErrors {
        match self.finish() {
            Err(ApiError::Validation(errors)) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    /// Ends reading: 400 naming every bad field, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }

    /// Ends reading with the request `build` makes of the fields read, which it can when
    /// nothing was reported (a required field reports its absence).
    pub fn complete<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        self.finish()?;
        build().ok_or_else(|| ApiError::internal("a required field passed without a value"))
    }

    /// Like [`Self::complete`], for a nested object: its problems in one message.
    pub fn complete_nested<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, String> {
        let problems = self.into_problems();
        if !problems.is_empty() {
            return Err(problems.join(", "));
        }
        build().ok_or_else(|| "a required field passed without a value".to_owned())
    }
}

/// A nested object of a request, as its own request type.
pub fn object<T: for<'de> Deserialize<'de>>(value: &Value, expected: &str) -> Result<T, String> {
    match value {
        Value::Object(_) => T::deserialize(value).map_err(|error| error.to_string()),
        _ => Err(format!("must be an object {expected}")),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Deserialize)]
    struct Request {
        #[serde(default)]
        count: Field<i64>,
        #[serde(default)]
        name: Field<String>,
        #[serde(default)]
        note: Field<String>,
    }

    fn request(body: Value) -> Request {
        Request::deserialize(body).expect("fields never fail the body")
    }

    #[test]
    fn every_bad_field_is_named_at_once_and_unknown_ones_are_ignored() {
        let body = request(json!({"count": "three", "name": null, "extra": 1}));
        let mut fields = Fields::new();
        assert_eq!(fields.required("count", body.count), None);
        assert_eq!(fields.optional("name", body.name), None);
        assert_eq!(fields.required("note", body.note), None);
        let errors = fields.problems_for_test();
        assert_eq!(errors["count"], ["a valid integer is required"]);
        assert_eq!(errors["name"], ["this field may not be null"]);
        assert_eq!(errors["note"], ["this field is required"]);
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn absent_null_and_sent_are_told_apart() {
        let body = request(json!({"name": null, "note": "hi"}));
        let mut fields = Fields::new();
        assert_eq!(fields.nullable("count", body.count), None);
        assert_eq!(fields.nullable("name", body.name), Some(None));
        assert_eq!(fields.nullable("note", body.note), Some(Some("hi".to_owned())));
        assert!(fields.finish().is_ok());
    }

    #[test]
    fn a_required_nullable_field_may_be_null_but_not_absent() {
        let body = request(json!({"name": null}));
        let mut fields = Fields::new();
        assert_eq!(fields.required_nullable("name", body.name), Some(None));
        assert_eq!(fields.required_nullable("note", body.note), None);
        assert_eq!(fields.problems_for_test()["note"], ["this field is required"]);
    }

    #[test]
    fn a_nested_object_reports_its_fields_under_one_message() {
        let nested: Result<Request, String> = object(&json!(3), "{count, name, note}");
        assert_eq!(nested.err().as_deref(), Some("must be an object {count, name, note}"));
        let body: Request = object(&json!({"count": true}), "{count}").expect("an object");
        let mut fields = Fields::new();
        let count = fields.required("count", body.count);
        let message = fields.complete_nested(|| count).expect_err("a bad count");
        assert_eq!(message, "count: a valid integer is required");
    }
}
