//! Writes run as bound statements: how the live projector writes to SQLite, in process,
//! where a statement costs no round trip and SQLite keeps each one prepared.
//!
//! Placeholders are SQLite's anonymous `?`, bound in order: for a numbered `$n` the driver
//! asks SQLite each parameter's name, which SQLite finds by walking the statement's list of
//! names, so binding a statement of n values cost n² string comparisons (a replay spent
//! 90 % of its time there with 30,000 values a statement).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use super::render::{insert_rows, shape, statement};
use super::{Arg, Write};

/// `query` with `args` bound to its placeholders in order.
pub(crate) fn bind<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    args: &'q [Arg],
) -> Query<'q, Any, AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Text(v) => query.bind(v.as_str()),
            Arg::OptText(v) => query.bind(v.as_deref()),
            Arg::Int(v) => query.bind(*v),
            Arg::OptInt(v) => query.bind(*v),
            Arg::Name(v) => query.bind(*v),
        };
    }
    query
}

/// Most bind parameters one multi-row INSERT carries (SQLite allows 32,766).
const MAX_PARAMS: usize = 30_000;

/// Runs `writes` in order, each run of one plain INSERT as multi-row INSERTs: a batch's
/// log entries then cost a few statements instead of one each. Runs are cut into chunks of
/// powers of two rows, so only a handful of distinct statements get prepared.
pub async fn run_all(writes: Vec<Write>, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for run in runs(&writes) {
        match run.as_slice() {
            [write] => Bound::one(write).run(conn).await?,
            rows => {
                let width = Bound::one(rows[0]).args.len().max(1);
                let mut rest = rows;
                while !rest.is_empty() {
                    let fits = (MAX_PARAMS / width).max(1).min(rest.len());
                    let (chunk, tail) = rest.split_at(1 << fits.ilog2());
                    Bound::rows(chunk).run(conn).await?;
                    rest = tail;
                }
            }
        };
    }
    Ok(())
}

/// `writes`, in order, as the runs they are sent in: alone, or consecutive inserts of one
/// shape together.
pub(crate) fn runs(writes: &[Write]) -> Vec<Vec<&Write>> {
    let mut runs: Vec<(Option<String>, Vec<&Write>)> = Vec::new();
    for write in writes {
        let shape = shape(write);
        match runs.last_mut() {
            Some((last, run)) if shape.is_some() && *last == shape => run.push(write),
            _ => runs.push((shape, vec![write])),
        }
    }
    runs.into_iter().map(|(_, run)| run).collect()
}

/// A statement with its placeholders numbered and their values.
struct Bound {
    sql: String,
    args: Vec<Arg>,
}

impl Bound {
    fn numbered(render: impl FnOnce(&mut String, &mut dyn FnMut(&Arg, &mut String))) -> Self {
        let mut args = Vec::new();
        let mut sql = String::new();
        render(&mut sql, &mut |arg, out| match arg {
            Arg::Name(name) => literal(name, out),
            arg => {
                args.push(arg.clone());
                out.push('?');
            }
        });
        Self { sql, args }
    }

    fn one(write: &Write) -> Self {
        Self::numbered(|sql, value| statement(write, sql, value))
    }

    fn rows(rows: &[&Write]) -> Self {
        Self::numbered(|sql, value| insert_rows(rows, sql, value))
    }

    async fn run(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        bind(sqlx::query::<Any>(&self.sql), &self.args).execute(conn).await?;
        Ok(())
    }
}

/// `text` as an SQL string literal.
pub(crate) fn literal(text: &str, out: &mut String) {
    out.push('\'');
    out.push_str(&text.replace('\'', "''"));
    out.push('\'');
}

