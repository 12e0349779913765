//! Read-your-writes: the read right after a 2xx command already shows it, on every view.

use serde_json::json;

use crate::helpers::*;

const CYCLES: usize = 30;

both_stores!(every_answered_write_shows_in_the_very_next_read);
async fn every_answered_write_shows_in_the_very_next_read(app: TestApp) {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let event = app.event(&alice, json!({"title": "Cycle 0", "capacity": 1})).await;
    let id = id_of(&event);
    let mut log_count = 1;

    for cycle in 1..=CYCLES {
        app.join(&id, &bob).await.expect(201);
        log_count += 1;
        assert_eq!(
            app.event_of(&id, Anon).await["members_count"],
            json!(1),
            "cycle {cycle}: detail after join"
        );
        assert_eq!(
            app.capacity(&id).await["available_slots"],
            json!(0),
            "cycle {cycle}: capacity after join"
        );
        let listed = app
            .get(&format!("/api/events?creator={}", alice.id), Anon)
            .await
            .expect(200);
        assert_eq!(
            results(&listed)[0]["members_count"],
            json!(1),
            "cycle {cycle}: list after join"
        );
        let members = app.get(&format!("/api/events/{id}/members"), &alice).await.expect(200);
        assert_eq!(members["count"], json!(1), "cycle {cycle}: members after join");
        assert_eq!(
            app.get("/api/users/me/events", &bob).await.expect(200)["count"],
            json!(1)
        );
        let log = app.get(&format!("/api/logs/{id}"), &alice).await.expect(200);
        assert_eq!(log["count"], json!(log_count), "cycle {cycle}: log after join");
        assert_eq!(results(&log)[0]["type"], json!("member_joined"));

        assert_eq!(app.leave(&id, &bob).await.status, 204);
        log_count += 1;
        assert_eq!(
            app.event_of(&id, Anon).await["members_count"],
            json!(0),
            "cycle {cycle}: detail after leave"
        );
        assert_eq!(
            app.capacity(&id).await["available_slots"],
            json!(1),
            "cycle {cycle}: capacity after leave"
        );
        let listed = app
            .get(&format!("/api/events?creator={}", alice.id), Anon)
            .await
            .expect(200);
        assert_eq!(
            results(&listed)[0]["members_count"],
            json!(0),
            "cycle {cycle}: list after leave"
        );
        let members = app.get(&format!("/api/events/{id}/members"), &alice).await.expect(200);
        assert_eq!(members["count"], json!(0), "cycle {cycle}: members after leave");
        assert_eq!(
            app.get("/api/users/me/events", &bob).await.expect(200)["count"],
            json!(0)
        );
        let log = app.get(&format!("/api/logs?event_id={id}"), &alice).await.expect(200);
        assert_eq!(log["count"], json!(log_count), "cycle {cycle}: log after leave");
        assert_eq!(results(&log)[0]["type"], json!("member_left"));

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
