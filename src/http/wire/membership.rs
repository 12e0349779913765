//! Seats and waitlist places.

use chrono::{DateTime, Utc};
use projections::members::{MemberRow, WaitlistRow};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::choices::SeatStatus;
use super::{rfc3339, UserRef};

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

/// A member of an event, in join order.
#[derive(Serialize, ToSchema)]
pub struct MemberBody {
    user: UserRef,
    #[serde(serialize_with = "rfc3339")]
    joined_at: DateTime<Utc>,
}

/// A user on an event's waitlist, in order.
#[derive(Serialize, ToSchema)]
pub struct WaitlistBody {
    user: UserRef,
    position: i64,
    #[serde(serialize_with = "rfc3339")]
    joined_at: DateTime<Utc>,
}

impl From<MemberRow> for MemberBody {
    fn from(row: MemberRow) -> Self {
        Self {
            user: UserRef {
                id: row.user_id,
                username: row.username,
            },
            joined_at: row.joined_at,
        }
    }
}

impl From<WaitlistRow> for WaitlistBody {
    fn from(row: WaitlistRow) -> Self {
        Self {
            user: UserRef {
                id: row.user_id,
                username: row.username,
            },
            position: row.position,
            joined_at: row.joined_at,
        }
    }
}
