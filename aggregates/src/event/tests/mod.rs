//! Given/when/then tests of every rule of the `Event` aggregate.
//!
//! The clock is fixed at [`now`]; the event starts a week later. Alice creates every event,
//! the others join it. Facts in the `given` part carry `now()` as their time too: the rules
//! never look at the time of past facts.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::{DetailChanges, Event, EventCommand, EventDetails, EventError, EventFact, EventServices, Seat};
use crate::values::Ticket;
use crate::values::{Capacity, Comment, Description, EventStatus, Location, Rating, Title, Visibility};
use crate::{Actor, Clock, TicketCodes};

// ---------------------------------------------------------------------------------------------
// Time

/// A clock that always answers the same moment.
struct FixedClock(DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

/// When the events of these tests start: a week after [`now`].
fn start() -> DateTime<Utc> {
    now() + Duration::days(7)
}

fn end() -> DateTime<Utc> {
    start() + Duration::hours(2)
}

/// Ticket codes made from the holder's id, so tests know them in advance.
struct CodeByHolder;

impl TicketCodes for CodeByHolder {
    fn issue(&self, holder: Uuid) -> Uuid {
        code_for_id(holder)
    }
}

fn code_for_id(holder: Uuid) -> Uuid {
    Uuid::from_u128((0x7_1c_e7 << 64) | holder.as_u128())
}

/// The code of the ticket `user` gets in these tests.
fn code_of(user: &Actor) -> Uuid {
    code_for_id(user.id)
}

fn ticket_of(user: &Actor) -> Option<Ticket> {
    Some(Ticket {
        code: code_of(user),
        ticket_type: None,
    })
}

fn services_at(clock: DateTime<Utc>) -> EventServices {
    EventServices {
        clock: Arc::new(FixedClock(clock)),
        codes: Arc::new(CodeByHolder),
    }
}

/// The history an aggregate is rebuilt from, with the clock at [`now`].
fn given(facts: Vec<EventFact>) -> AggregateTestExecutor<Event> {
    given_at(now(), facts)
}

/// The same, with the clock at `clock`.
fn given_at(clock: DateTime<Utc>, facts: Vec<EventFact>) -> AggregateTestExecutor<Event> {
    TestFramework::with(services_at(clock)).given(facts)
}

// ---------------------------------------------------------------------------------------------
// People

fn user(n: u128, username: &str) -> Actor {
    Actor::new(Uuid::from_u128(n), username)
}

/// The creator of every event here.
fn alice() -> Actor {
    user(1, "alice")
}

fn bob() -> Actor {
    user(2, "bob")
}

fn carol() -> Actor {
    user(3, "carol")
}

fn dave() -> Actor {
    user(4, "dave")
}

fn erin() -> Actor {
    user(5, "erin")
}

// ---------------------------------------------------------------------------------------------
// Values

fn capacity(seats: i64) -> Capacity {
    Capacity::parse(seats).unwrap()
}

fn title(text: &str) -> Title {
    Title::parse(text).unwrap()
}

fn location(text: &str) -> Location {
    Location::parse(text).unwrap()
}

/// An open event in Berlin, starting at [`start`] and ending at [`end`].
fn details(seats: i64, waitlist_enabled: bool) -> EventDetails {
    EventDetails {
        title: title("Rust meetup"),
        description: Description::parse("Talks and pizza").unwrap(),
        location: Some(location("Berlin")),
        start_time: start(),
        end_time: Some(end()),
        capacity: capacity(seats),
        status: EventStatus::Open,
        waitlist_enabled,
        category: None,
        ticket_types: Vec::new(),
        series_id: None,
        visibility: Visibility::Public,
        guest_registration: false,
    }
}

fn details_between(start_time: DateTime<Utc>, end_time: Option<DateTime<Utc>>) -> EventDetails {
    EventDetails {
        start_time,
        end_time,
        ..details(10, false)
    }
}

fn changes() -> DetailChanges {
    DetailChanges::default()
}

fn start_time_not_in_future() -> (&'static str, String) {
    ("start_time", "must be in the future".to_owned())
}

fn end_time_not_after_start() -> (&'static str, String) {
    ("end_time", "must be after start_time".to_owned())
}

// ---------------------------------------------------------------------------------------------
// Facts (all at `now()`)

fn created(details: EventDetails) -> EventFact {
    EventFact::EventCreated {
        details,
        actor: alice(),
        at: now(),
    }
}

fn updated(changes: DetailChanges) -> EventFact {
    EventFact::EventUpdated {
        changes,
        actor: alice(),
        at: now(),
    }
}

fn closed() -> EventFact {
    EventFact::EventClosed {
        actor: alice(),
        at: now(),
    }
}

fn opened() -> EventFact {
    EventFact::EventOpened {
        actor: alice(),
        at: now(),
    }
}

fn deleted() -> EventFact {
    EventFact::EventDeleted {
        actor: alice(),
        at: now(),
    }
}

fn reminded(start_time: DateTime<Utc>) -> EventFact {
    EventFact::ReminderSent {
        start_time,
        actor: alice(),
        at: now(),
    }
}

fn joined(member: Actor) -> EventFact {
    EventFact::MemberJoined {
        actor: member.clone(),
        ticket: ticket_of(&member),
        member,
        at: now(),
    }
}

fn waitlisted(member: Actor, position: usize) -> EventFact {
    EventFact::MemberWaitlisted {
        actor: member.clone(),
        member,
        position,
        at: now(),
        ticket_type: None,
    }
}

fn left(member: Actor, seat: Seat) -> EventFact {
    EventFact::MemberLeft {
        actor: member.clone(),
        member,
        seat,
        at: now(),
    }
}

fn removed(member: Actor, seat: Seat) -> EventFact {
    EventFact::MemberRemoved {
        member,
        seat,
        actor: alice(),
        at: now(),
    }
}

fn promoted(member: Actor, by: Actor) -> EventFact {
    EventFact::MemberPromoted {
        ticket: ticket_of(&member),
        member,
        actor: by,
        at: now(),
    }
}

fn invitation(n: u128) -> Uuid {
    Uuid::from_u128(1000 + n)
}

fn feedback_id(user: &Actor) -> Uuid {
    Uuid::from_u128(2000 + user.id.as_u128())
}

fn invited(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationSent {
        invitation_id: invitation(n),
        invitee,
        actor: alice(),
        at: now(),
    }
}

fn accepted(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationAccepted {
        invitation_id: invitation(n),
        actor: invitee,
        at: now(),
    }
}

fn declined(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationDeclined {
        invitation_id: invitation(n),
        actor: invitee,
        at: now(),
    }
}

fn withdrawn(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationWithdrawn {
        invitation_id: invitation(n),
        invitee: invitee.clone(),
        actor: invitee,
        at: now(),
    }
}

fn feedback_left(author: Actor, stars: i64, comment: &str) -> EventFact {
    EventFact::FeedbackLeft {
        feedback_id: feedback_id(&author),
        rating: Rating::parse(stars).unwrap(),
        comment: Comment::parse(comment).unwrap(),
        actor: author,
        at: now(),
    }
}

fn feedback_withdrawn(author: Actor) -> EventFact {
    EventFact::FeedbackWithdrawn {
        feedback_id: feedback_id(&author),
        actor: author,
        at: now(),
    }
}

/// The same fact, happening at `at`.
fn at(fact: EventFact, at: DateTime<Utc>) -> EventFact {
    let mut json = serde_json::to_value(&fact).unwrap();
    let body = json.as_object_mut().unwrap().values_mut().next().unwrap();
    body["at"] = serde_json::to_value(at).unwrap();
    serde_json::from_value(json).unwrap()
}

/// One seat, held by bob; carol, then dave, wait for it.
fn full_with_waitlist() -> Vec<EventFact> {
    vec![
        created(details(1, true)),
        joined(bob()),
        waitlisted(carol(), 1),
        waitlisted(dave(), 2),
    ]
}

/// `facts`, followed by `more`.
fn and(mut facts: Vec<EventFact>, more: impl IntoIterator<Item = EventFact>) -> Vec<EventFact> {
    facts.extend(more);
    facts
}

/// The aggregate those facts rebuild.
fn replay(facts: Vec<EventFact>) -> Event {
    let mut event = Event::default();
    for fact in facts {
        event.apply(fact);
    }
    event
}

// ---------------------------------------------------------------------------------------------
// Commands (by alice unless said otherwise)

fn create(details: EventDetails) -> EventCommand {
    EventCommand::CreateEvent {
        details,
        actor: alice(),
    }
}

fn update_with(
    actor: Actor,
    changes: DetailChanges,
    status: Option<EventStatus>,
    version: Option<u64>,
) -> EventCommand {
    EventCommand::UpdateEvent {
        changes,
        status,
        expected_version: version,
        actor,
    }
}

fn update(changes: DetailChanges) -> EventCommand {
    update_with(alice(), changes, None, None)
}

fn set_status(status: EventStatus) -> EventCommand {
    update_with(alice(), changes(), Some(status), None)
}

fn retitle() -> DetailChanges {
    DetailChanges {
        title: Some(title("Rust meetup #2")),
        ..changes()
    }
}

fn delete_with(actor: Actor, version: Option<u64>) -> EventCommand {
    EventCommand::DeleteEvent {
        expected_version: version,
        actor,
    }
}

fn delete() -> EventCommand {
    delete_with(alice(), None)
}

fn join(actor: Actor) -> EventCommand {
    EventCommand::JoinEvent {
        ticket_type: None,
        actor,
    }
}

fn leave(actor: Actor) -> EventCommand {
    EventCommand::LeaveEvent { actor }
}

fn remove_by(actor: Actor, user: &Actor) -> EventCommand {
    EventCommand::RemoveMember {
        user_id: user.id,
        actor,
    }
}

fn remove(user: &Actor) -> EventCommand {
    remove_by(alice(), user)
}

// =============================================================================================
// Create

#[tokio::test]
async fn create_records_the_event_with_its_creator() {
    given(vec![])
        .when_async(create(details(10, false)))
        .await
        .then_expect_events(vec![created(details(10, false))]);
}

#[tokio::test]
async fn create_accepts_an_event_without_an_end_time() {
    let open_ended = details_between(start(), None);
    given(vec![])
        .when_async(create(open_ended.clone()))
        .await
        .then_expect_events(vec![created(open_ended)]);
}

#[tokio::test]
async fn create_is_rejected_when_the_event_already_exists() {
    given(vec![created(details(10, false))])
        .when_async(create(details(10, false)))
        .await
        .then_expect_error(EventError::AlreadyExists);
}

#[tokio::test]
async fn create_is_rejected_when_the_id_belonged_to_a_deleted_event() {
    // A deleted event keeps its history (its log stays readable), so its id is never reused.
    given(vec![created(details(10, false)), deleted()])
        .when_async(create(details(10, false)))
        .await
        .then_expect_error(EventError::AlreadyExists);
}

#[tokio::test]
async fn create_is_rejected_when_the_start_time_is_not_in_the_future() {
    for start_time in [now(), now() - Duration::hours(1)] {
        let result = given(vec![])
            .when_async(create(details_between(start_time, None)))
            .await
            .inspect_result();
        assert_eq!(
            result,
            Err(EventError::InvalidFields(vec![start_time_not_in_future()])),
            "start_time {start_time}"
        );
    }
}

#[tokio::test]
async fn create_is_rejected_when_the_end_time_is_not_after_the_start_time() {
    for end_time in [start(), start() - Duration::minutes(1)] {
        let result = given(vec![])
            .when_async(create(details_between(start(), Some(end_time))))
            .await
            .inspect_result();
        assert_eq!(
            result,
            Err(EventError::InvalidFields(vec![end_time_not_after_start()])),
            "end_time {end_time}"
        );
    }
}

#[tokio::test]
async fn create_names_both_fields_when_start_and_end_times_are_both_invalid() {
    let past = now() - Duration::days(1);
    given(vec![])
        .when_async(create(details_between(past, Some(past - Duration::hours(1)))))
        .await
        .then_expect_error(EventError::InvalidFields(vec![
            start_time_not_in_future(),
            end_time_not_after_start(),
        ]));
}

// =============================================================================================
// Update

#[tokio::test]
async fn update_is_rejected_for_anyone_but_the_creator() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(update_with(bob(), retitle(), None, None))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn update_is_rejected_when_the_event_was_never_created() {
    given(vec![])
        .when_async(update(retitle()))
        .await
        .then_expect_error(EventError::NotFound);
}

#[tokio::test]
async fn update_is_rejected_when_the_event_was_deleted() {
    given(vec![created(details(10, false)), deleted()])
        .when_async(update(retitle()))
        .await
        .then_expect_error(EventError::NotFound);
}

#[tokio::test]
async fn update_is_rejected_when_the_expected_version_is_stale() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(update_with(alice(), retitle(), None, Some(1)))
        .await
        .then_expect_error(EventError::VersionMismatch { current: 2 });
}

