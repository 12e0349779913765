//! Who holds a seat or waits for one, per event and per user.

mod fold;
mod query;

pub use fold::project;
pub use query::{events_of_user, members, memberships, waitlist, MemberRow, MembershipRow, WaitlistRow};
