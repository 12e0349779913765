use std::sync::Arc;

use projections::{EventSource, Position};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::feed::BATCH;
use super::{Feed, FeedItem};

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
                let batch = match self.log.read_after(sent, BATCH).await {
                    Ok(batch) => batch,
                    Err(error) => {
                        tracing::warn!(%error, "a feed follower could not read the store; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        continue;
                    }
                };
                if batch.is_empty() {
                    break;
                }
                for recorded in batch {
                    let position = recorded.position;
                    let Ok(item) = self.item(recorded).await else {
                        return;
                    };
                    if item.visible_to(user) && out.send(Arc::new(item)).await.is_err() {
                        return;
                    }
                    sent = position;
                }
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
}
