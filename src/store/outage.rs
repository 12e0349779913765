//! Telling a database that is out of reach for now (answer 503, retry later) from a fault
//! of ours (answer 500), however deep the store crates wrapped the cause.

use std::error::Error;

use sqlx::error::DatabaseError;
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;

/// PostgreSQL's SQLSTATE classes of a server that cannot serve now: connection exception
/// (08), insufficient resources such as a full disk or too many connections (53), operator
/// intervention such as `pg_terminate_backend` or a shutdown (57P), a statement cancelled by
/// its time budget or an operator (57014), system error (58).
const POSTGRES_UNAVAILABLE: [&str; 5] = ["08", "53", "57P", "57014", "58"];

/// SQLite's primary result codes of a file that cannot be written or read now: busy or
/// locked past the busy timeout, out of memory, read-only, I/O error, disk full, cannot open,
/// and a WAL lock protocol failure.
const SQLITE_UNAVAILABLE: [i32; 8] = [5, 6, 7, 8, 10, 13, 14, 15];

/// Whether `error`, or anything it was caused by, says the database cannot be reached: a
/// dropped or refused connection, a handshake cut short, no free connection in time, or the
/// database itself saying it cannot serve now (see the codes above).
pub fn is_outage(error: &(dyn Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(error) = error.downcast_ref::<sqlx::Error>() {
            return matches!(
                error,
                sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::Protocol(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
            ) || matches!(error, sqlx::Error::Database(error) if database_unavailable(error.as_ref()));
        }
        current = error.source();
    }
    false
}

fn database_unavailable(error: &dyn DatabaseError) -> bool {
    if let Some(error) = error.try_downcast_ref::<PgDatabaseError>() {
        let code = error.code();
        return POSTGRES_UNAVAILABLE.iter().any(|class| code.starts_with(class));
    }
    if error.try_downcast_ref::<SqliteError>().is_some() {
        let primary = error
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .map(|code| code & 0xff);
        return primary.is_some_and(|code| SQLITE_UNAVAILABLE.contains(&code));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_trouble_is_an_outage_even_when_boxed() {
        let boxed: Box<dyn Error + Send + Sync> = Box::new(sqlx::Error::PoolTimedOut);
        assert!(is_outage(boxed.as_ref()));
        assert!(is_outage(&sqlx::Error::Protocol(
            "unexpected response from SSLRequest".to_owned()
        )));
    }

    #[test]
    fn other_failures_are_not() {
        assert!(!is_outage(&sqlx::Error::RowNotFound));
        assert!(!is_outage(&std::fmt::Error));
    }

    /// The error SQLite gives for `sql` on a fresh in-memory database opened with `options`.
    async fn sqlite_error(read_only: bool, sql: &str) -> sqlx::Error {
        use sqlx::sqlite::SqliteConnectOptions;
        use sqlx::{ConnectOptions, Connection};
        let options = SqliteConnectOptions::new().in_memory(true).read_only(read_only);
        let mut conn = options.connect().await.expect("an in-memory database");
        let error = sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .expect_err("the statement fails");
        let _ = conn.close().await;
        error
    }

    #[tokio::test]
    async fn a_database_that_cannot_be_written_is_an_outage_and_a_broken_rule_is_not() {
        assert!(is_outage(&sqlite_error(true, "CREATE TABLE t (x)").await));
        let duplicate = "CREATE TABLE t (x PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)";
        assert!(!is_outage(&sqlite_error(false, duplicate).await));
        assert!(!is_outage(&sqlite_error(false, "SELECT * FROM missing").await));
    }
}
