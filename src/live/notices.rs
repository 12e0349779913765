use std::sync::Arc;
use std::time::Duration;

use projections::notifications::{self, NotificationRow};
use projections::{Position, ProjectorHandle};
use sqlx::{AnyPool, Row};
use tokio::sync::{broadcast, watch};

use super::feed::wait_for_news;
use crate::box_error::BoxError;

/// How often the read model is looked at when the projector has not rung.
const POLL: Duration = Duration::from_secs(1);

/// The live push of notifications: one reader follows the notifications read model in
/// position order and broadcasts each new row; connections keep their user's.
pub struct Notices {
    live: broadcast::Sender<Arc<NotificationRow>>,
}

impl Notices {
    /// Starts following from the notifications projection's checkpoint.
    pub async fn start(read: AnyPool, projector: ProjectorHandle) -> Result<Arc<Self>, BoxError> {
        let row = sqlx::query("SELECT tx, pos FROM projection_checkpoints WHERE name = 'notifications'")
            .fetch_optional(&read)
            .await?;
        let start = match row {
            Some(row) => Position {
                tx: row.try_get("tx")?,
                pos: row.try_get("pos")?,
            },
            None => Position::default(),
        };
        let (live, _) = broadcast::channel(4_096);
        let notices = Arc::new(Self { live });
        tokio::spawn(follow(Arc::clone(&notices), read, start, projector.applied()));
        Ok(notices)
    }

    /// New notifications of every user, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<NotificationRow>> {
        self.live.subscribe()
    }
}

async fn follow(notices: Arc<Notices>, read: AnyPool, mut cursor: Position, mut applied: watch::Receiver<Position>) {
    loop {
        let seen = *applied.borrow();
        match notifications::since(&read, cursor, None).await {
            Ok(rows) => {
                for row in rows {
                    cursor = row.position;
                    // Nobody listening is no error.
                    let _ = notices.live.send(Arc::new(row));
                }
            }
            Err(error) => tracing::warn!(%error, "notifications could not be read; retrying"),
        }
        wait_for_news(&mut applied, seen, POLL).await;
    }
}
