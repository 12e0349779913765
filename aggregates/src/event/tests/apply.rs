//! Replaying facts: the version, the seats and the details they rebuild.

use super::*;

#[test]
fn a_new_aggregate_has_version_zero_and_no_seats() {
    let event = Event::default();
    assert_eq!(event.version(), 0);
    assert_eq!(event.members_count(), 0);
    assert!(event.waitlist().is_empty());
}

#[test]
fn version_counts_every_fact() {
    let three = replay(vec![
        created(details(10, false)),
        joined(bob()),
        left(bob(), Seat::Member),
    ]);
    assert_eq!(three.version(), 3);

    let history = and(
        full_with_waitlist(),
        [left(bob(), Seat::Member), promoted(carol(), bob()), closed(), deleted()],
    );
    let count = history.len() as u64;
    assert_eq!(replay(history).version(), count);
}

#[test]
fn members_count_and_waitlist_follow_joins_promotions_and_leaves() {
    let event = replay(and(full_with_waitlist(), [waitlisted(erin(), 3)]));
    assert_eq!(event.members_count(), 1);
    assert_eq!(event.waitlist(), vec![carol().id, dave().id, erin().id]);

    let event = replay(and(
        full_with_waitlist(),
        [
            waitlisted(erin(), 3),
            left(bob(), Seat::Member),
            promoted(carol(), bob()),
            left(dave(), Seat::Waitlist),
        ],
    ));
    assert_eq!(event.members_count(), 1);
    assert_eq!(event.waitlist(), vec![erin().id]);
    let state = event.state.unwrap();
    assert_eq!(state.members.get(&carol().id).map(String::as_str), Some("carol"));
    assert!(!state.members.contains_key(&bob().id));
}

#[test]
fn promotions_by_raised_capacity_keep_the_rest_of_the_waitlist_in_order() {
    let event = replay(and(
        full_with_waitlist(),
        [
            waitlisted(erin(), 3),
            updated(DetailChanges {
                capacity: Some(capacity(2)),
                ..changes()
            }),
            promoted(carol(), alice()),
        ],
    ));
    assert_eq!(event.members_count(), 2);
    assert_eq!(event.waitlist(), vec![dave().id, erin().id]);
    assert_eq!(event.state.unwrap().details.capacity, capacity(2));
}

#[test]
fn applying_facts_updates_details_status_and_deletion() {
    let new_end = end() + Duration::hours(1);
    let event = replay(vec![
        created(details(10, false)),
        updated(DetailChanges {
            end_time: Some(Some(new_end)),
            waitlist_enabled: Some(true),
            ..retitle()
        }),
        closed(),
    ]);
    let state = event.state.clone().unwrap();
    assert_eq!(state.details.title, title("Rust meetup #2"));
    assert_eq!(state.details.end_time, Some(new_end));
    assert!(state.details.waitlist_enabled);
    assert_eq!(state.details.status, EventStatus::Closed);
    assert!(!state.deleted);

    let mut event = event;
    event.apply(opened());
    event.apply(deleted());
    let state = event.state.unwrap();
    assert_eq!(state.details.status, EventStatus::Open);
    assert!(state.deleted);
}

#[tokio::test]
async fn a_refused_command_leaves_the_aggregate_unchanged() {
    let mut event = replay(full_with_waitlist());
    let before = event.clone();
    let sink = EventSink::default();
    let result = event.handle(join(bob()), &services_at(now()), &sink).await;
    assert_eq!(result, Err(EventError::AlreadyJoined));
    assert_eq!(event, before);
    assert_eq!(event.waitlist(), before.waitlist());
    assert!(sink.collect().await.is_empty());
}

#[tokio::test]
async fn handling_a_command_applies_its_facts_to_the_aggregate() {
    let mut event = replay(full_with_waitlist());
    let sink = EventSink::default();
    event.handle(leave(bob()), &services_at(now()), &sink).await.unwrap();
    assert_eq!(
        sink.collect().await,
        vec![left(bob(), Seat::Member), promoted(carol(), bob())]
    );
    assert_eq!(event.version(), 6);
    assert_eq!(event.members_count(), 1);
    assert_eq!(event.waitlist(), vec![dave().id]);
}

#[test]
fn an_aggregate_survives_a_serde_json_round_trip() {
    let event = replay(and(
        full_with_waitlist(),
        [
            waitlisted(erin(), 3),
            updated(DetailChanges {
                location: Some(None),
                ..changes()
            }),
            closed(),
        ],
    ));
    let json = serde_json::to_string(&event).unwrap();
    let back: Event = serde_json::from_str(&json).unwrap();
    assert_eq!(back, event);
    // `IndexMap` equality ignores order, so check the waitlist order separately.
    assert_eq!(back.waitlist(), vec![carol().id, dave().id, erin().id]);
    assert_eq!(back.version(), event.version());
}
