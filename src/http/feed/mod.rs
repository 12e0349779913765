//! The change feed: what happened to the events a user sees, paged or streamed (`/api/feed`).

pub mod handlers;
pub mod json;
pub mod requests;
