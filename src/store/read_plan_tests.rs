//! The projector reads the store on every wake-up: the read must seek, not scan.

use sqlx::Row;

use super::SQLITE_READ_AFTER;
use crate::store::{Backend, Store};
use crate::testing::TestDatabase;

#[tokio::test]
async fn sqlite_reads_after_a_position_by_seeking_its_rowid() {
    let db = TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let Backend::Sqlite(pool) = &store.backend else {
        unreachable!("a sqlite: URL opens SQLite");
    };
    let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {SQLITE_READ_AFTER}"))
        .bind(0_i64)
        .bind(500_i64)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get("detail"))
        .collect();
    assert_eq!(plan, ["SEARCH events USING INTEGER PRIMARY KEY (rowid>?)"]);
}
