//! Row writes as data: what a fold answers, so folds stay pure. The live projector renders
//! them as SQL (`render`, `run`, `inline`); a rebuild applies them to rows in memory
//! (`crate::rebuild::memory`). One description of every change, two ways to carry it out.

mod inline;
mod render;
mod run;

pub(crate) use inline::run_inline;
pub(crate) use run::{bind, placeholders, run_all};

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    /// A constant of the schema (a status): written into the statement as a literal, never
    /// bound. SQLite uses a partial index (`… WHERE status <> 'void'`) only for a statement
    /// whose text holds that literal; against a bound value it scans.
    Name(&'static str),
}

/// `value` as a constant of the schema ([`Arg::Name`]).
pub fn name(value: &'static str) -> Arg {
    Arg::Name(value)
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

/// A value a write stores or tests against: given, or read from one row of a table (SQL's
/// scalar subquery: no row reads as NULL).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Arg(Arg),
    Lookup(Box<Select>),
}

/// Every value that binds as an [`Arg`] is a given [`Value`].
macro_rules! given {
    ($($from:ty),*) => {$(
        impl From<$from> for Value {
            fn from(value: $from) -> Self {
                Self::Arg(value.into())
            }
        }
    )*};
}
given!(Arg, &str, String, i64, uuid::Uuid);

/// `column` of the rows of `table` that pass `filter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub table: &'static str,
    pub column: &'static str,
    pub filter: Filter,
}

/// Tests that a row must pass, all of them (SQL's `AND`). As in SQL, a NULL passes none.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter(pub Vec<(&'static str, Test)>);

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Eq(Value),
    Ne(Arg),
    In(Vec<Arg>),
}

/// What an UPDATE does to a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    To(Arg),
    /// Adds to the number there.
    Add(i64),
}

/// One change a projection makes to its tables.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A row of `values` in `columns`; or, with `each`, one row per row that `each` selects,
    /// the selected value in the last column. With `or_ignore`, a row whose key is taken is
    /// skipped.
    Insert {
        table: &'static str,
        columns: &'static [&'static str],
        values: Vec<Value>,
        each: Option<Select>,
        or_ignore: bool,
    },
    Update {
        table: &'static str,
        set: Vec<(&'static str, Change)>,
        filter: Filter,
    },
    Delete {
        table: &'static str,
        filter: Filter,
    },
    /// A statement that only SQL can carry out, for a projection that is never replayed
    /// (`crate::rebuild` refuses it).
    Sql {
        sql: &'static str,
        args: Vec<Arg>,
    },
}

impl Write {
    pub fn insert(
        table: &'static str,
        columns: &'static [&'static str],
        values: impl IntoIterator<Item = Value>,
    ) -> Self {
        Self::row(table, columns, values.into_iter().collect(), false)
    }

    /// An insert that is skipped where the row's key is already taken.
    pub fn insert_or_ignore(
        table: &'static str,
        columns: &'static [&'static str],
        values: impl IntoIterator<Item = Value>,
    ) -> Self {
        Self::row(table, columns, values.into_iter().collect(), true)
    }

    fn row(table: &'static str, columns: &'static [&'static str], values: Vec<Value>, or_ignore: bool) -> Self {
        Self::Insert {
            table,
            columns,
            values,
            each: None,
            or_ignore,
        }
    }

    /// One row per row of `each`: `values` and then the selected value.
    pub fn insert_each(
        table: &'static str,
        columns: &'static [&'static str],
        values: impl IntoIterator<Item = Value>,
        each: Select,
    ) -> Self {
        Self::Insert {
            table,
            columns,
            values: values.into_iter().collect(),
            each: Some(each),
            or_ignore: false,
        }
    }

    pub fn update(
        table: &'static str,
        set: impl IntoIterator<Item = (&'static str, Change)>,
        filter: impl IntoIterator<Item = (&'static str, Test)>,
    ) -> Self {
        Self::Update {
            table,
            set: set.into_iter().collect(),
            filter: Filter(filter.into_iter().collect()),
        }
    }

    pub fn delete(table: &'static str, filter: impl IntoIterator<Item = (&'static str, Test)>) -> Self {
        Self::Delete {
            table,
            filter: Filter(filter.into_iter().collect()),
        }
    }

    pub fn sql(sql: &'static str, args: impl IntoIterator<Item = Arg>) -> Self {
        Self::Sql {
            sql,
            args: args.into_iter().collect(),
        }
    }
}

/// `column = value`.
pub fn eq(column: &'static str, value: impl Into<Value>) -> (&'static str, Test) {
    (column, Test::Eq(value.into()))
}

/// `column <> value`.
pub fn ne(column: &'static str, value: impl Into<Arg>) -> (&'static str, Test) {
    (column, Test::Ne(value.into()))
}

/// `column IN (values)`.
pub fn is_in(column: &'static str, values: impl IntoIterator<Item = Arg>) -> (&'static str, Test) {
    (column, Test::In(values.into_iter().collect()))
}

/// `column` set to `value`.
pub fn to(column: &'static str, value: impl Into<Arg>) -> (&'static str, Change) {
    (column, Change::To(value.into()))
}

/// `column` moved by `by`.
pub fn add(column: &'static str, by: i64) -> (&'static str, Change) {
    (column, Change::Add(by))
}

/// `column` of the one row of `table` that passes `filter`, or NULL.
pub fn lookup(
    table: &'static str,
    column: &'static str,
    filter: impl IntoIterator<Item = (&'static str, Test)>,
) -> Value {
    Value::Lookup(Box::new(Select {
        table,
        column,
        filter: Filter(filter.into_iter().collect()),
    }))
}

/// `args![a, b]` turns each value into an [`Arg`].
macro_rules! args {
    ($($value:expr),* $(,)?) => { [$($crate::write::Arg::from($value)),*] };
}
pub(crate) use args;

/// `values![a, b]` turns each value into a [`Value`].
macro_rules! values {
    ($($value:expr),* $(,)?) => { [$($crate::write::Value::from($value)),*] };
}
pub(crate) use values;
