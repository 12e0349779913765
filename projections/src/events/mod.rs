//! The event listing: one row per event with its counts, kept after deletion (marked) so
//! that logs and history can still name and authorise it.

mod fold;
mod query;

pub use fold::project;
pub use query::{
    creator_of, ended_before, get, list, of_series, CreatorFilter, EventFilter, EventOrdering, EventRow, Viewer,
};
pub(crate) use query::{seen_by, visible_to};
