//! Guests: registration without an account, confirmed and cancelled by emailed links.

pub mod handlers;
pub mod json;
pub mod pages;
pub mod requests;
