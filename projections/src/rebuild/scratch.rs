//! The scratch tables a replay fills while the service goes on with the live ones, and the
//! short swap that makes them live.
//!
//! On PostgreSQL they are tables of the same names in a schema of their own, built with the
//! live tables' constraints and indexes under the same names (names are per schema), and
//! the swap drops each live table and moves its scratch twin into the live schema. On SQLite
//! they are `<table>__next` beside the live ones; the swap drops the live table, renames the
//! twin and makes the live table's indexes and triggers again (an index cannot be renamed
//! there), and rebuilds a full-text index over its rows.

use std::sync::Mutex;

use sqlx::{AnyConnection, Row as _};
use uuid::Uuid;

use super::{cell, Difference};
use crate::projector::Table;

/// Runs the statements of `queue` on `conn`, one at a time, until none is left.
async fn run_queued(queue: &Mutex<std::vec::IntoIter<String>>, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    loop {
        let next = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).next();
        let Some(statement) = next else {
            return Ok(());
        };
        sqlx::query(&statement).execute(&mut *conn).await?;
    }
}

/// The schema of the scratch tables on PostgreSQL.
const SCHEMA: &str = "read_model_rebuild";

/// Differences shown per table and side.
const SHOWN: i64 = 20;

/// Streams named per DELETE.
const STREAMS_PER_DELETE: usize = 500;

pub struct Scratch {
    postgres: bool,
    /// Where the live tables are.
    live: String,
    tables: Vec<Table>,
    /// SQLite: what goes with the live tables when they are dropped (indexes, triggers, and
    /// full-text indexes over them), to make again after the swap.
    dependents: Vec<String>,
}

