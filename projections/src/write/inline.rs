//! Row writes sent as scripts, their values written into the text: how a rebuild writes to
//! PostgreSQL. Bound statements cost a round trip each, and a replay makes several row
//! writes per event; a script of statements is one round trip (PostgreSQL's simple
//! protocol runs every statement of it in the transaction it is sent in). Each statement
//! is planned again; prepared and executed by name instead, the same rebuild took longer.

use sqlx::AnyConnection;

use super::render::{insert_rows, statement};
use super::run::{literal as text_literal, runs};
use super::{Arg, Write};

/// A script is cut after the statement that makes it this long.
const SCRIPT_BYTES: usize = 1 << 20;

/// Rows one INSERT of a run carries.
const ROWS_PER_INSERT: usize = 1_000;

/// Runs `writes` in order, as [`super::run_all`] does, a script at a time. For PostgreSQL
/// only: values are written as PostgreSQL literals.
pub async fn run_inline(writes: Vec<Write>, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for script in scripts(&writes) {
        // Without arguments, a statement goes in the simple protocol, which takes several.
        sqlx::Executor::execute(&mut *conn, script.as_str()).await?;
    }
    Ok(())
}

/// `writes` as scripts of about [`SCRIPT_BYTES`] each, runs of one INSERT gathered.
fn scripts(writes: &[Write]) -> Vec<String> {
    let mut scripts = vec![String::new()];
    for run in runs(writes) {
        let script = scripts.last_mut().expect("never empty");
        match run.as_slice() {
            [write] => statement(write, script, &mut literal),
            rows => {
                for (i, chunk) in rows.chunks(ROWS_PER_INSERT).enumerate() {
                    if i > 0 {
                        script.push_str(";\n");
                    }
                    insert_rows(chunk, script, &mut literal);
                }
            }
        }
        script.push_str(";\n");
        if script.len() >= SCRIPT_BYTES {
            scripts.push(String::new());
        }
    }
    scripts.retain(|script| !script.is_empty());
    scripts
}

/// `arg` as a PostgreSQL literal of the type it has as a bound parameter, so a statement
/// means what it means bound. Quotes are doubled and backslashes are plain characters (the
/// connection's `standard_conforming_strings` is on, PostgreSQL's default); PostgreSQL text
/// holds no NUL, so none can come from the store.
fn literal(arg: &Arg, out: &mut String) {
    match arg {
        Arg::Int(value) | Arg::OptInt(Some(value)) => {
            out.push_str(&format!("'{value}'::int8"));
        }
        Arg::Text(value) | Arg::OptText(Some(value)) => {
            text_literal(value, out);
            out.push_str("::text");
        }
        // Untyped, as a literal in a partial index's WHERE is.
        Arg::Name(value) => text_literal(value, out),
        Arg::OptInt(None) => out.push_str("NULL::int8"),
        Arg::OptText(None) => out.push_str("NULL::text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::{args, eq, to, values};

    fn with_values(write: &Write) -> String {
        let mut out = String::new();
        statement(write, &mut out, &mut literal);
        out
    }

    #[test]
    fn values_are_written_as_typed_literals_with_quotes_doubled() {
        let write = Write::update(
            "t",
            [
                to("a", -7),
                to("b", Arg::OptText(None)),
                to("c", Arg::OptInt(None)),
                to("d", Arg::OptInt(Some(3))),
            ],
            [eq("id", r"it's \ 'x'")],
        );
        assert_eq!(
            with_values(&write),
            r"UPDATE t SET a = '-7'::int8, b = NULL::text, c = NULL::int8, d = '3'::int8 WHERE id = 'it''s \ ''x'''::text"
        );
    }

    #[test]
    fn a_raw_statement_s_placeholders_take_their_own_values() {
        let args: Vec<Arg> = (1..=11).map(Arg::from).collect();
        assert_eq!(
            with_values(&Write::sql("$1 $11 $1$", args)),
            "'1'::int8 '11'::int8 '1'::int8$"
        );
    }

    #[test]
    fn runs_of_one_insert_become_one_statement_between_the_others() {
        let insert = |a: i64| Write::insert("t", &["a"], values![a]);
        let writes = vec![insert(1), insert(2), Write::delete("t", [eq("a", 1)]), insert(3)];
        assert_eq!(
            scripts(&writes),
            ["INSERT INTO t (a) VALUES ('1'::int8), ('2'::int8);\n\
              DELETE FROM t WHERE a = '1'::int8;\n\
              INSERT INTO t (a) VALUES ('3'::int8);\n"]
        );
    }

    #[test]
    fn long_scripts_are_cut_between_statements() {
        let text = "x".repeat(SCRIPT_BYTES / 2);
        let write = || Write::delete("t", [eq("a", text.as_str())]);
        let found = scripts(&[write(), write(), write()]);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|script| script.ends_with("'::text;\n")));
    }

    #[test]
    #[should_panic(expected = "binds every placeholder")]
    fn a_placeholder_without_a_value_is_a_bug_not_a_null() {
        with_values(&Write::sql("$2", args![1]));
    }
}
