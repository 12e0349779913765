//! Response bodies: the JSON shapes of the contract, one module per resource. Each derives
//! its schema for the OpenAPI document from the same type that is serialised.

mod accounts;
mod categories;
mod choices;
mod events;
mod feed;
mod feedback;
mod guests;
mod invitations;
mod logs;
mod membership;
mod notifications;
mod series;
mod tickets;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use utoipa::ToSchema;
use uuid::Uuid;

pub use accounts::{MembershipBody, TokensBody, UserBody};
pub use categories::CategoryBody;
pub use choices::{EventStatus, InvitationAnswer, InvitationStatus, LogType, Role, Visibility};
pub use events::{CapacityBody, EventBody};
pub use feed::{FeedEntryBody, FeedPageBody, SseMessage};
pub use feedback::{FeedbackBody, FeedbackPage};
pub use guests::{GuestName, GuestPending, GuestSeat, TicketCode};
pub use invitations::InvitationBody;
pub use logs::{HistoryBody, LogBody};
pub use membership::{Joined, MemberBody, WaitlistBody};
pub use notifications::{CalendarTokenBody, MarkedBody, NotificationBody, WsMessage};
pub use series::SeriesBody;
pub use tickets::{TicketBody, TicketTypeBody};

/// Times go out as RFC 3339 in UTC with a `Z`.
pub fn rfc3339<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true).serialize(s)
}

fn rfc3339_opt<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    time.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .serialize(s)
}

/// A user as other resources name them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub username: String,
}
