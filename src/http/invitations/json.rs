//! Invitations.

use chrono::{DateTime, Utc};
use projections::invitations::InvitationRow;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::wire::InvitationStatus;
use crate::http::wire::{rfc3339, rfc3339_opt, UserRef};

/// An invitation to an event.
#[derive(Serialize, ToSchema)]
pub struct InvitationBody {
    id: Uuid,
    event: InvitedTo,
    inviter: UserRef,
    invitee: UserRef,
    /// `pending`, `accepted` or `declined`.
    #[schema(value_type = InvitationStatus, example = "pending")]
    status: String,
    #[serde(serialize_with = "rfc3339")]
    sent_at: DateTime<Utc>,
    /// Null while pending.
    #[serde(serialize_with = "rfc3339_opt")]
    responded_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitedTo {
    id: Uuid,
    title: String,
}

impl From<InvitationRow> for InvitationBody {
    fn from(row: InvitationRow) -> Self {
        Self {
            id: row.id,
            event: InvitedTo {
                id: row.event_id,
                title: row.event_title,
            },
            inviter: UserRef {
                id: row.inviter_id,
                username: row.inviter_username,
            },
            invitee: UserRef {
                id: row.invitee_id,
                username: row.invitee_username,
            },
            status: row.status,
            sent_at: row.sent_at,
            responded_at: row.responded_at,
        }
    }
}
