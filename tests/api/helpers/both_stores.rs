//! The `both_stores!` macro: one test, run on SQLite and on PostgreSQL.

/// Runs the async fn of the same name once on SQLite and once on PostgreSQL, as the tests
/// `<name>::sqlite` and `<name>::postgres` (a module and a function may share a name).
///
/// ```ignore
/// both_stores!(joining_twice_is_409);
/// async fn joining_twice_is_409(app: TestApp) { ... }
/// ```
macro_rules! both_stores {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
            async fn postgres() {
                super::$name($crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await).await;
            }
        }
    };
    // For a test that starts its service itself (after a server it needs): it gets the
    // `Backend` instead of the service.
    ($name:ident, backend) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}
