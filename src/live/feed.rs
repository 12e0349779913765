use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use projections::{EventSource, Position, ProjectorHandle, Recorded};
use sqlx::{AnyPool, Row};
use tokio::sync::{broadcast, watch, Semaphore};
use uuid::Uuid;

use super::concerns;
use crate::box_error::BoxError;
use crate::store::EventLog;

/// How many events one read of the store takes.
pub(super) const BATCH: i64 = 500;

/// How many events one page request looks at, at most, before it answers with what it found
/// (a caller who sees little of a busy store then gets short pages, never a long wait).
const SCAN_LIMIT: usize = 5_000;

/// How many followers decode history at once: 40 streams catching up on 200,000 events
/// each took a core's worth of time, all together.
const CATCHING_UP: usize = 1;

/// How many items the live channel holds for slow subscribers before they fall back to
/// reading the store themselves.
const CHANNEL: usize = 4_096;

/// A recorded domain event with who created its event: enough to decide who may see it.
#[derive(Debug)]
pub struct FeedItem {
    pub recorded: Recorded,
    pub creator: Uuid,
}

impl FeedItem {
    /// The creator sees every change of their events; a user sees their own seats,
    /// invitations and feedback.
    pub fn visible_to(&self, user: Uuid) -> bool {
        self.creator == user || concerns(&self.recorded.fact, user)
    }
}

/// One page of the feed: the visible items, and where the next page starts.
pub struct FeedPage {
    pub items: Vec<Arc<FeedItem>>,
    /// The last position looked at: pass it as `after` to go on.
    pub position: Position,
    /// Whether the store may hold more after `position` right now.
    pub more: bool,
}

/// The change feed: pages read straight from the store, and one shared reader (the tail)
/// that follows the store and broadcasts each new event to live subscribers.
pub struct Feed {
    pub(super) log: Arc<EventLog>,
    creators: Mutex<HashMap<Uuid, Uuid>>,
    pub(super) live: broadcast::Sender<Arc<FeedItem>>,
    /// Where the tail has read up to: a position the store's reader answered, so it is
    /// safe to start from (`after=now`).
    pub(super) head: watch::Receiver<Position>,
    /// Turns for followers reading history (see `catch_up`).
    pub(super) catching_up: Semaphore,
}

impl Feed {
    /// Starts the tail from the projections' checkpoint, woken by the projector.
    pub async fn start(log: Arc<EventLog>, read: &AnyPool, projector: ProjectorHandle) -> Result<Arc<Self>, BoxError> {
        let start = lowest_checkpoint(read).await?;
        let (head_tx, head) = watch::channel(start);
        let (live, _) = broadcast::channel(CHANNEL);
        let feed = Arc::new(Self {
            log,
            creators: Mutex::new(HashMap::new()),
            live,
            head,
            catching_up: Semaphore::new(CATCHING_UP),
        });
        tokio::spawn(tail(Arc::clone(&feed), head_tx, projector.applied()));
        Ok(feed)
    }

    /// The position the tail has reached.
    pub fn head(&self) -> Position {
        *self.head.borrow()
    }

    /// Up to `size` items visible to `user` after `after`, in position order.
    pub async fn page(&self, user: Uuid, after: Position, size: usize) -> Result<FeedPage, BoxError> {
        let (mut items, mut position, mut scanned) = (Vec::new(), after, 0);
        while items.len() < size && scanned < SCAN_LIMIT {
            let batch = self.log.read_after(position, BATCH).await?;
            if batch.is_empty() {
                return Ok(FeedPage {
                    items,
                    position,
                    more: false,
                });
            }
            for recorded in batch {
                scanned += 1;
                position = recorded.position;
                let item = self.item(recorded).await?;
                if item.visible_to(user) {
                    items.push(Arc::new(item));
                    if items.len() == size {
                        break;
                    }
                }
            }
        }
        Ok(FeedPage {
            items,
            position,
            more: true,
        })
    }

    /// Attaches the creator, from the event's first fact (cached: it never changes).
    pub(super) async fn item(&self, recorded: Recorded) -> Result<FeedItem, BoxError> {
        let event_id = recorded.event_id;
        let known = match &recorded.fact {
            aggregates::EventFact::EventCreated { actor, .. } => Some(actor.id),
            _ => self.creators.lock().expect("never poisoned").get(&event_id).copied(),
        };
        let creator = match known {
            Some(creator) => creator,
            None => self.log.creator(event_id).await?.unwrap_or_default(),
        };
        self.creators.lock().expect("never poisoned").insert(event_id, creator);
        Ok(FeedItem { recorded, creator })
    }
}

/// Follows the store after `head` for as long as the process runs, broadcasting each event.
async fn tail(feed: Arc<Feed>, head: watch::Sender<Position>, mut applied: watch::Receiver<Position>) {
    let mut cursor = *head.borrow();
    loop {
        let seen = *applied.borrow();
        match feed.log.read_after(cursor, BATCH).await {
            Ok(batch) if !batch.is_empty() => {
                for recorded in batch {
                    let position = recorded.position;
                    match feed.item(recorded).await {
                        Ok(item) => {
                            // Nobody listening is no error.
                            let _ = feed.live.send(Arc::new(item));
                            cursor = position;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "the feed could not place an event; retrying");
                            tokio::time::sleep(Duration::from_millis(500)).await;
                            break;
                        }
                    }
                }
                head.send_replace(cursor);
                continue;
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "the feed could not read the store; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        wait_for_news(&mut applied, seen, Duration::from_millis(100)).await;
    }
}

/// Until the projector has moved on from `seen` (it saw new events, which are ours to read
/// too), or `most` at the longest (another instance may be the one projecting). The
/// projector rings after every look it takes, mostly finding nothing: those rings are not
/// worth a query. Callers take `seen` before they read, so a move during the read counts.
pub(crate) async fn wait_for_news(applied: &mut watch::Receiver<Position>, seen: Position, most: Duration) {
    let deadline = tokio::time::Instant::now() + most;
    while *applied.borrow_and_update() == seen {
        match tokio::time::timeout_at(deadline, applied.changed()).await {
            Ok(Ok(())) => {}
            Err(_) => return,
            Ok(Err(_)) => return tokio::time::sleep_until(deadline).await,
        }
    }
}

async fn lowest_checkpoint(read: &AnyPool) -> Result<Position, sqlx::Error> {
    let row = sqlx::query("SELECT tx, pos FROM projection_checkpoints ORDER BY tx, pos LIMIT 1")
        .fetch_optional(read)
        .await?;
    match row {
        Some(row) => Ok(Position {
            tx: row.try_get("tx")?,
            pos: row.try_get("pos")?,
        }),
        None => Ok(Position::default()),
    }
}
