//! Series: recurring events changed or deleted together (`/api/series/{id}`).

pub mod handlers;
pub mod json;
pub mod requests;
