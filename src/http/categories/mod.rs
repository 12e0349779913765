//! Categories: reference data kept by administrators (`/api/categories`).

pub mod handlers;
pub mod json;
pub mod requests;
