//! Guests by email, over real SMTP (`smtp_sink`): the confirmation link and code, the
//! ticket with its cancel link, a promotion, the event's changes; and no registration when
//! email is off.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::smtp_sink::{Mail, SmtpSink};

const PATIENCE: Duration = Duration::from_secs(30);

/// The token in a message's link to `page` (`confirm` or `cancel`), from both its parts.
fn token_in(mail: &Mail, page: &str) -> String {
    let marker = format!("/guests/{page}?token=");
    let token_of = |part: &str| {
        let start = part.find(&marker).unwrap_or_else(|| panic!("no {page} link in {part}")) + marker.len();
        part[start..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect::<String>()
    };
    let token = token_of(&mail.text);
    assert_eq!(token_of(&mail.html), token, "both parts carry the same link");
    assert_eq!(token.len(), 96, "{token}");
    token
}

/// The messages to `address`, waiting until there are `count`.
async fn mail_to(sink: &SmtpSink, address: &str, count: usize) -> Vec<Mail> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let mails: Vec<Mail> = sink
            .received()
            .into_iter()
            .filter(|mail| mail.rcpt_to == [address.to_owned()])
            .collect();
        if mails.len() >= count || tokio::time::Instant::now() > deadline {
            assert_eq!(mails.len(), count, "{mails:#?}");
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn guest_event(app: &TestApp, alice: &TestUser, overrides: Value) -> String {
    let body = merge(json!({"title": "Garden party", "guest_registration": true}), overrides);
    app.event_id(alice, body).await
}

both_stores!(a_guest_confirms_and_cancels_with_the_links_in_their_mail, backend);
async fn a_guest_confirms_and_cancels_with_the_links_in_their_mail(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(backend, Settings::mailing(sink.url())).await;
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({"capacity": 1, "waitlist_enabled": true})).await;
    let guest = json!({"name": "Ann Smith", "email": "ann@example.com"});
    app.post(&format!("/api/events/{event}/guests"), Anon, guest)
        .await
        .expect(202);

    let first = &mail_to(&sink, "ann@example.com", 1).await[0];
    assert_eq!(first.subject(), "Confirm your seat: Garden party");
    assert!(first.text.contains("Hello Ann Smith") && first.html.contains("Hello Ann Smith"));
    let confirm = token_in(first, "confirm");
    assert!(
        first.text.contains(&format!("POST /api/guests/confirm: {confirm}")),
        "the code"
    );

    let seat = app
        .post("/api/guests/confirm", Anon, json!({"token": confirm}))
        .await
        .expect(201);
    let second = &mail_to(&sink, "ann@example.com", 2).await[1];
    assert_eq!(second.subject(), "You are registered: Garden party");
    let code = seat["ticket"]["code"].as_str().unwrap();
    assert!(
        second.text.contains(&format!("Your ticket code is {code}")),
        "{}",
        second.text
    );
    let cancel = token_in(second, "cancel");
    assert_ne!(cancel, confirm);

    // Changes reach a seated guest too, at their address.
    let moved = json!({"start_time": in_days(9)});
    app.patch(&format!("/api/events/{event}"), &alice, moved)
        .await
        .expect(200);
    assert_eq!(
        mail_to(&sink, "ann@example.com", 3).await[2].subject(),
        "Changed: Garden party"
    );

    app.post("/api/guests/cancel", Anon, json!({"token": cancel}))
        .await
        .expect(204);
    assert_eq!(app.capacity(&event).await["members_count"], 0);
    app.post("/api/guests/cancel", Anon, json!({"token": cancel}))
        .await
        .problem(404);
}

both_stores!(a_waiting_guest_is_mailed_their_ticket_when_promoted, backend);
async fn a_waiting_guest_is_mailed_their_ticket_when_promoted(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(backend, Settings::mailing(sink.url())).await;
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = guest_event(&app, &alice, json!({"capacity": 1, "waitlist_enabled": true})).await;
    app.join(&event, &bob).await.expect(201);
    let guest = json!({"name": "Ann", "email": "ann@example.com"});
    app.post(&format!("/api/events/{event}/guests"), Anon, guest)
        .await
        .expect(202);
    let confirm = token_in(&mail_to(&sink, "ann@example.com", 1).await[0], "confirm");
    let place = app
        .post("/api/guests/confirm", Anon, json!({"token": confirm}))
        .await
        .expect(201);
    assert_eq!(
        (place["status"].as_str(), place["position"].as_i64()),
        (Some("waitlisted"), Some(1))
    );
    let waiting = &mail_to(&sink, "ann@example.com", 2).await[1];
    assert!(waiting.text.contains("number 1 on the waitlist"), "{}", waiting.text);

    app.leave(&event, &bob).await.expect(204);
    let promoted = &mail_to(&sink, "ann@example.com", 3).await[2];
    assert_eq!(promoted.subject(), "You have a seat: Garden party");
    let ticket = app
        .get(&format!("/api/events/{event}/members"), &alice)
        .await
        .expect(200);
    assert_eq!(results(&ticket)[0]["guest"]["name"], "Ann");
    let cancel = token_in(promoted, "cancel");
    app.post("/api/guests/cancel", Anon, json!({"token": cancel}))
        .await
        .expect(204);
}

both_stores!(without_email_no_guest_can_register, backend);
async fn without_email_no_guest_can_register(backend: Backend) {
    let app = TestApp::spawn_with(backend, Settings::mailing("none")).await;
    let alice = app.user("alice").await;
    let event = guest_event(&app, &alice, json!({})).await;
    let guest = json!({"name": "Ann", "email": "ann@example.com"});
    let refused = app
        .post(&format!("/api/events/{event}/guests"), Anon, guest)
        .await
        .problem(503);
    assert!(
        refused["detail"].as_str().unwrap().contains("EMAIL_URL=none"),
        "{refused}"
    );
    let log = app
        .all_pages(&format!("/api/logs/{event}?type=guest_registered"), &alice)
        .await;
    assert!(log.is_empty(), "nothing was registered");
}
