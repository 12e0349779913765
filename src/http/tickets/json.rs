//! Ticket types and tickets.

use aggregates::values::TicketType;
use chrono::{DateTime, Utc};
use projections::tickets::{TicketRow, TicketTypeRow};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::wire::TicketStatus;
use crate::http::wire::{rfc3339, rfc3339_opt, UserRef};

/// A kind of seat an event sells.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketTypeBody {
    id: Uuid,
    #[schema(example = "Early bird")]
    name: String,
    /// A decimal string, exactly as given: never a float.
    #[schema(example = "12.50", pattern = r"^\d{1,9}(\.\d{1,3})?$")]
    price: String,
    /// ISO 4217.
    #[schema(example = "EUR", pattern = "^[A-Z]{3}$")]
    currency: String,
    /// Its seats, part of the event's capacity.
    quantity: i64,
    /// Seats of this type still free.
    available: i64,
}

impl TicketTypeBody {
    /// A type of a new event: every seat still free.
    pub fn offered(offer: &TicketType) -> Self {
        Self {
            id: offer.id,
            name: offer.name.as_str().to_owned(),
            price: offer.price.as_str().to_owned(),
            currency: offer.currency.as_str().to_owned(),
            quantity: offer.quantity.get() as i64,
            available: offer.quantity.get() as i64,
        }
    }
}

impl From<TicketTypeRow> for TicketTypeBody {
    fn from(row: TicketTypeRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            price: row.price,
            currency: row.currency,
            quantity: row.quantity,
            available: (row.quantity - row.members_count).max(0),
        }
    }
}

/// The event a ticket admits to.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketEvent {
    id: Uuid,
    title: String,
    #[serde(serialize_with = "rfc3339")]
    start_time: DateTime<Utc>,
}

/// A member's ticket: its code is what the door scans.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketBody {
    /// Unguessable (a random UUID); show it as a QR code.
    code: Uuid,
    event: TicketEvent,
    holder: UserRef,
    /// Null in events without ticket types.
    ticket_type: Option<TicketTypeBody>,
    /// `valid`, `checked_in`, or `void` (the holder left or the event was deleted).
    #[schema(value_type = TicketStatus, example = "valid")]
    status: String,
    #[serde(serialize_with = "rfc3339")]
    issued_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339_opt")]
    checked_in_at: Option<DateTime<Utc>>,
}

impl TicketBody {
    pub fn new(row: TicketRow, ticket_type: Option<TicketTypeBody>) -> Self {
        Self {
            code: row.code,
            event: TicketEvent {
                id: row.event_id,
                title: row.event_title,
                start_time: row.event_start_time,
            },
            holder: UserRef {
                id: row.user_id,
                username: row.username,
            },
            ticket_type,
            status: row.status,
            issued_at: row.issued_at,
            checked_in_at: row.checked_in_at,
        }
    }
}
