use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{DetailChanges, EventDetails};
use crate::values::{Comment, GuestEmail, GuestName, Rating, Ticket};
use crate::Actor;

/// Where a user sat before they left or were removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seat {
    Member,
    Waitlist,
}

/// Someone who registered without an account: `id` stands for them where a user id
/// would (a seat, a ticket's holder), and is never a user's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    pub id: Uuid,
    pub name: GuestName,
    pub email: GuestEmail,
}

impl Guest {
    /// The guest as the author of their own facts.
    pub fn as_actor(&self) -> Actor {
        Actor::new(self.id, self.name.as_str())
    }
}

/// Where a confirmed guest sits: in a seat with a ticket, or on the waitlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "seat")]
pub enum GuestPlace {
    Member { ticket: Ticket },
    Waitlist { position: usize },
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
    /// Someone without an account asked for a seat. Nothing is taken until they confirm
    /// from the email sent to their address, before `expires_at`: an address that is not
    /// theirs cannot take seats. `actor` is the guest.
    GuestRegistered {
        guest: Guest,
        expires_at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket_type: Option<Uuid>,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The guest (`actor`) confirmed their address and took a seat or a place in line.
    GuestConfirmed {
        guest: Guest,
        place: GuestPlace,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The first in line was a guest, and took a seat that `actor` freed or added.
    GuestPromoted {
        guest: Guest,
        ticket: Ticket,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The guest (`actor`) gave their seat or place back through their cancel link.
    GuestCancelled {
        guest: Guest,
        seat: Seat,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The creator (`actor`) removed the guest.
    GuestRemoved {
        guest: Guest,
        seat: Seat,
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
            | Self::TicketCheckedIn { actor, .. }
            | Self::ReminderSent { actor, .. }
            | Self::GuestRegistered { actor, .. }
            | Self::GuestConfirmed { actor, .. }
            | Self::GuestPromoted { actor, .. }
            | Self::GuestCancelled { actor, .. }
            | Self::GuestRemoved { actor, .. } => actor,
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
            | Self::TicketCheckedIn { at, .. }
            | Self::ReminderSent { at, .. }
            | Self::GuestRegistered { at, .. }
            | Self::GuestConfirmed { at, .. }
            | Self::GuestPromoted { at, .. }
            | Self::GuestCancelled { at, .. }
            | Self::GuestRemoved { at, .. } => *at,
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
            Self::GuestRegistered { .. } => "GuestRegistered",
            Self::GuestConfirmed { .. } => "GuestConfirmed",
            Self::GuestPromoted { .. } => "GuestPromoted",
            Self::GuestCancelled { .. } => "GuestCancelled",
            Self::GuestRemoved { .. } => "GuestRemoved",
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
