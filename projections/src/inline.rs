//! Row writes sent as scripts, their values written into the text: how a rebuild writes to
//! PostgreSQL. Bound statements cost a round trip each, and a replay makes several row
//! writes per event; a script of statements is one round trip (PostgreSQL's simple
//! protocol runs every statement of it in the transaction it is sent in). Each statement
//! is planned again; prepared and executed by name instead, the same rebuild took longer.

use sqlx::AnyConnection;

use crate::write::{insert_rows, placeholders, runs, Arg, Run, Write};

/// A script is cut after the statement that makes it this long.
const SCRIPT_BYTES: usize = 1 << 20;

/// Rows one INSERT of a run carries.
const ROWS_PER_INSERT: usize = 1_000;

/// Runs `writes` in order, as [`crate::write::run_all`] does, a script at a time. For
/// PostgreSQL only: values are written as PostgreSQL literals.
pub async fn run_inline(writes: Vec<Write>, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for script in scripts(writes) {
        // Without arguments, a statement goes in the simple protocol, which takes several.
        sqlx::Executor::execute(&mut *conn, script.as_str()).await?;
    }
    Ok(())
}

/// `writes` as scripts of about [`SCRIPT_BYTES`] each, runs of one INSERT gathered.
fn scripts(writes: Vec<Write>) -> Vec<String> {
    let mut scripts = vec![String::new()];
    for run in runs(writes) {
        let script = scripts.last_mut().expect("never empty");
        match run {
            Run::One(write) => with_values(write.sql, &write.args, script),
            Run::Inserts { tuple, rows } => {
                let width = rows[0].args.len();
                for (i, chunk) in rows.chunks(ROWS_PER_INSERT).enumerate() {
                    if i > 0 {
                        script.push_str(";\n");
                    }
                    insert_rows(chunk[0].sql, tuple, width, chunk.len(), script, |row, n, out| {
                        literal(value(&chunk[row].args, n), out);
                    });
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

/// Appends `sql` with each `$n` replaced by the literal of `args[n - 1]`.
fn with_values(sql: &str, args: &[Arg], out: &mut String) {
    placeholders(sql, out, |n, out| literal(value(args, n), out));
}

/// The value of `$n`.
fn value(args: &[Arg], n: usize) -> &Arg {
    let arg = n.checked_sub(1).and_then(|i| args.get(i));
    arg.expect("a fold binds every placeholder it writes")
}

/// `arg` as a PostgreSQL literal of the type it has as a bound parameter, so a statement
/// means what it means bound. Quotes are doubled and backslashes are plain characters (the
/// rebuild's session sets `standard_conforming_strings`); PostgreSQL text holds no NUL, so
/// none can come from the store.
fn literal(arg: &Arg, out: &mut String) {
    match arg {
        Arg::Int(value) | Arg::OptInt(Some(value)) => {
            out.push_str(&format!("'{value}'::int8"));
        }
        Arg::Text(value) | Arg::OptText(Some(value)) => {
            out.push('\'');
            out.push_str(&value.replace('\'', "''"));
            out.push_str("'::text");
        }
        Arg::OptInt(None) => out.push_str("NULL::int8"),
        Arg::OptText(None) => out.push_str("NULL::text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::args;

    #[test]
    fn values_are_written_as_typed_literals_with_quotes_doubled() {
        let args = [
            Arg::from(r"it's \ 'x'"),
            Arg::from(-7),
            Arg::OptText(None),
            Arg::OptInt(None),
            Arg::OptInt(Some(3)),
        ];
        let mut out = String::new();
        with_values(
            "UPDATE t SET a = $2, b = $3, c = $4, d = $5 WHERE id = $1",
            &args,
            &mut out,
        );
        assert_eq!(
            out,
            r"UPDATE t SET a = '-7'::int8, b = NULL::text, c = NULL::int8, d = '3'::int8 WHERE id = 'it''s \ ''x'''::text"
        );
    }

    #[test]
    fn a_placeholder_with_more_digits_takes_its_own_value() {
        let args: Vec<Arg> = (1..=11).map(Arg::from).collect();
        let mut out = String::new();
        with_values("$1 $11 $1$", &args, &mut out);
        assert_eq!(out, "'1'::int8 '11'::int8 '1'::int8$");
    }

    #[test]
    fn runs_of_one_insert_become_one_statement_between_the_others() {
        let insert = "INSERT INTO t (a) VALUES ($1)";
        let writes = vec![
            Write::new(insert, args![1]),
            Write::new(insert, args![2]),
            Write::new("DELETE FROM t WHERE a = $1", args![1]),
            Write::new(insert, args![3]),
        ];
        assert_eq!(
            scripts(writes),
            ["INSERT INTO t (a) VALUES ('1'::int8), ('2'::int8);\n\
              DELETE FROM t WHERE a = '1'::int8;\n\
              INSERT INTO t (a) VALUES ('3'::int8);\n"]
        );
    }

    #[test]
    fn long_scripts_are_cut_between_statements() {
        let text = "x".repeat(SCRIPT_BYTES / 2);
        let write = || Write::new("DELETE FROM t WHERE a = $1", args![text.as_str()]);
        let found = scripts(vec![write(), write(), write()]);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|script| script.ends_with("'::text;\n")));
    }

    #[test]
    #[should_panic(expected = "binds every placeholder")]
    fn a_placeholder_without_a_value_is_a_bug_not_a_null() {
        with_values("$2", &args![1], &mut String::new());
    }
}
