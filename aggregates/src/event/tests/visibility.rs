//! Private events and guest registration: who may see an event, and which events take
//! guests.

use serde_json::json;

use super::*;

fn private() -> EventDetails {
    EventDetails {
        visibility: Visibility::Private,
        ..details(10, false)
    }
}

fn with_guests() -> EventDetails {
    EventDetails {
        guest_registration: true,
        ..details(10, false)
    }
}

fn guests_refused() -> EventError {
    EventError::InvalidFields(vec![(
        "guest_registration",
        "a private event cannot take guest registrations".to_owned(),
    )])
}

#[tokio::test]
async fn create_records_a_private_event() {
    given(vec![])
        .when_async(create(private()))
        .await
        .then_expect_events(vec![created(private())]);
}

#[tokio::test]
async fn create_records_a_public_event_that_takes_guests() {
    given(vec![])
        .when_async(create(with_guests()))
        .await
        .then_expect_events(vec![created(with_guests())]);
}

#[tokio::test]
async fn create_refuses_guest_registration_on_a_private_event() {
    let both = EventDetails {
        guest_registration: true,
        ..private()
    };
    given(vec![])
        .when_async(create(both))
        .await
        .then_expect_error(guests_refused());
}

#[tokio::test]
async fn update_makes_an_event_private_and_names_the_field() {
    let hide = DetailChanges {
        visibility: Some(Visibility::Private),
        ..changes()
    };
    assert_eq!(hide.field_names(), ["visibility"]);
    given(vec![created(details(10, false))])
        .when_async(update(hide.clone()))
        .await
        .then_expect_events(vec![updated(hide)]);
}

#[tokio::test]
async fn update_refuses_making_an_event_that_takes_guests_private() {
    let hide = DetailChanges {
        visibility: Some(Visibility::Private),
        ..changes()
    };
    given(vec![created(with_guests())])
        .when_async(update(hide))
        .await
        .then_expect_error(guests_refused());
}

#[tokio::test]
async fn update_refuses_opening_a_private_event_to_guests() {
    let open = DetailChanges {
        guest_registration: Some(true),
        ..changes()
    };
    assert_eq!(open.field_names(), ["guest_registration"]);
    given(vec![created(private())])
        .when_async(update(open))
        .await
        .then_expect_error(guests_refused());
}

#[tokio::test]
async fn update_makes_an_event_public_and_opens_it_to_guests_at_once() {
    let both = DetailChanges {
        visibility: Some(Visibility::Public),
        guest_registration: Some(true),
        ..changes()
    };
    given(vec![created(private())])
        .when_async(update(both.clone()))
        .await
        .then_expect_events(vec![updated(both)]);
}

/// Facts first stored with these fields, as the fixture keeps them.
pub(super) fn facts_since_release_1() -> Vec<EventFact> {
    let shown = DetailChanges {
        visibility: Some(Visibility::Public),
        guest_registration: Some(true),
        ..changes()
    };
    vec![created(private()), updated(shown)]
}

#[test]
fn an_event_created_before_visibility_loads_as_public_without_guests() {
    let stored = serde_json::to_value(created(details(10, false))).unwrap();
    let details = &stored["EventCreated"]["details"];
    assert!(
        details.get("visibility").is_none(),
        "a public event stores no visibility"
    );
    assert!(details.get("guest_registration").is_none());
    let old = json!({"EventCreated": {
        "details": {"title": "Rust meetup", "description": "", "location": null,
            "start_time": "2026-06-08T12:00:00Z", "end_time": null, "capacity": 10,
            "status": "open", "waitlist_enabled": false},
        "actor": {"id": Uuid::from_u128(1), "username": "alice"},
        "at": "2026-06-01T12:00:00Z"}});
    let EventFact::EventCreated { details, .. } = serde_json::from_value(old).unwrap() else {
        unreachable!("an EventCreated payload");
    };
    assert_eq!(details.visibility, Visibility::Public);
    assert!(!details.guest_registration);
}

#[test]
fn a_change_from_before_visibility_loads_without_touching_it() {
    let old = json!({"title": "Renamed"});
    let changes: DetailChanges = serde_json::from_value(old).unwrap();
    assert_eq!((changes.visibility, changes.guest_registration), (None, None));
}

// ---------------------------------------------------------------------------------------------
// Who sees a private event

