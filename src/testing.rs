//! Databases for tests: a fresh SQLite file or a fresh PostgreSQL database per test.

use uuid::Uuid;

/// A throwaway database, removed on drop.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("em-test-{}", Uuid::new_v4().simple()));
        let url = format!("sqlite:{}/db.sqlite", dir.display());
        Self {
            url,
            cleanup: Cleanup::SqliteDir(dir),
        }
    }

    /// A new database on `TEST_DATABASE_URL`. Tests calling this are compiled as ignored
    /// unless the variable (or `CI`) was set at build time (`build.rs`); without it they fail.
    pub async fn postgres() -> Self {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .expect("PostgreSQL tests need TEST_DATABASE_URL (under CI they must run)");
        let name = format!("em_test_{}", Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&admin_url)
            .await
            .expect("TEST_DATABASE_URL connects");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').expect("a database URL has a path");
        Self {
            url: format!("{base}/{name}"),
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside any runtime guarantee, so use a thread of its own.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                    if let Ok(runtime) = runtime {
                        runtime.block_on(async {
                            if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                                let _ = sqlx::query(&sql).execute(&admin).await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// Records `EventCreated` of a new event of `creator`'s, titled `title`, straight into the
/// store through `conn`: an append that a test can hold open in a transaction of its own.
#[cfg(test)]
pub(crate) async fn append_created(conn: &mut sqlx::PgConnection, creator: &aggregates::Actor, title: &str) {
    use aggregates::event::EventDetails;
    use aggregates::values::{Capacity, Title};
    use chrono::{Duration, Utc};

    let fact = aggregates::EventFact::EventCreated {
        details: EventDetails::new(
            Title::parse(title).expect("a title"),
            Utc::now() + Duration::days(30),
            Capacity::parse(5).expect("a capacity"),
        ),
        actor: creator.clone(),
        at: Utc::now(),
    };
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('Event', $1, 1, 'EventCreated', '1', $2, '{}')",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(serde_json::to_value(fact).expect("a fact serialises"))
    .execute(conn)
    .await
    .expect("the append");
}

/// An open event a week ahead, with a waitlist, seating `capacity`.
#[cfg(test)]
pub(crate) fn event_details(capacity: i64) -> aggregates::event::EventDetails {
    use aggregates::event::EventDetails;
    use aggregates::values::{Capacity, Title};
    let start = chrono::Utc::now() + chrono::Duration::days(7);
    EventDetails {
        waitlist_enabled: true,
        ..EventDetails::new(
            Title::parse("Storm").unwrap(),
            start,
            Capacity::parse(capacity).unwrap(),
        )
    }
}
