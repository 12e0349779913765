//! Email through the outbox, against a real SMTP server (`smtp_sink`): every kind of message
//! arrives once with its text and HTML, to the right person; preferences hold; an outage
//! delays mail and fails no request; `rebuild` sends nothing again; `console` logs.

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;

use crate::helpers::*;
use crate::smtp_sink::{Mail, SmtpSink};

/// Long enough for any message the tests expect, short enough to fail soon.
const PATIENCE: Duration = Duration::from_secs(30);

/// How long the tests watch for a message that must not come.
const QUIET: Duration = Duration::from_millis(1500);

async fn service(backend: Backend, sink: &SmtpSink) -> TestApp {
    TestApp::spawn_with(backend, Settings::mailing(sink.url())).await
}

async fn invite(app: &TestApp, creator: &TestUser, event: &str, invitee: &TestUser) {
    let body = json!({"username": invitee.username});
    app.post(&format!("/api/events/{event}/invitations"), creator, body)
        .await
        .expect(201);
}

/// The messages to `user`, by subject.
fn subjects_to(mails: &[Mail], user: &TestUser) -> Vec<String> {
    let address = format!("{}@example.com", user.username);
    let mut subjects: Vec<String> = mails
        .iter()
        .filter(|mail| mail.rcpt_to == [address.clone()])
        .map(|mail| mail.subject().to_owned())
        .collect();
    subjects.sort();
    subjects
}

fn sorted(subjects: &[&str]) -> Vec<String> {
    let mut subjects: Vec<String> = subjects.iter().map(|s| (*s).to_owned()).collect();
    subjects.sort();
    subjects
}

fn assert_once_each(mails: &[Mail]) {
    let ids: HashSet<&str> = mails.iter().map(Mail::message_id).collect();
    assert_eq!(ids.len(), mails.len(), "a message arrived twice: {mails:#?}");
    assert!(mails.iter().all(|mail| !mail.message_id().is_empty()), "{mails:#?}");
}

/// A counter or gauge of `/metrics`, 0 when absent.
async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app.get("/metrics", Anon).await.expect(200);
    let text = text.as_str().expect("Prometheus text").to_owned();
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .map_or(0.0, |value| value.trim().parse().expect("a number"))
}

both_stores!(every_kind_of_message_arrives_once_with_its_text_html_and_link, backend);
async fn every_kind_of_message_arrives_once_with_its_text_html_and_link(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = service(backend, &sink).await;
    let sent_before = metric(&app, "emails_sent_total").await;
    let [alice, bob, carol, dave] = app.named_users(["alice", "bob", "carol", "dave"]).await;
    let start = Utc::now() + chrono::Duration::days(7);
    let body = json!({"title": "Mail meetup", "capacity": 1, "waitlist_enabled": true, "start_time": rfc3339(start)});
    let event = app.event_joined_by(&alice, body, [&bob, &carol]).await;
    let path = format!("/api/events/{event}");

    invite(&app, &alice, &event, &dave).await;
    app.leave(&event, &bob).await.expect(204);
    // Only a change of time or location is news: a new description is not.
    app.patch(&path, &alice, json!({"description": "bring a laptop"}))
        .await
        .expect(200);
    app.patch(&path, &alice, json!({"location": "Hall B"}))
        .await
        .expect(200);
    assert_eq!(app.remind(start - chrono::Duration::hours(1)).await.len(), 1);
    app.patch(&path, &alice, json!({"status": "closed"})).await.expect(200);
    app.delete(&path, &alice).await.expect(204);

    sink.wait_for(6, PATIENCE).await;
    tokio::time::sleep(QUIET).await;
    let mails = sink.received();
    assert_eq!(
        mails.len(),
        6,
        "{:#?}",
        mails.iter().map(Mail::subject).collect::<Vec<_>>()
    );
    assert_once_each(&mails);
    assert_eq!(subjects_to(&mails, &dave), ["You are invited: Mail meetup"]);
    let carols = [
        "You have a seat: Mail meetup",
        "Changed: Mail meetup",
        "Starts soon: Mail meetup",
        "Closed: Mail meetup",
        "Cancelled: Mail meetup",
    ];
    assert_eq!(subjects_to(&mails, &carol), sorted(&carols));
    let event_link = format!("{}/api/events/{event}", app.address);
    for mail in &mails {
        let link = match mail.subject() {
            s if s.starts_with("Cancelled") => format!("{}/api/users/me/events", app.address),
            s if s.starts_with("You are invited") => format!("{}/api/invitations?status=pending", app.address),
            _ => event_link.clone(),
        };
        for (part, body) in [("text", &mail.text), ("html", &mail.html)] {
            assert!(body.contains("Mail meetup"), "{part} of {}: {body}", mail.subject());
            assert!(body.contains(&link), "{part} of {}: {body}", mail.subject());
            assert!(body.contains(&start.format("%H:%M UTC").to_string()), "{part}: {body}");
        }
        assert!(mail.html.contains("<a href="), "{}", mail.html);
        assert!(mail
            .header("from")
            .is_some_and(|from| from.contains("no-reply@localhost")));
    }
    assert!(mails.iter().any(|mail| mail.text.contains("Hall B")));

    // The metrics count them (every service in this process shares one recorder).
    assert!(metric(&app, "emails_sent_total").await >= sent_before + 6.0);
    assert_eq!(metric(&app, "email_outbox_depth").await, 0.0);

    // A rebuild replays every read model and sends nothing again.
    assert!(app.rebuild().await > 0);
    app.assert_verified().await;
    tokio::time::sleep(QUIET).await;
    assert_eq!(sink.received().len(), 6, "rebuild sent mail again");
}