#[tokio::test]
async fn update_passes_when_the_expected_version_matches() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(update_with(alice(), retitle(), None, Some(2)))
        .await
        .then_expect_events(vec![updated(retitle())]);
}

#[tokio::test]
async fn update_records_only_the_fields_that_actually_change() {
    let patch = DetailChanges {
        title: Some(title("Rust meetup")),        // unchanged
        location: Some(Some(location("Berlin"))), // unchanged
        start_time: Some(start()),                // unchanged
        capacity: Some(capacity(12)),
        waitlist_enabled: Some(true),
        ..changes()
    };
    given(vec![created(details(10, false))])
        .when_async(update(patch))
        .await
        .then_expect_events(vec![updated(DetailChanges {
            capacity: Some(capacity(12)),
            waitlist_enabled: Some(true),
            ..changes()
        })]);
}

#[tokio::test]
async fn update_with_only_unchanged_values_records_nothing() {
    let everything_as_it_is = DetailChanges {
        title: Some(title("Rust meetup")),
        description: Some(Description::parse("Talks and pizza").unwrap()),
        location: Some(Some(location("Berlin"))),
        start_time: Some(start()),
        end_time: Some(Some(end())),
        capacity: Some(capacity(10)),
        waitlist_enabled: Some(false),
        category: Some(None),
        visibility: Some(Visibility::Public),
        guest_registration: Some(false),
    };
    given(vec![created(details(10, false))])
        .when_async(update_with(alice(), everything_as_it_is, Some(EventStatus::Open), None))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn update_with_no_changes_records_nothing() {
    given(vec![created(details(10, false))])
        .when_async(update(changes()))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn update_clears_the_location_when_given_null() {
    let clear = DetailChanges {
        location: Some(None),
        ..changes()
    };
    let history = vec![created(details(10, false))];
    given(history.clone())
        .when_async(update(clear.clone()))
        .await
        .then_expect_events(vec![updated(clear.clone())]);

    let event = replay(and(history, [updated(clear)]));
    assert_eq!(event.state.unwrap().details.location, None);
}

#[tokio::test]
async fn update_clears_the_end_time_when_given_null() {
    let clear = DetailChanges {
        end_time: Some(None),
        ..changes()
    };
    given(vec![created(details(10, false))])
        .when_async(update(clear.clone()))
        .await
        .then_expect_events(vec![updated(clear)]);
}

#[tokio::test]
async fn update_is_rejected_when_capacity_goes_below_members_count() {
    given(vec![created(details(3, false)), joined(bob()), joined(carol())])
        .when_async(update(DetailChanges {
            capacity: Some(capacity(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::CapacityBelowMembers { members: 2 });
}

#[tokio::test]
async fn update_may_lower_capacity_to_exactly_members_count() {
    let to_two = DetailChanges {
        capacity: Some(capacity(2)),
        ..changes()
    };
    given(vec![created(details(3, false)), joined(bob()), joined(carol())])
        .when_async(update(to_two.clone()))
        .await
        .then_expect_events(vec![updated(to_two)]);
}

#[tokio::test]
async fn raising_capacity_promotes_waitlisted_users_in_order_only_into_free_seats() {
    let to_three = DetailChanges {
        capacity: Some(capacity(3)),
        ..changes()
    };
    given(and(full_with_waitlist(), [waitlisted(erin(), 3)]))
        .when_async(update(to_three.clone()))
        .await
        .then_expect_events(vec![
            updated(to_three),
            promoted(carol(), alice()),
            promoted(dave(), alice()),
        ]);
}

#[tokio::test]
async fn closing_an_open_event_records_event_closed() {
    given(vec![created(details(10, false))])
        .when_async(set_status(EventStatus::Closed))
        .await
        .then_expect_events(vec![closed()]);
}

#[tokio::test]
async fn reopening_a_closed_event_records_event_opened() {
    given(vec![created(details(10, false)), closed()])
        .when_async(set_status(EventStatus::Open))
        .await
        .then_expect_events(vec![opened()]);
}

#[tokio::test]
async fn setting_the_status_an_event_already_has_records_nothing() {
    for (history, status) in [
        (vec![created(details(10, false))], EventStatus::Open),
        (vec![created(details(10, false)), closed()], EventStatus::Closed),
    ] {
        let result = given(history).when_async(set_status(status)).await.inspect_result();
        assert_eq!(result, Ok(vec![]), "status {status:?}");
    }
}

#[tokio::test]
async fn changing_fields_and_closing_in_one_update_records_both_in_that_order() {
    given(vec![created(details(10, false))])
        .when_async(update_with(alice(), retitle(), Some(EventStatus::Closed), None))
        .await
        .then_expect_events(vec![updated(retitle()), closed()]);
}

#[tokio::test]
async fn update_is_rejected_when_start_time_moves_into_the_past() {
    given(vec![created(details_between(start(), None))])
        .when_async(update(DetailChanges {
            start_time: Some(now() - Duration::hours(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![start_time_not_in_future()]));
}

#[tokio::test]
async fn update_keeps_a_start_time_that_has_passed_when_it_is_given_unchanged() {
    // The event started yesterday; a PUT repeats its start_time along with a new title.
    let yesterday = now() - Duration::days(1);
    let put = DetailChanges {
        start_time: Some(yesterday),
        ..retitle()
    };
    given(vec![created(details_between(yesterday, None))])
        .when_async(update(put))
        .await
        .then_expect_events(vec![updated(retitle())]);
}

#[tokio::test]
async fn update_is_rejected_when_end_time_is_set_before_the_current_start_time() {
    given(vec![created(details(10, false))])
        .when_async(update(DetailChanges {
            end_time: Some(Some(start() - Duration::hours(1))),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![end_time_not_after_start()]));
}

#[tokio::test]
async fn update_is_rejected_when_start_time_moves_past_the_current_end_time() {
    given(vec![created(details(10, false))])
        .when_async(update(DetailChanges {
            start_time: Some(end() + Duration::hours(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![end_time_not_after_start()]));
}

#[tokio::test]
async fn update_names_invalid_times_before_a_capacity_conflict() {
    // 400 comes before 409 in the contract's order of errors.
    given(vec![created(details(2, false)), joined(bob()), joined(carol())])
        .when_async(update(DetailChanges {
            start_time: Some(now()),
            capacity: Some(capacity(1)),
            ..changes()
        }))
        .await
        .then_expect_error(EventError::InvalidFields(vec![start_time_not_in_future()]));
}

// =============================================================================================
// Delete

#[tokio::test]
async fn delete_records_event_deleted() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete())
        .await
        .then_expect_events(vec![deleted()]);
}

#[tokio::test]
async fn delete_is_rejected_for_anyone_but_the_creator() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete_with(bob(), None))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn delete_is_rejected_when_the_expected_version_is_stale() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete_with(alice(), Some(1)))
        .await
        .then_expect_error(EventError::VersionMismatch { current: 2 });
}

#[tokio::test]
async fn delete_passes_when_the_expected_version_matches() {
    given(vec![created(details(10, false)), joined(bob())])
        .when_async(delete_with(alice(), Some(2)))
        .await
        .then_expect_events(vec![deleted()]);
}

/// Every command but `CreateEvent`, each one that would succeed on the live event of
/// [`full_with_waitlist`].
fn commands_on_an_existing_event() -> Vec<EventCommand> {
    vec![
        update(retitle()),
        set_status(EventStatus::Closed),
        delete(),
        join(erin()),
        leave(bob()),
        remove(&carol()),
    ]
}

#[tokio::test]
async fn every_command_on_a_deleted_event_is_not_found() {
    for command in commands_on_an_existing_event() {
        let live = given(full_with_waitlist())
            .when_async(command.clone())
            .await
            .inspect_result();
        assert!(live.is_ok(), "{command:?} should pass on the live event: {live:?}");

        let result = given(and(full_with_waitlist(), [deleted()]))
            .when_async(command.clone())
            .await
            .inspect_result();
        assert_eq!(result, Err(EventError::NotFound), "{command:?}");
    }
}

#[tokio::test]
async fn every_command_on_a_never_created_event_is_not_found() {
    for command in commands_on_an_existing_event() {
        let result = given(vec![]).when_async(command.clone()).await.inspect_result();
        assert_eq!(result, Err(EventError::NotFound), "{command:?}");
    }
}

// =============================================================================================
// Join

#[tokio::test]
async fn join_records_the_new_member() {
    given(vec![created(details(2, false)), joined(bob())])
        .when_async(join(carol()))
        .await
        .then_expect_events(vec![joined(carol())]);
}

#[tokio::test]
async fn join_is_rejected_when_already_a_member() {
    given(vec![created(details(2, false)), joined(bob())])
        .when_async(join(bob()))
        .await
        .then_expect_error(EventError::AlreadyJoined);
}

#[tokio::test]
async fn join_is_rejected_when_already_on_the_waitlist() {
    given(full_with_waitlist())
        .when_async(join(carol()))
        .await
        .then_expect_error(EventError::AlreadyWaitlisted);
}

#[tokio::test]
async fn join_is_rejected_when_the_event_is_closed() {
    given(vec![created(details(10, false)), closed()])
        .when_async(join(bob()))
        .await
        .then_expect_error(EventError::Closed);
}

#[tokio::test]
async fn join_is_accepted_again_once_the_event_is_reopened() {
    given(vec![created(details(10, false)), closed(), opened()])
        .when_async(join(bob()))
        .await
        .then_expect_events(vec![joined(bob())]);
}

#[tokio::test]
async fn join_is_rejected_when_the_event_has_started() {
    for clock in [start(), start() + Duration::minutes(1)] {
        let result = given_at(clock, vec![created(details(10, false))])
            .when_async(join(bob()))
            .await
            .inspect_result();
        assert_eq!(result, Err(EventError::AlreadyStarted), "clock at {clock}");
    }
}

#[tokio::test]
async fn join_is_accepted_just_before_the_start() {
    let just_before = start() - Duration::seconds(1);
    let result = given_at(just_before, vec![created(details(10, false))])
        .when_async(join(bob()))
        .await
        .inspect_result();
    assert_eq!(
        result,
        Ok(vec![EventFact::MemberJoined {
            member: bob(),
            actor: bob(),
            at: just_before,
            ticket: ticket_of(&bob()),
        }])
    );
}

#[tokio::test]
async fn join_is_rejected_when_the_event_is_full_and_has_no_waitlist() {
    given(vec![created(details(1, false)), joined(bob())])
        .when_async(join(carol()))
        .await
        .then_expect_error(EventError::Full);
}

#[tokio::test]
async fn join_puts_the_user_on_the_waitlist_with_a_one_based_position_when_the_event_is_full() {
    given(vec![created(details(1, true)), joined(bob())])
        .when_async(join(carol()))
        .await
        .then_expect_events(vec![waitlisted(carol(), 1)]);
    given(full_with_waitlist())
        .when_async(join(erin()))
        .await
        .then_expect_events(vec![waitlisted(erin(), 3)]);
}

// =============================================================================================
// Leave

#[tokio::test]
async fn a_member_who_leaves_frees_the_seat_for_the_first_waitlisted_user() {
    given(full_with_waitlist())
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member), promoted(carol(), bob())]);
}

#[tokio::test]
async fn a_member_who_leaves_an_event_without_a_waitlist_just_leaves() {
    given(vec![created(details(2, false)), joined(bob()), joined(carol())])
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member)]);
}

#[tokio::test]
async fn a_waitlisted_user_who_leaves_promotes_nobody() {
    given(full_with_waitlist())
        .when_async(leave(carol()))
        .await
        .then_expect_events(vec![left(carol(), Seat::Waitlist)]);
}

#[tokio::test]
async fn leave_is_rejected_when_neither_a_member_nor_waitlisted() {
    given(full_with_waitlist())
        .when_async(leave(erin()))
        .await
        .then_expect_error(EventError::NotJoined);
}

#[tokio::test]
async fn leave_is_rejected_for_a_member_who_already_left() {
    given(and(full_with_waitlist(), [left(dave(), Seat::Waitlist)]))
        .when_async(leave(dave()))
        .await
        .then_expect_error(EventError::NotJoined);
}

#[tokio::test]
async fn a_member_may_leave_a_closed_event() {
    given(vec![created(details(10, false)), joined(bob()), closed()])
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![left(bob(), Seat::Member)]);
}

#[tokio::test]
async fn a_member_may_leave_an_event_that_has_started() {
    given_at(start() + Duration::minutes(30), full_with_waitlist())
        .when_async(leave(bob()))
        .await
        .then_expect_events(vec![
            EventFact::MemberLeft {
                member: bob(),
                seat: Seat::Member,
                actor: bob(),
                at: start() + Duration::minutes(30),
            },
            EventFact::MemberPromoted {
                member: carol(),
                actor: bob(),
                at: start() + Duration::minutes(30),
                ticket: ticket_of(&carol()),
            },
        ]);
}

// =============================================================================================
// Remove member

#[tokio::test]
async fn remove_member_is_rejected_for_anyone_but_the_creator() {
    given(full_with_waitlist())
        .when_async(remove_by(bob(), &carol()))
        .await
        .then_expect_error(EventError::NotCreator);
}

/// The target user is a sub-resource of the event: only its creator may learn whether they
/// hold a seat, so a non-creator gets 403 before any 404 about the user.
#[tokio::test]
async fn remove_member_by_a_non_creator_is_refused_before_revealing_membership() {
    given(full_with_waitlist())
        .when_async(remove_by(bob(), &erin()))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn removing_a_member_promotes_the_first_waitlisted_user() {
    given(full_with_waitlist())
        .when_async(remove(&bob()))
        .await
        .then_expect_events(vec![removed(bob(), Seat::Member), promoted(carol(), alice())]);
}

#[tokio::test]
async fn removing_a_member_of_an_event_without_a_waitlist_promotes_nobody() {
    given(vec![created(details(2, false)), joined(bob())])
        .when_async(remove(&bob()))
        .await
        .then_expect_events(vec![removed(bob(), Seat::Member)]);
}

#[tokio::test]
async fn removing_a_waitlisted_user_promotes_nobody() {
    given(full_with_waitlist())
        .when_async(remove(&dave()))
        .await
        .then_expect_events(vec![removed(dave(), Seat::Waitlist)]);
}

#[tokio::test]
async fn removing_names_the_user_as_they_joined() {
    // The command carries only an id; the fact names the user as they joined.
    let renamed_later = Actor::new(bob().id, "robert");
    given(full_with_waitlist())
        .when_async(remove(&renamed_later))
        .await
        .then_expect_events(vec![removed(bob(), Seat::Member), promoted(carol(), alice())]);
}

#[tokio::test]
async fn remove_member_is_rejected_for_a_user_who_is_neither_member_nor_waitlisted() {
    given(full_with_waitlist())
        .when_async(remove(&erin()))
        .await
        .then_expect_error(EventError::MemberNotFound);
}

// =============================================================================================
// Apply and version

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

// =============================================================================================
// Facts as stored

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
fn one_fact_of_each_kind() -> Vec<EventFact> {
    let mut facts: Vec<EventFact> = release_1_facts().into_iter().map(as_in_release_1).collect();
    facts.extend(tickets::facts_since_release_1());
    facts.extend(guests::facts_since_release_1());
    facts.extend(visibility::facts_since_release_1());
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

mod account_deletion;
mod categories;
mod feedback;
mod guests;
mod invitations;
mod properties;
mod reminders;
mod series;
mod stored;
mod tickets;
mod visibility;
