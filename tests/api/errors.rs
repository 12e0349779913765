//! What clients get wrong: malformed bodies, wrong types, unknown paths and methods.
//! Every error is `application/problem+json` with `status` and `detail`; never a 500.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

/// A request with a raw body and content type.
async fn raw(app: &Api, method: Method, path: &str, auth: impl Auth, content_type: Option<&str>, body: &str) -> Resp {
    let mut builder = app.request(method, path, auth).body(body.to_owned());
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    app.send(builder).await
}

/// A request with a raw body labelled `application/json` (whether it is JSON or not).
async fn raw_json(app: &Api, method: Method, path: &str, auth: impl Auth, body: &str) -> Resp {
    raw(app, method, path, auth, Some("application/json"), body).await
}

both_stores!(malformed_json_is_400_problem_json);
async fn malformed_json_is_400_problem_json(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({})).await;
    for body in [
        "{not json",
        r#"{"title": "x",}"#,
        "",
        r#"{"title": "unterminated"#,
        "\u{0}",
    ] {
        for (method, path) in [
            (Method::POST, "/api/events".to_owned()),
            (Method::PATCH, format!("/api/events/{id}")),
            (Method::PUT, format!("/api/events/{id}")),
        ] {
            let answer = raw_json(&app, method.clone(), &path, &alice, body).await;
            assert_eq!(answer.status, 400, "{method} {path} with {body:?}: {}", answer.body);
            let problem = answer.problem(400);
            assert_eq!(problem["title"], json!("Bad Request"), "{problem}");
            assert!(problem["type"].is_string(), "{problem}");
        }
    }
    raw_json(&app, Method::POST, "/api/auth/register", Anon, "{")
        .await
        .problem(400);
    raw_json(&app, Method::POST, "/api/auth/login", Anon, "[")
        .await
        .problem(400);
}

both_stores!(a_body_that_is_not_json_is_415);
async fn a_body_that_is_not_json_is_415(app: TestApp) {
    let alice = app.user("alice").await;
    let body = event_body("Typed").to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/xml"),
        None,
    ] {
        let answer = raw(&app, Method::POST, "/api/events", &alice, content_type, &body).await;
        assert_eq!(answer.status, 415, "content type {content_type:?}: {}", answer.body);
        answer.problem(415);
    }
    let login = json!({"username": "alice", "password": PASSWORD}).to_string();
    raw(&app, Method::POST, "/api/auth/login", Anon, Some("text/plain"), &login)
        .await
        .problem(415);
    // Parameters on the JSON media type are fine.
    raw(
        &app,
        Method::POST,
        "/api/events",
        &alice,
        Some("application/json; charset=utf-8"),
        &body,
    )
    .await
    .expect(201);
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(1));
}

both_stores!(a_body_over_64_kib_is_413);
async fn a_body_over_64_kib_is_413(app: TestApp) {
    let alice = app.user("alice").await;
    let big = merge(event_body("Big"), json!({"description": "x".repeat(65 * 1024)})).to_string();
    assert!(big.len() > 64 * 1024);
    raw_json(&app, Method::POST, "/api/events", &alice, &big)
        .await
        .problem(413);
    let register =
        json!({"username": "big", "email": "big@example.com", "password": "p".repeat(65 * 1024)}).to_string();
    raw_json(&app, Method::POST, "/api/auth/register", Anon, &register)
        .await
        .problem(413);

    // Just under the limit is read (and refused for what it says, not for its size).
    let under = merge(event_body("Under"), json!({"description": "x".repeat(60 * 1024)})).to_string();
    raw_json(&app, Method::POST, "/api/events", &alice, &under)
        .await
        .invalid(&["description"]);
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(0));
}

