//! Invitations as their event's creator and their invitee see them.

mod fold;
mod query;

pub use fold::project;
pub use query::{events_of_invitee, for_event, get, received, InvitationRow};
