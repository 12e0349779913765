//! Notifications: the list, read marks, and their live stream over WebSocket.

pub mod handlers;
pub mod json;
pub mod requests;
pub mod ws;
