//! Roles (attendee or organizer, `ORGANIZERS_ONLY`) and categories kept by administrators.

use serde_json::{json, Value};

use crate::helpers::*;

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

async fn register_as(app: &TestApp, username: &str, role: Option<&str>) -> Resp {
    let mut body = json!({"username": username, "email": format!("{username}@example.com"), "password": PASSWORD});
    if let Some(role) = role {
        body["role"] = json!(role);
    }
    app.register_with(body).await
}

both_stores!(a_user_registers_as_attendee_or_organizer);
async fn a_user_registers_as_attendee_or_organizer(app: TestApp) {
    let plain = register_as(&app, "ann", None).await.expect(201);
    assert_eq!(plain["role"], json!("attendee"));
    assert_eq!(plain["is_admin"], json!(false));
    let organizer = register_as(&app, "olga", Some("organizer")).await.expect(201);
    assert_eq!(organizer["role"], json!("organizer"));
    register_as(&app, "bob", Some("boss")).await.invalid(&["role"]);
    register_as(&app, "bob", Some("")).await.invalid(&["role"]);
    app.login("bob", PASSWORD).await.problem(401);

    let tokens = app.tokens("olga", PASSWORD).await;
    let me = app
        .get("/api/users/me", tokens["access"].as_str().unwrap())
        .await
        .expect(200);
    assert_eq!(me["role"], json!("organizer"));
    assert_eq!(me["is_admin"], json!(false));
}