both_stores!(wrong_types_are_400_naming_the_field);
async fn wrong_types_are_400_naming_the_field(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({})).await;
    for (field, value) in [
        ("title", json!(5)),
        ("title", json!(["a"])),
        ("description", json!({"a": 1})),
        ("capacity", json!("ten")),
        ("capacity", json!(true)),
        ("capacity", json!(null)),
        ("waitlist_enabled", json!("yes")),
        ("start_time", json!(12345)),
        ("end_time", json!("not a time")),
        ("location", json!(7)),
        ("status", json!(1)),
    ] {
        let body = merge(event_body("Typed"), json!({ field: value }));
        let answer = app.post("/api/events", &alice, body).await;
        assert_eq!(answer.status, 400, "{field}: {value} should be 400: {}", answer.body);
        answer.invalid(&[field]);
        if field != "capacity" || !value.is_null() {
            app.patch(&format!("/api/events/{id}"), &alice, json!({ field: value }))
                .await
                .invalid(&[field]);
        }
    }
    for body in [json!([]), json!("event"), json!(null), json!(42)] {
        app.post("/api/events", &alice, body.clone()).await.problem(400);
        app.patch(&format!("/api/events/{id}"), &alice, body.clone())
            .await
            .problem(400);
        app.register_with(body).await.problem(400);
    }
    app.register_with(json!({"username": 123, "email": "n@example.com", "password": PASSWORD}))
        .await
        .invalid(&["username"]);
    app.post(
        "/api/auth/login",
        Anon,
        json!({"username": ["alice"], "password": PASSWORD}),
    )
    .await
    .problem(400);
    assert_eq!(app.event_of(&id, Anon).await["version"], json!(1), "nothing changed");
}

both_stores!(huge_numbers_are_400);
async fn huge_numbers_are_400(app: TestApp) {
    let alice = app.user("alice").await;
    let start = in_days(7);
    for capacity in [
        "1e30",
        "18446744073709551616",
        "99999999999999999999999999999",
        "-9223372036854775809",
        "4294967297",
    ] {
        let body = format!(r#"{{"title": "Huge", "start_time": "{start}", "capacity": {capacity}}}"#);
        let answer = raw_json(&app, Method::POST, "/api/events", &alice, &body).await;
        assert_eq!(answer.status, 400, "capacity {capacity}: {}", answer.body);
        answer.invalid(&["capacity"]);
    }
    for query in [
        "page_size=99999999999999999999",
        "page=-99999999999999999999",
        "page_size=-1",
    ] {
        app.get(&format!("/api/events?{query}"), Anon).await.problem(400);
    }
    // A page far past the end is either refused or empty, never an error of ours.
    let far = app.get("/api/events?page=99999999999999999999", Anon).await;
    assert!(
        far.status == 400 || (far.status == 200 && results(&far.body).is_empty()),
        "a huge page number: {} {}",
        far.status,
        far.body
    );
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(0));
}

both_stores!(unknown_paths_are_404_problem_json);
async fn unknown_paths_are_404_problem_json(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({})).await;
    for path in [
        "/api/nope".to_owned(),
        "/nope".to_owned(),
        "/api".to_owned(),
        format!("/api/events/{id}/nope"),
        format!("/api/events/{id}/members/{}/extra", alice.id),
        "/api/users/someone-else".to_owned(),
    ] {
        let answer = app.get(&path, &alice).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        answer.problem(404);
    }
}

both_stores!(wrong_methods_are_405);
async fn wrong_methods_are_405(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({})).await;
    for (method, path) in [
        (Method::DELETE, "/api/events".to_owned()),
        (Method::PUT, "/api/events".to_owned()),
        (Method::PUT, "/api/auth/login".to_owned()),
        (Method::GET, "/api/auth/register".to_owned()),
        (Method::POST, format!("/api/events/{id}")),
        (Method::GET, format!("/api/events/{id}/join")),
        (Method::POST, format!("/api/events/{id}/exit")),
        (Method::PATCH, format!("/api/events/{id}/capacity")),
        (Method::POST, "/api/users/me".to_owned()),
        (Method::DELETE, "/api/logs".to_owned()),
    ] {
        let answer = app.call(method.clone(), &path, &alice, None).await;
        assert_eq!(answer.status, 405, "{method} {path}: {}", answer.body);
        assert!(
            answer.header("allow").is_some(),
            "{method} {path}: a 405 names the allowed methods"
        );
        answer.problem(405);
    }
}

