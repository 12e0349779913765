//! Guests: registration without an account (202, no seat), confirmation by the emailed
//! token (a seat or a place by the rules of a join), cancellation, the creator's view and
//! removal, the abuse limits, and a storm of confirmations for few seats.

use event_manager::accounts::derive_key;
use event_manager::guests::{GuestLinks, LinkPurpose, LinkTarget, PER_ADDRESS, PER_CLIENT};
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

fn guests_of(event: &str) -> String {
    format!("/api/events/{event}/guests")
}

/// An event of `alice`'s, open to guests.
async fn guest_event(app: &TestApp, alice: &TestUser, overrides: Value) -> String {
    let body = merge(json!({"guest_registration": true, "capacity": 2}), overrides);
    app.event_id(alice, body).await
}

async fn register(app: &TestApp, event: &str, name: &str, email: &str) -> Resp {
    app.post(&guests_of(event), Anon, json!({"name": name, "email": email}))
        .await
}

/// The ids of the guests registered so far, from the creator's log, oldest first.
async fn registered_ids(app: &TestApp, creator: &TestUser, event: &str) -> Vec<Uuid> {
    app.all_pages(&format!("/api/logs/{event}?type=guest_registered"), creator)
        .await
        .iter()
        .map(|entry| entry["metadata"]["guest"]["id"].as_str().unwrap().parse().unwrap())
        .rev()
        .collect()
}

/// The token the guest's email carries (the service's own secret, as in every test).
fn token(purpose: LinkPurpose, event: &str, guest_id: Uuid) -> String {
    let links = GuestLinks::new(&derive_key(JWT_SECRET.as_bytes(), GuestLinks::KEY_PURPOSE));
    let target = LinkTarget {
        event_id: event.parse().unwrap(),
        guest_id,
    };
    links.token(purpose, target)
}

async fn confirm(app: &TestApp, event: &str, guest_id: Uuid) -> Resp {
    let token = token(LinkPurpose::Confirm, event, guest_id);
    app.post("/api/guests/confirm", Anon, json!({"token": token})).await
}

async fn cancel(app: &TestApp, event: &str, guest_id: Uuid) -> Resp {
    let token = token(LinkPurpose::Cancel, event, guest_id);
    app.post("/api/guests/cancel", Anon, json!({"token": token})).await
}

/// Registers a guest and confirms them; answers the guest's id and the confirmation.
async fn seated_guest(app: &TestApp, creator: &TestUser, event: &str, name: &str, email: &str) -> (Uuid, Resp) {
    register(app, event, name, email).await.expect(202);
    let id = *registered_ids(app, creator, event).await.last().unwrap();
    (id, confirm(app, event, id).await)
}

