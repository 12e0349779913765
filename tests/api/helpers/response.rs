//! An answer from the service, `Resp`, and the assertions on it.

use reqwest::header::HeaderMap;
use serde_json::{json, Value};

/// An answer: status, headers and the body as JSON (`Null` when empty, a string when not JSON).
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and hands back the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        self.body
    }

    /// Asserts an RFC 9457 problem with this status (and hands back the body).
    #[track_caller]
    pub fn problem(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        let content_type = self.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/problem+json"),
            "a {status} must be application/problem+json, got {content_type:?}; body: {}",
            self.body
        );
        assert_eq!(
            self.body["status"],
            json!(status),
            "a problem carries its status: {}",
            self.body
        );
        assert!(
            self.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "a problem carries a human detail: {}",
            self.body
        );
        self.body
    }

    /// Asserts a 400 whose `errors` name (at least) these fields.
    #[track_caller]
    pub fn invalid(self, fields: &[&str]) -> Value {
        let body = self.problem(400);
        let errors = body["errors"]
            .as_object()
            .unwrap_or_else(|| panic!("a 400 carries `errors`: {body}"));
        for field in fields {
            let messages = errors
                .get(*field)
                .unwrap_or_else(|| panic!("`errors` should name {field}: {body}"));
            assert!(
                messages
                    .as_array()
                    .is_some_and(|m| !m.is_empty() && m.iter().all(Value::is_string)),
                "errors.{field} should be a list of messages: {body}"
            );
        }
        body
    }

    /// The `ETag` header.
    #[track_caller]
    pub fn etag(&self) -> String {
        self.header("etag")
            .unwrap_or_else(|| panic!("no ETag; headers: {:?}", self.headers))
            .to_owned()
    }
}

/// The version an `ETag` carries (`"3"`, `W/"3"` or `3`).
pub fn etag_version(etag: &str) -> u64 {
    etag.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .unwrap_or_else(|_| panic!("ETag {etag:?} is not a version"))
}
