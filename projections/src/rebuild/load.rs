//! Final rows into scratch tables: `COPY` on PostgreSQL for a replay's bulk, multi-row
//! INSERTs otherwise (SQLite, in process, and the few rows of a catch-up on both).

use std::fmt::Write as _;

use sqlx::postgres::PgConnection;
use sqlx::{Any, AnyConnection};

use super::memory::{Cell, Row};

/// Most bind parameters one INSERT carries. SQLite allows 32,766, but keeps every
/// statement it has prepared, and a replay's last chunks each make a new one.
const MAX_PARAMS: usize = 4_000;

/// Appends `rows` to `table` with `COPY … FROM STDIN`. A column some row lacks is NULL
/// there (its default: see [`Row`]).
pub async fn copy(conn: &mut PgConnection, table: &str, rows: &[Row]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let columns = union(rows);
    let mut data = String::with_capacity(rows.len() * 128);
    for row in rows {
        for (i, column) in columns.iter().enumerate() {
            data.push(if i == 0 { '\n' } else { '\t' });
            copy_text(row.get(column), &mut data);
        }
    }
    data.push('\n');
    let mut copy = conn
        .copy_in_raw(&format!("COPY {table} ({}) FROM STDIN", columns.join(", ")))
        .await?;
    copy.send(&data.as_bytes()[1..]).await?;
    copy.finish().await?;
    Ok(())
}

/// Every column that any of `rows` holds, in the order first seen.
fn union(rows: &[Row]) -> Vec<&'static str> {
    let mut columns: Vec<&'static str> = Vec::new();
    for row in rows {
        for (column, _) in &row.0 {
            if !columns.contains(column) {
                columns.push(column);
            }
        }
    }
    columns
}

/// A value in `COPY`'s text format: NULL as `\N`, backslash and the separators escaped.
fn copy_text(cell: &Cell, out: &mut String) {
    match cell {
        Cell::Null => out.push_str("\\N"),
        Cell::Int(value) => {
            let _ = write!(out, "{value}");
        }
        Cell::Text(text) if !text.bytes().any(|b| matches!(b, b'\\' | b'\n' | b'\r' | b'\t')) => out.push_str(text),
        Cell::Text(text) => {
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// Appends `rows` to `table` as multi-row INSERTs. Rows go by the columns they hold
/// values in, NULLs left out: a bound NULL has a type, which PostgreSQL checks against
/// the column's, and the column's default is NULL anyway.
pub async fn insert(conn: &mut AnyConnection, table: &str, rows: &[Row]) -> Result<(), sqlx::Error> {
    let mut groups: Vec<(Vec<&'static str>, Vec<&Row>)> = Vec::new();
    for row in rows {
        let columns: Vec<&'static str> = row
            .0
            .iter()
            .filter(|(_, cell)| *cell != Cell::Null)
            .map(|(column, _)| *column)
            .collect();
        match groups.iter_mut().find(|(held, _)| *held == columns) {
            Some((_, group)) => group.push(row),
            None => groups.push((columns, vec![row])),
        }
    }
    let postgres = conn.backend_name() == "PostgreSQL";
    for (columns, group) in groups {
        let per_statement = (MAX_PARAMS / columns.len().max(1)).max(1);
        for chunk in group.chunks(per_statement) {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                sql.push_str(if i == 0 { "(" } else { ", (" });
                for j in 0..columns.len() {
                    n += 1;
                    sql.push_str(if j == 0 { "" } else { ", " });
                    // SQLite's `?` binds in order without a lookup by name (see
                    // `crate::write::run`); PostgreSQL numbers.
                    if postgres {
                        sql.push_str(&format!("${n}"));
                    } else {
                        sql.push('?');
                    }
                }
                sql.push(')');
            }
            let mut query = sqlx::query::<Any>(&sql);
            for row in chunk {
                for column in &columns {
                    query = match row.get(column) {
                        Cell::Int(value) => query.bind(*value),
                        Cell::Text(text) => query.bind(text.as_str()),
                        Cell::Null => unreachable!("left out above"),
                    };
                }
            }
            query.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_would_end_a_value() {
        let mut out = String::new();
        for cell in [Cell::Text("a\tb\\c\nd\re".to_owned()), Cell::Null, Cell::Int(-3)] {
            copy_text(&cell, &mut out);
            out.push('|');
        }
        assert_eq!(out, "a\\tb\\\\c\\nd\\re|\\N|-3|");
    }

    #[test]
    fn the_columns_of_rows_are_their_union_in_the_order_first_seen() {
        let rows = [
            Row(vec![("a", Cell::Int(1)), ("b", Cell::Null)]),
            Row(vec![("a", Cell::Int(2)), ("c", Cell::Int(3))]),
        ];
        assert_eq!(union(&rows), ["a", "b", "c"]);
    }
}
