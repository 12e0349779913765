//! Events: the list, creation, reading and changing one (`/api/events`, `/api/events/{id}`).

pub mod filters;
pub mod handlers;
pub mod json;
pub mod links;
mod preconditions;
mod recurrence;
pub mod requests;
mod ticket_types;
