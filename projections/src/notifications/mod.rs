//! Per-user notifications: a fold of the facts that concern a user (invited, an answer to
//! their invitation, promoted from the waitlist, an event they joined changed, closed or
//! deleted), and the user's read marks beside it.

mod fold;
mod query;
mod reads;

pub use fold::{notification_id, project, KINDS};
pub use query::{list, since, NotificationRow};
pub use reads::{forget_reads, mark_all_read, mark_read};
