//! The read side: pure folds from recorded domain events to row writes, the projector that
//! applies them with a checkpoint in the same transaction, and the queries the API reads.
//!
//! Read models use one SQL dialect for SQLite and PostgreSQL (through `sqlx::Any`): ids
//! as text, times as microseconds since the epoch, flags as integers.

pub mod activity;
pub mod calendar;
mod column;
pub mod email;
pub mod events;
pub mod feedback;
pub mod invitations;
pub mod members;
pub mod notifications;
mod page;
mod projector;
pub mod rebuild;
mod recorded;
mod sql;
pub mod tickets;
mod time;
mod write;

pub use page::{Page, PageRequest};
pub use projector::{Fold, Projection, Projector, ProjectorError, ProjectorHandle, PROJECTIONS};
pub use recorded::{EventSource, Position, Recorded, Streams};
pub use time::{from_micros, to_micros};
