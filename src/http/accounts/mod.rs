//! Accounts: registration, tokens and the caller's own account (`/api/auth`, `/api/users/me`).

pub mod auth;
pub mod json;
pub mod requests;
pub mod users;
