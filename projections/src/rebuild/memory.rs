//! Read-model rows held in memory, changed by the same writes the live projector sends as
//! SQL, with SQL's meaning: a replay folds one event's history here and writes each final
//! row once, instead of sending every change of it to the database.

use std::collections::HashMap;

use crate::projector::Table;
use crate::write::{Arg, Change, Filter, Select, Test, Value, Write};

/// A stored value as the read models hold them (ids as text, times as integers).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl From<Arg> for Cell {
    fn from(arg: Arg) -> Self {
        match arg {
            Arg::Int(value) | Arg::OptInt(Some(value)) => Self::Int(value),
            Arg::Text(value) | Arg::OptText(Some(value)) => Self::Text(value),
            Arg::Name(value) => Self::Text(value.to_owned()),
            Arg::OptInt(None) | Arg::OptText(None) => Self::Null,
        }
    }
}

/// One row: the columns written to it, in the order first written. A column never written
/// holds its default, which for every read-model column a fold leaves out is NULL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row(pub Vec<(&'static str, Cell)>);

const NULL: Cell = Cell::Null;

impl Row {
    pub fn get(&self, column: &str) -> &Cell {
        self.0
            .iter()
            .find(|(name, _)| *name == column)
            .map_or(&NULL, |(_, cell)| cell)
    }