/// Sends every request and answers those that got a server error.
async fn server_errors(app: &Api, requests: Vec<(String, reqwest::RequestBuilder)>) -> Vec<String> {
    let mut failures = Vec::new();
    for (what, builder) in requests {
        let answer = app.send_unchecked(builder).await;
        if answer.status >= 500 {
            failures.push(format!("{what} -> {} {}", answer.status, answer.body));
        }
    }
    failures
}

both_stores!(nothing_a_client_sends_causes_a_server_error);
async fn nothing_a_client_sends_causes_a_server_error(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({"waitlist_enabled": true})).await;
    let long = "x".repeat(3000);
    let mut requests = Vec::new();
    for path in [
        "/api/events/%00".to_owned(),
        "/api/events/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/api/events/%E2%9C%93".to_owned(),
        format!("/api/events/{long}"),
        "/api/events?title=%ZZ".to_owned(),
        "/api/events?ordering=drop%20table".to_owned(),
        "/api/events?title=%27%20OR%201=1--".to_owned(),
        "/api/events?creator=%27".to_owned(),
        "/api/events?start_after=".to_owned(),
        "/api/events?page=&page_size=".to_owned(),
        format!("/api/events?title={long}"),
        "/api/logs?event_id=not-a-uuid".to_owned(),
        "/api/logs?type=nonsense".to_owned(),
        format!("/api/events/{id}/members?page=0"),
        format!("/api/events/{id}/members/%00"),
    ] {
        requests.push((format!("GET {path} (anonymous)"), app.request(Method::GET, &path, Anon)));
        requests.push((format!("GET {path}"), app.request(Method::GET, &path, &alice)));
    }
    let bodies = [
        json!({"title": "🎉".repeat(200), "start_time": in_days(7), "capacity": 1}),
        json!({"title": "a", "start_time": "9999-12-31T23:59:59Z", "capacity": 1}),
        json!({"title": "a", "start_time": "0000-01-01T00:00:00Z", "capacity": 1}),
        json!({"title": "a", "start_time": in_days(7), "end_time": "+275760-09-13T00:00:00Z", "capacity": 1}),
        json!({"title": {"nested": {"deeply": [1, 2, 3]}}}),
        json!({"username": "x", "password": null}),
    ];
    for body in &bodies {
        for (method, path) in [
            (Method::POST, "/api/events".to_owned()),
            (Method::PATCH, format!("/api/events/{id}")),
            (Method::POST, "/api/auth/register".to_owned()),
            (Method::PATCH, "/api/users/me".to_owned()),
        ] {
            requests.push((
                format!("{method} {path} {body}"),
                app.request(method.clone(), &path, &alice).json(body),
            ));
        }
    }
    for value in ["garbage", "*", "\"\"", "W/\"1\"", "\"1\", \"2\""] {
        let builder = app
            .request(Method::PATCH, &format!("/api/events/{id}"), &alice)
            .header("if-match", value)
            .json(&json!({"description": value}));
        requests.push((format!("If-Match: {value}"), builder));
    }
    for value in [
        &b"Bearer"[..],
        b"Bearer ",
        b"bearer x.y.z",
        b"Bearer a.b",
        b"Bearer \xfc\xff",
    ] {
        let header = reqwest::header::HeaderValue::from_bytes(value).expect("obs-text is a valid header value");
        let builder = app
            .request(Method::GET, "/api/users/me", Anon)
            .header("authorization", header);
        requests.push((format!("Authorization: {}", String::from_utf8_lossy(value)), builder));
    }
    let failures = server_errors(&app, requests).await;
    assert!(failures.is_empty(), "server errors:\n{}", failures.join("\n"));
    assert_eq!(app.event_of(&id, Anon).await["id"], json!(id));
}

