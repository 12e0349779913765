//! Who may do what: every endpoint, as anonymous, as an outsider, as a member and as the
//! creator. Rows run in order (some change state), and every mismatch is reported at once.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Outsider,
    Member,
    Creator,
}

use Who::*;

struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    expect: Vec<(Who, u16)>,
}

fn row(method: &Method, path: impl Into<String>, body: Option<Value>, expect: &[(Who, u16)]) -> Row {
    Row {
        method: method.clone(),
        path: path.into(),
        body,
        expect: expect.to_vec(),
    }
}

fn get(path: impl Into<String>, expect: &[(Who, u16)]) -> Row {
    row(&Method::GET, path, None, expect)
}

/// Anybody may.
const EVERYONE: &[(Who, u16)] = &[(Anonymous, 200), (Outsider, 200), (Member, 200), (Creator, 200)];
/// Anybody signed in may.
const SIGNED_IN: &[(Who, u16)] = &[(Anonymous, 401), (Outsider, 200), (Member, 200), (Creator, 200)];
/// Only the event's creator may.
const CREATOR_ONLY: &[(Who, u16)] = &[(Anonymous, 401), (Outsider, 403), (Member, 403), (Creator, 200)];
/// Only the event's creator may delete it (or remove a member), once: the second time it is gone.
const CREATOR_DELETES_ONCE: &[(Who, u16)] = &[
    (Anonymous, 401),
    (Outsider, 403),
    (Member, 403),
    (Creator, 204),
    (Creator, 404),
];
/// An unknown event behind authentication: 401 first, then 404.
const UNKNOWN_EVENT: &[(Who, u16)] = &[(Anonymous, 401), (Outsider, 404)];

