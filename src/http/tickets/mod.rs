//! Tickets: ticket types, the caller's tickets, and check-in.

pub mod handlers;
pub mod json;
pub mod requests;
