use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, FromRow, Row};
use uuid::Uuid;

use crate::column::UuidText;
use crate::write::{bind, placeholders, Arg};
use crate::{Page, PageRequest};

/// A query assembled from optional filters, numbering its `$n` placeholders as it goes.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg`.
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into());
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Binds `arg` to a new placeholder and answers it, for text that names it more than
    /// once (a placeholder names one value each time, on both stores).
    pub fn placeholder(&mut self, arg: impl Into<Arg>) -> String {
        self.args.push(arg.into());
        format!("${}", self.args.len())
    }

    /// Binds `arg` to the next placeholder, which the text already holds.
    pub fn add(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends `LIMIT … OFFSET …` for one page.
    pub fn paginate(&mut self, page: PageRequest) -> &mut Self {
        self.push(" LIMIT ")
            .bind(page.limit())
            .push(" OFFSET ")
            .bind(page.offset())
    }

    /// Runs a query whose first column is an event id, and answers the ids.
    pub async fn event_ids(&self, pool: &AnyPool) -> Result<Vec<Uuid>, sqlx::Error> {
        let ids = self.rows::<(UuidText,)>(pool).await?;
        Ok(ids.into_iter().map(|(id,)| id.into()).collect())
    }

    fn query(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        bind(sqlx::query::<Any>(&self.text), &self.args)
    }

    pub async fn fetch_all(&self, pool: &AnyPool) -> Result<Vec<AnyRow>, sqlx::Error> {
        self.query().fetch_all(pool).await
    }

    pub async fn fetch_optional(&self, pool: &AnyPool) -> Result<Option<AnyRow>, sqlx::Error> {
        self.query().fetch_optional(pool).await
    }

    /// Every row, decoded.
    pub async fn rows<T: for<'r> FromRow<'r, AnyRow>>(&self, pool: &AnyPool) -> Result<Vec<T>, sqlx::Error> {
        self.fetch_all(pool).await?.iter().map(T::from_row).collect()
    }

    /// The one row a query always answers (an aggregate's), decoded.
    pub async fn one<T: for<'r> FromRow<'r, AnyRow>>(&self, pool: &AnyPool) -> Result<T, sqlx::Error> {
        T::from_row(&self.query().fetch_one(pool).await?)
    }

    /// The first row if there is one, decoded.
    pub async fn row<T: for<'r> FromRow<'r, AnyRow>>(&self, pool: &AnyPool) -> Result<Option<T>, sqlx::Error> {
        self.fetch_optional(pool).await?.as_ref().map(T::from_row).transpose()
    }

    /// One page of `self`'s rows, decoded, with how many there are in all
    /// (`count`, a `SELECT COUNT(*) …`). Both go in one statement, the count as a first
    /// column: one round trip (on SQLite, one hand-off to the connection's thread) instead
    /// of two. Only a page past the end, which has no row to carry the count, counts apart.
    pub async fn page<T: for<'r> FromRow<'r, AnyRow>>(
        &self,
        count: &Sql,
        page: PageRequest,
        pool: &AnyPool,
    ) -> Result<Page<T>, sqlx::Error> {
        let rows = self.counted(count, page).fetch_all(pool).await?;
        let total = match rows.first() {
            Some(row) => row.try_get("total_count")?,
            None if page.offset() == 0 => 0,
            None => count.count(pool).await?,
        };
        Ok(Page {
            count: total,
            items: rows.iter().map(T::from_row).collect::<Result<_, _>>()?,
        })
    }

    /// `self` for one page, `count` as its first column `total_count`.
    fn counted(&self, count: &Sql, page: PageRequest) -> Sql {
        let columns = self
            .text
            .trim_start()
            .strip_prefix("SELECT")
            .expect("a page is read by a SELECT");
        let mut counted = Sql::new("SELECT (");
        counted.append(&count.text, &count.args);
        counted.push(") AS total_count,");
        counted.append(columns, &self.args);
        counted.paginate(page);
        counted
    }

    /// Appends `text`, its placeholders numbered after this query's, and binds `args` to them.
    fn append(&mut self, text: &str, args: &[Arg]) -> &mut Self {
        let offset = self.args.len();
        placeholders(text, &mut self.text, |n, out| out.push_str(&format!("${}", n + offset)));
        self.args.extend_from_slice(args);
        self
    }

    pub async fn count(&self, pool: &AnyPool) -> Result<i64, sqlx::Error> {
        Ok(self.one::<(i64,)>(pool).await?.0)
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` substring search on lowercased text.
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::from("%");
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_carries_its_count_as_a_first_column_with_placeholders_renumbered() {
        let mut count = Sql::new("SELECT COUNT(*) FROM t WHERE a = ");
        count.bind("x");
        let mut select = Sql::new("SELECT b, c FROM t WHERE a = ");
        select.bind("x").push(" AND d = $2").add(7).push(" ORDER BY b");

        let counted = select.counted(&count, PageRequest { page: 3, size: 20 });

        assert_eq!(
            counted.text,
            "SELECT (SELECT COUNT(*) FROM t WHERE a = $1) AS total_count, b, c FROM t WHERE a = $2 \
             AND d = $3 ORDER BY b LIMIT $4 OFFSET $5"
        );
        assert_eq!(
            counted.args,
            [
                Arg::from("x"),
                Arg::from("x"),
                Arg::from(7),
                Arg::from(20),
                Arg::from(40)
            ]
        );
    }
}
