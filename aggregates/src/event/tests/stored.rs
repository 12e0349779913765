//! Facts as release 1 stored them must load into today's types: history outlives code.
//! The fixture was written by release 1 and its entries are never edited; a new shape gets
//! a new version, an upcaster, and keeps this test passing. New kinds and new optional
//! fields (tickets, ticket types, categories: absent means what release 1 meant) are
//! appended as they were first stored.

use cqrs_es::persist::SerializedEvent;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;
use crate::upcasters;

const STORED: &str = include_str!("fixtures/facts-v1.json");

#[derive(Serialize, Deserialize)]
struct Stored {
    event_type: String,
    event_version: String,
    payload: Value,
}

fn load(stored: Stored) -> EventFact {
    let mut event = SerializedEvent::new(
        "fixture".to_owned(),
        1,
        "Event".to_owned(),
        stored.event_type,
        stored.event_version,
        stored.payload,
        Value::Null,
    );
    for upcaster in upcasters() {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    serde_json::from_value(event.payload).expect("a stored fact loads")
}

#[test]
fn facts_stored_by_release_1_load_as_the_facts_they_were() {
    let stored: Vec<Stored> = serde_json::from_str(STORED).unwrap();
    let loaded: Vec<EventFact> = stored.into_iter().map(load).collect();
    assert_eq!(loaded, one_fact_of_each_kind());
}

#[test]
fn the_fixture_holds_every_kind_of_fact() {
    let stored: Vec<Stored> = serde_json::from_str(STORED).unwrap();
    let mut kinds: Vec<_> = stored.iter().map(|s| s.event_type.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let mut today: Vec<_> = one_fact_of_each_kind().iter().map(DomainEvent::event_type).collect();
    today.sort();
    today.dedup();
    assert_eq!(kinds, today);
}
