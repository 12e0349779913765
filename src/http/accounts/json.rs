//! Users, tokens, and a user's memberships.

use chrono::{DateTime, Utc};
use projections::members::MembershipRow;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::{EmailNotifications, IssuedTokens, User};
use crate::http::wire::rfc3339;
use crate::http::wire::{Role, SeatStatus, TokenType};

/// A user account. The password is never returned.
#[derive(Serialize, ToSchema)]
pub struct UserBody {
    id: Uuid,
    #[schema(example = "ali")]
    username: String,
    #[schema(example = "ali@example.com")]
    email: String,
    first_name: String,
    last_name: String,
    #[serde(serialize_with = "rfc3339")]
    date_joined: DateTime<Utc>,
    /// `attendee` (the default) or `organizer`, chosen at registration.
    #[schema(value_type = Role, example = "attendee")]
    role: &'static str,
    /// Administrators manage categories; only the `user promote --admin` command makes one.
    is_admin: bool,
    email_notifications: EmailNotificationsBody,
}

/// Which messages the user is mailed (all by default); `PATCH /api/users/me` changes them.
#[derive(Serialize, ToSchema)]
pub struct EmailNotificationsBody {
    /// An invitation to an event.
    invitations: bool,
    /// A seat taken from the waitlist for them.
    promotions: bool,
    /// An event they hold a seat for changed its time or location, closed, or was deleted.
    changes: bool,
    /// The reminder 24 hours before an event they hold a seat for.
    reminders: bool,
}

impl From<EmailNotifications> for EmailNotificationsBody {
    fn from(choices: EmailNotifications) -> Self {
        Self {
            invitations: choices.invitations,
            promotions: choices.promotions,
            changes: choices.changes,
            reminders: choices.reminders,
        }
    }
}

impl From<&User> for UserBody {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            date_joined: user.date_joined,
            role: user.role.as_str(),
            is_admin: user.is_admin,
            email_notifications: user.email_notifications.into(),
        }
    }
}

/// A token pair.
#[derive(Serialize, ToSchema)]
pub struct TokensBody {
    /// The access token (a JWT), for `Authorization: Bearer …`.
    access: String,
    /// Trades for a new pair at `POST /api/auth/refresh`, once.
    refresh: String,
    #[schema(value_type = TokenType, example = "Bearer")]
    token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    expires_in: u64,
}

impl From<IssuedTokens> for TokensBody {
    fn from(tokens: IssuedTokens) -> Self {
        Self {
            access: tokens.access,
            refresh: tokens.refresh,
            token_type: "Bearer",
            expires_in: tokens.expires_in,
        }
    }
}

/// One of the caller's seats, and the event it is in.
#[derive(Serialize, ToSchema)]
pub struct MembershipBody {
    event: MembershipEvent,
    /// `member` or `waitlisted`.
    #[schema(value_type = SeatStatus, example = "member")]
    status: String,
    #[serde(serialize_with = "rfc3339")]
    joined_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct MembershipEvent {
    id: Uuid,
    title: String,
    #[serde(serialize_with = "rfc3339")]
    start_time: DateTime<Utc>,
    /// As on the event.
    #[schema(value_type = crate::http::wire::Visibility, example = "public")]
    visibility: String,
    guest_registration: bool,
}

impl From<MembershipRow> for MembershipBody {
    fn from(row: MembershipRow) -> Self {
        Self {
            event: MembershipEvent {
                id: row.event_id,
                title: row.title,
                start_time: row.start_time,
                visibility: row.visibility,
                guest_registration: row.guest_registration,
            },
            status: row.status,
            joined_at: row.joined_at,
        }
    }
}
