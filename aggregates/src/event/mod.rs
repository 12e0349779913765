//! The `Event` aggregate: one event's details and its seats.
//!
//! Members and waitlist live in the same aggregate as capacity and status because the seat
//! invariant (never more members than capacity, nobody twice, waitlist order) spans all of
//! them: a single `handle` sees them together, and one commit records every consequence.

mod aggregate;
mod apply;
mod commands;
mod decide;
mod details;
mod errors;
mod facts;
#[cfg(test)]
mod tests;

pub use aggregate::{Event, EventServices};
pub use commands::EventCommand;
pub use decide::guests::GUEST_CONFIRMATION_WINDOW;
pub use decide::schedule_problems;
pub use decide::tickets::MAX_TICKET_TYPES;
pub use details::{DetailChange, DetailChanges, EventDetails};
pub use errors::EventError;
pub use facts::{EventFact, Guest, GuestPlace, Seat};

/// What a rule answers: the facts a command becomes, or why it is refused.
type Decision = Result<Vec<EventFact>, EventError>;
