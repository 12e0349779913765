//! Seats and waitlist places.

use chrono::{DateTime, Utc};
use projections::members::{MemberRow, WaitlistRow};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::wire::SeatStatus;
use crate::http::wire::{rfc3339, UserRef};

/// A seat, or a place on the waitlist.
#[derive(Serialize, ToSchema)]
pub struct Joined {
    pub event_id: Uuid,
    pub user: UserRef,
    /// `member`, or `waitlisted` when the event is full and has a waitlist.
    #[schema(value_type = SeatStatus, example = "member")]
    pub status: &'static str,
    /// The 1-based place on the waitlist; only when `waitlisted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    #[serde(serialize_with = "rfc3339")]
    pub joined_at: DateTime<Utc>,
}

/// A member of an event, in join order: a user, or (with `user: null`) a guest.
#[derive(Serialize, ToSchema)]
pub struct MemberBody {
    /// `null` for a guest.
    user: Option<UserRef>,
    /// Only for a guest.
    #[serde(skip_serializing_if = "Option::is_none")]
    guest: Option<GuestRef>,
    #[serde(serialize_with = "rfc3339")]
    joined_at: DateTime<Utc>,
}

/// A user (or, with `user: null`, a guest) on an event's waitlist, in order.
#[derive(Serialize, ToSchema)]
pub struct WaitlistBody {
    /// `null` for a guest.
    user: Option<UserRef>,
    /// Only for a guest.
    #[serde(skip_serializing_if = "Option::is_none")]
    guest: Option<GuestRef>,
    position: i64,
    #[serde(serialize_with = "rfc3339")]
    joined_at: DateTime<Utc>,
}

/// A guest as the creator sees them; `id` is what `DELETE /api/events/{id}/guests/{guest_id}`
/// takes.
#[derive(Serialize, ToSchema)]
pub struct GuestRef {
    pub id: Uuid,
    pub name: String,
    pub email: String,
}

/// A seat's holder as a user or as a guest, from its read-model row.
fn holder(id: Uuid, name: String, guest_email: Option<String>) -> (Option<UserRef>, Option<GuestRef>) {
    match guest_email {
        None => (Some(UserRef { id, username: name }), None),
        Some(email) => (None, Some(GuestRef { id, name, email })),
    }
}

impl From<MemberRow> for MemberBody {
    fn from(row: MemberRow) -> Self {
        let (user, guest) = holder(row.user_id, row.username, row.guest_email);
        Self {
            user,
            guest,
            joined_at: row.joined_at,
        }
    }
}

impl From<WaitlistRow> for WaitlistBody {
    fn from(row: WaitlistRow) -> Self {
        let (user, guest) = holder(row.user_id, row.username, row.guest_email);
        Self {
            user,
            guest,
            position: row.position,
            joined_at: row.joined_at,
        }
    }
}
