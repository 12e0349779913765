//! Request bodies and what tests read from answers: events, ids, pages and times.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A whole-second UTC time `days` from now.
pub fn in_days(days: i64) -> String {
    rfc3339(Utc::now() + chrono::Duration::days(days))
}

pub fn parse_time(value: &Value) -> DateTime<Utc> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a timestamp string"));
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// The minimal valid event.
pub fn event_body(title: &str) -> Value {
    json!({"title": title, "start_time": in_days(7), "capacity": 10})
}

/// `base` with the keys of `overrides` set (a `null` override sets null; it does not remove).
pub fn merge(mut base: Value, overrides: Value) -> Value {
    if let (Some(base), Value::Object(overrides)) = (base.as_object_mut(), overrides) {
        for (key, value) in overrides {
            base.insert(key, value);
        }
    }
    base
}

pub fn id_of(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {value}"))
        .to_owned()
}

/// The `results` of a page.
#[track_caller]
pub fn results(page: &Value) -> &Vec<Value> {
    page["results"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {page}"))
}

/// The given field of every result of a page, as strings.
pub fn column(page: &Value, pointer: &str) -> Vec<String> {
    results(page)
        .iter()
        .map(|item| match item.pointer(pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => panic!("no {pointer} in {item}"),
        })
        .collect()
}

/// The `user.id` of every entry of a members or waitlist listing, in order.
pub fn user_ids(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| {
            entry["user"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no user id in {entry}"))
                .to_owned()
        })
        .collect()
}

pub fn assert_unique(items: &[String]) {
    let set: HashSet<&String> = items.iter().collect();
    assert_eq!(set.len(), items.len(), "duplicates in {items:?}");
}
