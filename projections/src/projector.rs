use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{watch, Notify};
use tokio::time::{sleep, timeout};

use crate::write::{run_all, run_inline, Write};
use crate::{
    activity, email, events, feedback, invitations, members, notifications, tickets, EventSource, Position, Recorded,
};

/// A read model: its name (also its checkpoint's) and its fold.
pub struct Projection {
    pub name: &'static str,
    pub fold: Fold,
    /// The tables it writes.
    pub tables: &'static [Table],
}

/// A table a projection writes.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// The columns that order its rows uniquely.
    pub key: &'static str,
    /// The column naming the event whose history a row comes from: every row of every
    /// read model is one event's, changed only by that event's facts, which is what lets a
    /// replay fold one event at a time.
    pub stream: &'static str,
}

impl Table {
    pub(crate) const fn new(name: &'static str, key: &'static str, stream: &'static str) -> Self {
        Self { name, key, stream }
    }
}

/// How a projection turns recorded events into row writes.
pub enum Fold {
    /// Each event alone.
    Each(fn(&Recorded) -> Vec<Write>),
    /// A run of events at once, so that a row changed by many of them is written once.
    Run(fn(&[&Recorded]) -> Vec<Write>),
}

impl Projection {
    /// The row writes of `events`, in order.
    pub fn project(&self, events: &[&Recorded]) -> Vec<Write> {
        match self.fold {
            Fold::Each(fold) => events.iter().flat_map(|event| fold(event)).collect(),
            Fold::Run(fold) => fold(events),
        }
    }
}

/// Every read model, in the order their writes run.
pub const PROJECTIONS: [Projection; 8] = [
    Projection {
        name: "events",
        fold: Fold::Run(events::project),
        tables: &[Table::new("event_view", "id", "id")],
    },
    Projection {
        name: "members",
        fold: Fold::Each(members::project),
        tables: &[Table::new("member_view", "event_id, user_id", "event_id")],
    },
    Projection {
        name: "activity",
        fold: Fold::Each(activity::project),
        tables: &[Table::new("activity_log", "id", "event_id")],
    },
    Projection {
        name: "invitations",
        fold: Fold::Each(invitations::project),
        tables: &[Table::new("invitation_view", "id", "event_id")],
    },
    Projection {
        name: "feedback",
        fold: Fold::Each(feedback::project),
        tables: &[Table::new("feedback_view", "id", "event_id")],
    },
    Projection {
        name: "tickets",
        fold: Fold::Each(tickets::project),
        tables: &[
            Table::new("ticket_type_view", "id", "event_id"),
            Table::new("ticket_view", "code", "event_id"),
        ],
    },
    Projection {
        name: "notifications",
        fold: Fold::Each(notifications::project),
        tables: &[
            Table::new("notification_view", "user_id, id", "event_id"),
            Table::new("notification_audience", "event_id, user_id, role", "event_id"),
        ],
    },
    // Never replayed (see `rebuild::NOT_REPLAYED`): a replay would send every message again.
    Projection {
        name: email::PROJECTION,
        fold: Fold::Each(email::project),
        tables: &[
            Table::new("email_audience", "event_id, user_id", "event_id"),
            Table::new("email_outbox", "event_id, sequence, recipient", "event_id"),
        ],
    },
];

const BATCH: i64 = 500;

/// A catch-up subscriber: reads the store after its checkpoints and folds what it finds
/// into every read model, rows and checkpoints in one transaction.
pub struct Projector<S> {
    source: S,
    pool: AnyPool,
    handle: ProjectorHandle,
    applied: watch::Sender<Position>,
    /// The checkpoints as this projector last read or moved them: read again only when a
    /// move finds they are not (another projector moved them).
    known: std::sync::Mutex<Option<HashMap<String, Position>>>,
}

/// What the rest of the service sees of the projector: a bell to ring after a commit, and
/// a way to wait until the read models show a change.
#[derive(Clone)]
pub struct ProjectorHandle {
    wake: Arc<Notify>,
    applied: watch::Receiver<Position>,
}

impl<S: EventSource> Projector<S> {
    pub fn new(source: S, pool: AnyPool) -> Self {
        let (applied, receiver) = watch::channel(Position::default());
        let handle = ProjectorHandle {
            wake: Arc::new(Notify::new()),
            applied: receiver,
        };
        Self {
            source,
            pool,
            handle,
            applied,
            known: std::sync::Mutex::new(None),
        }
    }

    pub fn handle(&self) -> ProjectorHandle {
        self.handle.clone()
    }

    /// Runs until the process ends. Errors are logged and retried: a read model may lag,
    /// but never skips an event.
    pub async fn run(self) {
        let mut quick_polls = 0u32;
        loop {
            match self.catch_up().await {
                Ok(0) => {}
                Ok(_) => continue,
                Err(error) => {
                    tracing::error!(%error, "projection failed; retrying");
                    sleep(Duration::from_millis(500)).await;
                    continue;
                }
            }
            // After a local commit, an event may still be invisible for a moment (an older
            // transaction holds the PostgreSQL horizon), so look again soon for a while.
            let pause = if quick_polls > 0 {
                quick_polls -= 1;
                Duration::from_millis(2)
            } else {
                Duration::from_millis(100)
            };
            if timeout(pause, self.handle.wake.notified()).await.is_ok() {
                quick_polls = 100;
            }
        }
    }

