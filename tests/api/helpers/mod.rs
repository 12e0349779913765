//! The harness: every test gets its own service, on its own port, over its own database
//! (a fresh SQLite file or a fresh PostgreSQL database), and talks to it over HTTP only.

#[macro_use]
mod both_stores;

mod app;
mod auth;
mod bodies;
mod client;
mod response;

pub use app::*;
pub use auth::*;
pub use bodies::*;
pub use client::*;
pub use response::*;