    fn set(&mut self, column: &'static str, cell: Cell) {
        match self.0.iter_mut().find(|(name, _)| *name == column) {
            Some((_, old)) => *old = cell,
            None => self.0.push((column, cell)),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MemoryError {
    #[error("a write to {0:?}, which this replay does not hold")]
    UnknownTable(&'static str),
    #[error("a raw SQL statement cannot be replayed in memory: {0}")]
    Raw(&'static str),
    #[error("a second row with the key {key:?} in {table:?}")]
    Duplicate { table: &'static str, key: Vec<Cell> },
    #[error("{column:?} in {table:?} is not a number to add to")]
    NotANumber { table: &'static str, column: &'static str },
}

/// The rows of some tables, by key.
#[derive(Debug, Default)]
pub struct Memory {
    tables: HashMap<&'static str, Rows>,
}

#[derive(Debug)]
struct Rows {
    key: Vec<&'static str>,
    rows: HashMap<Vec<Cell>, Row>,
}

/// A filter with its values worked out.
enum Resolved {
    Eq(Cell),
    Ne(Cell),
    In(Vec<Cell>),
}

impl Memory {
    pub fn new(tables: impl IntoIterator<Item = Table>) -> Self {
        let tables = tables
            .into_iter()
            .map(|table| {
                let rows = Rows {
                    key: table.key.split(", ").collect(),
                    rows: HashMap::new(),
                };
                (table.name, rows)
            })
            .collect();
        Self { tables }
    }

    /// Carries out `write` as the database would.
    pub fn apply(&mut self, write: Write) -> Result<(), MemoryError> {
        match write {
            Write::Insert {
                table,
                columns,
                values,
                each,
                or_ignore,
            } => {
                let mut given = Vec::with_capacity(values.len());
                for value in values {
                    given.push(self.value(value)?);
                }
                let rows = match each {
                    None => vec![Row(columns.iter().copied().zip(given).collect())],
                    Some(Select {
                        table: source,
                        column,
                        filter,
                    }) => {
                        let last = columns.len() - 1;
                        let selected = self.matching(source, filter)?;
                        let source = self.rows(source)?;
                        selected
                            .iter()
                            .map(|key| {
                                let mut row = Row(columns[..last].iter().copied().zip(given.clone()).collect());
                                row.set(columns[last], source.rows[key].get(column).clone());
                                row
                            })
                            .collect()
                    }
                };
                let target = self.rows_mut(table)?;
                for row in rows {
                    let key: Vec<Cell> = target.key.iter().map(|column| row.get(column).clone()).collect();
                    if target.rows.contains_key(&key) {
                        if or_ignore {
                            continue;
                        }
                        return Err(MemoryError::Duplicate { table, key });
                    }
                    target.rows.insert(key, row);
                }
                Ok(())
            }
            Write::Update { table, set, filter } => {
                let keys = self.matching(table, filter)?;
                let rows = self.rows_mut(table)?;
                for key in keys {
                    let row = rows.rows.get_mut(&key).expect("just found");
                    for (column, change) in &set {
                        let cell = match change {
                            Change::To(arg) => Cell::from(arg.clone()),
                            Change::Add(by) => match row.get(column) {
                                Cell::Int(n) => Cell::Int(n + by),
                                Cell::Null => Cell::Null,
                                Cell::Text(_) => return Err(MemoryError::NotANumber { table, column }),
                            },
                        };
                        row.set(column, cell);
                    }
                }
                Ok(())
            }
            Write::Delete { table, filter } => {
                let keys = self.matching(table, filter)?;
                let rows = self.rows_mut(table)?;
                for key in keys {
                    rows.rows.remove(&key);
                }
                Ok(())
            }
            Write::Sql { sql, .. } => Err(MemoryError::Raw(sql)),
        }
    }

    /// Takes every row out, table by table, into `into`'s list of that table.
    pub fn drain_into(&mut self, into: &mut [(Table, Vec<Row>)]) {
        for (table, all) in into {
            if let Some(rows) = self.tables.get_mut(table.name) {
                all.extend(rows.rows.drain().map(|(_, row)| row));
            }
        }
    }

    fn rows(&self, table: &'static str) -> Result<&Rows, MemoryError> {
        self.tables.get(table).ok_or(MemoryError::UnknownTable(table))
    }

    fn rows_mut(&mut self, table: &'static str) -> Result<&mut Rows, MemoryError> {
        self.tables.get_mut(table).ok_or(MemoryError::UnknownTable(table))
    }

    fn value(&self, value: Value) -> Result<Cell, MemoryError> {
        match value {
            Value::Arg(arg) => Ok(arg.into()),
            Value::Lookup(select) => {
                let Select { table, column, filter } = *select;
                let found = self.matching(table, filter)?;
                let rows = self.rows(table)?;
                Ok(found
                    .first()
                    .map_or(Cell::Null, |key| rows.rows[key].get(column).clone()))
            }
        }
    }

    /// The keys of the rows of `table` that pass `filter`: looked up when it names the
    /// whole key, else found by looking at every row.
    fn matching(&self, table: &'static str, Filter(tests): Filter) -> Result<Vec<Vec<Cell>>, MemoryError> {
        let mut resolved = Vec::with_capacity(tests.len());
        for (column, test) in tests {
            resolved.push((
                column,
                match test {
                    Test::Eq(value) => Resolved::Eq(self.value(value)?),
                    Test::Ne(arg) => Resolved::Ne(arg.into()),
                    Test::In(args) => Resolved::In(args.into_iter().map(Cell::from).collect()),
                },
            ));
        }
        let rows = self.rows(table)?;
        let key: Option<Vec<Cell>> = rows
            .key
            .iter()
            .map(|column| {
                resolved.iter().find_map(|(name, test)| match test {
                    Resolved::Eq(cell) if name == column => Some(cell.clone()),
                    _ => None,
                })
            })
            .collect();
        let passes = |row: &Row| resolved.iter().all(|(column, test)| passes(row.get(column), test));
        Ok(match key {
            Some(key) => rows
                .rows
                .get(&key)
                .filter(|row| passes(row))
                .map(|_| vec![key])
                .unwrap_or_default(),
            None => rows
                .rows
                .iter()
                .filter(|(_, row)| passes(row))
                .map(|(key, _)| key.clone())
                .collect(),
        })
    }
}

/// SQL's tests, NULL passing none.
fn passes(cell: &Cell, test: &Resolved) -> bool {
    if *cell == Cell::Null {
        return false;
    }
    match test {
        Resolved::Eq(value) => cell == value,
        Resolved::Ne(value) => *value != Cell::Null && cell != value,
        Resolved::In(values) => values.contains(cell),
    }
}

#[cfg(test)]
#[path = "memory_tests.rs"]
mod tests;
