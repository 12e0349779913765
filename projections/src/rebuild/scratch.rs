//! The scratch tables a replay fills while the service goes on with the live ones, and the
//! short swap that makes them live.
//!
//! On PostgreSQL they are tables of the same names in a schema of their own, built with the
//! live tables' constraints and indexes under the same names (names are per schema), and
//! the swap drops each live table and moves its scratch twin into the live schema.
//!
//! On SQLite they are `<table>__next` beside the live ones. A replay's bulk goes first into
//! tables of the same definitions in a file of their own beside the database, attached to
//! the replay's connection (`STAGING`): writing there takes no lock the service waits for,
//! and needs no write-ahead log. Then each table is copied into its twin in the order of its
//! key, a chunk per transaction, so that the key's index grows at its end instead of at
//! random places (rows arrive in the order of the histories, and most keys hold random
//! ids). The twins are given the live tables' indexes as `<index>__next` before the swap
//! (names are per database). A verify needs no twins: it compares the staged tables
//! themselves, read by a connection of its own in a snapshot. The swap drops the live
//! table and renames the twin; SQLite has no statement that renames an index, so the swap
//! gives each index its live name and definition back in the schema table itself, the way
//! SQLite's own documentation changes a schema that no ALTER statement reaches. Then it
//! makes the live table's triggers again and rebuilds a full-text index over its rows:
//! none of this scales with the rows but the last, whose table (`event_view`) holds a row
//! per event, not per fact.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sqlx::{AnyConnection, AnyPool, Row as _};
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

/// `definition`, the `CREATE INDEX` statement of index `name` on `table`, made to create
/// `<name>__next` on `<table>__next`: the name is the first word to match, the table the
/// first after it.
fn on_twin(definition: &str, name: &str, table: &str) -> Option<String> {
    let after_name = word_end(definition, name, 0)?;
    let after_table = word_end(definition, table, after_name)?;
    Some(format!(
        "{}{TWIN}{}{TWIN}{}",
        &definition[..after_name],
        &definition[after_name..after_table],
        &definition[after_table..]
    ))
}

/// Where the first occurrence of `word` at or after `from` ends, standing alone (not part
/// of a longer name).
fn word_end(text: &str, word: &str, from: usize) -> Option<usize> {
    let part_of_name = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text[from..]
        .match_indices(word)
        .map(|(at, _)| from + at)
        .find_map(|at| {
            let end = at + word.len();
            let alone = !part_of_name(text[..at].chars().next_back()) && !part_of_name(text[end..].chars().next());
            alone.then_some(end)
        })
}

