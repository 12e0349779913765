//! The creator's activity log: one entry per recorded change, in words.

mod entry;
mod fold;
mod query;

pub use entry::{describe, Entry, LOG_TYPES};
pub use fold::project;
pub use query::{list, LogFilter, LogRow};