impl Scratch {
    /// Creates empty scratch tables for `tables`, replacing any left by a replay that did
    /// not finish. On PostgreSQL a session lock keeps a second replay out until this
    /// connection closes.
    pub async fn create(conn: &mut AnyConnection, tables: Vec<Table>) -> Result<Self, sqlx::Error> {
        let postgres = conn.backend_name() == "PostgreSQL";
        let mut scratch = Self {
            postgres,
            live: "main".to_owned(),
            tables,
            dependents: Vec::new(),
        };
        if postgres {
            sqlx::query("SELECT pg_advisory_lock(hashtext('read_model_rebuild'))::text")
                .execute(&mut *conn)
                .await?;
            scratch.live = sqlx::query_scalar("SELECT current_schema()::text")
                .fetch_one(&mut *conn)
                .await?;
            sqlx::query("SET maintenance_work_mem = '256MB'")
                .execute(&mut *conn)
                .await?;
            let script = format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}");
            sqlx::Executor::execute(&mut *conn, script.as_str()).await?;
            for table in &scratch.tables {
                let sql = format!(
                    "CREATE TABLE {} (LIKE {} INCLUDING ALL EXCLUDING INDEXES)",
                    scratch.name(table),
                    scratch.live_name(table)
                );
                sqlx::query(&sql).execute(&mut *conn).await?;
            }
            return Ok(scratch);
        }
        for table in scratch.tables.clone() {
            let definition: String =
                sqlx::query_scalar("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = $1")
                    .bind(table.name)
                    .fetch_one(&mut *conn)
                    .await?;
            let next = scratch.name(&table);
            sqlx::query(&format!("DROP TABLE IF EXISTS {next}"))
                .execute(&mut *conn)
                .await?;
            sqlx::query(&definition.replacen(table.name, &next, 1))
                .execute(&mut *conn)
                .await?;
            let dependents: Vec<String> = sqlx::query_scalar(
                "SELECT sql FROM main.sqlite_master
                  WHERE type IN ('index', 'trigger') AND tbl_name = $1 AND sql IS NOT NULL",
            )
            .bind(table.name)
            .fetch_all(&mut *conn)
            .await?;
            scratch.dependents.extend(dependents);
            // A full-text index over the table's own rows (its `content`) is rebuilt from
            // them after the swap: the rows it indexed by rowid are gone.
            let indexes: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM main.sqlite_master
                  WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'
                    AND instr(replace(sql, ' ', ''), 'content=''' || $1 || '''') > 0",
            )
            .bind(table.name)
            .fetch_all(&mut *conn)
            .await?;
            scratch.dependents.extend(
                indexes
                    .iter()
                    .map(|index| format!("INSERT INTO {index} ({index}) VALUES ('rebuild')")),
            );
        }
        Ok(scratch)
    }

    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// Whether rows go in with `COPY`.
    pub fn postgres(&self) -> bool {
        self.postgres
    }

    /// A table's scratch twin.
    pub fn name(&self, table: &Table) -> String {
        if self.postgres {
            format!("{SCHEMA}.{}", table.name)
        } else {
            format!("{}__next", table.name)
        }
    }

    fn live_name(&self, table: &Table) -> String {
        format!("{}.{}", self.live, table.name)
    }

    /// After the bulk of the rows: PostgreSQL gets the live tables' keys and indexes, built
    /// once over all rows instead of kept up row by row, two at a time (keys first: adding
    /// one locks its table).
    pub async fn index(&self, conn: &mut AnyConnection, helper: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if !self.postgres {
            return Ok(());
        }
        let (mut keys, mut indexes) = (Vec::new(), Vec::new());
        for table in &self.tables {
            let constraints: Vec<(String, String)> = sqlx::query_as(
                "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
                  WHERE conrelid = to_regclass($1) AND contype IN ('p', 'u')",
            )
            .bind(self.live_name(table))
            .fetch_all(&mut *conn)
            .await?;
            let scratch = self.name(table);
            for (name, definition) in &constraints {
                keys.push(format!("ALTER TABLE {scratch} ADD CONSTRAINT {name} {definition}"));
            }
            let defined: Vec<(String, String)> = sqlx::query_as(
                "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
            )
            .bind(&self.live)
            .bind(table.name)
            .fetch_all(&mut *conn)
            .await?;
            let on_live = format!(" ON {} ", self.live_name(table));
            for (name, definition) in defined {
                if !constraints.iter().any(|(constraint, _)| *constraint == name) {
                    indexes.push(definition.replacen(&on_live, &format!(" ON {scratch} "), 1));
                }
            }
        }
        for statements in [keys, indexes] {
            let queue = Mutex::new(statements.into_iter());
            let (one, two) = tokio::join!(run_queued(&queue, &mut *conn), run_queued(&queue, &mut *helper));
            one?;
            two?;
        }
        Ok(())
    }

    /// Deletes the rows of `streams` from the scratch tables of `tables`, to fold their
    /// histories again.
    pub async fn forget(
        &self,
        conn: &mut AnyConnection,
        tables: &[Table],
        streams: &[Uuid],
    ) -> Result<(), sqlx::Error> {
        for chunk in streams.chunks(STREAMS_PER_DELETE) {
            let ids: Vec<String> = chunk.iter().map(|id| format!("'{id}'")).collect();
            for table in tables {
                let sql = format!(
                    "DELETE FROM {} WHERE {} IN ({})",
                    self.name(table),
                    table.stream,
                    ids.join(", ")
                );
                sqlx::query(&sql).execute(&mut *conn).await?;
            }
        }
        Ok(())
    }

    /// Makes the scratch tables the live ones; `conn` is in the transaction that holds the
    /// checkpoints.
    pub async fn swap(&self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        for table in &self.tables {
            let (live, scratch) = (self.live_name(table), self.name(table));
            let script = if self.postgres {
                format!("DROP TABLE {live}; ALTER TABLE {scratch} SET SCHEMA {}", self.live)
            } else {
                format!("DROP TABLE {live}; ALTER TABLE {scratch} RENAME TO {}", table.name)
            };
            sqlx::Executor::execute(&mut *conn, script.as_str()).await?;
        }
        for statement in &self.dependents {
            sqlx::query(statement).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Drops what is left of the scratch tables.
    pub async fn drop(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self.postgres {
            sqlx::query(&format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                .execute(&mut *conn)
                .await?;
            return Ok(());
        }
        for table in &self.tables {
            sqlx::query(&format!("DROP TABLE IF EXISTS {}", self.name(table)))
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// The rows that the live tables and the scratch ones do not share, set against set,
    /// the first few of each table and side.
    pub async fn compare(&self, conn: &mut AnyConnection) -> Result<Vec<Difference>, sqlx::Error> {
        let mut differences = Vec::new();
        for table in &self.tables {
            let (live, scratch) = (self.live_name(table), self.name(table));
            let only_live = self.only_in(conn, table, &live, &scratch).await?;
            let only_rebuilt = self.only_in(conn, table, &scratch, &live).await?;
            differences.extend(super::compare(table.name, only_live, only_rebuilt));
        }
        Ok(differences)
    }

    /// The first rows of `from` that `other` lacks, as (key, `column=value` pairs).
    async fn only_in(
        &self,
        conn: &mut AnyConnection,
        table: &Table,
        from: &str,
        other: &str,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        let sql = format!(
            "SELECT * FROM (SELECT * FROM {from} EXCEPT SELECT * FROM {other}) AS different ORDER BY {} LIMIT {SHOWN}",
            table.key
        );
        let key_columns: Vec<&str> = table.key.split(", ").collect();
        let found = sqlx::query(&sql).fetch_all(&mut *conn).await?;
        found
            .iter()
            .map(|row| {
                let mut key_values = Vec::new();
                let mut all = Vec::new();
                for column in row.columns() {
                    use sqlx::Column as _;
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
}