/// SQLite: attaches the staging file beside the database to `conn`, emptied of what a
/// replay that did not finish left there, and answers its path.
async fn attach_staging(conn: &mut AnyConnection) -> Result<Option<PathBuf>, sqlx::Error> {
    let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_one(&mut *conn)
        .await?;
    let staging = (!file.is_empty()).then(|| PathBuf::from(format!("{file}-rebuild")));
    remove_staging(staging.as_deref())?;
    // An empty file is an empty database; the connection may not be allowed to create one
    // (a pool opened without `mode=rwc`). It is not the database's own file, whose locks
    // closing a descriptor would drop.
    if let Some(staging) = &staging {
        std::fs::File::create(staging).map_err(sqlx::Error::Io)?;
    }
    attach(conn, staging.as_deref()).await?;
    // Scratch: a crash loses nothing that a replay cannot make again.
    for pragma in ["journal_mode = OFF", "synchronous = OFF"] {
        sqlx::query(&format!("PRAGMA {STAGING}.{pragma}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(staging)
}

/// SQLite: a table's copy in the staging file.
fn staged_name(table: &Table) -> String {
    format!("{STAGING}.{}", table.name)
}

/// SQLite: attaches `staging` to `conn` as [`STAGING`]; `None`, a temporary database.
async fn attach(conn: &mut AnyConnection, staging: Option<&Path>) -> Result<(), sqlx::Error> {
    let path = staging.map(|path| path.to_string_lossy().into_owned());
    sqlx::query(&format!("ATTACH DATABASE $1 AS {STAGING}"))
        .bind(path.unwrap_or_default())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// SQLite: detaches the staging file from `conn` and removes it.
async fn detach_staging(conn: &mut AnyConnection, staging: Option<&Path>) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("DETACH DATABASE {STAGING}"))
        .execute(&mut *conn)
        .await?;
    remove_staging(staging)
}

fn remove_staging(staging: Option<&Path>) -> Result<(), sqlx::Error> {
    match staging.map(std::fs::remove_file) {
        None | Some(Ok(())) => Ok(()),
        Some(Err(error)) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Some(Err(error)) => Err(sqlx::Error::Io(error)),
    }
}

/// `definition`, the `CREATE TABLE` statement of `table`, made to create it in `schema`.
fn in_schema(definition: &str, table: &str, schema: &str) -> Option<String> {
    let mut at = word_end(definition, table, 0)? - table.len();
    if definition[..at].ends_with(['"', '`', '[']) {
        at -= 1;
    }
    Some(format!("{}{schema}.{}", &definition[..at], &definition[at..]))
}

/// The schema of the scratch tables on PostgreSQL.
const SCHEMA: &str = "read_model_rebuild";

/// Differences shown per table and side.
const SHOWN: i64 = 20;

/// Streams named per DELETE.
const STREAMS_PER_DELETE: usize = 500;

/// What the name of a scratch table or index ends with on SQLite.
const TWIN: &str = "__next";

/// SQLite: the schema name of the staging file.
const STAGING: &str = "rebuild_staging";

/// SQLite: rows copied from the staging file into a twin per transaction; the service's
/// writes wait for one such copy at most.
const ROWS_PER_COPY: usize = 50_000;

/// A live table's index on SQLite, as its migration defined it.
struct Index {
    name: String,
    /// Its `CREATE INDEX` statement, as the schema table holds it.
    definition: String,
    /// The same on the scratch twin, under the twin's own name.
    on_twin: String,
}

/// What the scratch tables are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// To be swapped in: on SQLite, twins beside the live tables with their indexes.
    Rebuild,
    /// To be compared with the live tables: on SQLite the staged tables themselves, which
    /// another connection can read in a snapshot of its own.
    Verify,
}

pub struct Scratch {
    postgres: bool,
    purpose: Purpose,
    /// Where the live tables are.
    live: String,
    tables: Vec<Table>,
    /// SQLite: the live tables' indexes, built on the twins before the swap.
    indexes: Vec<Index>,
    /// SQLite: what else goes with the live tables when they are dropped (triggers, and
    /// full-text indexes over them), to make again after the swap.
    dependents: Vec<String>,
    /// SQLite: the staging file, attached until its rows are in the twins (a rebuild) or
    /// compared (a verify); `None` for a database in memory, whose staging is a temporary
    /// database SQLite removes itself.
    staging: Option<PathBuf>,
}

impl Scratch {
    /// Creates empty scratch tables for `tables`, replacing any left by a replay that did
    /// not finish. On PostgreSQL a session lock keeps a second replay out until this
    /// connection closes.
    pub async fn create(conn: &mut AnyConnection, tables: Vec<Table>, purpose: Purpose) -> Result<Self, sqlx::Error> {
        let postgres = conn.backend_name() == "PostgreSQL";
        let mut scratch = Self {
            postgres,
            purpose,
            live: "main".to_owned(),
            tables,
            indexes: Vec::new(),
            dependents: Vec::new(),
            staging: None,
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
        scratch.staging = attach_staging(conn).await?;
        for table in scratch.tables.clone() {
            let definition: String =
                sqlx::query_scalar("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = $1")
                    .bind(table.name)
                    .fetch_one(&mut *conn)
                    .await?;
            let staged = in_schema(&definition, table.name, STAGING)
                .ok_or_else(|| sqlx::Error::Protocol(format!("cannot read the definition of table {}", table.name)))?;
            sqlx::query(&staged).execute(&mut *conn).await?;
            if purpose == Purpose::Verify {
                continue;
            }
            let next = format!("{}{TWIN}", table.name);
            sqlx::query(&format!("DROP TABLE IF EXISTS {next}"))
                .execute(&mut *conn)
                .await?;
            sqlx::query(&definition.replacen(table.name, &next, 1))
                .execute(&mut *conn)
                .await?;
            // Keys (`sql IS NULL`) are part of the table's definition and go with it.
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, sql FROM main.sqlite_master
                  WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
            )
            .bind(table.name)
            .fetch_all(&mut *conn)
            .await?;
            for (name, definition) in indexes {
                let on_twin = on_twin(&definition, &name, table.name).ok_or_else(|| {
                    sqlx::Error::Protocol(format!("cannot read the definition of index {name}: {definition}"))
                })?;
                scratch.indexes.push(Index {
                    name,
                    definition,
                    on_twin,
                });
            }
            let triggers: Vec<String> =
                sqlx::query_scalar("SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = $1")
                    .bind(table.name)
                    .fetch_all(&mut *conn)
                    .await?;
            scratch.dependents.extend(triggers);
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
        match (self.postgres, self.purpose) {
            (true, _) => format!("{SCHEMA}.{}", table.name),
            (false, Purpose::Rebuild) => format!("{}{TWIN}", table.name),
            (false, Purpose::Verify) => staged_name(table),
        }
    }

    /// Where a replay's bulk goes: on SQLite the staging file, copied into the twins by
    /// [`Scratch::index`] for a rebuild.
    pub fn bulk_name(&self, table: &Table) -> String {
        if self.postgres {
            self.name(table)
        } else {
            staged_name(table)
        }
    }

    /// SQLite, for a verify: a connection of `pool`'s own, out of the pool, that reads the
    /// staged tables beside the live ones; `None` for a database in memory, whose staging
    /// no other connection sees.
    pub async fn reader(&self, pool: &AnyPool) -> Result<Option<AnyConnection>, sqlx::Error> {
        let Some(staging) = &self.staging else {
            return Ok(None);
        };
        let mut reader = pool.acquire().await?.detach();
        attach(&mut reader, Some(staging)).await?;
        Ok(Some(reader))
    }

    fn live_name(&self, table: &Table) -> String {
        format!("{}.{}", self.live, table.name)
    }

    /// After the bulk of the rows, the twins get the live tables' indexes, built once over
    /// all rows instead of kept up row by row. On PostgreSQL two at a time, and the keys
    /// too (first: adding one locks its table); a verify's tables get only their keys and
    /// an index on their streams. SQLite first copies the staged rows into
    /// the twins, then builds one index at a time, each in a transaction of its own, so
    /// that the service's writes wait for one index at most.
    pub async fn index(&self, conn: &mut AnyConnection, helper: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if !self.postgres {
            if self.purpose == Purpose::Verify {
                return Ok(());
            }
            for table in &self.tables {
                self.copy_staged(conn, table).await?;
            }
            detach_staging(conn, self.staging.as_deref()).await?;
            for index in &self.indexes {
                sqlx::query(&index.on_twin).execute(&mut *conn).await?;
            }
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
            if self.purpose == Purpose::Verify {
                // A verify's tables are only compared whole, and caught up by deleting
                // their streams' rows: keys, so that a row folded twice fails, and a way to
                // a stream's rows; none of the listings' indexes.
                if table.key.split(", ").next() != Some(table.stream) {
                    indexes.push(format!("CREATE INDEX ON {scratch} ({})", table.stream));
                }
                continue;
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

    /// SQLite: copies `table`'s staged rows into its twin in the order of its key, a chunk
    /// per transaction, each chunk after the last key the twin holds.
    async fn copy_staged(&self, conn: &mut AnyConnection, table: &Table) -> Result<(), sqlx::Error> {
        let (twin, staged, key) = (self.name(table), self.bulk_name(table), table.key);
        let last: Vec<String> = key.split(", ").map(|column| format!("{column} DESC")).collect();
        let mut after = String::new();
        loop {
            let copied = sqlx::query(&format!(
                "INSERT INTO {twin} SELECT * FROM {staged}{after} ORDER BY {key} LIMIT {ROWS_PER_COPY}"
            ))
            .execute(&mut *conn)
            .await?;
            if copied.rows_affected() < ROWS_PER_COPY as u64 {
                return Ok(());
            }
            after = format!(
                " WHERE ({key}) > (SELECT {key} FROM {twin} ORDER BY {} LIMIT 1)",
                last.join(", ")
            );
        }
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
        if !self.indexes.is_empty() {
            self.name_indexes_live(conn).await?;
        }
        for statement in &self.dependents {
            sqlx::query(statement).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// SQLite, in the swap's transaction: each twin's index, which the twin's rename left
    /// on the live table under its twin's name, takes the live name and definition back.
    /// The schema version moves on so that every connection reads the schema again, as it
    /// does after any change of it; `RESET` makes this connection read it at once.
    async fn name_indexes_live(&self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        sqlx::query("PRAGMA writable_schema = ON").execute(&mut *conn).await?;
        for index in &self.indexes {
            let renamed =
                sqlx::query("UPDATE main.sqlite_master SET name = $1, sql = $2 WHERE type = 'index' AND name = $3")
                    .bind(&index.name)
                    .bind(&index.definition)
                    .bind(format!("{}{TWIN}", index.name))
                    .execute(&mut *conn)
                    .await?;
            if renamed.rows_affected() != 1 {
                return Err(sqlx::Error::Protocol(format!("index {}{TWIN} is missing", index.name)));
            }
        }
        let version: i64 = sqlx::query_scalar("PRAGMA main.schema_version")
            .fetch_one(&mut *conn)
            .await?;
        sqlx::query(&format!("PRAGMA main.schema_version = {}", version + 1))
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA writable_schema = RESET")
            .execute(&mut *conn)
            .await?;
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
        if self.purpose == Purpose::Verify {
            return detach_staging(conn, self.staging.as_deref()).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_is_retargeted_at_the_twin_by_whole_names_only() {
        let definition =
            "CREATE INDEX event_view_listing ON event_view (status, event_view_x)\n    WHERE deleted_at IS NULL";
        assert_eq!(
            on_twin(definition, "event_view_listing", "event_view").as_deref(),
            Some("CREATE INDEX event_view_listing__next ON event_view__next (status, event_view_x)\n    WHERE deleted_at IS NULL")
        );
        assert_eq!(
            on_twin("CREATE UNIQUE INDEX a ON a(b)", "a", "a").as_deref(),
            Some("CREATE UNIQUE INDEX a__next ON a__next(b)")
        );
        assert_eq!(on_twin("CREATE INDEX other ON t (a)", "missing", "t"), None);
    }

    #[test]
    fn a_table_is_put_in_another_schema_quoted_or_not() {
        assert_eq!(
            in_schema(
                "CREATE TABLE \"member_view\"\n(member_view_id TEXT)",
                "member_view",
                "s"
            )
            .as_deref(),
            Some("CREATE TABLE s.\"member_view\"\n(member_view_id TEXT)")
        );
        assert_eq!(
            in_schema("CREATE TABLE t (a)", "t", "s").as_deref(),
            Some("CREATE TABLE s.t (a)")
        );
    }
}