both_stores!(preferences_are_shown_changed_and_respected, backend);
async fn preferences_are_shown_changed_and_respected(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = service(backend, &sink).await;
    let [alice, bob, carol, dave] = app.named_users(["alice", "bob", "carol", "dave"]).await;
    let skipped_before = metric(&app, "emails_skipped_total").await;
    let all_on = json!({"invitations": true, "promotions": true, "changes": true, "reminders": true});
    let me = app.get("/api/users/me", &bob).await.expect(200);
    assert_eq!(me["email_notifications"], all_on);

    let changed = app
        .patch(
            "/api/users/me",
            &bob,
            json!({"email_notifications": {"invitations": false}}),
        )
        .await
        .expect(200);
    let only_invitations_off = json!({"invitations": false, "promotions": true, "changes": true, "reminders": true});
    assert_eq!(changed["email_notifications"], only_invitations_off);
    // A later PATCH of another kind keeps this one.
    let changed = app
        .patch(
            "/api/users/me",
            &bob,
            json!({"email_notifications": {"reminders": true}, "first_name": "Bob"}),
        )
        .await
        .expect(200);
    assert_eq!(changed["email_notifications"], only_invitations_off);
    assert_eq!(
        app.get("/api/users/me", &bob).await.expect(200)["email_notifications"],
        only_invitations_off
    );

    for bad in [
        json!({"email_notifications": {"invitations": "no"}}),
        json!({"email_notifications": {"changes": null}}),
        json!({"email_notifications": true}),
        json!({"email_notifications": null}),
    ] {
        let refused = app
            .patch("/api/users/me", &carol, bad.clone())
            .await
            .invalid(&["email_notifications"]);
        assert!(
            refused["errors"].as_object().is_some_and(|e| e.len() == 1),
            "{bad}: {refused}"
        );
    }
    assert_eq!(
        app.get("/api/users/me", &carol).await.expect(200)["email_notifications"],
        all_on
    );

    let event = app.event_id(&alice, json!({"title": "Choice party"})).await;
    invite(&app, &alice, &event, &bob).await;
    invite(&app, &alice, &event, &carol).await;
    sink.wait_for(1, PATIENCE).await;
    tokio::time::sleep(QUIET).await;
    let mails = sink.received();
    assert_eq!(subjects_to(&mails, &carol), ["You are invited: Choice party"]);
    assert!(
        subjects_to(&mails, &bob).is_empty(),
        "bob turned invitations off: {mails:#?}"
    );
    assert_eq!(mails.len(), 1);

    // An account deleted before its message could be sent is mailed nothing: the server
    // answers 451 at first, and the retry finds no one to mail.
    sink.fail_for(451, Duration::from_secs(2));
    let attempts = sink.attempts();
    invite(&app, &alice, &event, &dave).await;
    let deadline = Instant::now() + PATIENCE;
    while sink.attempts() == attempts {
        assert!(Instant::now() < deadline, "the invitation was never attempted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.delete("/api/users/me", &dave).await.expect(204);
    // Bob's invitation and dave's.
    while metric(&app, "emails_skipped_total").await < skipped_before + 2.0 {
        assert!(Instant::now() < deadline, "dave's invitation was not skipped");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(subjects_to(&sink.received(), &dave).is_empty());
}

both_stores!(an_smtp_outage_delays_mail_and_fails_no_request, backend);
async fn an_smtp_outage_delays_mail_and_fails_no_request(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = service(backend, &sink).await;
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let guests = app.users("guest", 5).await;
    let failed_before = metric(&app, "emails_failed_total").await;

    let outage = Duration::from_secs(10);
    let started = Instant::now();
    sink.refuse_for(outage);
    let event = app
        .event_joined_by(&alice, json!({"title": "Outage party"}), [&bob])
        .await;
    for guest in &guests {
        let asked = Instant::now();
        invite(&app, &alice, &event, guest).await;
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "an invitation waited for SMTP"
        );
    }
    app.patch(&format!("/api/events/{event}"), &alice, json!({"location": "Roof"}))
        .await
        .expect(200);
    assert!(sink.received().is_empty(), "the sink refuses connections");

    let mails = sink.wait_for(6, outage + PATIENCE).await;
    assert!(started.elapsed() >= outage, "mail arrived during the outage");
    tokio::time::sleep(QUIET).await;
    let mails_now = sink.received();
    assert_eq!(mails_now.len(), mails.len(), "a message arrived twice");
    assert_eq!(mails_now.len(), 6);
    assert_once_each(&mails_now);
    for guest in &guests {
        assert_eq!(subjects_to(&mails_now, guest), ["You are invited: Outage party"]);
    }
    assert_eq!(subjects_to(&mails_now, &bob), ["Changed: Outage party"]);
    assert!(metric(&app, "emails_retried_total").await >= 1.0);

    // A server that answers 451 for a while: the message waits, then arrives once.
    sink.fail_for(451, Duration::from_secs(2));
    let attempts = sink.attempts();
    let carol = app.user("carol").await;
    invite(&app, &alice, &event, &carol).await;
    let mails = sink.wait_for(7, PATIENCE).await;
    assert!(sink.attempts() > attempts + 1, "the first attempt was answered 451");
    assert_eq!(subjects_to(&mails, &carol), ["You are invited: Outage party"]);

    // A message still unsent 24 hours after it was queued is given up: marked failed,
    // never sent (its queueing time is moved back a day behind the service's back).
    sink.refuse_for(Duration::from_secs(2));
    let dave = app.user("dave").await;
    invite(&app, &alice, &event, &dave).await;
    app.execute_sql("UPDATE email_outbox SET created_at = created_at - 90000000000 WHERE status = 'pending'")
        .await;
    let deadline = Instant::now() + PATIENCE;
    while metric(&app, "email_outbox_depth").await > 0.0 {
        assert!(Instant::now() < deadline, "the day-old message was never given up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(metric(&app, "emails_failed_total").await > failed_before);
    tokio::time::sleep(Duration::from_secs(2) + QUIET).await;
    assert!(
        subjects_to(&sink.received(), &dave).is_empty(),
        "a day-old message was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn two_instances_on_one_postgres_send_each_message_once() {
    use crate::process::ServerProcess;

    let sink = SmtpSink::start().await;
    let app = service(Backend::Postgres, &sink).await;
    let poll = format!("{}ms", EMAIL_POLL_INTERVAL.as_millis());
    // Each instance signs its mail, to show which one sent what.
    let (url, database) = (sink.url(), app.database_url().to_owned());
    let start = |from: &'static str| {
        let env = [
            ("EMAIL_URL", url.clone()),
            ("EMAIL_POLL_INTERVAL", poll.clone()),
            ("EMAIL_FROM", from.to_owned()),
        ];
        let database = database.clone();
        async move {
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ServerProcess::start_with(&database, &env, None).await
        }
    };
    let first = start("first@one.example").await;
    let second = start("second@two.example").await;
    let instances = [&first.api, &second.api];

    let alice = app.user("alice").await;
    let members = app.users("member", 20).await;
    let invitees = app.users("invitee", 20).await;
    let event = app
        .event_id(&alice, json!({"title": "Twin party", "capacity": 50}))
        .await;
    let mut requests = tokio::task::JoinSet::new();
    for (i, user) in members.iter().enumerate() {
        let (api, path, user) = (
            instances[i % 2].clone(),
            format!("/api/events/{event}/join"),
            user.clone(),
        );
        requests.spawn(async move { api.post_empty(&path, &user).await.status });
    }
    for (i, user) in invitees.iter().enumerate() {
        let (api, path) = (instances[i % 2].clone(), format!("/api/events/{event}/invitations"));
        let (alice, body) = (alice.clone(), json!({"username": user.username}));
        requests.spawn(async move { api.post(&path, &alice, body).await.status });
    }
    assert!(requests.join_all().await.iter().all(|status| *status == 201));
    second
        .patch(
            &format!("/api/events/{event}"),
            &alice,
            json!({"location": "Twin hall"}),
        )
        .await
        .expect(200);

    let expected = members.len() + invitees.len();
    sink.wait_for(expected, PATIENCE).await;
    tokio::time::sleep(QUIET * 2).await;
    let mails = sink.received();
    assert_eq!(
        mails.len(),
        expected,
        "three senders on one database sent a message twice"
    );
    assert_once_each(&mails);
    let by = |domain: &str| {
        let from = |mail: &&Mail| mail.header("from").is_some_and(|from| from.contains(domain));
        mails.iter().filter(from).count()
    };
    eprintln!(
        "sent by the test's service {}, the first instance {}, the second {}",
        by("@localhost"),
        by("@one.example"),
        by("@two.example")
    );
    for member in &members {
        assert_eq!(subjects_to(&mails, member), ["Changed: Twin party"]);
    }
    for invitee in &invitees {
        assert_eq!(subjects_to(&mails, invitee), ["You are invited: Twin party"]);
    }
}

/// Every console message logged in this process (the log of `email` only).
fn console_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let writer = log.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("email=info"))
            .with_ansi(false)
            .with_writer(move || Captured(writer.clone()))
            .try_init();
        log
    })
    .clone()
}

struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

both_stores!(console_writes_each_message_to_the_log, backend);
async fn console_writes_each_message_to_the_log(backend: Backend) {
    let log = console_log();
    let app = TestApp::spawn_with(backend, Settings::mailing("console")).await;
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let title = format!("Console party {}", uuid::Uuid::new_v4().simple());
    let event = app.event_id(&alice, json!({"title": title})).await;
    invite(&app, &alice, &event, &bob).await;
    let deadline = Instant::now() + PATIENCE;
    let logged = loop {
        let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
        if let Some(line) = text.lines().find(|line| line.contains(&title)) {
            break (line.to_owned(), text);
        }
        assert!(Instant::now() < deadline, "no console message within {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (line, text) = logged;
    assert!(line.contains("bob@example.com"), "{line}");
    assert!(line.contains(&format!("You are invited: {title}")), "{line}");
    assert!(
        text.contains(&format!("{}/api/invitations?status=pending", app.address)),
        "{text}"
    );
}
