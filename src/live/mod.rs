//! What happens, as it happens: the change feed (every visible domain event in position
//! order, without gaps) and the live push of notifications. Both follow the store or the
//! read models through the same readers the projector uses, so nothing is skipped when
//! appends commit out of order.

mod audience;
mod feed;
mod follow;
pub mod ics;
mod notices;

pub use audience::concerns;
pub(crate) use feed::wait_for_news;
pub use feed::{Feed, FeedItem, FeedPage};
pub use notices::Notices;

#[cfg(test)]
mod late_commit_tests;
