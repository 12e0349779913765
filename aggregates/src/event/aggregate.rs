//! The aggregate and the state its rules read: facts build it (`apply`), commands are
//! decided against it (`decide`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{EventCommand, EventDetails, EventError, EventFact, Guest};
use crate::{Actor, Clock, TicketCodes};

/// What `handle` needs from outside: the time, and ticket codes.
pub struct EventServices {
    pub clock: Arc<dyn Clock>,
    pub codes: Arc<dyn TicketCodes>,
}

/// One event as its rules see it. `None` until the event is created.
///
/// It keeps only what the rules need (not descriptions of who did what), so handling a
/// command costs the same however long the history is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub(super) version: u64,
    pub(super) state: Option<EventState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct EventState {
    pub creator: Actor,
    pub details: EventDetails,
    /// Members by id, with the name they joined under.
    pub members: IndexMap<Uuid, String>,
    /// Waitlisted users in the order they will be promoted.
    pub waitlist: IndexMap<Uuid, String>,
    pub deleted: bool,
    pub invitations: IndexMap<Uuid, Invitation>,
    /// Each user's latest time in a seat: feedback asks who was seated when the event
    /// started, which only history can tell.
    pub stints: IndexMap<Uuid, Stint>,
    /// Who left feedback, and which.
    pub feedback: IndexMap<Uuid, Uuid>,
    /// Every ticket issued, by code; a member's current one is in `held`.
    pub tickets: IndexMap<Uuid, TicketState>,
    /// Members' current tickets: user → code.
    pub held: IndexMap<Uuid, Uuid>,
    /// The ticket type each waitlisted user waits for, in events with types.
    pub waiting_for: IndexMap<Uuid, Uuid>,
    /// The start time the members were last reminded of.
    #[serde(default)]
    pub reminded_for: Option<DateTime<Utc>>,
    /// Every guest registration by guest id. A confirmed guest also sits in `members` or
    /// `waitlist` under that id, so guests and users fill one capacity and wait in one line.
    #[serde(default)]
    pub guests: IndexMap<Uuid, GuestState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct GuestState {
    pub guest: Guest,
    pub expires_at: DateTime<Utc>,
    pub ticket_type: Option<Uuid>,
    pub stage: GuestStage,
}

/// A registration waits for its confirmation, then holds a seat or a place, then is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum GuestStage {
    Pending,
    Seated,
    Gone,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct TicketState {
    pub holder: Uuid,
    pub ticket_type: Option<Uuid>,
    pub checked_in: Option<DateTime<Utc>>,
    pub void: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Invitation {
    pub invitee: Actor,
    pub pending: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(super) struct Stint {
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

impl Event {
    /// How many facts the event has recorded: its `version` and `ETag`.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn members_count(&self) -> usize {
        self.state.as_ref().map_or(0, |s| s.members.len())
    }

    pub fn waitlist(&self) -> Vec<Uuid> {
        self.state
            .as_ref()
            .map_or_else(Vec::new, |s| s.waitlist.keys().copied().collect())
    }
}

impl Aggregate for Event {
    const TYPE: &'static str = "Event";
    type Command = EventCommand;
    type Event = EventFact;
    type Error = EventError;
    type Services = EventServices;

    async fn handle(
        &mut self,
        command: EventCommand,
        services: &EventServices,
        sink: &EventSink<Self>,
    ) -> Result<(), EventError> {
        // Every rule is checked before the first fact is written, so a refused command
        // leaves the aggregate exactly as it was.
        let facts = self.decide(command, services.clock.now(), services.codes.as_ref())?;
        for fact in facts {
            sink.write(fact, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, fact: EventFact) {
        self.version += 1;
        if let EventFact::EventCreated { details, actor, .. } = fact {
            self.state = Some(EventState {
                creator: actor,
                details,
                members: IndexMap::new(),
                waitlist: IndexMap::new(),
                deleted: false,
                invitations: IndexMap::new(),
                stints: IndexMap::new(),
                feedback: IndexMap::new(),
                tickets: IndexMap::new(),
                held: IndexMap::new(),
                waiting_for: IndexMap::new(),
                reminded_for: None,
                guests: IndexMap::new(),
            });
            return;
        }
        let Some(state) = self.state.as_mut() else {
            return;
        };
        state.apply(fact);
    }
}
