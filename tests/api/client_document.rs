//! What a client generated from the OpenAPI document needs from it (`.ci/client` generates
//! one with openapi-python-client and walks through it): each case here is a place where
//! the generated client could not express the API before the document was fixed.

use serde_json::Value;

use crate::helpers::{Backend, TestApp};
use crate::operations::document;

/// Follows a `$ref` to its component.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .expect("a schema reference");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn is_null(schema: &Value) -> bool {
    schema["type"] == "null"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_optional_body_may_be_left_out_rather_than_sent_as_null() {
    let doc = document(&TestApp::spawn(Backend::Sqlite).await).await;
    let mut optional = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("an item") {
            let Some(body) = operation.get("requestBody") else {
                continue;
            };
            if body["required"] == true {
                continue;
            }
            optional += 1;
            let schema = &body["content"]["application/json"]["schema"];
            let nullable = schema["oneOf"]
                .as_array()
                .is_some_and(|alternatives| alternatives.iter().any(is_null));
            assert!(
                !nullable,
                "{method} {path}: an optional body described as nullable: {schema}"
            );
        }
    }
    assert!(optional >= 1, "the join's body is optional");
}

/// Every closed set of strings the API answers or accepts is an `enum`, not a bare string.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_sets_of_strings_are_enums() {
    let doc = document(&TestApp::spawn(Backend::Sqlite).await).await;
    let sets: [(&str, &str, &[&str]); 13] = [
        ("EventBody", "status", &["open", "closed"]),
        ("EventFields", "status", &["open", "closed"]),
        ("EventChanges", "status", &["open", "closed"]),
        ("EventReplacement", "status", &["open", "closed"]),
        ("SeriesChanges", "status", &["open", "closed"]),
        ("Joined", "status", &["member", "waitlisted"]),
        ("MembershipBody", "status", &["member", "waitlisted"]),
        ("InvitationBody", "status", &["pending", "accepted", "declined"]),
        ("Answer", "status", &["accepted", "declined"]),
        ("TicketBody", "status", &["valid", "checked_in", "void"]),
        ("UserBody", "role", &["attendee", "organizer"]),
        ("Register", "role", &["attendee", "organizer"]),
        ("TokensBody", "token_type", &["Bearer"]),
    ];
    let mut missing = Vec::new();
    for (schema, property, values) in sets {
        let field = resolve(&doc, &doc["components"]["schemas"][schema]["properties"][property]);
        if field["enum"] != serde_json::json!(values) {
            missing.push(format!("{schema}.{property}: {field}"));
        }
    }
    assert!(missing.is_empty(), "not enums:\n{}", missing.join("\n"));
}

/// A page's items are the item's own schema, not an inlined copy (which a generated client
/// turns into a second type per list).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_refers_to_its_items_schema() {
    let doc = document(&TestApp::spawn(Backend::Sqlite).await).await;
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let pages: Vec<(&String, &Value)> = schemas
        .iter()
        .filter(|(name, _)| name.starts_with("PageBody_"))
        .collect();
    assert!(pages.len() >= 10, "{} pages", pages.len());
    for (name, page) in pages {
        let item = &name["PageBody_".len()..];
        assert_eq!(
            page["properties"]["results"]["items"]["$ref"],
            format!("#/components/schemas/{item}"),
            "{name}"
        );
    }
}

/// The `type` filter of both log endpoints, and the `type` of a log entry, are documented as
/// the set of types the server accepts and answers: every one of them is accepted, and the
/// types of the briefs' features (`ticket_checked_in`, `series_created`) are among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_types_documented_are_the_ones_the_server_accepts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.user("alice").await;
    let doc = document(&app).await;
    let entry = resolve(&doc, &doc["components"]["schemas"]["LogBody"]["properties"]["type"]);
    let answered: Vec<&str> = entry["enum"]
        .as_array()
        .expect("a log entry's type is an enum")
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect();
    for path in ["/api/logs", "/api/logs/{event_id}"] {
        let parameters = doc["paths"][path]["get"]["parameters"].as_array().expect("parameters");
        let filter = parameters.iter().find(|p| p["name"] == "type").expect("a type filter");
        let schema = resolve(&doc, &filter["schema"]);
        let values: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: the type filter is an enum: {schema}"))
            .iter()
            .map(|v| v.as_str().expect("a string"))
            .collect();
        assert_eq!(values, answered, "{path}: the filter's set is the entries' set");
    }
    for kind in ["ticket_checked_in", "series_created", "reminder_sent"] {
        assert!(answered.contains(&kind), "{kind} is documented");
    }
    for kind in &answered {
        app.get(&format!("/api/logs?type={kind}"), &alice).await.expect(200);
    }
}
