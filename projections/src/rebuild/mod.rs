//! Read models rebuilt from the store: `rebuild` replaces them, `verify` compares them.
//!
//! Both replay the history one event at a time (an event's rows change only by its own
//! facts): a page of whole histories is read in the order of their ids, folded in memory by
//! the projections' own writes (`memory`), and each final row is written once into scratch
//! tables (`scratch`, `load`: `COPY` on PostgreSQL), while the service goes on with the live
//! ones. What arrived meanwhile is caught up by folding the histories it touched again.
//!
//! Then one short transaction takes the projections' checkpoint rows (live projectors wait),
//! catches up the last arrivals and either swaps the scratch tables in (`rebuild`) or
//! starts a snapshot of the live tables at those checkpoints and lets them go, then
//! compares the scratch tables with that snapshot set against set (`verify`).

mod load;
mod memory;
mod scratch;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use sqlx::any::AnyRow;
use sqlx::postgres::PgConnection;
use sqlx::{AnyConnection, AnyPool, Connection, Row};
use tokio::sync::mpsc;
use uuid::Uuid;

use self::memory::{Memory, Row as Rows};
use self::scratch::{Purpose, Scratch};
use crate::projector::Table;
use crate::{EventSource, Position, Projection, Recorded, Streams, PROJECTIONS};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Events a page of histories aims at: the number of histories read is adjusted to it.
const PAGE_EVENTS: i64 = 5_000;

/// Pages folded but not yet written: with the page being read and the one being folded,
/// what a replay holds in memory.
const PAGES_IN_FLIGHT: usize = 2;

/// Catch-up rounds before the swap; each folds again what arrived during the last.
const CATCH_UP_ROUNDS: usize = 3;

/// Events read per look at what arrived.
const TAIL_BATCH: i64 = 10_000;

/// Histories read by name at a time, to fold them again.
const STREAMS_PER_READ: usize = 500;

/// Where a replay is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading, folding and writing the history.
    Replay,
    /// Building the scratch tables' keys and indexes.
    Index,
    /// Folding again the histories that changed meanwhile.
    CatchUp,
    /// Holding the checkpoints: swapping, or comparing.
    Swap,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Replay => "read, fold, load",
            Self::Index => "index",
            Self::CatchUp => "catch up",
            Self::Swap => "swap",
        })
    }
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct Rebuilt {
    /// Events folded, those folded again in a catch-up counted again.
    pub events: u64,
    /// How long live projectors waited for the checkpoints.
    pub swap: Duration,
}

/// A row that the live read model and the rebuilt one disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub table: &'static str,
    pub key: String,
    /// The row as `column=value` pairs; `None` where that side has no such row.
    pub live: Option<String>,
    pub rebuilt: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |row: &Option<String>| row.clone().unwrap_or_else(|| "(missing)".to_owned());
        write!(
            f,
            "{} [{}]\n  live:    {}\n  rebuilt: {}",
            self.table,
            self.key,
            show(&self.live),
            show(&self.rebuilt)
        )
    }
}

/// Projections that `rebuild` and `verify` leave alone. The email outbox records what was
/// delivered (and what is still to be): replayed, it would send every message again, and
/// its sent marks are not history's to rebuild. Its checkpoint stays where it is, so its
/// projection carries on with the facts that come after.
const NOT_REPLAYED: [&str; 1] = [crate::email::PROJECTION];

/// Every projection that is replayed.
fn replayed() -> impl Iterator<Item = &'static Projection> {
    PROJECTIONS.iter().filter(|p| !NOT_REPLAYED.contains(&p.name))
}

/// The projections called `name`, or all that are replayed; an unknown name, or one that
/// is never replayed, is an error.
pub fn select(name: Option<&str>) -> Result<Vec<&'static Projection>, String> {
    match name {
        None => Ok(replayed().collect()),
        Some(name) if NOT_REPLAYED.contains(&name) => Err(format!(
            "the {name:?} projection is never rebuilt: its outbox keeps what was already sent"
        )),
        Some(name) => replayed().find(|p| p.name == name).map(|p| vec![p]).ok_or_else(|| {
            let names: Vec<_> = replayed().map(|p| p.name).collect();
            format!("no projection {name:?}; there are {}", names.join(", "))
        }),
    }
}

