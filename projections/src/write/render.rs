//! Writes as SQL text, the same statements on SQLite and PostgreSQL. Where a value goes,
//! the caller's `value` writes it: a numbered placeholder (bound) or a literal (scripts).

use super::{Arg, Change, Filter, Select, Test, Value, Write};
use crate::write::placeholders;

/// Writes one value in a statement's text.
pub(crate) type Place<'a> = dyn FnMut(&Arg, &mut String) + 'a;

/// Appends `write` as one statement.
pub(crate) fn statement(write: &Write, out: &mut String, value: &mut Place) {
    match write {
        Write::Insert {
            table,
            columns,
            values,
            each,
            or_ignore,
        } => {
            insert_head(table, columns, out);
            match each {
                None => {
                    out.push_str(" VALUES (");
                    list(values, out, value);
                    out.push(')');
                }
                Some(each) => {
                    out.push_str(" SELECT ");
                    list(values, out, value);
                    out.push_str(", ");
                    out.push_str(each.column);
                    out.push_str(" FROM ");
                    out.push_str(each.table);
                    filter(&each.filter, out, value);
                }
            }
            conflict(*or_ignore, out);
        }
        Write::Update {
            table,
            set,
            filter: tests,
        } => {
            out.push_str("UPDATE ");
            out.push_str(table);
            out.push_str(" SET ");
            for (i, (column, change)) in set.iter().enumerate() {
                out.push_str(if i == 0 { "" } else { ", " });
                out.push_str(column);
                out.push_str(" = ");
                match change {
                    Change::To(arg) => value(arg, out),
                    Change::Add(by) => {
                        out.push_str(column);
                        out.push_str(" + ");
                        value(&Arg::Int(*by), out);
                    }
                }
            }
            filter(tests, out, value);
        }
        Write::Delete { table, filter: tests } => {
            out.push_str("DELETE FROM ");
            out.push_str(table);
            filter(tests, out, value);
        }
        Write::Sql { sql, args } => placeholders(sql, out, |n, out| {
            let arg = n.checked_sub(1).and_then(|i| args.get(i));
            value(arg.expect("a statement binds every placeholder it writes"), out)
        }),
    }
}

/// The plain inserts that go together as one multi-row statement: those whose text, values
/// aside, is the same. `None` for a write that always goes alone.
pub(crate) fn shape(write: &Write) -> Option<String> {
    let Write::Insert {
        each: None, or_ignore, ..
    } = write
    else {
        return None;
    };
    let mut text = String::new();
    statement(write, &mut text, &mut |_, out| out.push('?'));
    // `INSERT … SELECT … ON CONFLICT` needs a WHERE on SQLite; no fold writes one.
    (!(*or_ignore && text.contains("(SELECT"))).then_some(text)
}

/// Appends one INSERT of `rows`, inserts of one [`shape`]. Plain values go as
/// `VALUES (…), (…)`. Values read from other rows go as `SELECT … FROM (VALUES (…), (…)) AS
/// v`, so that PostgreSQL plans the subquery once, not once per row: a 1,000-row INSERT of
/// log entries spent 26 ms planning.
pub(crate) fn insert_rows(rows: &[&Write], out: &mut String, value: &mut Place) {
    let Some(Write::Insert {
        table,
        columns,
        values,
        or_ignore,
        ..
    }) = rows.first()
    else {
        return;
    };
    insert_head(table, columns, out);
    let looked_up = values.iter().any(|v| matches!(v, Value::Lookup(_)));
    if looked_up {
        // SQLite and PostgreSQL alike name the columns of a VALUES list column1, column2, …
        out.push_str(" SELECT ");
        let mut k = 0;
        list(values, out, &mut |_, out| {
            k += 1;
            out.push_str(&format!("v.column{k}"));
        });
        out.push_str(" FROM (VALUES ");
    } else {
        out.push_str(" VALUES ");
    }
    for (i, row) in rows.iter().enumerate() {
        out.push_str(if i == 0 { "(" } else { ", (" });
        if looked_up {
            for (j, arg) in args_of(row).iter().enumerate() {
                out.push_str(if j == 0 { "" } else { ", " });
                value(arg, out);
            }
        } else if let Write::Insert { values, .. } = row {
            list(values, out, value);
        }
        out.push(')');
    }
    if looked_up {
        out.push_str(") AS v");
    }
    conflict(*or_ignore, out);
}

/// The values of `write` in the order its text places them.
fn args_of(write: &Write) -> Vec<Arg> {
    let mut args = Vec::new();
    statement(write, &mut String::new(), &mut |arg, _| args.push(arg.clone()));
    args
}

fn insert_head(table: &str, columns: &[&str], out: &mut String) {
    out.push_str("INSERT INTO ");
    out.push_str(table);
    out.push_str(" (");
    out.push_str(&columns.join(", "));
    out.push(')');
}

