//! Guests' answers: a registration waiting for its confirmation, and the seat it took.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::wire::rfc3339;
use crate::http::wire::SeatStatus;

/// A registration: no seat yet. The address received a link to confirm it by `expires_at`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "pending_confirmation", "expires_at": "2026-12-03T10:00:00Z"}))]
pub struct GuestPending {
    /// Always `pending_confirmation`.
    #[schema(example = "pending_confirmation")]
    pub status: &'static str,
    #[serde(serialize_with = "rfc3339")]
    pub expires_at: DateTime<Utc>,
}

/// The name a guest registered under.
#[derive(Serialize, ToSchema)]
pub struct GuestName {
    pub name: String,
}

/// A ticket's code, as the door scans it.
#[derive(Serialize, ToSchema)]
pub struct TicketCode {
    pub code: Uuid,
}

/// A confirmed guest's seat, or place on the waitlist.
#[derive(Serialize, ToSchema)]
pub struct GuestSeat {
    pub event_id: Uuid,
    pub guest: GuestName,
    /// `member`, or `waitlisted` when the event is full and has a waitlist.
    #[schema(value_type = SeatStatus, example = "member")]
    pub status: &'static str,
    /// The 1-based place on the waitlist; only when `waitlisted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// The seat's ticket; `null` on the waitlist (a promotion issues one, sent by email).
    pub ticket: Option<TicketCode>,
}
