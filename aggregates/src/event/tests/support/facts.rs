//! Facts as the tests' history holds them, all at `now()`, and ways to combine them.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::{alice, bob, carol, dave, details, now, ticket_of};
use crate::event::{DetailChanges, Event, EventDetails, EventFact, Seat};
use crate::values::{Comment, Rating};
use crate::Actor;

pub(crate) fn created(details: EventDetails) -> EventFact {
    EventFact::EventCreated {
        details,
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn updated(changes: DetailChanges) -> EventFact {
    EventFact::EventUpdated {
        changes,
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn closed() -> EventFact {
    EventFact::EventClosed {
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn opened() -> EventFact {
    EventFact::EventOpened {
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn deleted() -> EventFact {
    EventFact::EventDeleted {
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn reminded(start_time: DateTime<Utc>) -> EventFact {
    EventFact::ReminderSent {
        start_time,
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn joined(member: Actor) -> EventFact {
    EventFact::MemberJoined {
        actor: member.clone(),
        ticket: ticket_of(&member),
        member,
        at: now(),
    }
}

pub(crate) fn waitlisted(member: Actor, position: usize) -> EventFact {
    EventFact::MemberWaitlisted {
        actor: member.clone(),
        member,
        position,
        at: now(),
        ticket_type: None,
    }
}

pub(crate) fn left(member: Actor, seat: Seat) -> EventFact {
    EventFact::MemberLeft {
        actor: member.clone(),
        member,
        seat,
        at: now(),
    }
}

pub(crate) fn removed(member: Actor, seat: Seat) -> EventFact {
    EventFact::MemberRemoved {
        member,
        seat,
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn promoted(member: Actor, by: Actor) -> EventFact {
    EventFact::MemberPromoted {
        ticket: ticket_of(&member),
        member,
        actor: by,
        at: now(),
    }
}

pub(crate) fn invitation(n: u128) -> Uuid {
    Uuid::from_u128(1000 + n)
}

pub(crate) fn feedback_id(user: &Actor) -> Uuid {
    Uuid::from_u128(2000 + user.id.as_u128())
}

pub(crate) fn invited(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationSent {
        invitation_id: invitation(n),
        invitee,
        actor: alice(),
        at: now(),
    }
}

pub(crate) fn accepted(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationAccepted {
        invitation_id: invitation(n),
        actor: invitee,
        at: now(),
    }
}

pub(crate) fn declined(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationDeclined {
        invitation_id: invitation(n),
        actor: invitee,
        at: now(),
    }
}

pub(crate) fn withdrawn(n: u128, invitee: Actor) -> EventFact {
    EventFact::InvitationWithdrawn {
        invitation_id: invitation(n),
        invitee: invitee.clone(),
        actor: invitee,
        at: now(),
    }
}

pub(crate) fn feedback_left(author: Actor, stars: i64, comment: &str) -> EventFact {
    EventFact::FeedbackLeft {
        feedback_id: feedback_id(&author),
        rating: Rating::parse(stars).unwrap(),
        comment: Comment::parse(comment).unwrap(),
        actor: author,
        at: now(),
    }
}

pub(crate) fn feedback_withdrawn(author: Actor) -> EventFact {
    EventFact::FeedbackWithdrawn {
        feedback_id: feedback_id(&author),
        actor: author,
        at: now(),
    }
}

/// The same fact, happening at `at`.
pub(crate) fn at(fact: EventFact, at: DateTime<Utc>) -> EventFact {
    let mut json = serde_json::to_value(&fact).unwrap();
    let body = json.as_object_mut().unwrap().values_mut().next().unwrap();
    body["at"] = serde_json::to_value(at).unwrap();
    serde_json::from_value(json).unwrap()
}

/// One seat, held by bob; carol, then dave, wait for it.
pub(crate) fn full_with_waitlist() -> Vec<EventFact> {
    vec![
        created(details(1, true)),
        joined(bob()),
        waitlisted(carol(), 1),
        waitlisted(dave(), 2),
    ]
}

/// `facts`, followed by `more`.
pub(crate) fn and(mut facts: Vec<EventFact>, more: impl IntoIterator<Item = EventFact>) -> Vec<EventFact> {
    facts.extend(more);
    facts
}

/// The aggregate those facts rebuild.
pub(crate) fn replay(facts: Vec<EventFact>) -> Event {
    let mut event = Event::default();
    for fact in facts {
        event.apply(fact);
    }
    event
}