/// How many events the store holds: the length of a full replay.
pub async fn count_events(pool: &AnyPool) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Replaces `projections`' read models with a replay of the whole history. `progress`
/// hears the phase and the running count of events.
pub async fn rebuild<S: EventSource>(
    source: &S,
    pool: &AnyPool,
    projections: &[&'static Projection],
    mut progress: impl FnMut(Phase, u64),
) -> Result<Rebuilt, Error> {
    let mut replay = Replay::start(source, pool, projections, Purpose::Rebuild).await?;
    replay.bulk(&mut progress).await?;
    for _ in 0..CATCH_UP_ROUNDS {
        if replay.catch_up(&mut progress).await? == 0 {
            break;
        }
    }
    let Replay {
        mut conn,
        scratch,
        reached,
        mut events,
        ..
    } = replay;
    progress(Phase::Swap, events);
    let mut tx = conn.begin().await?;
    let held = Instant::now();
    checkpoints(&mut tx, projections).await?;
    let (arrived, last) = fold_arrivals(source, &mut tx, &scratch, reached).await?;
    scratch.swap(&mut tx).await?;
    for projection in projections {
        sqlx::query("UPDATE projection_checkpoints SET tx = $2, pos = $3 WHERE name = $1")
            .bind(projection.name)
            .bind(last.tx)
            .bind(last.pos)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let swap = held.elapsed();
    events += arrived;
    scratch.drop(&mut conn).await?;
    Ok(Rebuilt { events, swap })
}

/// Replays the history up to each live checkpoint and compares the result with the live
/// read models; changes nothing.
pub async fn verify<S: EventSource>(
    source: &S,
    pool: &AnyPool,
    projections: &[&'static Projection],
) -> Result<Vec<Difference>, Error> {
    let mut replay = Replay::start(source, pool, projections, Purpose::Verify).await?;
    replay.bulk(&mut |_, _| {}).await?;
    for _ in 0..CATCH_UP_ROUNDS {
        if replay.catch_up(&mut |_, _| {}).await? == 0 {
            break;
        }
    }
    let Replay {
        mut conn,
        scratch,
        reached,
        ..
    } = replay;
    if !scratch.postgres() {
        // SQLite has one writer: the scratch tables are caught up while the checkpoints are
        // held, and a second connection starts reading the live tables before they are let
        // go, so that it compares them as they stood at the checkpoints while the projectors
        // go on (WAL gives each reader its snapshot).
        let reader = scratch.reader(pool).await?;
        let mut tx = conn.begin().await?;
        let held = Instant::now();
        let live = checkpoints(&mut tx, projections).await?;
        catch_up_to(source, &mut tx, &scratch, projections, reached, &live).await?;
        let differences = match reader {
            Some(mut reader) => {
                let mut snapshot = reader.begin().await?;
                sqlx::query("SELECT 1 FROM main.projection_checkpoints")
                    .execute(&mut *snapshot)
                    .await?;
                tx.commit().await?;
                tracing::info!(ms = held.elapsed().as_millis(), "checkpoints held");
                let differences = scratch.compare(&mut snapshot).await?;
                snapshot.rollback().await?;
                differences
            }
            None => {
                let differences = scratch.compare(&mut tx).await?;
                tx.commit().await?;
                differences
            }
        };
        scratch.drop(&mut conn).await?;
        return Ok(differences);
    }
    // PostgreSQL: the checkpoints are held only until a snapshot sees the live read models
    // at them and the scratch tables caught up to them; the comparison, which reads every
    // row twice, then runs in that snapshot while the projectors go on.
    let mut holder = pool.acquire().await?;
    let mut held = holder.begin().await?;
    let holding = Instant::now();
    let live = checkpoints(&mut held, projections).await?;
    catch_up_to(source, &mut conn, &scratch, projections, reached, &live).await?;
    let mut snapshot = conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ").await?;
    sqlx::query("SELECT 1").execute(&mut *snapshot).await?;
    held.rollback().await?;
    tracing::info!(ms = holding.elapsed().as_millis(), "checkpoints held");
    // A hashed EXCEPT instead of sorting each table twice (3 s instead of 7 s for 1,000,000
    // log entries).
    sqlx::query("SET LOCAL work_mem = '256MB'")
        .execute(&mut *snapshot)
        .await?;
    let differences = scratch.compare(&mut snapshot).await?;
    snapshot.rollback().await?;
    scratch.drop(&mut conn).await?;
    Ok(differences)
}

/// Folds again, up to the live checkpoints `live`, the histories with events between those
/// and where the replay got to (the live read models may be behind it or ahead of it).
async fn catch_up_to<S: EventSource>(
    source: &S,
    conn: &mut AnyConnection,
    scratch: &Scratch,
    projections: &[&'static Projection],
    reached: Position,
    live: &Marks,
) -> Result<(), Error> {
    let from = live.values().copied().chain([reached]).min().unwrap_or_default();
    let until = live.values().copied().chain([reached]).max().unwrap_or_default();
    let (_, _, touched) = tail(source, from, Some(until)).await?;
    for at in live.values().collect::<BTreeSet<_>>() {
        let tables: Vec<Table> = projections
            .iter()
            .filter(|p| live[p.name] == *at)
            .flat_map(|p| p.tables.iter().copied())
            .collect();
        refold(source, conn, scratch, &tables, &touched, *at).await?;
    }
    Ok(())
}

/// Folds again the histories that events after `reached` touched, into every scratch table;
/// answers how many events arrived and the position of the last.
async fn fold_arrivals<S: EventSource>(
    source: &S,
    conn: &mut AnyConnection,
    scratch: &Scratch,
    reached: Position,
) -> Result<(u64, Position), Error> {
    let (arrived, last, touched) = tail(source, reached, None).await?;
    refold(source, conn, scratch, scratch.tables(), &touched, last).await?;
    Ok((arrived, last))
}

/// A replay under way: its own connection, its scratch tables, how far it has read.
struct Replay<'a, S> {
    source: &'a S,
    conn: AnyConnection,
    /// For the connections that `COPY` and build indexes.
    pool: AnyPool,
    scratch: Scratch,
    reached: Position,
    events: u64,
}

impl<'a, S: EventSource> Replay<'a, S> {
    async fn start(
        source: &'a S,
        pool: &AnyPool,
        projections: &[&'static Projection],
        purpose: Purpose,
    ) -> Result<Self, Error> {
        let mut conn = pool.acquire().await?.detach();
        let tables = projections.iter().flat_map(|p| p.tables.iter().copied()).collect();
        let scratch = Scratch::create(&mut conn, tables, purpose).await?;
        Ok(Self {
            source,
            conn,
            pool: pool.clone(),
            scratch,
            reached: Position::default(),
            events: 0,
        })
    }

    /// Folds every history up to the store's horizon into the scratch tables, page by
    /// page: the next page is read while this one is folded, and written by a task of its
    /// own while the next is folded.
    async fn bulk(&mut self, progress: &mut impl FnMut(Phase, u64)) -> Result<(), Error> {
        let started = Instant::now();
        let before = self.source.horizon().await?;
        let (pages, mut written) = mpsc::channel::<Vec<(Table, Vec<Rows>)>>(PAGES_IN_FLIGHT);
        let copy = if self.scratch.postgres() {
            Some(PgConnection::connect(self.pool.connect_options().database_url.as_str()).await?)
        } else {
            None
        };
        let (scratch, conn) = (&self.scratch, &mut self.conn);
        let names: BTreeMap<&'static str, String> = scratch
            .tables()
            .iter()
            .map(|table| (table.name, scratch.bulk_name(table)))
            .collect();
        let writer = async move {
            match copy {
                // A task of its own, so that making COPY's text takes the other core while
                // this one decodes the next page.
                Some(copy) => tokio::spawn(copy_pages(copy, names, written)).await??,
                None => {
                    while let Some(page) = written.recv().await {
                        for (table, rows) in page {
                            let mut tx = conn.begin().await?;
                            load::insert(&mut tx, &names[table.name], &rows).await?;
                            tx.commit().await?;
                        }
                    }
                }
            }
            Ok::<_, Error>(())
        };
        let source = self.source;
        let (mut events, mut reached) = (self.events, self.reached);
        let wanted = scratch.tables().to_vec();
        let mut memory = Memory::new(replayed().flat_map(|p| p.tables.iter().copied()));
        let reader = async {
            let mut count = 100;
            let mut page = source
                .read_streams(Streams::After { after: None, count }, before)
                .await?;
            while let Some(last) = page.last().map(|event| event.event_id) {
                count = next_count(count, page.len());
                let next = source.read_streams(
                    Streams::After {
                        after: Some(last),
                        count,
                    },
                    before,
                );
                events += page.len() as u64;
                if let Some(max) = page.iter().map(|event| event.position).max() {
                    reached = reached.max(max);
                }
                // Folding is work for a core of its own: meanwhile this task reads the next
                // page and the writer sends the last.
                let wanted = wanted.clone();
                let folding = tokio::task::spawn_blocking(move || {
                    let rows = fold(&mut memory, &page, &wanted);
                    (memory, rows)
                });
                let (next, folded) = tokio::join!(next, folding);
                let (kept, rows) = folded?;
                memory = kept;
                pages.send(rows?).await.map_err(|_| "the writer stopped")?;
                progress(Phase::Replay, events);
                page = next?;
            }
            drop(pages);
            Ok::<_, Error>(())
        };
        let (read, wrote) = tokio::join!(reader, writer);
        read?;
        wrote?;
        (self.events, self.reached) = (events, reached);
        tracing::info!(events, seconds = started.elapsed().as_secs_f64(), "replayed");
        progress(Phase::Index, self.events);
        let indexing = Instant::now();
        let mut helper = self.pool.acquire().await?;
        if self.scratch.postgres() {
            sqlx::query("SET maintenance_work_mem = '256MB'")
                .execute(&mut *helper)
                .await?;
        }
        self.scratch.index(&mut self.conn, &mut helper).await?;
        tracing::info!(seconds = indexing.elapsed().as_secs_f64(), "indexed");
        Ok(())
    }

    /// Folds again the histories that events after `reached` touched; answers how many
    /// events arrived.
    async fn catch_up(&mut self, progress: &mut impl FnMut(Phase, u64)) -> Result<u64, Error> {
        let (arrived, last) = fold_arrivals(self.source, &mut self.conn, &self.scratch, self.reached).await?;
        if arrived == 0 {
            return Ok(0);
        }
        self.reached = last;
        self.events += arrived;
        progress(Phase::CatchUp, self.events);
        Ok(arrived)
    }
}

/// PostgreSQL: writes each page that comes into the scratch tables named in `names`.
async fn copy_pages(
    mut copy: PgConnection,
    names: BTreeMap<&'static str, String>,
    mut pages: mpsc::Receiver<Vec<(Table, Vec<Rows>)>>,
) -> Result<(), Error> {
    while let Some(page) = pages.recv().await {
        for (table, rows) in page {
            load::copy(&mut copy, &names[table.name], &rows).await?;
        }
    }
    copy.close().await?;
    Ok(())
}

/// How many histories the next page reads, so that it holds about [`PAGE_EVENTS`] events.
fn next_count(count: i64, events: usize) -> i64 {
    let per_history = (events as i64 / count.max(1)).max(1);
    (PAGE_EVENTS / per_history).clamp(1, 10_000)
}

/// The final rows of a page of whole histories in the `wanted` tables. Each history is
/// folded alone, so that the rows in memory are one event's: a write that looks for rows
/// looks among those. Every replayed projection is folded (one may read another's rows:
/// the log reads the event's creator), in the order the live projector runs them.
fn fold(memory: &mut Memory, page: &[Recorded], wanted: &[Table]) -> Result<Vec<(Table, Vec<Rows>)>, Error> {
    let mut tables: Vec<(Table, Vec<Rows>)> = wanted.iter().map(|table| (*table, Vec::new())).collect();
    for history in page.chunk_by(|a, b| a.event_id == b.event_id) {
        let events: Vec<&Recorded> = history.iter().collect();
        for projection in replayed() {
            for write in projection.project(&events) {
                memory.apply(write)?;
            }
        }
        memory.drain_into(&mut tables);
    }
    Ok(tables)
}

/// The events after `after` (up to `until`, or all there are): how many, the last
/// position, and the histories they belong to.
async fn tail<S: EventSource>(
    source: &S,
    after: Position,
    until: Option<Position>,
) -> Result<(u64, Position, Vec<Uuid>), Error> {
    let (mut count, mut last, mut touched) = (0, after, BTreeSet::new());
    loop {
        let batch = source.read_after(last, TAIL_BATCH).await?;
        let within: Vec<_> = batch
            .iter()
            .filter(|event| until.is_none_or(|until| event.position <= until))
            .collect();
        for event in &within {
            touched.insert(event.event_id);
            last = event.position;
        }
        count += within.len() as u64;
        if within.len() < batch.len() || batch.len() < TAIL_BATCH as usize {
            return Ok((count, last, touched.into_iter().collect()));
        }
    }
}

/// Folds the histories `streams` again, up to and with the event at `at`, into the
/// scratch tables of `tables`.
async fn refold<S: EventSource>(
    source: &S,
    conn: &mut AnyConnection,
    scratch: &Scratch,
    tables: &[Table],
    streams: &[Uuid],
    at: Position,
) -> Result<(), Error> {
    if streams.is_empty() || tables.is_empty() {
        return Ok(());
    }
    scratch.forget(conn, tables, streams).await?;
    let before = Position {
        tx: at.tx,
        pos: at.pos + 1,
    };
    let mut memory = Memory::new(replayed().flat_map(|p| p.tables.iter().copied()));
    for chunk in streams.chunks(STREAMS_PER_READ) {
        let events = source.read_streams(Streams::These(chunk.to_vec()), before).await?;
        for (table, rows) in fold(&mut memory, &events, tables)? {
            load::insert(conn, &scratch.name(&table), &rows).await?;
        }
    }
    Ok(())
}

/// A position per projection.
type Marks = BTreeMap<&'static str, Position>;

/// The projections' checkpoints, their rows locked: live projectors wait until the
/// transaction ends.
async fn checkpoints(conn: &mut AnyConnection, projections: &[&'static Projection]) -> Result<Marks, sqlx::Error> {
    let mut checkpoints = BTreeMap::new();
    for projection in projections {
        let position = sqlx::query_as("UPDATE projection_checkpoints SET tx = tx WHERE name = $1 RETURNING tx, pos")
            .bind(projection.name)
            .fetch_one(&mut *conn)
            .await?;
        checkpoints.insert(projection.name, position);
    }
    Ok(checkpoints)
}

/// One value as text, whatever its type on either database.
fn cell(row: &AnyRow, index: usize) -> Result<String, sqlx::Error> {
    if let Ok(value) = row.try_get::<Option<i64>, _>(index) {
        return Ok(value.map_or_else(|| "null".to_owned(), |v| v.to_string()));
    }
    if let Ok(value) = row.try_get::<Option<String>, _>(index) {
        return Ok(value.map_or_else(|| "null".to_owned(), |v| format!("{v:?}")));
    }
    let value: Option<f64> = row.try_get(index)?;
    Ok(value.map_or_else(|| "null".to_owned(), |v| v.to_string()))
}

/// Merges two key-ordered row lists into their differences.
fn compare(table: &'static str, live: Vec<(String, String)>, rebuilt: Vec<(String, String)>) -> Vec<Difference> {
    let live: BTreeMap<_, _> = live.into_iter().collect();
    let mut rebuilt: BTreeMap<_, _> = rebuilt.into_iter().collect();
    let mut differences = Vec::new();
    for (key, row) in live {
        match rebuilt.remove(&key) {
            Some(other) if other == row => {}
            other => differences.push(Difference {
                table,
                key,
                live: Some(row),
                rebuilt: other,
            }),
        }
    }
    differences.extend(rebuilt.into_iter().map(|(key, row)| Difference {
        table,
        key,
        live: None,
        rebuilt: Some(row),
    }));
    differences
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, value: &str) -> (String, String) {
        (key.to_owned(), value.to_owned())
    }

    #[test]
    fn compare_names_changed_missing_and_extra_rows() {
        let live = vec![row("a", "x=1"), row("b", "x=2"), row("c", "x=3")];
        let rebuilt = vec![row("a", "x=1"), row("b", "x=9"), row("d", "x=4")];
        let found = compare("t", live, rebuilt);
        let keys: Vec<_> = found
            .iter()
            .map(|d| (d.key.as_str(), d.live.is_some(), d.rebuilt.is_some()))
            .collect();
        assert_eq!(keys, [("b", true, true), ("c", true, false), ("d", false, true)]);
    }

    #[test]
    fn identical_tables_have_no_differences() {
        let rows = vec![row("a", "x=1"), row("b", "x=2")];
        assert!(compare("t", rows.clone(), rows).is_empty());
    }

    #[test]
    fn an_unknown_projection_is_refused_with_the_known_names() {
        assert_eq!(select(None).unwrap().len(), PROJECTIONS.len() - NOT_REPLAYED.len());
        assert_eq!(select(Some("members")).unwrap()[0].name, "members");
        let Err(refused) = select(Some("nope")) else {
            panic!("an unknown projection was accepted");
        };
        assert!(refused.contains("events, members, activity"), "{refused}");
        assert!(!refused.contains("email"), "{refused}");
    }

    #[test]
    fn the_email_outbox_is_never_replayed() {
        assert!(select(None).unwrap().iter().all(|p| p.name != "email"));
        let Err(refused) = select(Some("email")) else {
            panic!("the email projection was selected for a replay");
        };
        assert!(refused.contains("never rebuilt"), "{refused}");
    }
}