/// Appends `sql` to `out`, each placeholder `$n` replaced by what `each(n, out)` appends.
pub(crate) fn placeholders(sql: &str, out: &mut String, mut each: impl FnMut(usize, &mut String)) {
    let mut chars = sql.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let start = i + 1;
        let mut end = start;
        if c == '$' {
            while let Some((j, _)) = chars.next_if(|(_, d)| d.is_ascii_digit()) {
                end = j + 1;
            }
        }
        match sql[start..end].parse::<usize>() {
            Ok(n) => each(n, out),
            Err(_) => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use aggregates::event::Seat;
    use aggregates::{Actor, EventFact};
    use chrono::Utc;
    use sqlx::{Connection, Row};
    use uuid::Uuid;

    use super::*;
    use crate::write::{eq, name, ne, to, values};
    use crate::{Position, Recorded};

    /// An in-memory SQLite with every migration of the service applied.
    async fn migrated_sqlite() -> AnyConnection {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect("sqlite::memory:").await.unwrap();
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/sqlite");
        let mut files: Vec<_> = std::fs::read_dir(folder).unwrap().map(|f| f.unwrap().path()).collect();
        files.sort();
        for file in files {
            let sql = std::fs::read_to_string(&file).unwrap();
            sqlx::raw_sql(&sql).execute(&mut conn).await.unwrap();
        }
        conn
    }

    /// SQLite's plan for `write` as the live projector sends it, one step a line.
    async fn plan(conn: &mut AnyConnection, write: &Write) -> Vec<String> {
        let bound = Bound::one(write);
        let sql = format!("EXPLAIN QUERY PLAN {}", bound.sql);
        let rows = bind(sqlx::query::<Any>(&sql), &bound.args)
            .fetch_all(conn)
            .await
            .unwrap();
        rows.iter().map(|row| row.get::<String, _>("detail")).collect()
    }

    #[tokio::test]
    async fn voiding_a_ticket_on_sqlite_finds_it_through_the_current_tickets_index() {
        let mut conn = migrated_sqlite().await;
        let member = Actor::new(Uuid::new_v4(), "ann");
        let left = Recorded {
            position: Position { tx: 1, pos: 1 },
            event_id: Uuid::new_v4(),
            sequence: 2,
            fact: EventFact::MemberLeft {
                member: member.clone(),
                seat: Seat::Member,
                actor: member,
                at: Utc::now(),
            },
            via: "api".to_owned(),
            recorded_at: Utc::now(),
        };
        let writes = crate::tickets::project(&left);
        assert_eq!(writes.len(), 2, "the seat back to its type, the ticket void");
        let index: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'ticket_view_current'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let (_, condition) = index.split_once(" WHERE ").expect("a partial index");
        for write in &writes {
            // Against a bound `status <> ?` SQLite still takes the index, but only by
            // preparing the statement again on every run (a binding it planned with has
            // changed): 2.5 times the cost of each void, 9 % of the joins a second.
            assert!(Bound::one(write).sql.contains(condition), "{write:?} lacks {condition}");
            let steps = plan(&mut conn, write).await;
            let searches: Vec<&String> = steps.iter().filter(|s| s.contains("ticket_view ")).collect();
            assert!(!searches.is_empty(), "{steps:?}");
            for step in searches {
                assert!(step.contains("ticket_view_current"), "{step}");
            }
        }
    }

    #[test]
    fn a_name_is_written_as_a_literal_and_not_bound() {
        let write = Write::update("t", [to("s", "x")], [eq("id", 1), ne("s", name("it's"))]);
        let bound = Bound::one(&write);
        assert_eq!(bound.sql, "UPDATE t SET s = ? WHERE id = ? AND s <> 'it''s'");
        assert_eq!(bound.args, [Arg::from("x"), Arg::Int(1)]);
    }

    #[test]
    fn consecutive_inserts_of_one_shape_make_one_run_between_the_others() {
        let insert = |a: i64| Write::insert("t", &["a"], values![a]);
        let writes = [insert(1), insert(2), Write::delete("t", [eq("a", 1)]), insert(3)];
        let sizes: Vec<_> = runs(&writes).iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 1, 1]);
        let rows = Bound::rows(&runs(&writes)[0]);
        assert_eq!(rows.sql, "INSERT INTO t (a) VALUES (?), (?)");
        assert_eq!(rows.args, [Arg::Int(1), Arg::Int(2)]);
    }

    #[test]
    fn a_raw_statement_keeps_its_own_placeholders() {
        let write = Write::sql(
            "UPDATE t SET a = $2 WHERE id = $1 OR $2 IS NULL",
            [Arg::Int(1), Arg::Int(2)],
        );
        let bound = Bound::one(&write);
        assert_eq!(bound.sql, "UPDATE t SET a = ? WHERE id = ? OR ? IS NULL");
        assert_eq!(bound.args, [Arg::Int(2), Arg::Int(1), Arg::Int(2)]);
    }
}