both_stores!(with_organizers_only_attendees_may_not_create_events);
async fn with_organizers_only_attendees_may_not_create_events(mut app: TestApp) {
    let [ann] = app.named_users(["ann"]).await;
    register_as(&app, "olga", Some("organizer")).await.expect(201);
    let olga = app.tokens("olga", PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    // Off by default: the core contract's behaviour stands.
    app.event(&ann, json!({})).await;

    app.restart(Settings {
        organizers_only: true,
        ..Settings::default()
    })
    .await;
    let refused = app.post("/api/events", &ann, event_body("Party")).await.problem(403);
    assert_eq!(refused["detail"], json!("only organizers may create events"));
    // Who may comes before what they sent.
    app.post("/api/events", &ann, json!({})).await.problem(403);
    app.post("/api/events", Anon, event_body("Party")).await.problem(401);
    app.post("/api/events", &olga, event_body("Party")).await.expect(201);
    // Everything else stays open to attendees.
    let event = app.get("/api/events", &ann).await.expect(200);
    let party = results(&event)
        .iter()
        .find(|e| e["title"] == json!("Party"))
        .unwrap()
        .clone();
    app.join(&id_of(&party), &ann).await.expect(201);

    app.make_admin("ann").await;
    app.post("/api/events", &ann, event_body("Party")).await.problem(403);
}

both_stores!(administrators_manage_categories_and_everyone_reads_them);
async fn administrators_manage_categories_and_everyone_reads_them(app: TestApp) {
    let [root, ann] = app.named_users(["root", "ann"]).await;
    let empty = app.get("/api/categories", Anon).await.expect(200);
    assert_eq!(
        empty,
        json!({"count": 0, "next": null, "previous": null, "results": []})
    );

    app.post("/api/categories", Anon, json!({"name": "Music"}))
        .await
        .problem(401);
    app.post("/api/categories", &ann, json!({"name": "Music"}))
        .await
        .problem(403);
    // Not an administrator: 403 even for a bad body.
    app.post("/api/categories", &ann, json!({})).await.problem(403);
    app.make_admin("root").await;
    let me = app.get("/api/users/me", &root).await.expect(200);
    assert_eq!(me["is_admin"], json!(true));

    let talks = app
        .post(
            "/api/categories",
            &root,
            json!({"name": "Tech talks", "slug": "tech-talks"}),
        )
        .await
        .expect(201);
    assert_eq!(keys(&talks), ["id", "name", "slug"]);
    assert_eq!(talks["name"], json!("Tech talks"));
    let music = app
        .post("/api/categories", &root, json!({"name": "  Live Music! "}))
        .await
        .expect(201);
    assert_eq!(
        (music["name"].clone(), music["slug"].clone()),
        (json!("Live Music!"), json!("live-music"))
    );

    app.post("/api/categories", &root, json!({"name": "Talks", "slug": "tech-talks"}))
        .await
        .problem(409);
    app.post("/api/categories", &root, json!({"name": "Bad", "slug": "Not A Slug"}))
        .await
        .invalid(&["slug"]);
    app.post("/api/categories", &root, json!({"name": ""}))
        .await
        .invalid(&["name"]);
    app.post("/api/categories", &root, json!({"name": "!!!"}))
        .await
        .invalid(&["slug"]);
    app.post("/api/categories", &root, json!({"slug": "x"}))
        .await
        .invalid(&["name"]);

    let listed = app.get("/api/categories?page_size=1", Anon).await.expect(200);
    assert_eq!(listed["count"], json!(2));
    assert_eq!(results(&listed)[0], music);

    let renamed = app
        .patch(
            &format!("/api/categories/{}", id_of(&music)),
            &root,
            json!({"name": "Music"}),
        )
        .await
        .expect(200);
    assert_eq!(
        (renamed["name"].clone(), renamed["slug"].clone()),
        (json!("Music"), json!("live-music"))
    );
    let path = format!("/api/categories/{}", id_of(&music));
    app.patch(&path, &ann, json!({"name": "Mine"})).await.problem(403);
    app.patch(&path, &root, json!({"slug": "tech-talks"}))
        .await
        .problem(409);
    app.patch(&path, &root, json!({"slug": "NO"})).await.invalid(&["slug"]);
    app.patch(
        "/api/categories/00000000-0000-0000-0000-000000000000",
        &root,
        json!({"name": "X"}),
    )
    .await
    .problem(404);
    // 404 before 403: an unknown category is unknown to everyone.
    app.patch(
        "/api/categories/00000000-0000-0000-0000-000000000000",
        &ann,
        json!({"name": "X"}),
    )
    .await
    .problem(404);
}

both_stores!(an_event_is_filed_under_a_category_by_slug_or_id);
async fn an_event_is_filed_under_a_category_by_slug_or_id(app: TestApp) {
    let [root, ann] = app.named_users(["root", "ann"]).await;
    app.make_admin("root").await;
    let talks = app
        .post("/api/categories", &root, json!({"name": "Talks"}))
        .await
        .expect(201);
    let music = app
        .post("/api/categories", &root, json!({"name": "Music"}))
        .await
        .expect(201);

    let plain = app.event(&ann, json!({"title": "Plain"})).await;
    assert!(plain.get("category").is_none(), "no category, no field: {plain}");
    let by_slug = app.event(&ann, json!({"title": "Rust", "category": "talks"})).await;
    assert_eq!(by_slug["category"], talks);
    let by_id = app
        .event(&ann, json!({"title": "Jazz", "category": id_of(&music)}))
        .await;
    assert_eq!(by_id["category"], music);
    app.post("/api/events", &ann, merge(event_body("X"), json!({"category": "nope"})))
        .await
        .invalid(&["category"]);
    app.post("/api/events", &ann, merge(event_body("X"), json!({"category": 7})))
        .await
        .invalid(&["category"]);

    let filtered = app.get("/api/events?category=talks", Anon).await.expect(200);
    assert_eq!(column(&filtered, "/title"), ["Rust"]);
    assert_eq!(results(&filtered)[0]["category"], talks);
    let none = app.get("/api/events?category=unknown", Anon).await.expect(200);
    assert_eq!(none["count"], json!(0));

    let jazz = format!("/api/events/{}", id_of(&by_id));
    let moved = app.patch(&jazz, &ann, json!({"category": "talks"})).await.expect(200);
    assert_eq!(moved["category"], talks);
    let cleared = app.patch(&jazz, &ann, json!({"category": null})).await.expect(200);
    assert!(cleared.get("category").is_none());
    // PUT without a category keeps the event's.
    let rust = format!("/api/events/{}", id_of(&by_slug));
    let replaced = app
        .put(
            &rust,
            &ann,
            json!({"title": "Rust 2", "description": "", "location": null, "start_time": in_days(8),
                "end_time": null, "capacity": 5, "status": "open", "waitlist_enabled": false}),
        )
        .await
        .expect(200);
    assert_eq!(replaced["category"], talks);

    let log = app.get(&format!("/api/logs/{}", id_of(&by_id)), &ann).await.expect(200);
    let updates: Vec<&Value> = results(&log)
        .iter()
        .filter(|e| e["type"] == json!("event_updated"))
        .collect();
    assert_eq!(updates.len(), 2);
    assert_eq!(
        updates
            .iter()
            .filter(|e| e["metadata"]["fields"] == json!(["category"]))
            .count(),
        2
    );
    app.assert_verified().await;
}
