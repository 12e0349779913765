use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{DetailChanges, EventDetails};
use crate::values::{Comment, Rating, Ticket};
use crate::Actor;

/// Where a user sat before they left or were removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seat {
    Member,
    Waitlist,
}

/// What happened to an event: the facts its history is made of.
///
/// Every fact names its `actor` (whose request caused it) and when it happened (`at`).
/// Names and shapes are a stored contract: change one only through a new version and an
/// upcaster (see `crate::upcast`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EventFact {
    EventCreated {
        details: EventDetails,
        actor: Actor,
        at: DateTime<Utc>,
    },
    EventUpdated {
        changes: DetailChanges,
        actor: Actor,
        at: DateTime<Utc>,
    },
    EventClosed {
        actor: Actor,
        at: DateTime<Utc>,
    },
    EventOpened {
        actor: Actor,
        at: DateTime<Utc>,
    },
    EventDeleted {
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// `ticket` is absent only in history written before tickets existed.
    MemberJoined {
        member: Actor,
        actor: Actor,
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<Ticket>,
    },
    /// `ticket_type`: the type the user waits for, in events that have types.
    MemberWaitlisted {
        member: Actor,
        position: usize,
        actor: Actor,
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket_type: Option<Uuid>,
    },
    MemberLeft {
        member: Actor,
        seat: Seat,
        actor: Actor,
        at: DateTime<Utc>,
    },
    MemberRemoved {
        member: Actor,
        seat: Seat,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The first waitlisted user took a seat that `actor` freed or added.
    MemberPromoted {
        member: Actor,
        actor: Actor,
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<Ticket>,
    },
    InvitationSent {
        invitation_id: Uuid,
        invitee: Actor,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The invitee (`actor`) accepted; a seat, if they had none, follows as its own fact.
    InvitationAccepted {
        invitation_id: Uuid,
        actor: Actor,
        at: DateTime<Utc>,
    },
    InvitationDeclined {
        invitation_id: Uuid,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The invitee's account was deleted.
    InvitationWithdrawn {
        invitation_id: Uuid,
        invitee: Actor,
        actor: Actor,
        at: DateTime<Utc>,
    },
    FeedbackLeft {
        feedback_id: Uuid,
        rating: Rating,
        comment: Comment,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The author's account was deleted.
    FeedbackWithdrawn {
        feedback_id: Uuid,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The creator (`actor`) let the ticket's holder in.
    TicketCheckedIn {
        code: Uuid,
        holder: Actor,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Members were reminded that the event starts within 24 hours, starting at `start_time`
    /// (once per start time: moving the event allows another reminder). `actor` is the
    /// creator, on whose behalf the scheduler sends it.
    ReminderSent {
        start_time: DateTime<Utc>,
        actor: Actor,
        at: DateTime<Utc>,
    },
}

impl EventFact {
    pub fn actor(&self) -> &Actor {
        match self {
            Self::EventCreated { actor, .. }
            | Self::EventUpdated { actor, .. }
            | Self::EventClosed { actor, .. }
            | Self::EventOpened { actor, .. }
            | Self::EventDeleted { actor, .. }
            | Self::MemberJoined { actor, .. }
            | Self::MemberWaitlisted { actor, .. }
            | Self::MemberLeft { actor, .. }
            | Self::MemberRemoved { actor, .. }
            | Self::MemberPromoted { actor, .. }
            | Self::InvitationSent { actor, .. }
            | Self::InvitationAccepted { actor, .. }
            | Self::InvitationDeclined { actor, .. }
            | Self::InvitationWithdrawn { actor, .. }
            | Self::FeedbackLeft { actor, .. }
            | Self::FeedbackWithdrawn { actor, .. }
            | Self::TicketCheckedIn { actor, .. } => actor,
            Self::ReminderSent { actor, .. } => actor,
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::EventCreated { at, .. }
            | Self::EventUpdated { at, .. }
            | Self::EventClosed { at, .. }
            | Self::EventOpened { at, .. }
            | Self::EventDeleted { at, .. }
            | Self::MemberJoined { at, .. }
            | Self::MemberWaitlisted { at, .. }
            | Self::MemberLeft { at, .. }
            | Self::MemberRemoved { at, .. }
            | Self::MemberPromoted { at, .. }
            | Self::InvitationSent { at, .. }
            | Self::InvitationAccepted { at, .. }
            | Self::InvitationDeclined { at, .. }
            | Self::InvitationWithdrawn { at, .. }
            | Self::FeedbackLeft { at, .. }
            | Self::FeedbackWithdrawn { at, .. }
            | Self::TicketCheckedIn { at, .. } => *at,
            Self::ReminderSent { at, .. } => *at,
        }
    }

    /// The stable name stored as `event_type`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::EventCreated { .. } => "EventCreated",
            Self::EventUpdated { .. } => "EventUpdated",
            Self::EventClosed { .. } => "EventClosed",
            Self::EventOpened { .. } => "EventOpened",
            Self::EventDeleted { .. } => "EventDeleted",
            Self::MemberJoined { .. } => "MemberJoined",
            Self::MemberWaitlisted { .. } => "MemberWaitlisted",
            Self::MemberLeft { .. } => "MemberLeft",
            Self::MemberRemoved { .. } => "MemberRemoved",
            Self::MemberPromoted { .. } => "MemberPromoted",
            Self::InvitationSent { .. } => "InvitationSent",
            Self::InvitationAccepted { .. } => "InvitationAccepted",
            Self::InvitationDeclined { .. } => "InvitationDeclined",
            Self::InvitationWithdrawn { .. } => "InvitationWithdrawn",
            Self::FeedbackLeft { .. } => "FeedbackLeft",
            Self::FeedbackWithdrawn { .. } => "FeedbackWithdrawn",
            Self::TicketCheckedIn { .. } => "TicketCheckedIn",
            Self::ReminderSent { .. } => "ReminderSent",
        }
    }
}

impl DomainEvent for EventFact {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        crate::upcast::CURRENT_VERSION.to_owned()
    }
}