fn conflict(or_ignore: bool, out: &mut String) {
    if or_ignore {
        out.push_str(" ON CONFLICT DO NOTHING");
    }
}

fn list(values: &[Value], out: &mut String, value: &mut Place) {
    for (i, v) in values.iter().enumerate() {
        out.push_str(if i == 0 { "" } else { ", " });
        one(v, out, value);
    }
}

fn one(v: &Value, out: &mut String, value: &mut Place) {
    match v {
        Value::Arg(arg) => value(arg, out),
        Value::Lookup(select) => {
            let Select {
                table,
                column,
                filter: tests,
            } = select.as_ref();
            out.push_str("(SELECT ");
            out.push_str(column);
            out.push_str(" FROM ");
            out.push_str(table);
            filter(tests, out, value);
            out.push(')');
        }
    }
}

fn filter(Filter(tests): &Filter, out: &mut String, value: &mut Place) {
    for (i, (column, test)) in tests.iter().enumerate() {
        out.push_str(if i == 0 { " WHERE " } else { " AND " });
        out.push_str(column);
        match test {
            Test::Eq(v) => {
                out.push_str(" = ");
                one(v, out, value);
            }
            Test::Ne(arg) => {
                out.push_str(" <> ");
                value(arg, out);
            }
            Test::In(args) => {
                out.push_str(" IN (");
                for (i, arg) in args.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { ", " });
                    value(arg, out);
                }
                out.push(')');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::{add, eq, is_in, lookup, ne, to, values};

    fn numbered(write: &Write) -> (String, Vec<Arg>) {
        let mut args = Vec::new();
        let mut sql = String::new();
        statement(write, &mut sql, &mut |arg, out| {
            args.push(arg.clone());
            out.push_str(&format!("${}", args.len()));
        });
        (sql, args)
    }

    #[test]
    fn each_kind_of_write_reads_as_its_statement() {
        let insert = Write::insert_or_ignore("t", &["a", "b"], values![1, "x"]);
        assert_eq!(
            numbered(&insert).0,
            "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        );
        let update = Write::update("t", [to("a", "y"), add("n", -1)], [eq("id", 7), ne("s", "void")]);
        assert_eq!(
            numbered(&update),
            (
                "UPDATE t SET a = $1, n = n + $2 WHERE id = $3 AND s <> $4".to_owned(),
                vec![Arg::from("y"), Arg::Int(-1), Arg::Int(7), Arg::from("void")]
            )
        );
        let delete = Write::delete("t", [is_in("r", [Arg::from("a"), Arg::from("b")])]);
        assert_eq!(numbered(&delete).0, "DELETE FROM t WHERE r IN ($1, $2)");
        let each = Write::insert_each(
            "n",
            &["id", "user_id"],
            values!["i"],
            Select {
                table: "audience",
                column: "user_id",
                filter: Filter(vec![eq("event_id", "e")]),
            },
        );
        assert_eq!(
            numbered(&each).0,
            "INSERT INTO n (id, user_id) SELECT $1, user_id FROM audience WHERE event_id = $2"
        );
    }

    #[test]
    fn rows_with_a_lookup_select_from_a_values_list() {
        let row = |a: i64, e: &str| Write::insert("t", &["a", "b"], [a.into(), lookup("u", "c", [eq("id", e)])]);
        let (one, two) = (row(1, "x"), row(2, "y"));
        assert_eq!(shape(&one), shape(&two));
        let mut sql = String::new();
        let mut n = 0;
        insert_rows(&[&one, &two], &mut sql, &mut |_, out| {
            n += 1;
            out.push_str(&format!("${n}"));
        });
        assert_eq!(
            sql,
            "INSERT INTO t (a, b) SELECT v.column1, (SELECT c FROM u WHERE id = v.column2) \
             FROM (VALUES ($1, $2), ($3, $4)) AS v"
        );
    }

    #[test]
    fn plain_rows_go_as_one_values_list() {
        let rows = [
            Write::insert("t", &["a"], values![1]),
            Write::insert("t", &["a"], values![2]),
        ];
        let mut sql = String::new();
        insert_rows(&[&rows[0], &rows[1]], &mut sql, &mut |arg, out| {
            out.push_str(&format!("{arg:?}"))
        });
        assert_eq!(sql, "INSERT INTO t (a) VALUES (Int(1)), (Int(2))");
    }

    #[test]
    fn only_plain_inserts_have_a_shape() {
        assert!(shape(&Write::update("t", [to("a", 1)], [eq("id", 1)])).is_none());
        assert!(shape(&Write::sql("INSERT INTO t (a) VALUES ($1)", [Arg::Int(1)])).is_none());
        assert_ne!(
            shape(&Write::insert("t", &["a"], values![1])),
            shape(&Write::insert("t", &["b"], values![1]))
        );
    }
}
