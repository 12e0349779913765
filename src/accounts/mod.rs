//! Accounts are the service's own store (not event-sourced): who may log in, their
//! password hashes and their tokens.

mod calendar_tokens;
mod email_notifications;
mod hs256;
mod passwords;
mod tokens;
mod users;

pub use calendar_tokens::CalendarTokens;
pub use email_notifications::{EmailNotificationChanges, EmailNotifications};
pub use hs256::install as install_jwt_crypto;
pub use passwords::{HashError, Passwords};
pub use tokens::{derive_key, Claims, IssuedTokens, TokenError, Tokens};
pub use users::{NewUser, Role, User, UserChanges, Users};

fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// A random 256-bit value as hex (for refresh tokens, token ids and generated secrets).
pub fn random_token() -> String {
    let bytes = [Uuid::new_v4(), Uuid::new_v4()].map(|id| id.as_u128().to_be_bytes());
    bytes.concat().iter().map(|b| format!("{b:02x}")).collect()
}

use uuid::Uuid;
