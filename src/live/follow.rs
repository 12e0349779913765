use std::sync::Arc;

use projections::{EventSource, Position};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::feed::BATCH;
use super::{Feed, FeedItem};
use crate::box_error::BoxError;

/// How many items wait for a slow connection before its follower waits too.
const QUEUE: usize = 256;

impl Feed {
    /// The items visible to `user` after `after`, then every later one as it is recorded,
    /// each exactly once and in position order, until the receiver is dropped.
    ///
    /// The follower subscribes to the tail first, then reads the store itself until it finds
    /// nothing more, then takes the tail's items beyond what it has sent: the tail starts at
    /// or before where reading stopped, so the two overlap rather than leave a gap, and the
    /// overlap is skipped by position. A follower too slow for the tail reads the store again.
    pub fn follow(self: &Arc<Self>, user: Uuid, after: Position) -> mpsc::Receiver<Arc<FeedItem>> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let feed = Arc::clone(self);
        tokio::spawn(async move {
            tokio::select! {
                () = feed.deliver(user, after, &sender) => {}
                () = sender.closed() => {}
            }
        });
        receiver
    }

    async fn deliver(&self, user: Uuid, mut sent: Position, out: &mpsc::Sender<Arc<FeedItem>>) {
        loop {
            let mut live = self.live.subscribe();
            loop {
                let batch = match self.catch_up(user, sent).await {
                    Ok(batch) => batch,
                    Err(error) => {
                        tracing::warn!(%error, "a feed follower could not read the store; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        continue;
                    }
                };
                let Some((items, position)) = batch else {
                    break;
                };
                for item in items {
                    if out.send(item).await.is_err() {
                        return;
                    }
                }
                sent = position;
            }
            loop {
                match live.recv().await {
                    Ok(item) if item.recorded.position <= sent => {}
                    Ok(item) => {
                        sent = item.recorded.position;
                        if item.visible_to(user) && out.send(item).await.is_err() {
                            return;
                        }
                    }
                    Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                }
            }
        }
    }

    /// The next batch of history after `after`: the items `user` may see and the last
    /// position read, or `None` at the end. Followers catching up take turns (`catching_up`),
    /// so however many streams ask for history at once, decoding it keeps to a share of
    /// the cores; a slow client does not hold a turn while its items wait to be sent.
    async fn catch_up(&self, user: Uuid, after: Position) -> Result<Option<(Vec<Arc<FeedItem>>, Position)>, BoxError> {
        let _turn = self.catching_up.acquire().await?;
        let batch = self.log.read_after(after, BATCH).await?;
        let Some(last) = batch.last().map(|recorded| recorded.position) else {
            return Ok(None);
        };
        let mut items = Vec::new();
        for recorded in batch {
            let item = self.item(recorded).await?;
            if item.visible_to(user) {
                items.push(Arc::new(item));
            }
        }
        Ok(Some((items, last)))
    }
}
