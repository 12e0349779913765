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

/// A fact as release 1 wrote it: seats came without tickets.
fn as_in_release_1(fact: EventFact) -> EventFact {
    match fact {
        EventFact::MemberJoined { member, actor, at, .. } => EventFact::MemberJoined {
            member,
            actor,
            at,
            ticket: None,
        },
        EventFact::MemberPromoted { member, actor, at, .. } => EventFact::MemberPromoted {
            member,
            actor,
            at,
            ticket: None,
        },
        other => other,
    }
}

/// One fact of every kind as stored: release 1's, with nullable changes both set and
/// cleared, then the kinds and optional fields that came with ticket types and categories.
pub(super) fn one_fact_of_each_kind() -> Vec<EventFact> {
    let mut facts: Vec<EventFact> = release_1_facts().into_iter().map(as_in_release_1).collect();
    facts.extend(super::tickets::facts_since_release_1());
    facts.extend(super::guests::facts_since_release_1());
    facts.extend(super::visibility::facts_since_release_1());
    facts
}

fn release_1_facts() -> Vec<EventFact> {
    vec![
        created(details(10, true)),
        updated(DetailChanges {
            location: Some(None),
            end_time: Some(None),
            ..retitle()
        }),
        closed(),
        opened(),
        deleted(),
        joined(bob()),
        waitlisted(carol(), 1),
        left(bob(), Seat::Member),
        removed(carol(), Seat::Waitlist),
        promoted(carol(), bob()),
        invited(1, bob()),
        accepted(1, bob()),
        declined(1, bob()),
        withdrawn(1, bob()),
        feedback_left(bob(), 5, "Great"),
        feedback_withdrawn(bob()),
        reminded(start()),
    ]
}

#[test]
fn every_fact_round_trips_through_serde_json() {
    let set = updated(DetailChanges {
        location: Some(Some(location("Hamburg"))),
        end_time: Some(Some(end())),
        ..changes()
    });
    for fact in and(one_fact_of_each_kind(), [set]) {
        let json = serde_json::to_value(&fact).unwrap();
        let back: EventFact = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, fact, "{json}");
    }
}

#[test]
fn detail_changes_tell_an_absent_field_from_a_null_one() {
    let cleared: DetailChanges = serde_json::from_str(r#"{"location": null}"#).unwrap();
    assert_eq!(cleared.location, Some(None));
    assert_eq!(cleared.end_time, None);
    assert_eq!(
        serde_json::to_value(&cleared).unwrap(),
        serde_json::json!({"location": null})
    );

    let untouched: DetailChanges = serde_json::from_str("{}").unwrap();
    assert!(untouched.is_empty());
    assert_eq!(serde_json::to_string(&untouched).unwrap(), "{}");
}

#[test]
fn event_type_is_the_variant_name_and_event_version_is_1() {
    let facts = one_fact_of_each_kind();
    for fact in &facts {
        // serde tags an enum with its variant's name: the one key of the serialised object.
        let json = serde_json::to_value(fact).unwrap();
        let variant = json.as_object().unwrap().keys().next().unwrap().clone();
        assert_eq!(fact.event_type(), variant);
        assert_eq!(fact.event_version(), "1");
    }
    let mut types: Vec<String> = facts.iter().map(DomainEvent::event_type).collect();
    types.sort();
    types.dedup();
    assert_eq!(types.len(), 23, "every kind of fact has its own name");
}