both_stores!(a_guest_registers_confirms_and_cancels);
async fn a_guest_registers_confirms_and_cancels(app: TestApp) {
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;

    let pending = register(&app, &event, "Ann Smith", "ann@example.com").await.expect(202);
    assert_eq!(pending["status"], "pending_confirmation");
    let expires_at = parse_time(&pending["expires_at"]);
    let in_a_day = chrono::Utc::now() + chrono::Duration::hours(24);
    assert!((expires_at - in_a_day).num_seconds().abs() < 60, "valid for 24 hours");
    assert_eq!(
        app.capacity(&event).await["members_count"],
        0,
        "no seat before confirmation"
    );
    let registered = app
        .all_pages(&format!("/api/logs/{event}?type=guest_registered"), &alice)
        .await;
    assert_eq!(registered[0]["metadata"]["guest"]["name"], "Ann Smith");
    assert_eq!(registered[0]["metadata"]["guest"]["email"], "a***@example.com");
    assert!(
        !registered[0].to_string().contains("ann@example.com"),
        "the log never holds the address"
    );

    let guest = registered_ids(&app, &alice, &event).await[0];
    let seat = confirm(&app, &event, guest).await.expect(201);
    assert_eq!(seat["event_id"], json!(event));
    assert_eq!(seat["guest"], json!({"name": "Ann Smith"}));
    assert_eq!(seat["status"], "member");
    assert!(seat.get("position").is_none());
    let code = seat["ticket"]["code"].as_str().expect("a ticket code").to_owned();
    assert_eq!(
        app.capacity(&event).await["members_count"],
        1,
        "guests count toward capacity"
    );

    let members = app
        .get(&format!("/api/events/{event}/members"), &alice)
        .await
        .expect(200);
    assert_eq!(members["count"], 1);
    let member = &results(&members)[0];
    assert_eq!(member["user"], Value::Null);
    assert_eq!(
        member["guest"],
        json!({"id": guest, "name": "Ann Smith", "email": "ann@example.com"})
    );
    parse_time(&member["joined_at"]);

    let checked = app
        .post(&format!("/api/events/{event}/check-in"), &alice, json!({"code": code}))
        .await
        .expect(200);
    assert_eq!(
        checked["status"], "checked_in",
        "a guest's ticket is checked in like any other"
    );

    confirm(&app, &event, guest).await.problem(404);
    cancel(&app, &event, guest).await.expect(204);
    assert_eq!(app.capacity(&event).await["members_count"], 0);
    cancel(&app, &event, guest).await.problem(404);
    let kinds = column(
        &app.get(&format!("/api/logs/{event}"), &alice).await.expect(200),
        "/type",
    );
    for kind in [
        "guest_registered",
        "guest_confirmed",
        "guest_cancelled",
        "ticket_checked_in",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    app.assert_verified().await;
}

both_stores!(only_a_public_event_open_to_guests_takes_them);
async fn only_a_public_event_open_to_guests_takes_them(app: TestApp) {
    let alice = app.user("alice").await;
    let closed_to_guests = app.event_id(&alice, json!({})).await;
    let private = app.event_id(&alice, json!({"visibility": "private"})).await;
    let open = guest_event(&app, &alice, json!({})).await;

    register(&app, &closed_to_guests, "Ann", "ann@example.com")
        .await
        .problem(403);
    register(&app, &private, "Ann", "ann@example.com").await.problem(404);
    register(&app, &Uuid::new_v4().to_string(), "Ann", "ann@example.com")
        .await
        .problem(404);
    // 404 and 403 come before a bad body's 400.
    let bad = json!({"name": "", "email": "not an address"});
    app.post(&guests_of(&private), Anon, bad.clone()).await.problem(404);
    app.post(&guests_of(&closed_to_guests), Anon, bad.clone())
        .await
        .problem(403);
    app.post(&guests_of(&open), Anon, bad).await.invalid(&["name", "email"]);
    app.post(&guests_of(&open), Anon, json!({"name": "Ann"}))
        .await
        .invalid(&["email"]);
    app.post(&guests_of(&open), Anon, json!({"name": "A\nB", "email": "a@b.io"}))
        .await
        .invalid(&["name"]);
    let long = "x".repeat(101);
    app.post(&guests_of(&open), Anon, json!({"name": long, "email": "a@b.io"}))
        .await
        .invalid(&["name"]);
    app.patch(&format!("/api/events/{open}"), &alice, json!({"visibility": "private"}))
        .await
        .invalid(&["guest_registration"]);
    assert_eq!(
        registered_ids(&app, &alice, &open).await,
        Vec::<Uuid>::new(),
        "nothing changed"
    );
}

both_stores!(a_forged_altered_or_misused_token_is_not_found);
async fn a_forged_altered_or_misused_token_is_not_found(app: TestApp) {
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;
    register(&app, &event, "Ann", "ann@example.com").await.expect(202);
    let guest = registered_ids(&app, &alice, &event).await[0];

    let confirm_token = token(LinkPurpose::Confirm, &event, guest);
    let forged = GuestLinks::new(b"not the server's secret").token(
        LinkPurpose::Confirm,
        LinkTarget {
            event_id: event.parse().unwrap(),
            guest_id: guest,
        },
    );
    let mut altered = confirm_token.clone();
    altered.replace_range(0..1, if altered.starts_with('0') { "1" } else { "0" });
    for token in [forged, altered, "abc".to_owned(), String::new()] {
        let detail = app
            .post("/api/guests/confirm", Anon, json!({"token": token}))
            .await
            .problem(404)["detail"]
            .clone();
        assert_eq!(
            detail,
            "this link is not valid (it may have expired or been used already)"
        );
    }
    app.post("/api/guests/cancel", Anon, json!({"token": confirm_token}))
        .await
        .problem(404);
    app.post("/api/guests/confirm", Anon, json!({}))
        .await
        .invalid(&["token"]);
    app.post("/api/guests/confirm", Anon, json!({"token": 7}))
        .await
        .invalid(&["token"]);
    assert_eq!(app.capacity(&event).await["members_count"], 0);
}

both_stores!(a_confirmation_takes_its_seat_by_the_rules_of_a_join);
async fn a_confirmation_takes_its_seat_by_the_rules_of_a_join(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let full = guest_event(&app, &alice, json!({"capacity": 1})).await;
    app.join(&full, &bob).await.expect(201);
    seated_guest(&app, &alice, &full, "Ann", "ann@example.com")
        .await
        .1
        .problem(409);

    let closed = guest_event(&app, &alice, json!({})).await;
    register(&app, &closed, "Ann", "ann@example.com").await.expect(202);
    let guest = registered_ids(&app, &alice, &closed).await[0];
    app.patch(&format!("/api/events/{closed}"), &alice, json!({"status": "closed"}))
        .await
        .expect(200);
    confirm(&app, &closed, guest).await.problem(409);
    register(&app, &closed, "Bea", "bea@example.com").await.problem(409);

    let one_address = guest_event(&app, &alice, json!({})).await;
    seated_guest(&app, &alice, &one_address, "Ann", "ann@example.com")
        .await
        .1
        .expect(201);
    register(&app, &one_address, "Ann again", "ANN@example.com")
        .await
        .problem(409);
    assert_eq!(app.capacity(&one_address).await["members_count"], 1);
}

both_stores!(guests_wait_in_line_with_users_and_are_promoted_or_removed);
async fn guests_wait_in_line_with_users_and_are_promoted_or_removed(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let event = guest_event(&app, &alice, json!({"capacity": 1, "waitlist_enabled": true})).await;
    app.join(&event, &bob).await.expect(201);
    let (ann, seat) = seated_guest(&app, &alice, &event, "Ann", "ann@example.com").await;
    let seat = seat.expect(201);
    assert_eq!(seat["status"], "waitlisted");
    assert_eq!(seat["position"], 1);
    assert_eq!(seat["ticket"], Value::Null);
    app.join(&event, &carol).await.expect(201);

    let waitlist = app
        .get(&format!("/api/events/{event}/waitlist"), &alice)
        .await
        .expect(200);
    let holders: Vec<Value> = results(&waitlist)
        .iter()
        .map(|w| json!([w["user"]["username"], w["guest"]["name"], w["position"]]))
        .collect();
    assert_eq!(holders, [json!([null, "Ann", 1]), json!(["carol", null, 2])]);

    app.leave(&event, &bob).await.expect(204);
    let members = app
        .get(&format!("/api/events/{event}/members"), &alice)
        .await
        .expect(200);
    assert_eq!(
        results(&members)[0]["guest"]["name"],
        "Ann",
        "the guest first in line took the seat"
    );
    let promoted = app
        .all_pages(&format!("/api/logs/{event}?type=guest_promoted"), &alice)
        .await;
    assert_eq!(promoted.len(), 1);

    let path = format!("/api/events/{event}/guests/{ann}");
    app.delete(&path, &carol).await.problem(403);
    app.delete(&format!("/api/events/{event}/members/{ann}"), &alice)
        .await
        .problem(404);
    app.delete(&format!("/api/events/{event}/guests/{}", Uuid::new_v4()), &alice)
        .await
        .problem(404);
    app.delete(&path, &alice).await.expect(204);
    app.delete(&path, &alice).await.problem(404);
    let members = app
        .get(&format!("/api/events/{event}/members"), &alice)
        .await
        .expect(200);
    assert_eq!(column(&members, "/user/username"), ["carol"], "carol moved up");
    app.assert_verified().await;
}

both_stores!(registrations_are_limited_per_address_and_per_client);
async fn registrations_are_limited_per_address_and_per_client(app: TestApp) {
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;
    for _ in 0..PER_ADDRESS {
        register(&app, &event, "Ann", "ann@example.com").await.expect(202);
    }
    let refused = register(&app, &event, "Ann", "ANN@example.com").await;
    let retry_after: u64 = refused.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!(retry_after > 0 && retry_after <= 3600, "{retry_after}");
    refused.problem(429);

    for n in PER_ADDRESS + 1..PER_CLIENT {
        register(&app, &event, "Guest", &format!("g{n}@example.com"))
            .await
            .expect(202);
    }
    register(&app, &event, "One too many", "last@example.com")
        .await
        .problem(429);
    // The header is the client's own writing: without trusted proxies it changes nothing.
    let spoofed = app
        .request(Method::POST, &guests_of(&event), Anon)
        .header("x-forwarded-for", "203.0.113.77")
        .json(&json!({"name": "Spoofer", "email": "spoof@example.com"}));
    app.send(spoofed).await.problem(429);
    assert_eq!(
        registered_ids(&app, &alice, &event).await.len(),
        PER_CLIENT as usize - 1
    );
}

/// A registration as a trusted proxy forwards it for `client`.
async fn register_via_proxy(app: &TestApp, event: &str, client: &str, email: &str) -> Resp {
    let request = app
        .request(Method::POST, &guests_of(event), Anon)
        .header("x-forwarded-for", client)
        .json(&json!({"name": "Guest", "email": email}));
    app.send(request).await
}

fn behind_a_proxy() -> Settings {
    Settings {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Settings::default()
    }
}

both_stores!(behind_a_trusted_proxy_the_forwarded_client_is_counted);
async fn behind_a_trusted_proxy_the_forwarded_client_is_counted(mut app: TestApp) {
    app.restart(behind_a_proxy()).await;
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;
    for n in 0..PER_CLIENT {
        register_via_proxy(&app, &event, "203.0.113.1", &format!("a{n}@example.com"))
            .await
            .expect(202);
    }
    register_via_proxy(&app, &event, "203.0.113.1", "more@example.com")
        .await
        .problem(429);
    register_via_proxy(&app, &event, "198.51.100.2, 127.0.0.1", "other@example.com")
        .await
        .expect(202);
}

both_stores!(a_hundred_confirmations_race_for_twenty_seats);
async fn a_hundred_confirmations_race_for_twenty_seats(mut app: TestApp) {
    app.restart(behind_a_proxy()).await;
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({"capacity": 20, "waitlist_enabled": true})).await;
    for n in 0..100 {
        let client = format!("198.51.100.{n}");
        register_via_proxy(&app, &event, &client, &format!("guest{n}@example.com"))
            .await
            .expect(202);
    }
    let guests = registered_ids(&app, &alice, &event).await;
    assert_eq!(guests.len(), 100);
    let answers = futures_util::future::join_all(guests.iter().map(|g| confirm(&app, &event, *g))).await;
    let statuses: Vec<Value> = answers.into_iter().map(|a| a.expect(201)["status"].clone()).collect();
    let members = statuses.iter().filter(|s| *s == "member").count();
    let waitlisted = statuses.iter().filter(|s| *s == "waitlisted").count();
    assert_eq!(
        (members, waitlisted),
        (20, 80),
        "every confirmation answered, seats exact"
    );
    let capacity = app.capacity(&event).await;
    assert_eq!(
        (capacity["members_count"].clone(), capacity["waitlist_count"].clone()),
        (json!(20), json!(80))
    );
    let positions: Vec<i64> = app
        .all_pages(&format!("/api/events/{event}/waitlist"), &alice)
        .await
        .iter()
        .map(|w| w["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (1..=80).collect::<Vec<_>>());
    app.assert_verified().await;
}

both_stores!(a_retried_registration_or_confirmation_is_answered_once);
async fn a_retried_registration_or_confirmation_is_answered_once(app: TestApp) {
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;
    let body = json!({"name": "Ann", "email": "ann@example.com"});
    let send = |path: String, body: Value| {
        let request = app
            .request(Method::POST, &path, Anon)
            .header("idempotency-key", "retry-1")
            .json(&body);
        app.send(request)
    };
    let first = send(guests_of(&event), body.clone()).await.expect(202);
    let again = send(guests_of(&event), body).await.expect(202);
    assert_eq!(first, again);
    let guests = registered_ids(&app, &alice, &event).await;
    assert_eq!(guests.len(), 1, "registered once");

    let token = json!({"token": token(LinkPurpose::Confirm, &event, guests[0])});
    let seat = send("/api/guests/confirm".to_owned(), token.clone()).await.expect(201);
    let replay = send("/api/guests/confirm".to_owned(), token).await.expect(201);
    assert_eq!(seat, replay, "the same seat and ticket, not a 404");
}

/// A form post, as a browser sends the pages' buttons.
async fn press(app: &TestApp, path: &str, token: &str) -> Resp {
    let request = app
        .request(Method::POST, path, Anon)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"));
    app.send(request).await
}

both_stores!(the_emailed_links_open_pages_whose_buttons_confirm_and_cancel);
async fn the_emailed_links_open_pages_whose_buttons_confirm_and_cancel(app: TestApp) {
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;
    register(&app, &event, "Ann", "ann@example.com").await.expect(202);
    let guest = registered_ids(&app, &alice, &event).await[0];
    let confirm_token = token(LinkPurpose::Confirm, &event, guest);

    // Opening the link (as a mail scanner would) changes nothing.
    let page = app.get(&format!("/guests/confirm?token={confirm_token}"), Anon).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    let html = page.body.as_str().unwrap();
    assert!(html.contains(&format!("value=\"{confirm_token}\"")), "{html}");
    assert!(html.contains("action=\"/guests/confirm\""));
    assert_eq!(app.capacity(&event).await["members_count"], 0);

    let done = press(&app, "/guests/confirm", &confirm_token).await;
    assert_eq!(done.status, 201, "{:?}", done.body);
    assert!(done.body.as_str().unwrap().contains("ticket code"));
    assert_eq!(app.capacity(&event).await["members_count"], 1);
    let again = press(&app, "/guests/confirm", &confirm_token).await;
    assert_eq!(again.status, 404);
    assert!(again.body.as_str().unwrap().contains("this link is not valid"));

    let cancel_token = token(LinkPurpose::Cancel, &event, guest);
    assert_eq!(
        app.get(&format!("/guests/cancel?token={cancel_token}"), Anon)
            .await
            .status,
        200
    );
    assert_eq!(press(&app, "/guests/cancel", &cancel_token).await.status, 200);
    assert_eq!(app.capacity(&event).await["members_count"], 0);

    let hostile = app
        .get("/guests/confirm?token=%22%3E%3Cscript%3Ealert(1)%3C/script%3E", Anon)
        .await;
    let html = hostile.body.as_str().unwrap();
    assert!(
        !html.contains("<script>") && html.contains("&quot;&gt;&lt;script&gt;"),
        "{html}"
    );
    let empty = app
        .request(Method::POST, "/guests/confirm", Anon)
        .header("content-type", "application/json")
        .body("{}");
    assert_eq!(app.send(empty).await.status, 400);
}

both_stores!(a_confirmation_after_24_hours_is_not_found);
async fn a_confirmation_after_24_hours_is_not_found(mut app: TestApp) {
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;
    register(&app, &event, "Ann", "ann@example.com").await.expect(202);
    register(&app, &event, "Bea", "bea@example.com").await.expect(202);
    let [ann, bea] = registered_ids(&app, &alice, &event).await[..] else {
        panic!("two registrations");
    };
    app.restart(Settings::at(chrono::Utc::now() + chrono::Duration::hours(23)))
        .await;
    confirm(&app, &event, ann).await.expect(201);
    app.restart(Settings::at(chrono::Utc::now() + chrono::Duration::hours(25)))
        .await;
    let expired = confirm(&app, &event, bea).await.problem(404);
    assert_eq!(
        expired["detail"],
        "this link is not valid (it may have expired or been used already)"
    );
    assert_eq!(app.capacity(&event).await["members_count"], 1);
}

both_stores!(a_guest_who_cancels_gives_the_seat_to_the_next_in_line);
async fn a_guest_who_cancels_gives_the_seat_to_the_next_in_line(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = guest_event(&app, &alice, json!({"capacity": 1, "waitlist_enabled": true})).await;
    let (ann, seat) = seated_guest(&app, &alice, &event, "Ann", "ann@example.com").await;
    seat.expect(201);
    app.join(&event, &bob).await.expect(201);
    cancel(&app, &event, ann).await.expect(204);
    let members = app
        .get(&format!("/api/events/{event}/members"), &alice)
        .await
        .expect(200);
    assert_eq!(column(&members, "/user/username"), ["bob"], "bob moved up");
    assert_eq!(app.capacity(&event).await["waitlist_count"], 0);
    let log = app.all_pages(&format!("/api/logs/{event}"), &alice).await;
    let kinds: Vec<&str> = log.iter().map(|entry| entry["type"].as_str().unwrap()).collect();
    assert_eq!(&kinds[..2], ["member_promoted", "guest_cancelled"], "newest first");
}
