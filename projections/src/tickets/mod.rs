//! Ticket types with their seats taken, and every ticket issued with its state.

mod fold;
mod query;

pub use fold::project;
pub use query::{get, of_user, types_of, TicketRow, TicketTypeRow};
