//! Private events: seen only by their creator, members, waitlisted users and invitees; to
//! anyone else they do not exist. Also the `guest_registration` field, which a private
//! event refuses.

use serde_json::{json, Value};

use crate::helpers::*;

fn event_path(id: &str) -> String {
    format!("/api/events/{id}")
}

/// The fields changed by the newest `event_updated` entry of the event's log.
async fn last_changed_fields(app: &TestApp, creator: &TestUser, id: &str) -> Value {
    let log = app
        .get(&format!("/api/logs/{id}?type=event_updated"), creator)
        .await
        .expect(200);
    results(&log)[0]["metadata"]["fields"].clone()
}

both_stores!(visibility_and_guest_registration_are_written_and_always_shown);
async fn visibility_and_guest_registration_are_written_and_always_shown(app: TestApp) {
    let alice = app.user("alice").await;
    let plain = app.event(&alice, json!({})).await;
    assert_eq!(plain["visibility"], json!("public"));
    assert_eq!(plain["guest_registration"], json!(false));
    let guests = app.event(&alice, json!({"guest_registration": true})).await;
    assert_eq!(guests["guest_registration"], json!(true));
    let id = id_of(&guests);
    assert_eq!(app.event_of(&id, Anon).await["guest_registration"], json!(true));
    let listed = app.get("/api/events", Anon).await.expect(200);
    for event in results(&listed) {
        assert!(event["visibility"].is_string(), "{event}");
        assert!(event["guest_registration"].is_boolean(), "{event}");
    }
    app.join(&id, &alice).await.expect(201);
    let mine = app.get("/api/users/me/events", &alice).await.expect(200);
    assert_eq!(results(&mine)[0]["event"]["visibility"], json!("public"));
    assert_eq!(results(&mine)[0]["event"]["guest_registration"], json!(true));

    let hidden = app
        .patch(
            &event_path(&id),
            &alice,
            json!({"guest_registration": false, "visibility": "private"}),
        )
        .await
        .expect(200);
    assert_eq!(hidden["visibility"], json!("private"));
    assert_eq!(hidden["guest_registration"], json!(false));
    assert_eq!(
        last_changed_fields(&app, &alice, &id).await,
        json!(["visibility", "guest_registration"])
    );
    let mut full = merge(
        event_body("Replaced"),
        json!({"description": "", "location": null,
        "end_time": null, "status": "open", "waitlist_enabled": false, "visibility": "public"}),
    );
    let replaced = app.put(&event_path(&id), &alice, full.clone()).await.expect(200);
    assert_eq!(replaced["visibility"], json!("public"));
    full.as_object_mut().unwrap().remove("visibility");
    let kept = app.put(&event_path(&id), &alice, full).await.expect(200);
    assert_eq!(kept["visibility"], json!("public"), "PUT without visibility keeps it");
}

both_stores!(a_private_event_refuses_guest_registration);
async fn a_private_event_refuses_guest_registration(app: TestApp) {
    let alice = app.user("alice").await;
    app.post(
        "/api/events",
        &alice,
        merge(
            event_body("Both"),
            json!({"visibility": "private", "guest_registration": true}),
        ),
    )
    .await
    .invalid(&["guest_registration"]);
    app.post(
        "/api/events",
        &alice,
        merge(event_body("Bad"), json!({"visibility": "secret"})),
    )
    .await
    .invalid(&["visibility"]);
    let guests = app.event(&alice, json!({"guest_registration": true})).await;
    let path = event_path(&id_of(&guests));
    app.patch(&path, &alice, json!({"visibility": "private"}))
        .await
        .invalid(&["guest_registration"]);
    assert_eq!(app.event_of(&id_of(&guests), &alice).await, guests, "nothing changed");
    let private = app.event(&alice, json!({"visibility": "private"})).await;
    app.patch(
        &event_path(&id_of(&private)),
        &alice,
        json!({"guest_registration": true}),
    )
    .await
    .invalid(&["guest_registration"]);
    let listed = app.get("/api/events?title=Bad", Anon).await.expect(200);
    assert_eq!(listed["count"], json!(0), "a refused event was not created");
}
