//! What an operator and an integrator rely on: health and readiness, metrics, the OpenAPI
//! document and its docs page, request ids, security headers, compression, CORS and the
//! request time limit.

use std::collections::BTreeSet;
use std::time::Duration;

use event_manager::config::Config;
use event_manager::startup::Application;
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

/// Every operation of `API.md`, as `(method, path)` in the document's spelling.
const CONTRACT: [(&str, &str); 47] = [
    ("POST", "/api/auth/register"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/refresh"),
    ("POST", "/api/auth/logout"),
    ("GET", "/api/users/me"),
    ("PATCH", "/api/users/me"),
    ("DELETE", "/api/users/me"),
    ("GET", "/api/users/me/events"),
    ("GET", "/api/events"),
    ("POST", "/api/events"),
    ("GET", "/api/events/upcoming"),
    ("GET", "/api/events/{id}"),
    ("PUT", "/api/events/{id}"),
    ("PATCH", "/api/events/{id}"),
    ("DELETE", "/api/events/{id}"),
    ("POST", "/api/events/{id}/join"),
    ("DELETE", "/api/events/{id}/exit"),
    ("DELETE", "/api/events/{id}/leave"),
    ("GET", "/api/events/{id}/members"),
    ("DELETE", "/api/events/{id}/members/{user_id}"),
    ("GET", "/api/events/{id}/waitlist"),
    ("GET", "/api/events/{id}/capacity"),
    ("GET", "/api/events/{id}/history"),
    ("GET", "/api/events/{id}/invitations"),
    ("POST", "/api/events/{id}/invitations"),
    ("GET", "/api/invitations"),
    ("PUT", "/api/invitations/{id}"),
    ("GET", "/api/events/{id}/feedback"),
    ("POST", "/api/events/{id}/feedback"),
    ("GET", "/api/logs"),
    ("GET", "/api/logs/{event_id}"),
    ("GET", "/api/feed"),
    ("GET", "/api/notifications"),
    ("POST", "/api/notifications/{id}/read"),
    ("POST", "/api/notifications/read-all"),
    ("GET", "/api/notifications/stream"),
    ("GET", "/api/ws"),
    ("GET", "/api/events/{id}.ics"),
    ("GET", "/api/calendar/{token}.ics"),
    ("POST", "/api/users/me/calendar-token"),
    ("DELETE", "/api/users/me/calendar-token"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/{file}"),
];

/// Operations beyond `API.md`: the briefs' categories, tickets, series and guests (README).
const BEYOND_CONTRACT: [(&str, &str); 17] = [
    ("GET", "/api/series/{id}"),
    ("PATCH", "/api/series/{id}"),
    ("DELETE", "/api/series/{id}"),
    ("GET", "/api/users/me/tickets"),
    ("GET", "/api/events/{id}/tickets/{code}"),
    ("POST", "/api/events/{id}/check-in"),
    ("GET", "/api/categories"),
    ("POST", "/api/categories"),
    ("PATCH", "/api/categories/{id}"),
    ("POST", "/api/events/{id}/guests"),
    ("DELETE", "/api/events/{id}/guests/{guest_id}"),
    ("POST", "/api/guests/confirm"),
    ("POST", "/api/guests/cancel"),
    ("GET", "/guests/confirm"),
    ("POST", "/guests/confirm"),
    ("GET", "/guests/cancel"),
    ("POST", "/guests/cancel"),
];

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The document's operations: `(METHOD, path)` → the operation object.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let paths = doc["paths"].as_object().expect("the document has paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(method.to_lowercase()) {
                found.push((method.to_owned(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

/// A concrete URL for a documented path.
fn concrete(path: &str) -> String {
    path.replace("{file}", "index.css")
        .replace("{id}", &Uuid::new_v4().to_string())
        .replace("{user_id}", &Uuid::new_v4().to_string())
        .replace("{guest_id}", &Uuid::new_v4().to_string())
        .replace("{event_id}", &Uuid::new_v4().to_string())
        .replace("{code}", &Uuid::new_v4().to_string())
        .replace("{token}", "no-such-token")
}

/// Did the router's fallbacks answer (no route for the path, or not for the method)?
fn fell_through(answer: &Resp) -> bool {
    answer.status == 405 || (answer.status == 404 && answer.body["detail"] == "no such resource")
}

/// `GET path` with one more request header.
async fn get_with(api: &Api, path: &str, (name, value): (&str, &str)) -> Resp {
    api.send(api.request(Method::GET, path, Anon).header(name, value)).await
}

pub async fn document(app: &TestApp) -> Value {
    let answer = app.get("/api/openapi.json", Anon).await;
    assert_eq!(answer.header("content-type"), Some("application/json"));
    answer.expect(200)
}

both_stores!(the_document_lists_every_route_the_router_serves_and_no_other);
async fn the_document_lists_every_route_the_router_serves_and_no_other(app: TestApp) {
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    let documented: BTreeSet<(String, String)> = operations(&doc).into_iter().map(|(m, p, _)| (m, p)).collect();
    let contract: BTreeSet<(String, String)> = CONTRACT
        .iter()
        .chain(&BEYOND_CONTRACT)
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        documented.difference(&contract).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented but not in the contract"
    );
    assert_eq!(
        contract.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "in the contract but not documented"
    );
    // Every documented operation is routed, and every other method on its path is 405.
    for path in doc["paths"].as_object().expect("paths").keys() {
        for method in METHODS {
            let url = concrete(path);
            let mut request = app.request(Method::from_bytes(method.as_bytes()).expect("a method"), &url, Anon);
            if method != "GET" && method != "DELETE" {
                request = request.json(&json!({}));
            }
            let answer = app.send(request).await;
            if documented.contains(&(method.to_owned(), path.clone())) {
                assert!(
                    !fell_through(&answer),
                    "{method} {path} is documented but not routed: {answer:?}"
                );
            } else {
                assert_eq!(
                    answer.status, 405,
                    "{method} {path} is not documented but answered {answer:?}"
                );
            }
        }
    }
}

both_stores!(the_document_describes_errors_auth_and_idempotency);
async fn the_document_describes_errors_auth_and_idempotency(app: TestApp) {
    let doc = document(&app).await;
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(doc["components"]["schemas"]["Problem"]["properties"]["detail"].is_object());
    let operations = operations(&doc);
    let ids: BTreeSet<&str> = operations
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().expect("an operationId"))
        .collect();
    assert_eq!(ids.len(), operations.len(), "operationIds are unique");
    for (method, path, operation) in &operations {
        let responses = operation["responses"].as_object().expect("responses");
        // The pages a guest's email links to answer pages, for people.
        let media = if path.starts_with("/guests/") {
            "text/html"
        } else {
            "application/problem+json"
        };
        for (status, response) in responses.iter().filter(|(s, _)| s.starts_with(['4', '5'])) {
            assert!(
                response["content"][media].is_object(),
                "{method} {path} {status}: {media}"
            );
            if media == "application/problem+json" {
                assert_eq!(
                    response["content"][media]["schema"]["$ref"], "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
            }
        }
        let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
        assert!(
            !secured || responses.contains_key("401"),
            "{method} {path}: secured, so 401"
        );
        if path.starts_with("/api/") && path != "/api/docs" && path != "/api/openapi.json" {
            assert!(responses.contains_key("503"), "{method} {path} may be unavailable");
        }
        let takes_key = operation["parameters"].as_array().is_some_and(|params| {
            params
                .iter()
                .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
        });
        // Answers that hold credentials are never kept, so their keys are not documented.
        let holds_credentials = path == "/api/users/me/calendar-token";
        // Of the anonymous POSTs, registrations and the guests' links keep keys.
        let anonymous_keys = [
            "/api/auth/register",
            "/api/events/{id}/guests",
            "/api/guests/confirm",
            "/api/guests/cancel",
        ]
        .contains(&path.as_str());
        assert_eq!(
            takes_key,
            method == "POST" && !holds_credentials && (secured || anonymous_keys),
            "{method} {path}: Idempotency-Key"
        );
    }
    let create = &doc["paths"]["/api/events"]["post"];
    assert!(create["responses"]["429"]["headers"]["Retry-After"].is_object());
    assert!(create["responses"]["201"]["headers"]["Idempotent-Replayed"].is_object());
    assert!(doc["info"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("unknown fields are ignored")));
}

both_stores!(health_readiness_and_metrics_answer);
async fn health_readiness_and_metrics_answer(app: TestApp) {
    app.get("/healthz", Anon).await.expect(200);
    let ready = app.get("/readyz", Anon).await.expect(200);
    assert_eq!(ready["status"], "ready");
    let names: Vec<&str> = ready["projections"]
        .as_array()
        .expect("projections")
        .iter()
        .map(|p| p["projection"].as_str().expect("a name"))
        .collect();
    assert!(names.contains(&"events") && names.contains(&"members"), "{names:?}");

    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({"capacity": 1})).await;
    app.join(&id, &alice).await.expect(201);
    app.join(&id, &alice).await.problem(409);

    let answer = app.get("/metrics", Anon).await;
    assert!(answer
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/plain")));
    let text = answer.expect(200);
    let text = text.as_str().expect("Prometheus text");
    let has = |line_start: &str, parts: &[&str]| {
        text.lines()
            .any(|line| line.starts_with(line_start) && parts.iter().all(|part| line.contains(part)))
    };
    assert!(
        has(
            "http_requests_total{",
            &[r#"route="/api/events/{id}/join""#, r#"status="201""#]
        ),
        "{text}"
    );
    assert!(has("http_requests_total{", &[r#"status="409""#]), "{text}");
    assert!(has("http_request_duration_seconds_bucket{", &["le="]), "{text}");
    assert!(
        has("commands_total{", &[r#"aggregate="Event""#, r#"outcome="ok""#]),
        "{text}"
    );
    assert!(has("commands_total{", &[r#"outcome="rejected""#]), "{text}");
    assert!(has("events_appended_total", &[]), "{text}");
    assert!(has("projection_lag_events{", &[r#"projection="events""#]), "{text}");
    assert!(has("projection_lag_seconds{", &[r#"projection="members""#]), "{text}");
}

both_stores!(the_docs_page_is_served_from_the_binary);
async fn the_docs_page_is_served_from_the_binary(app: TestApp) {
    for path in ["/api/docs", "/api/docs/"] {
        let page = app.get(path, Anon).await;
        assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")));
        assert!(page
            .header("content-security-policy")
            .is_some_and(|c| c.contains("script-src 'self'")));
        let html = page.expect(200);
        let html = html.as_str().expect("HTML");
        assert!(
            html.contains(r#"<base href="/api/docs/">"#) && html.contains("swagger-ui-bundle.js"),
            "{html}"
        );
    }
    let script = app.get("/api/docs/swagger-initializer.js", Anon).await.expect(200);
    assert!(
        script.as_str().is_some_and(|s| s.contains("/api/openapi.json")),
        "{script}"
    );
    let bundle = app.get("/api/docs/swagger-ui-bundle.js", Anon).await;
    assert!(bundle.header("content-type").is_some_and(|c| c.contains("javascript")));
    bundle.expect(200);
    app.get("/api/docs/nothing-here.js", Anon).await.problem(404);
}

both_stores!(responses_carry_a_request_id_security_headers_and_compression);
async fn responses_carry_a_request_id_security_headers_and_compression(app: TestApp) {
    let generated = app.get("/api/events", Anon).await;
    assert!(generated
        .header("x-request-id")
        .is_some_and(|id| Uuid::parse_str(id).is_ok()));
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
    ] {
        assert_eq!(generated.header(name), Some(value), "{name}");
    }
    let given = get_with(&app, "/api/nowhere", ("x-request-id", "trace-me-42")).await;
    assert_eq!(given.header("x-request-id"), Some("trace-me-42"));
    assert_eq!(given.header("x-frame-options"), Some("DENY"));
    given.problem(404);
    // Before, any id came back and went into the logs whole (10,000 characters seen).
    for foreign in ["x".repeat(129), "two words".to_owned(), "<b>id</b>".to_owned()] {
        let answer = get_with(&app, "/api/events", ("x-request-id", foreign.as_str())).await;
        let id = answer.header("x-request-id").expect("an id");
        assert!(Uuid::parse_str(id).is_ok(), "{foreign:?} came back as {id:?}");
    }
    let longest = "y".repeat(128);
    let kept = get_with(&app, "/api/events", ("x-request-id", longest.as_str())).await;
    assert_eq!(kept.header("x-request-id"), Some(longest.as_str()));
    let gzipped = get_with(&app, "/api/openapi.json", ("accept-encoding", "gzip")).await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    let foreign = get_with(&app, "/api/events", ("origin", "https://elsewhere.example")).await;
    assert_eq!(
        foreign.header("access-control-allow-origin"),
        None,
        "no CORS unless configured"
    );
}

/// CORS for the configured origins only, and a request over the time limit is 503 (on a
/// service of this test's own: the harness starts services with the defaults).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_follows_configuration_and_slow_requests_are_503() {
    let dir = std::env::temp_dir().join(format!("em-test-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a test directory");
    let mut config = Config::for_database(format!("sqlite:{}", dir.join("db.sqlite").display()));
    config.bind = "127.0.0.1:0".parse().expect("an address");
    config.cors_origins = vec!["https://app.example".to_owned()];
    // Registering hashes a password on the blocking pool: far longer than a millisecond.
    config.request_timeout = Duration::from_millis(1);
    let application = Application::build(config).await.expect("the service starts");
    let api = Api {
        address: format!("http://127.0.0.1:{}", application.port()),
        client: reqwest::Client::builder().no_proxy().build().expect("a client"),
    };
    let server = tokio::spawn(application.run_until_stopped());

    let preflight = api
        .request(Method::OPTIONS, "/api/events", Anon)
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, idempotency-key");
    let preflight = api.send(preflight).await;
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert!(preflight
        .header("access-control-allow-headers")
        .is_some_and(|h| h.contains("idempotency-key")));
    let other = get_with(&api, "/healthz", ("origin", "https://elsewhere.example")).await;
    assert_eq!(other.header("access-control-allow-origin"), None);

    let slow = api
        .send(api.request(Method::POST, "/api/auth/register", Anon).json(&json!({
            "username": "slowpoke", "email": "slow@example.com", "password": PASSWORD,
        })))
        .await;
    assert!(slow.header("retry-after").is_some());
    slow.problem(503);

    server.abort();
    let _ = std::fs::remove_dir_all(dir);
}

both_stores!(answers_keep_the_documented_order_of_errors);
async fn answers_keep_the_documented_order_of_errors(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({})).await;
    let join = format!("/api/events/{id}/join");
    let anonymous = app.request(Method::POST, &join, Anon).header("idempotency-key", "");
    app.send(anonymous).await.problem(401);
    let signed_in = app.request(Method::POST, &join, &alice).header("idempotency-key", "");
    app.send(signed_in).await.problem(400);
    app.get("/api/events/upcoming?upcoming=maybe", Anon)
        .await
        .invalid(&["upcoming"]);
}

/// A documented limit, read from the document: `schema.property`'s `key`.
fn limit(doc: &Value, schema: &str, property: &str, key: &str) -> usize {
    let value = &doc["components"]["schemas"][schema]["properties"][property][key];
    value
        .as_u64()
        .unwrap_or_else(|| panic!("{schema}.{property} documents no {key}: {value}")) as usize
}

both_stores!(the_documented_limits_are_the_ones_the_server_checks);
async fn the_documented_limits_are_the_ones_the_server_checks(app: TestApp) {
    let doc = document(&app).await;
    let alice = app.user("alice").await;
    let event = |overrides: Value| merge(event_body("Limits"), overrides);

    let title = limit(&doc, "EventFields", "title", "maxLength");
    app.post("/api/events", &alice, event(json!({"title": "t".repeat(title)})))
        .await
        .expect(201);
    app.post("/api/events", &alice, event(json!({"title": "t".repeat(title + 1)})))
        .await
        .invalid(&["title"]);
    let description = limit(&doc, "EventChanges", "description", "maxLength");
    let id = app.event_id(&alice, json!({})).await;
    let path = format!("/api/events/{id}");
    app.patch(&path, &alice, json!({"description": "d".repeat(description)}))
        .await
        .expect(200);
    app.patch(&path, &alice, json!({"description": "d".repeat(description + 1)}))
        .await
        .invalid(&["description"]);
    let capacity = limit(&doc, "EventReplacement", "capacity", "maximum");
    app.patch(&path, &alice, json!({"capacity": capacity}))
        .await
        .expect(200);
    app.patch(&path, &alice, json!({"capacity": capacity + 1}))
        .await
        .invalid(&["capacity"]);

    let username = limit(&doc, "Register", "username", "maxLength");
    let register = |name: String| json!({"username": name, "email": "l@example.com", "password": PASSWORD});
    app.post("/api/auth/register", Anon, register("u".repeat(username + 1)))
        .await
        .invalid(&["username"]);
    app.post("/api/auth/register", Anon, register("u".repeat(username)))
        .await
        .expect(201);

    let page_size = doc["paths"]["/api/events"]["get"]["parameters"]
        .as_array()
        .and_then(|parameters| parameters.iter().find(|p| p["name"] == "page_size"))
        .and_then(|p| p["schema"]["maximum"].as_u64())
        .expect("page_size documents its maximum");
    app.get(&format!("/api/events?page_size={page_size}"), Anon)
        .await
        .expect(200);
    app.get(&format!("/api/events?page_size={}", page_size + 1), Anon)
        .await
        .invalid(&["page_size"]);
}