/// A private event of alice's with two seats: bob holds one, carol is invited.
fn private_with_bob_and_carol_invited() -> Vec<EventFact> {
    let private = EventDetails {
        capacity: capacity(2),
        ..private()
    };
    vec![created(private), joined(bob()), invited(1, carol())]
}

/// Every command dave, an outsider, could send about an event.
fn outsider_commands() -> Vec<EventCommand> {
    vec![
        update_with(dave(), retitle(), None, None),
        delete_with(dave(), None),
        join(dave()),
        leave(dave()),
        remove_by(dave(), &bob()),
        EventCommand::SendInvitation {
            invitation_id: invitation(2),
            invitee: erin(),
            actor: dave(),
        },
        EventCommand::AnswerInvitation {
            invitation_id: invitation(1),
            accept: true,
            ticket_type: None,
            actor: dave(),
        },
        EventCommand::CheckInTicket {
            code: code_of(&bob()),
            actor: dave(),
        },
        EventCommand::LeaveFeedback {
            feedback_id: feedback_id(&dave()),
            rating: 5,
            comment: String::new(),
            actor: dave(),
        },
        EventCommand::SendReminder { actor: dave() },
    ]
}

#[tokio::test]
async fn every_command_of_an_outsider_on_a_private_event_is_not_found() {
    for command in outsider_commands() {
        let result = given(private_with_bob_and_carol_invited())
            .when_async(command.clone())
            .await
            .inspect_result();
        assert_eq!(result, Err(EventError::NotFound), "{command:?}");
    }
}

#[tokio::test]
async fn an_outsider_s_commands_on_a_public_event_are_not_not_found() {
    let mut public = private_with_bob_and_carol_invited();
    public.push(updated(DetailChanges {
        visibility: Some(Visibility::Public),
        ..changes()
    }));
    for command in outsider_commands() {
        let result = given(public.clone()).when_async(command.clone()).await.inspect_result();
        assert_ne!(result, Err(EventError::NotFound), "{command:?}");
    }
}

#[tokio::test]
async fn a_member_of_a_private_event_is_told_it_is_not_theirs() {
    given(private_with_bob_and_carol_invited())
        .when_async(update_with(bob(), retitle(), None, None))
        .await
        .then_expect_error(EventError::NotCreator);
}

#[tokio::test]
async fn an_invitee_joins_a_private_event_directly() {
    given(private_with_bob_and_carol_invited())
        .when_async(join(carol()))
        .await
        .then_expect_events(vec![joined(carol())]);
}

#[tokio::test]
async fn an_invitee_who_declined_still_sees_the_event_and_may_join() {
    given(and(private_with_bob_and_carol_invited(), [declined(1, carol())]))
        .when_async(join(carol()))
        .await
        .then_expect_events(vec![joined(carol())]);
}

#[tokio::test]
async fn an_invitee_accepts_through_the_seat_rules() {
    let full = and(private_with_bob_and_carol_invited(), [joined(erin())]);
    let accept = EventCommand::AnswerInvitation {
        invitation_id: invitation(1),
        accept: true,
        ticket_type: None,
        actor: carol(),
    };
    given(full).when_async(accept).await.then_expect_error(EventError::Full);
}

#[tokio::test]
async fn a_member_who_left_a_private_event_no_longer_sees_it() {
    given(and(private_with_bob_and_carol_invited(), [left(bob(), Seat::Member)]))
        .when_async(join(bob()))
        .await
        .then_expect_error(EventError::NotFound);
}

#[tokio::test]
async fn a_waitlisted_user_sees_a_private_event_and_may_leave_its_waitlist() {
    let private = EventDetails {
        capacity: capacity(1),
        waitlist_enabled: true,
        ..private()
    };
    given(vec![created(private), joined(bob()), waitlisted(dave(), 1)])
        .when_async(leave(dave()))
        .await
        .then_expect_events(vec![left(dave(), Seat::Waitlist)]);
}

#[tokio::test]
async fn an_event_made_public_again_takes_outsiders() {
    let public = DetailChanges {
        visibility: Some(Visibility::Public),
        ..changes()
    };
    given(and(private_with_bob_and_carol_invited(), [updated(public)]))
        .when_async(join(dave()))
        .await
        .then_expect_events(vec![joined(dave())]);
}