both_stores!(nul_characters_in_any_field_never_cause_a_server_error);
async fn nul_characters_in_any_field_never_cause_a_server_error(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({})).await;
    let nul = "a\u{0}b";
    let nul_email = "a\u{0}b@example.com";
    let with_nul = |field: &str| if field == "email" { nul_email } else { nul };
    let mut requests = Vec::new();
    for field in ["username", "email", "password", "first_name", "last_name"] {
        let body = merge(
            json!({"username": "nul", "email": "nul@example.com", "password": PASSWORD}),
            json!({ field: with_nul(field) }),
        );
        requests.push((
            format!("register with a NUL in {field}"),
            app.request(Method::POST, "/api/auth/register", Anon).json(&body),
        ));
    }
    for field in ["username", "password"] {
        let body = merge(
            json!({"username": "alice", "password": PASSWORD}),
            json!({ field: nul }),
        );
        requests.push((
            format!("login with a NUL in {field}"),
            app.request(Method::POST, "/api/auth/login", Anon).json(&body),
        ));
    }
    for field in ["email", "first_name", "last_name"] {
        let body = json!({ field: with_nul(field) });
        requests.push((
            format!("PATCH /api/users/me with a NUL in {field}"),
            app.request(Method::PATCH, "/api/users/me", &alice).json(&body),
        ));
    }
    for field in ["title", "description", "location"] {
        let body = merge(event_body("Nul"), json!({ field: nul }));
        requests.push((
            format!("create an event with a NUL in {field}"),
            app.request(Method::POST, "/api/events", &alice).json(&body),
        ));
        requests.push((
            format!("PATCH an event with a NUL in {field}"),
            app.request(Method::PATCH, &format!("/api/events/{id}"), &alice)
                .json(&json!({ field: nul })),
        ));
    }
    for filter in ["title", "location", "creator", "status", "ordering", "start_after"] {
        let path = format!("/api/events?{filter}=a%00b");
        requests.push((format!("GET {path}"), app.request(Method::GET, &path, Anon)));
    }
    requests.push((
        "refresh with a NUL".to_owned(),
        app.request(Method::POST, "/api/auth/refresh", Anon)
            .json(&json!({"refresh": nul})),
    ));
    requests.push((
        "GET /api/logs?type=a%00b".to_owned(),
        app.request(Method::GET, "/api/logs?type=a%00b", &alice),
    ));
    let failures = server_errors(&app, requests).await;
    assert!(
        failures.is_empty(),
        "{} server errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

both_stores!(every_error_is_problem_json_with_status_and_detail);
async fn every_error_is_problem_json_with_status_and_detail(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let id = app.event_id(&alice, json!({"capacity": 1})).await;
    let unauthorized = app.get("/api/users/me", Anon).await.problem(401);
    assert_eq!(unauthorized["title"], json!("Unauthorized"));
    let forbidden = app.get(&format!("/api/events/{id}/members"), &bob).await.problem(403);
    assert_eq!(forbidden["title"], json!("Forbidden"));
    let missing = app
        .get(&format!("/api/events/{}", uuid::Uuid::new_v4()), Anon)
        .await
        .problem(404);
    assert_eq!(missing["title"], json!("Not Found"));
    app.join(&id, &bob).await.expect(201);
    let conflict = app.join(&id, &alice).await.problem(409);
    assert_eq!(
        conflict,
        json!({"type": "about:blank", "title": "Conflict", "status": 409, "detail": "event is full"})
    );
    let invalid = app
        .post("/api/events", &alice, json!({"title": ""}))
        .await
        .invalid(&["title"]);
    assert_eq!(invalid["title"], json!("Bad Request"));
}

both_stores!(an_encoded_body_is_415_and_creates_nothing);
async fn an_encoded_body_is_415_and_creates_nothing(app: TestApp) {
    let alice = app.user("alice").await;
    // Before, the encoding was ignored: plain JSON labelled gzip created an event, and a
    // real gzip body was "malformed JSON".
    for coding in ["gzip", "br", "deflate"] {
        let labelled = app
            .request(Method::POST, "/api/events", &alice)
            .header("content-type", "application/json")
            .header("content-encoding", coding)
            .body(event_body("Encoded").to_string());
        app.send(labelled).await.problem(415);
    }
    let plain = app
        .request(Method::POST, "/api/events", &alice)
        .header("content-type", "application/json")
        .header("content-encoding", "identity")
        .body(event_body("Plain").to_string());
    app.send(plain).await.expect(201);
    assert_eq!(app.get("/api/events", Anon).await.expect(200)["count"], json!(1));
}
