//! The feedback attendees left, with each event's average rating.

mod fold;
mod query;

pub use fold::project;
pub use query::{events_of_author, get, list, FeedbackPage, FeedbackRow};
