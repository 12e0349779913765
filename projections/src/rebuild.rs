//! Read models rebuilt from the store: `rebuild` replaces them, `verify` compares them.
//!
//! Both replay the history into scratch copies of the tables: temporary tables, which on
//! PostgreSQL and SQLite alike shadow the live ones for unqualified names, so the
//! projections' own writes land in them. The replay commits batch by batch (a single
//! transaction that updates one row hundreds of times makes PostgreSQL walk ever longer
//! version chains), while the server goes on reading and projecting the live tables.
//!
//! Then one transaction takes the projections' checkpoint rows (live projectors now wait),
//! replays what arrived meanwhile, and either copies the scratch tables over the live ones
//! (`rebuild`: readers see the old rows until it commits) or compares them row by row and
//! rolls back (`verify`: it changes nothing).

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Column, Connection, Row};

use crate::inline::run_inline;
use crate::projector::Table;
use crate::write::{args, run_all, Write};
use crate::{EventSource, Position, Projection, Recorded, PROJECTIONS};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A position per projection.
type Marks = BTreeMap<&'static str, Position>;

/// Events per read. Two batches are in memory at a time: one being written, the next being
/// read.
const BATCH: i64 = 10_000;

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

/// Replaces `projections`' read models with a replay of the whole history; answers how
/// many events were replayed. `progress` hears the running count after each batch.
pub async fn rebuild<S: EventSource>(
    source: &S,
    pool: &AnyPool,
    projections: &[&'static Projection],
    progress: impl FnMut(u64),
) -> Result<u64, Error> {
    let mut conn = pool.acquire().await?.detach();
    let schemas = Scratch::create(&mut conn, projections).await?;
    let start = marks(projections, Position::default());
    let (replayed, reached) = replay(&mut conn, source, projections, &start, None, progress).await?;

    let mut tx = conn.begin().await?;
    checkpoints(&mut tx, projections, Lock::Take).await?;
    let from = marks(projections, reached);
    let (arrived, last) = replay(&mut tx, source, projections, &from, None, |_| {}).await?;
    for table in tables(projections) {
        let (live, scratch) = (schemas.live(table.name), schemas.scratch(table.name));
        sqlx::query(&format!("DELETE FROM {live}")).execute(&mut *tx).await?;
        sqlx::query(&format!("INSERT INTO {live} SELECT * FROM {scratch}"))
            .execute(&mut *tx)
            .await?;
    }
    for projection in projections {
        Write::new(
            "UPDATE projection_checkpoints SET tx = $2, pos = $3 WHERE name = $1",
            args![projection.name, last.tx, last.pos],
        )
        .run(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(replayed + arrived)
}

/// Replays the history up to each live checkpoint and compares the result with the live
/// read models, row by row; changes nothing.
pub async fn verify<S: EventSource>(
    source: &S,
    pool: &AnyPool,
    projections: &[&'static Projection],
) -> Result<Vec<Difference>, Error> {
    let mut conn = pool.acquire().await?.detach();
    let schemas = Scratch::create(&mut conn, projections).await?;
    let before = checkpoints(&mut conn, projections, Lock::Leave).await?;
    let start = marks(projections, Position::default());
    replay(&mut conn, source, projections, &start, Some(&before), |_| {}).await?;

    let mut tx = conn.begin().await?;
    let now = checkpoints(&mut tx, projections, Lock::Take).await?;
    if before.iter().any(|(name, position)| now[name] < *position) {
        return Err("the read models were rebuilt while verify ran; run it again".into());
    }
    replay(&mut tx, source, projections, &before, Some(&now), |_| {}).await?;
    let mut differences = Vec::new();
    for table in tables(projections) {
        let live = rows(&mut tx, &schemas.live(table.name), table.key).await?;
        let rebuilt = rows(&mut tx, &schemas.scratch(table.name), table.key).await?;
        differences.extend(compare(table.name, live, rebuilt));
    }
    tx.rollback().await?;
    Ok(differences)
}

fn tables<'a>(projections: &'a [&'static Projection]) -> impl Iterator<Item = Table> + 'a {
    projections.iter().flat_map(|p| p.tables.iter().copied())
}

fn marks(projections: &[&'static Projection], position: Position) -> Marks {
    projections.iter().map(|p| (p.name, position)).collect()
}

/// Where a connection's live tables and their scratch copies are.
struct Scratch {
    live: String,
    scratch: &'static str,
}

impl Scratch {
    /// Creates an empty scratch copy of every table of `projections` on this connection
    /// (temporary tables go with it).
    async fn create(conn: &mut AnyConnection, projections: &[&'static Projection]) -> Result<Self, sqlx::Error> {
        let schemas = if conn.backend_name() == "PostgreSQL" {
            // Before the first temporary table: a scratch copy is written to over and over.
            sqlx::query("SET temp_buffers = '256MB'").execute(&mut *conn).await?;
            // What `run_inline`'s literals rely on (the default, but a role may change it).
            sqlx::query("SET standard_conforming_strings = on")
                .execute(&mut *conn)
                .await?;
            Self {
                live: sqlx::query_scalar("SELECT current_schema()::text")
                    .fetch_one(&mut *conn)
                    .await?,
                scratch: "pg_temp",
            }
        } else {
            Self {
                live: "main".to_owned(),
                scratch: "temp",
            }
        };
        for table in tables(projections) {
            for definition in schemas.definition(conn, table).await? {
                sqlx::query(&definition).execute(&mut *conn).await?;
            }
        }
        Ok(schemas)
    }

    /// What makes `table`'s scratch copy: the live table's own definition and defaults,
    /// and its indexes where the projections look rows up in it, so their writes find them
    /// as fast as in the live table. (An index on a table only appended to would cost each
    /// insert a search and help nothing.)
    async fn definition(&self, conn: &mut AnyConnection, table: Table) -> Result<Vec<String>, sqlx::Error> {
        let (name, live) = (table.name, self.live(table.name));
        if self.scratch == "pg_temp" {
            let indexes = if table.appended { "" } else { " INCLUDING INDEXES" };
            return Ok(vec![format!(
                "CREATE TEMPORARY TABLE {name} (LIKE {live} INCLUDING DEFAULTS{indexes})"
            )]);
        }
        // SQLite keeps each statement as written (with later added columns); an index
        // created by name on a table that the temporary one shadows lands on the copy.
        let definitions: Vec<String> = sqlx::query_scalar(
            "SELECT sql FROM main.sqlite_master
              WHERE tbl_name = $1 AND type IN ('table', 'index') AND sql IS NOT NULL
                AND NOT (type = 'index' AND $2)
              ORDER BY type = 'index'",
        )
        .bind(name)
        .bind(table.appended)
        .fetch_all(&mut *conn)
        .await?;
        Ok(definitions
            .into_iter()
            .map(|sql| sql.replacen("CREATE TABLE", "CREATE TEMPORARY TABLE", 1))
            .collect())
    }

    fn live(&self, table: &str) -> String {
        format!("{}.{table}", self.live)
    }

    fn scratch(&self, table: &str) -> String {
        format!("{}.{table}", self.scratch)
    }
}

enum Lock {
    /// Take the checkpoint rows: live projectors wait until the transaction ends.
    Take,
    Leave,
}

/// The projections' checkpoints, their rows locked or not.
async fn checkpoints(
    conn: &mut AnyConnection,
    projections: &[&'static Projection],
    lock: Lock,
) -> Result<Marks, sqlx::Error> {
    let mut checkpoints = BTreeMap::new();
    for projection in projections {
        if let Lock::Take = lock {
            Write::new(
                "UPDATE projection_checkpoints SET tx = tx WHERE name = $1",
                args![projection.name],
            )
            .run(conn)
            .await?;
        }
        let position = sqlx::query_as("SELECT tx, pos FROM projection_checkpoints WHERE name = $1")
            .bind(projection.name)
            .fetch_one(&mut *conn)
            .await?;
        checkpoints.insert(projection.name, position);
    }
    Ok(checkpoints)
}

/// Folds the history into `projections`' (scratch) tables: each the events after its
/// entry in `from`, up to its entry in `until` (or to the end). One transaction a batch.
/// Answers how many events were folded and the position reached.
///
/// The next batch is read (on the source's own connection) while this one is written, so
/// a rebuild costs the writes, not the writes plus the reads.
async fn replay<S: EventSource>(
    conn: &mut AnyConnection,
    source: &S,
    projections: &[&'static Projection],
    from: &Marks,
    until: Option<&Marks>,
    mut progress: impl FnMut(u64),
) -> Result<(u64, Position), Error> {
    let end = until.and_then(|u| u.values().max().copied());
    let mut reached = from.values().min().copied().unwrap_or_default();
    if end.is_some_and(|end| reached >= end) {
        return Ok((0, reached));
    }
    let mut replayed = 0;
    let mut batch = source.read_after(reached, BATCH).await?;
    loop {
        let Some(last) = batch.last().map(|event| event.position) else {
            return Ok((replayed, reached));
        };
        let finished = end.is_some_and(|end| last >= end);
        let read_next = async {
            if finished {
                Ok(Vec::new())
            } else {
                source.read_after(last, BATCH).await
            }
        };
        let (next, written) = tokio::join!(read_next, fold(conn, &batch, projections, from, until));
        replayed += written?;
        reached = end.map_or(last, |end| last.min(end));
        progress(replayed);
        if finished {
            return Ok((replayed, reached));
        }
        batch = next?;
    }
}

/// Writes one batch's rows in one transaction, projection by projection (each writes only
/// its own tables); answers how many of its events were folded into any. PostgreSQL gets
/// them as scripts (a round trip there costs more than planning the statement again);
/// SQLite, in process, as bound statements it has prepared before.
async fn fold(
    conn: &mut AnyConnection,
    batch: &[Recorded],
    projections: &[&'static Projection],
    from: &Marks,
    until: Option<&Marks>,
) -> Result<u64, Error> {
    let due = |projection: &Projection, event: &Recorded| {
        event.position > from[projection.name] && until.is_none_or(|u| event.position <= u[projection.name])
    };
    let inline = conn.backend_name() == "PostgreSQL";
    let mut tx = conn.begin().await?;
    for projection in projections {
        let events: Vec<_> = batch.iter().filter(|event| due(projection, event)).collect();
        let writes = projection.project(&events);
        if inline {
            run_inline(writes, &mut tx).await?;
        } else {
            run_all(writes, &mut tx).await?;
        }
    }
    tx.commit().await?;
    let folded = batch.iter().filter(|event| projections.iter().any(|p| due(p, event)));
    Ok(folded.count() as u64)
}

/// Every row of `table` in key order, as (key, `column=value` pairs).
async fn rows(conn: &mut AnyConnection, table: &str, key: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let key_columns: Vec<&str> = key.split(", ").collect();
    let found = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {key}"))
        .fetch_all(&mut *conn)
        .await?;
    found
        .iter()
        .map(|row| {
            let mut key_values = Vec::new();
            let mut all = Vec::new();
            for column in row.columns() {
                let value = cell(row, column.ordinal())?;
                if key_columns.contains(&column.name()) {
                    key_values.push(value.clone());
                }
                all.push(format!("{}={value}", column.name()));
            }
            Ok((key_values.join(", "), all.join(" ")))
        })
        .collect()
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
