//! Feedback: ratings left once an event has started (`/api/events/{id}/feedback`).

pub mod handlers;
pub mod json;
pub mod requests;
