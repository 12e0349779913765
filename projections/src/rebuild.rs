//! Read models rebuilt from the store: `rebuild` replaces them, `verify` compares them.
//!
//! Both replay the history inside one transaction that first takes the projections'
//! checkpoint rows. Readers keep seeing the old rows until it commits (so a rebuild swaps
//! the new read models in atomically), and live projectors wait on those rows instead of
//! writing underneath. `verify` rolls back: it changes nothing.

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Column, Row, Transaction};

use crate::write::{args, Write};
use crate::{EventSource, Position, Projection, PROJECTIONS};

type Error = Box<dyn std::error::Error + Send + Sync>;

const BATCH: i64 = 2_000;

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

/// The projections called `name`, or all of them; an unknown name is an error.
pub fn select(name: Option<&str>) -> Result<Vec<&'static Projection>, String> {
    match name {
        None => Ok(PROJECTIONS.iter().collect()),
        Some(name) => PROJECTIONS
            .iter()
            .find(|p| p.name == name)
            .map(|p| vec![p])
            .ok_or_else(|| {
                let names: Vec<_> = PROJECTIONS.iter().map(|p| p.name).collect();
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
    let mut tx = pool.begin().await?;
    lock_checkpoints(&mut tx, projections).await?;
    clear(&mut tx, projections).await?;
    let (replayed, last) = replay(&mut tx, source, projections, None, progress).await?;
    for projection in projections {
        Write::new(
            "UPDATE projection_checkpoints SET tx = $2, pos = $3 WHERE name = $1",
            args![projection.name, last.tx, last.pos],
        )
        .run(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(replayed)
}

/// Replays the history up to each live checkpoint and compares the result with the live
/// read models, row by row; changes nothing.
pub async fn verify<S: EventSource>(
    source: &S,
    pool: &AnyPool,
    projections: &[&'static Projection],
) -> Result<Vec<Difference>, Error> {
    let mut tx = pool.begin().await?;
    let checkpoints = lock_checkpoints(&mut tx, projections).await?;
    let mut live = Vec::new();
    for (table, key) in tables(projections) {
        live.push(rows(&mut tx, table, key).await?);
    }
    clear(&mut tx, projections).await?;
    replay(&mut tx, source, projections, Some(&checkpoints), |_| {}).await?;
    let mut differences = Vec::new();
    for ((table, key), live) in tables(projections).zip(live) {
        differences.extend(compare(table, live, rows(&mut tx, table, key).await?));
    }
    tx.rollback().await?;
    Ok(differences)
}

fn tables<'a>(projections: &'a [&'static Projection]) -> impl Iterator<Item = (&'static str, &'static str)> + 'a {
    projections.iter().flat_map(|p| p.tables.iter().copied())
}

/// Takes the checkpoint rows (live projectors now wait for us) and answers them.
async fn lock_checkpoints(
    tx: &mut Transaction<'static, Any>,
    projections: &[&'static Projection],
) -> Result<BTreeMap<&'static str, Position>, sqlx::Error> {
    let mut checkpoints = BTreeMap::new();
    for projection in projections {
        Write::new(
            "UPDATE projection_checkpoints SET tx = tx WHERE name = $1",
            args![projection.name],
        )
        .run(tx)
        .await?;
        let row = sqlx::query("SELECT tx, pos FROM projection_checkpoints WHERE name = $1")
            .bind(projection.name)
            .fetch_one(&mut **tx)
            .await?;
        let position = Position {
            tx: row.try_get("tx")?,
            pos: row.try_get("pos")?,
        };
        checkpoints.insert(projection.name, position);
    }
    Ok(checkpoints)
}

async fn clear(tx: &mut Transaction<'static, Any>, projections: &[&'static Projection]) -> Result<(), sqlx::Error> {
    for (table, _) in tables(projections) {
        sqlx::query(&format!("DELETE FROM {table}")).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Folds the history into `projections`, each up to its entry in `until` (or to the end).
/// Answers how many events were read and the position of the last.
async fn replay<S: EventSource>(
    tx: &mut Transaction<'static, Any>,
    source: &S,
    projections: &[&'static Projection],
    until: Option<&BTreeMap<&'static str, Position>>,
    mut progress: impl FnMut(u64),
) -> Result<(u64, Position), Error> {
    let end = until.and_then(|u| u.values().max().copied());
    let mut after = Position::default();
    let mut replayed = 0;
    loop {
        let batch = source.read_after(after, BATCH).await?;
        let Some(last) = batch.last().map(|event| event.position) else {
            return Ok((replayed, after));
        };
        for event in batch.iter().filter(|event| end.is_none_or(|end| event.position <= end)) {
            for projection in projections {
                let reached = until
                    .and_then(|u| u.get(projection.name))
                    .is_some_and(|p| event.position > *p);
                if reached {
                    continue;
                }
                for write in (projection.project)(event) {
                    write.run(tx).await?;
                }
            }
            replayed += 1;
        }
        after = last;
        progress(replayed);
        if end.is_some_and(|end| last >= end) {
            return Ok((replayed, after));
        }
    }
}

/// Every row of `table` in key order, as (key, `column=value` pairs).
async fn rows(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    key: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let key_columns: Vec<&str> = key.split(", ").collect();
    let found = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {key}"))
        .fetch_all(&mut **tx)
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
        assert_eq!(select(None).unwrap().len(), PROJECTIONS.len());
        assert_eq!(select(Some("members")).unwrap()[0].name, "members");
        let Err(refused) = select(Some("nope")) else {
            panic!("an unknown projection was accepted");
        };
        assert!(refused.contains("events, members, activity"), "{refused}");
    }
}
