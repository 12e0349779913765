//! The domain of Event Manager: the `Event` aggregate guards an event's details and its seats
//! (members and waitlist), and records every change as a domain event (an [`EventFact`]).
//!
//! Nothing here does IO, reads a clock or draws random numbers: time arrives through
//! [`Clock`], ticket codes through [`TicketCodes`], identities through the commands, so every
//! rule can be tested with given/when/then.

mod actor;
mod clock;
pub mod event;
mod upcast;
pub mod values;

pub use actor::Actor;
pub use clock::{Clock, SystemClock, TicketCodes};
pub use event::{Event, EventCommand, EventError, EventFact, EventServices};
pub use upcast::{upcast, upcasters};
