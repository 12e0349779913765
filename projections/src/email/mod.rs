//! Email: the facts that mail someone, turned into outbox rows that the service's sender
//! delivers (`src/email/`). A message is rendered only when it is sent, from its
//! [`Message`] and what the store says then.
//!
//! A message to someone without an account goes to a [`Recipient::Address`]; a new kind of
//! message is a new [`Message`] variant, which the compiler then asks `kind`, `topic` and
//! the service's renderer to handle.
//!
//! The outbox is not a read model: its rows record what was delivered, so `rebuild` and
//! `verify` never replay this projection (a replay would send every message again).

mod fold;
mod message;

pub use fold::project;
pub use message::{Message, Recipient, Topic};

/// The projection's name, also its checkpoint's.
pub const PROJECTION: &str = "email";
