//! Membership: joining, leaving, members, the waitlist and capacity (`/api/events/{id}/…`).

pub mod handlers;
pub mod json;
pub mod requests;
