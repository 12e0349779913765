use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<uuid::Uuid> for Arg {
    fn from(value: uuid::Uuid) -> Self {
        Self::Text(value.to_string())
    }
}

/// One statement a projection wants run: what a fold returns, so folds stay pure.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub sql: &'static str,
    pub args: Vec<Arg>,
}

impl Write {
    pub fn new(sql: &'static str, args: impl IntoIterator<Item = Arg>) -> Self {
        Self {
            sql,
            args: args.into_iter().collect(),
        }
    }

    /// Runs the statement; answers how many rows it touched.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
        Ok(bind(sqlx::query::<Any>(self.sql), &self.args)
            .execute(conn)
            .await?
            .rows_affected())
    }
}

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
        };
    }
    query
}

/// Most bind parameters one multi-row INSERT carries (SQLite allows 32,766).
const MAX_PARAMS: usize = 30_000;

/// Runs `writes` in order, each run of the same INSERT as multi-row INSERTs: a batch's log
/// entries then cost a few round trips instead of one each. Runs are cut into chunks of
/// powers of two rows, so only a handful of distinct statements get prepared.
pub async fn run_all(writes: Vec<Write>, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for run in runs(writes) {
        match run {
            Run::One(write) => {
                write.run(conn).await?;
            }
            Run::Inserts { tuple, rows } => {
                let width = rows[0].args.len().max(1);
                let mut rest = &rows[..];
                while !rest.is_empty() {
                    let fits = (MAX_PARAMS / width).max(1).min(rest.len());
                    let (chunk, tail) = rest.split_at(1 << fits.ilog2());
                    multi_row(chunk, tuple, width).run(conn).await?;
                    rest = tail;
                }
            }
        }
    }
    Ok(())
}

/// Consecutive writes as they are sent: alone, or a run of one plain INSERT gathered.
pub(crate) enum Run {
    One(Write),
    Inserts { tuple: &'static str, rows: Vec<Write> },
}

/// `writes`, in order, as the runs they are sent in.
pub(crate) fn runs(writes: Vec<Write>) -> impl Iterator<Item = Run> {
    let mut writes = writes.into_iter().peekable();
    std::iter::from_fn(move || {
        let first = writes.next()?;
        let Some(tuple) = values_tuple(first.sql) else {
            return Some(Run::One(first));
        };
        let mut rows = vec![first];
        while let Some(next) = writes.next_if(|next| next.sql == rows[0].sql) {
            rows.push(next);
        }
        Some(Run::Inserts { tuple, rows })
    })
}

/// The `(…)` after `VALUES` of a plain `INSERT … VALUES (…)`, if `sql` is one.
fn values_tuple(sql: &'static str) -> Option<&'static str> {
    let sql = sql.trim_end();
    let (head, tuple) = sql.rsplit_once("VALUES")?;
    let tuple = tuple.trim();
    (head.trim_start().starts_with("INSERT") && tuple.starts_with('(') && tuple.ends_with(')')).then_some(tuple)
}

/// Appends one INSERT of a run's `rows` rows to `out`; `value(row, n, out)` appends the
/// row's `$n`. Plain values go as `VALUES (…), (…)`. A tuple that computes a value with a
/// subquery goes as `SELECT … FROM (VALUES (…), (…)) AS v`, so that PostgreSQL plans the
/// subquery once, not once per row: a 1,000-row INSERT of log entries spent 26 ms planning.
pub(crate) fn insert_rows(
    sql: &str,
    tuple: &str,
    width: usize,
    rows: usize,
    out: &mut String,
    mut value: impl FnMut(usize, usize, &mut String),
) {
    let values_at = sql.rfind("VALUES").expect("checked by values_tuple");
    let separate = |row: usize, out: &mut String| out.push_str(if row == 0 { "" } else { ", " });
    if !tuple.contains("SELECT") || width == 0 {
        out.push_str(&sql[..values_at]);
        out.push_str("VALUES ");
        for row in 0..rows {
            separate(row, out);
            placeholders(tuple, out, |n, out| value(row, n, out));
        }
        return;
    }
    out.push_str(&sql[..values_at]);
    out.push_str("SELECT ");
    // SQLite and PostgreSQL alike name the columns of a VALUES list column1, column2, …
    placeholders(&tuple[1..tuple.len() - 1], out, |n, out| {
        out.push_str(&format!("v.column{n}"))
    });
    out.push_str(" FROM (VALUES ");
    for row in 0..rows {
        separate(row, out);
        for n in 1..=width {
            out.push_str(if n == 1 { "(" } else { ", " });
            value(row, n, out);
        }
        out.push(')');
    }
    out.push_str(") AS v");
}

/// One INSERT of `rows`' values, the tuple repeated with its placeholders renumbered.
fn multi_row(rows: &[Write], tuple: &str, width: usize) -> MultiRow {
    let mut sql = String::new();
    insert_rows(rows[0].sql, tuple, width, rows.len(), &mut sql, |row, n, out| {
        out.push_str(&format!("${}", n + row * width));
    });
    MultiRow {
        sql,
        args: rows.iter().flat_map(|write| write.args.iter().cloned()).collect(),
    }
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

/// A statement built at run time from several writes.
struct MultiRow {
    sql: String,
    args: Vec<Arg>,
}

impl MultiRow {
    async fn run(self, conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
        bind(sqlx::query::<Any>(&self.sql), &self.args)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    }
}

/// `args![a, b]` turns each value into an [`Arg`].
macro_rules! args {
    ($($value:expr),* $(,)?) => { [$($crate::write::Arg::from($value)),*] };
}
pub(crate) use args;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insert_is_repeated_with_its_placeholders_shifted() {
        let sql = "INSERT INTO t (a, b, c) VALUES ($1, 'x$', $2, $2)";
        let rows = [Write::new(sql, args![1, "one"]), Write::new(sql, args![2, "two"])];
        let tuple = values_tuple(sql).unwrap();
        let statement = multi_row(&rows, tuple, 2);
        assert_eq!(
            statement.sql,
            "INSERT INTO t (a, b, c) VALUES ($1, 'x$', $2, $2), ($3, 'x$', $4, $4)"
        );
        assert_eq!(statement.args, args![1, "one", 2, "two"]);
    }

    #[test]
    fn a_tuple_with_a_subquery_selects_from_a_values_list() {
        let sql = "INSERT INTO t (a, b) VALUES ($1, (SELECT c FROM u WHERE id = $2))";
        let rows = [Write::new(sql, args![1, "x"]), Write::new(sql, args![2, "y"])];
        let statement = multi_row(&rows, values_tuple(sql).unwrap(), 2);
        assert_eq!(
            statement.sql,
            "INSERT INTO t (a, b) SELECT v.column1, (SELECT c FROM u WHERE id = v.column2) \
             FROM (VALUES ($1, $2), ($3, $4)) AS v"
        );
        assert_eq!(statement.args, args![1, "x", 2, "y"]);
    }

    #[test]
    fn only_plain_inserts_are_merged() {
        assert!(values_tuple("UPDATE t SET a = $1 WHERE id = $2").is_none());
        assert!(values_tuple("INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING").is_none());
        assert!(values_tuple("INSERT INTO t (a) SELECT $1").is_none());
    }
}
