//! Read-your-writes: the read right after a 2xx command already shows it, on every view.

use serde_json::json;

use crate::helpers::*;

const CYCLES: usize = 30;

/// A write of a cycle: the member takes the event's one seat, or gives it back.
#[derive(Clone, Copy, Debug)]
enum Write {
    Join,
    Leave,
}

/// Right after `write`, the detail, the capacity, the list, the members, the member's own
/// events and the log (`log_count` entries) all show it already.
async fn assert_every_view(
    app: &TestApp,
    creator: &TestUser,
    member: &TestUser,
    id: &str,
    cycle: usize,
    write: Write,
    log_count: usize,
) {
    // The log is read at both of its addresses, one after each kind of write.
    let (members, log_path, newest) = match write {
        Write::Join => (1, format!("/api/logs/{id}"), "member_joined"),
        Write::Leave => (0, format!("/api/logs?event_id={id}"), "member_left"),
    };
    let after = format!("cycle {cycle}: after {write:?}");
    assert_eq!(
        app.event_of(id, Anon).await["members_count"],
        json!(members),
        "detail {after}"
    );
    assert_eq!(
        app.capacity(id).await["available_slots"],
        json!(1 - members),
        "capacity {after}"
    );
    let listed = app
        .get(&format!("/api/events?creator={}", creator.id), Anon)
        .await
        .expect(200);
    assert_eq!(results(&listed)[0]["members_count"], json!(members), "list {after}");
    let listed_members = app.get(&format!("/api/events/{id}/members"), creator).await.expect(200);
    assert_eq!(listed_members["count"], json!(members), "members {after}");
    assert_eq!(
        app.get("/api/users/me/events", member).await.expect(200)["count"],
        json!(members),
        "the member's events {after}"
    );
    let log = app.get(&log_path, creator).await.expect(200);
    assert_eq!(log["count"], json!(log_count), "log {after}");
    assert_eq!(results(&log)[0]["type"], json!(newest), "newest log entry {after}");
}

both_stores!(every_answered_write_shows_in_the_very_next_read);
async fn every_answered_write_shows_in_the_very_next_read(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = app.event(&alice, json!({"title": "Cycle 0", "capacity": 1})).await;
    let id = id_of(&event);
    let mut log_count = 1;

    for cycle in 1..=CYCLES {
        app.join(&id, &bob).await.expect(201);
        log_count += 1;
        assert_every_view(&app, &alice, &bob, &id, cycle, Write::Join, log_count).await;

        assert_eq!(app.leave(&id, &bob).await.status, 204);
        log_count += 1;
        assert_every_view(&app, &alice, &bob, &id, cycle, Write::Leave, log_count).await;

        if cycle % 5 == 0 {
            let title = format!("Cycle {cycle}");
            app.patch(&format!("/api/events/{id}"), &alice, json!({"title": title}))
                .await
                .expect(200);
            log_count += 1;
            assert_eq!(app.event_of(&id, Anon).await["title"], json!(title));
            let found = app
                .get(&format!("/api/events?title={}", title.replace(' ', "%20")), Anon)
                .await
                .expect(200);
            assert_eq!(found["count"], json!(1), "cycle {cycle}: the list finds the new title");
            let log = app.get(&format!("/api/logs/{id}"), &alice).await.expect(200);
            assert_eq!(results(&log)[0]["event_title"], json!(title));
        }
    }
    let history = app.get(&format!("/api/events/{id}/history"), &alice).await.expect(200);
    assert_eq!(history["count"], json!(log_count));
    assert_eq!(app.event_of(&id, Anon).await["version"], json!(log_count));
}
