//! Events: the list, creation, reading and changing one (`/api/events`, `/api/events/{id}`).

pub mod handlers;
pub mod json;
pub mod links;
pub mod requests;
