//! Event Manager: an event-sourced CQRS service for events, their members and waitlists.
//!
//! HTTP commands go to the `Event` aggregate (crate `aggregates`), which records domain
//! events in the store; the projector folds them into read models (crate `projections`)
//! that the HTTP queries read.

pub mod accounts;
pub mod app;
pub mod box_error;
pub mod categories;
#[cfg(test)]
mod checkpoint_tests;
pub mod cli;
pub mod commands;
pub mod config;
pub mod email;
pub mod guests;
pub mod html;
pub mod http;
pub mod idempotency;
#[cfg(test)]
mod layering_tests;
pub mod live;
pub mod maintenance;
pub mod networks;
pub mod probe;
pub mod services;
pub mod startup;
pub mod state;
pub mod store;
pub mod sync;
#[doc(hidden)]
pub mod testing;
pub mod throttle;
