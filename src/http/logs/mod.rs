//! The activity log and an event's stored history (`/api/logs`, `/api/events/{id}/history`).

pub mod handlers;
pub mod json;
pub mod requests;
