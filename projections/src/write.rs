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
        let mut query = sqlx::query::<Any>(self.sql);
        for arg in self.args {
            query = match arg {
                Arg::Text(v) => query.bind(v),
                Arg::OptText(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
                Arg::OptInt(v) => query.bind(v),
            };
        }
        Ok(query.execute(conn).await?.rows_affected())
    }
}

/// `args![a, b]` turns each value into an [`Arg`].
macro_rules! args {
    ($($value:expr),* $(,)?) => { [$($crate::write::Arg::from($value)),*] };
}
pub(crate) use args;
