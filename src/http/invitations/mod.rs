//! Invitations to events, sent and answered (`/api/events/{id}/invitations`, `/api/invitations`).

pub mod handlers;
pub mod json;
pub mod requests;
