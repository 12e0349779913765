use std::sync::Arc;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{EventCommand, EventDetails, EventError, EventFact, Guest, GuestPlace, Seat};
use crate::values::Ticket;
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

impl EventState {
    fn apply(&mut self, fact: EventFact) {
        let details = &mut self.details;
        match fact {
            EventFact::EventCreated { .. } => {}
            EventFact::EventUpdated { changes, .. } => details.change(changes),
            EventFact::EventClosed { .. } => details.status = crate::values::EventStatus::Closed,
            EventFact::EventOpened { .. } => details.status = crate::values::EventStatus::Open,
            EventFact::EventDeleted { .. } => self.deleted = true,
            EventFact::MemberJoined { member, at, ticket, .. } => self.seat(member, ticket, at),
            EventFact::MemberWaitlisted {
                member, ticket_type, ..
            } => {
                if let Some(ticket_type) = ticket_type {
                    self.waiting_for.insert(member.id, ticket_type);
                }
                self.waitlist.insert(member.id, member.username);
            }
            EventFact::MemberLeft { member, seat, at, .. } | EventFact::MemberRemoved { member, seat, at, .. } => {
                self.unseat(member.id, seat, at);
            }
            EventFact::MemberPromoted { member, at, ticket, .. } => self.promote(member, ticket, at),
            EventFact::InvitationSent {
                invitation_id, invitee, ..
            } => {
                let invitation = Invitation { invitee, pending: true };
                self.invitations.insert(invitation_id, invitation);
            }
            EventFact::InvitationAccepted { invitation_id, .. }
            | EventFact::InvitationDeclined { invitation_id, .. } => {
                if let Some(invitation) = self.invitations.get_mut(&invitation_id) {
                    invitation.pending = false;
                }
            }
            EventFact::InvitationWithdrawn { invitation_id, .. } => {
                self.invitations.shift_remove(&invitation_id);
            }
            EventFact::FeedbackLeft { feedback_id, actor, .. } => {
                self.feedback.insert(actor.id, feedback_id);
            }
            EventFact::FeedbackWithdrawn { actor, .. } => {
                self.feedback.shift_remove(&actor.id);
            }
            EventFact::TicketCheckedIn { code, at, .. } => {
                if let Some(ticket) = self.tickets.get_mut(&code) {
                    ticket.checked_in = Some(at);
                }
            }
            EventFact::ReminderSent { start_time, .. } => self.reminded_for = Some(start_time),
            EventFact::GuestRegistered {
                guest,
                expires_at,
                ticket_type,
                ..
            } => {
                let state = GuestState {
                    guest,
                    expires_at,
                    ticket_type,
                    stage: GuestStage::Pending,
                };
                self.guests.insert(state.guest.id, state);
            }
            EventFact::GuestConfirmed { guest, place, at, .. } => {
                self.set_guest_stage(guest.id, GuestStage::Seated);
                match place {
                    GuestPlace::Member { ticket } => self.seat(guest.as_actor(), Some(ticket), at),
                    GuestPlace::Waitlist { .. } => {
                        let ticket_type = self.guests.get(&guest.id).and_then(|g| g.ticket_type);
                        if let Some(ticket_type) = ticket_type {
                            self.waiting_for.insert(guest.id, ticket_type);
                        }
                        self.waitlist.insert(guest.id, guest.name.as_str().to_owned());
                    }
                }
            }
            EventFact::GuestPromoted { guest, ticket, at, .. } => self.promote(guest.as_actor(), Some(ticket), at),
            EventFact::GuestCancelled { guest, seat, at, .. } | EventFact::GuestRemoved { guest, seat, at, .. } => {
                self.set_guest_stage(guest.id, GuestStage::Gone);
                self.unseat(guest.id, seat, at);
            }
        }
    }

    fn set_guest_stage(&mut self, guest_id: Uuid, stage: GuestStage) {
        if let Some(guest) = self.guests.get_mut(&guest_id) {
            guest.stage = stage;
        }
    }

    /// The holder gives up their seat (voiding its ticket) or their place in line.
    fn unseat(&mut self, holder: Uuid, seat: Seat, at: DateTime<Utc>) {
        match seat {
            Seat::Member => {
                self.members.swap_remove(&holder);
                if let Some(stint) = self.stints.get_mut(&holder) {
                    stint.until = Some(at);
                }
                let code = self.held.swap_remove(&holder);
                if let Some(ticket) = code.and_then(|code| self.tickets.get_mut(&code)) {
                    ticket.void = true;
                }
            }
            Seat::Waitlist => {
                self.waitlist.shift_remove(&holder);
                self.waiting_for.shift_remove(&holder);
            }
        }
    }

    fn promote(&mut self, holder: Actor, ticket: Option<Ticket>, at: DateTime<Utc>) {
        self.waitlist.shift_remove(&holder.id);
        self.waiting_for.shift_remove(&holder.id);
        self.seat(holder, ticket, at);
    }

    fn seat(&mut self, member: Actor, ticket: Option<Ticket>, at: DateTime<Utc>) {
        self.stints.insert(member.id, Stint { from: at, until: None });
        if let Some(ticket) = ticket {
            self.held.insert(member.id, ticket.code);
            let state = TicketState {
                holder: member.id,
                ticket_type: ticket.ticket_type,
                checked_in: None,
                void: false,
            };
            self.tickets.insert(ticket.code, state);
        }
        self.members.insert(member.id, member.username);
    }
}
