//! A maintenance command (here `rebuild`) run as a process of its own beside the live
//! service, on its store: when it exits, the service still keeps every write it answers.

use std::process::Command;

use serde_json::json;

use crate::helpers::*;
use crate::process::ServerProcess;

/// Runs `event-manager <args>` over `database_url` to its end, off the runtime's threads,
/// asserting it succeeded.
async fn run_command(database_url: &str, args: &'static [&'static str]) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_event-manager"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("JWT_SECRET", JWT_SECRET)
        .env("RUST_LOG", "warn");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the command's thread")
        .expect("the command runs");
    assert!(
        output.status.success(),
        "event-manager {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

both_stores!(a_command_that_exits_beside_the_service_loses_none_of_its_writes);
async fn a_command_that_exits_beside_the_service_loses_none_of_its_writes(app: TestApp) {
    // Forty searches at once, so that the service opens connections while it runs, as it
    // does when load grows. SQLite once lost writes this way: opening a connection closed a
    // second descriptor of the database file, which dropped the process's locks on it, so a
    // command that exited took itself for the file's last user and deleted the write-ahead
    // log the service was still writing.
    let alice = app.user("alice").await;
    let mut searches = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let api = app.api.clone();
        searches.spawn(async move { api.get("/api/events?title=beside", Anon).await.expect(200) });
    }
    searches.join_all().await;
    run_command(app.database_url(), &["rebuild"]).await;

    let event = app.create_event(&alice, event_body("Written after a rebuild")).await;
    let id = id_of(&event);
    app.get(&format!("/api/events/{id}"), Anon).await.expect(200);
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(1));

    // Another process opening the store now reads the same: the write is in the store.
    let other = ServerProcess::start(app.database_url()).await;
    other.caught_up().await;
    other.get(&format!("/api/events/{id}"), Anon).await.expect(200);
    drop(other);
    app.assert_verified().await;
}