both_stores!(each_endpoint_answers_each_kind_of_caller_as_the_contract_says);
async fn each_endpoint_answers_each_kind_of_caller_as_the_contract_says(app: TestApp) {
    let [creator, member, outsider] = app.named_users(["alice", "bob", "carol"]).await;
    let e = app
        .event_joined_by(&creator, json!({"capacity": 5, "waitlist_enabled": true}), [&member])
        .await;
    let unknown = uuid::Uuid::new_v4();
    let full = json!({
        "title": "Replaced", "description": "", "location": null, "start_time": in_days(9), "end_time": null,
        "capacity": 5, "status": "open", "waitlist_enabled": true,
    });
    let (patch, put, post, delete) = (&Method::PATCH, &Method::PUT, &Method::POST, &Method::DELETE);

    // One row a line: method, path, body, then who gets what, in order.
    #[rustfmt::skip]
    let rows = vec![
        get("/api/events", EVERYONE),
        get("/api/events/upcoming", &[(Anonymous, 200), (Outsider, 200), (Creator, 200)]),
        get(format!("/api/events/{e}"), EVERYONE),
        get(format!("/api/events/{e}/capacity"), &[(Anonymous, 200), (Outsider, 200), (Creator, 200)]),
        get(format!("/api/events/{e}/members"), CREATOR_ONLY),
        get(format!("/api/events/{e}/waitlist"), CREATOR_ONLY),
        get(format!("/api/events/{e}/history"), CREATOR_ONLY),
        get(format!("/api/logs/{e}"), CREATOR_ONLY),
        get("/api/logs", SIGNED_IN),
        get("/api/users/me", SIGNED_IN),
        get("/api/users/me/events", SIGNED_IN),
        // Beyond the contract (README): categories, tickets, series.
        get("/api/categories", EVERYONE),
        row(post, "/api/categories", Some(json!({"name": "Talks"})),
            &[(Anonymous, 401), (Outsider, 403), (Member, 403), (Creator, 403)]),
        get("/api/users/me/tickets", SIGNED_IN),
        get(format!("/api/events/{e}/tickets/{unknown}"), &[(Anonymous, 401), (Outsider, 403), (Member, 403), (Creator, 404)]),
        row(post, format!("/api/events/{e}/check-in"), Some(json!({"code": unknown})),
            &[(Anonymous, 401), (Outsider, 403), (Member, 403), (Creator, 404)]),
        get(format!("/api/series/{unknown}"), &[(Anonymous, 404), (Outsider, 404)]),
        row(patch, format!("/api/series/{unknown}"), Some(json!({"title": "x"})), UNKNOWN_EVENT),
        row(delete, format!("/api/series/{unknown}"), None, UNKNOWN_EVENT),
        get(format!("/api/events/{e}/invitations"), CREATOR_ONLY),
        row(post, format!("/api/events/{e}/invitations"), Some(json!({"username": "carol"})),
            &[(Anonymous, 401), (Outsider, 403), (Member, 403), (Creator, 201), (Creator, 409)]),
        get("/api/invitations", SIGNED_IN),
        row(put, format!("/api/invitations/{unknown}"), Some(json!({"status": "accepted"})),
            &[(Anonymous, 401), (Outsider, 404)]),
        get(format!("/api/events/{e}/feedback"), EVERYONE),
        // Before the start: members wait (409), everyone else may not (403, checked first).
        row(post, format!("/api/events/{e}/feedback"), Some(json!({"rating": 5})),
            &[(Anonymous, 401), (Outsider, 403), (Creator, 403), (Member, 409)]),
        row(patch, format!("/api/events/{e}"), Some(json!({"description": "patched"})), CREATOR_ONLY),
        row(put, format!("/api/events/{e}"), Some(full.clone()), CREATOR_ONLY),
        row(post, format!("/api/events/{e}/join"), None,
            &[(Anonymous, 401), (Member, 409), (Outsider, 201), (Outsider, 409)]),
        row(delete, format!("/api/events/{e}/exit"), None,
            &[(Anonymous, 401), (Creator, 409), (Outsider, 204), (Outsider, 409)]),
        row(delete, format!("/api/events/{e}/members/{}", member.id), None, CREATOR_DELETES_ONCE),
        // Unknown events: 401 first, then 404 before 403.
        get(format!("/api/events/{unknown}"), &[(Anonymous, 404), (Outsider, 404), (Creator, 404)]),
        get(format!("/api/events/{unknown}/capacity"), &[(Anonymous, 404), (Outsider, 404)]),
        get(format!("/api/events/{unknown}/members"), &[(Anonymous, 401), (Outsider, 404), (Creator, 404)]),
        get(format!("/api/events/{unknown}/waitlist"), UNKNOWN_EVENT),
        get(format!("/api/events/{unknown}/history"), UNKNOWN_EVENT),
        get(format!("/api/logs/{unknown}"), &[(Anonymous, 401), (Outsider, 404), (Creator, 404)]),
        row(patch, format!("/api/events/{unknown}"), Some(json!({"title": "x"})), UNKNOWN_EVENT),
        row(put, format!("/api/events/{unknown}"), Some(full.clone()), UNKNOWN_EVENT),
        row(delete, format!("/api/events/{unknown}"), None, UNKNOWN_EVENT),
        row(post, format!("/api/events/{unknown}/join"), None, UNKNOWN_EVENT),
        row(delete, format!("/api/events/{unknown}/exit"), None, UNKNOWN_EVENT),
        row(delete, format!("/api/events/{unknown}/members/{}", member.id), None, UNKNOWN_EVENT),
        row(post, format!("/api/events/{unknown}/invitations"), Some(json!({"username": "carol"})), UNKNOWN_EVENT),
        get(format!("/api/events/{unknown}/invitations"), UNKNOWN_EVENT),
        row(post, format!("/api/events/{unknown}/feedback"), Some(json!({"rating": 5})), UNKNOWN_EVENT),
        get(format!("/api/events/{unknown}/feedback"), &[(Anonymous, 404), (Outsider, 404)]),
        // 404 before 400: an invalid body for an unknown event.
        row(patch, format!("/api/events/{unknown}"), Some(json!({"title": ""})), &[(Outsider, 404)]),
        // 403 before 400: an invalid body from someone who may not change the event.
        row(patch, format!("/api/events/{e}"), Some(json!({"title": ""})), &[(Outsider, 403), (Creator, 400)]),
        row(post, "/api/events", Some(event_body("Anyone's")), &[(Anonymous, 401), (Outsider, 201)]),
        row(delete, format!("/api/events/{e}"), None, CREATOR_DELETES_ONCE),
        // After the deletion.
        get(format!("/api/events/{e}"), &[(Anonymous, 404), (Creator, 404)]),
        get(format!("/api/logs/{e}"), &[(Anonymous, 401), (Outsider, 403), (Creator, 200)]),
        get(format!("/api/events/{e}/history"), &[(Anonymous, 401), (Outsider, 403), (Creator, 200)]),
        get(format!("/api/events/{e}/members"), &[(Anonymous, 401), (Outsider, 404), (Creator, 404)]),
    ];

    let mut table = Vec::new();
    let mut mismatches = Vec::new();
    for Row {
        method,
        path,
        body,
        expect,
    } in rows
    {
        for (who, expected) in expect {
            let auth = match who {
                Anonymous => None,
                Outsider => Some(&outsider),
                Member => Some(&member),
                Creator => Some(&creator),
            };
            let answer = match auth {
                Some(user) => app.call(method.clone(), &path, user, body.clone()).await,
                None => app.call(method.clone(), &path, Anon, body.clone()).await,
            };
            let mark = if answer.status == expected { "ok" } else { "MISMATCH" };
            let line = format!(
                "{mark:8} {method:6} {path:70} {who:9?} expected {expected} got {}",
                answer.status
            );
            if answer.status != expected {
                mismatches.push(format!("{line}: {}", answer.body));
            }
            table.push(line);
        }
    }
    if !mismatches.is_empty() {
        eprintln!("{}", table.join("\n"));
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