    /// Applies everything committed so far; answers how many events it applied.
    pub async fn catch_up(&self) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner()).take();
        let mut checkpoints = match known {
            Some(checkpoints) => checkpoints,
            None => load_checkpoints(&self.pool).await?,
        };
        let mut total = 0;
        loop {
            let from = checkpoints.values().min().copied().unwrap_or_default();
            let batch = self.source.read_after(from, BATCH).await?;
            let Some(last) = batch.last().map(|event| event.position) else {
                self.applied.send_replace(from);
                *self.known.lock().unwrap_or_else(|p| p.into_inner()) = Some(checkpoints);
                return Ok(total);
            };
            if self.apply(&batch, &checkpoints, last).await? {
                total += batch.len();
                self.applied.send_replace(last);
                checkpoints.values_mut().for_each(|done| *done = (*done).max(last));
            } else {
                checkpoints = load_checkpoints(&self.pool).await?;
            }
        }
    }

    /// Applies a batch in one transaction, answering whether it did. Checkpoints move
    /// first, and only from where this projector read them: if another projector (another
    /// instance, a maintenance command) applied the batch meanwhile, nothing is written
    /// twice. The row lock taken by that first update makes concurrent projectors wait for
    /// each other.
    async fn apply(
        &self,
        batch: &[Recorded],
        checkpoints: &HashMap<String, Position>,
        last: Position,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        if !move_checkpoints(&mut tx, checkpoints, last).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let writes = batch_writes(batch, checkpoints);
        // PostgreSQL takes the batch's writes as one script, one round trip; SQLite runs in
        // process, where a bound statement costs no trip.
        if tx.backend_name() == "PostgreSQL" {
            run_inline(writes, &mut tx).await?;
        } else {
            run_all(writes, &mut tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

/// Every projection's writes of the events of `batch` it has not applied yet, in order.
fn batch_writes(batch: &[Recorded], checkpoints: &HashMap<String, Position>) -> Vec<Write> {
    let mut writes = Vec::new();
    for projection in &PROJECTIONS {
        let done = checkpoints.get(projection.name).copied().unwrap_or_default();
        let due: Vec<_> = batch.iter().filter(|event| event.position > done).collect();
        writes.extend(projection.project(&due));
    }
    writes
}

/// Moves every projection's checkpoint to `last`, if each is still where `checkpoints`
/// says: in one statement when they are all at one place, as they are but after a rebuild.
/// A checkpoint already past `last` stays: moved back, its projection would fold again
/// what it holds.
async fn move_checkpoints(
    tx: &mut AnyConnection,
    checkpoints: &HashMap<String, Position>,
    last: Position,
) -> Result<bool, sqlx::Error> {
    let at = |name: &str| checkpoints.get(name).copied().unwrap_or_default();
    let first = at(PROJECTIONS[0].name);
    if PROJECTIONS
        .iter()
        .all(|projection| checkpoints.get(projection.name) == Some(&first))
    {
        let moved = sqlx::query("UPDATE projection_checkpoints SET tx = $1, pos = $2 WHERE tx = $3 AND pos = $4")
            .bind(last.tx)
            .bind(last.pos)
            .bind(first.tx)
            .bind(first.pos)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // The statement moves every row at `first`, so as many as were read there.
        let expected = checkpoints.values().filter(|done| **done == first).count();
        return Ok(moved == expected as u64);
    }
    for projection in &PROJECTIONS {
        let done = at(projection.name);
        let to = done.max(last);
        let moved =
            sqlx::query("UPDATE projection_checkpoints SET tx = $2, pos = $3 WHERE name = $1 AND tx = $4 AND pos = $5")
                .bind(projection.name)
                .bind(to.tx)
                .bind(to.pos)
                .bind(done.tx)
                .bind(done.pos)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if moved != 1 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Why the projector cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum ProjectorError {
    /// A projection without its checkpoint row could never move it: every batch would roll
    /// back and be read again. A new projection's migration inserts its row.
    #[error("the projection {0:?} has no row in projection_checkpoints (its migration must insert it)")]
    MissingCheckpoint(&'static str),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

async fn load_checkpoints(pool: &AnyPool) -> Result<HashMap<String, Position>, ProjectorError> {
    #[derive(sqlx::FromRow)]
    struct Checkpoint {
        name: String,
        #[sqlx(flatten)]
        position: Position,
    }
    let rows: Vec<Checkpoint> = sqlx::query_as("SELECT name, tx, pos FROM projection_checkpoints")
        .fetch_all(pool)
        .await?;
    let checkpoints: HashMap<String, Position> = rows.into_iter().map(|row| (row.name, row.position)).collect();
    match PROJECTIONS.iter().find(|p| !checkpoints.contains_key(p.name)) {
        Some(missing) => Err(ProjectorError::MissingCheckpoint(missing.name)),
        None => Ok(checkpoints),
    }
}

impl ProjectorHandle {
    /// Rings the projector: something was just committed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Changes whenever the projector has looked at the store (whether it applied anything
    /// or another instance had): a bell for readers that follow the read models.
    pub fn applied(&self) -> watch::Receiver<Position> {
        self.applied.clone()
    }

    /// Waits until the read models hold everything up to `position` (read-your-writes);
    /// answers whether they did within `limit`.
    ///
    /// The projector's own look at the checkpoints tells, also when another instance is
    /// the one projecting: one query for every waiter, not one each.
    pub async fn wait_for(&self, position: Position, limit: Duration) -> bool {
        self.wake();
        let mut applied = self.applied.clone();
        timeout(limit, applied.wait_for(|applied| *applied >= position))
            .await
            .is_ok_and(|seen| seen.is_ok())
    }
}
