//! Calendar export: the `.ics` files parse with a real iCalendar parser (the `icalendar`
//! crate's) and carry the event's fields; deleted events stay, cancelled.

use chrono::{DateTime, Utc};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike, EventStatus};
use serde_json::json;

use crate::helpers::*;

/// Fetches an `.ics` (asserting 200 and its type) and parses it.
async fn calendar(app: &TestApp, path: &str) -> Vec<icalendar::Event> {
    let answer = app.get(path, Anon).await;
    assert_eq!(answer.header("content-type"), Some("text/calendar; charset=utf-8"));
    let body = answer.expect(200);
    let text = body.as_str().expect("a text body");
    let parsed: icalendar::Calendar = text.parse().unwrap_or_else(|e| panic!("not iCalendar ({e}):\n{text}"));
    parsed
        .components
        .into_iter()
        .filter_map(|component| match component {
            CalendarComponent::Event(event) => Some(event),
            _ => None,
        })
        .collect()
}

fn utc(time: Option<DatePerhapsTime>) -> Option<DateTime<Utc>> {
    match time? {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(time)) => Some(time),
        other => panic!("not a UTC date-time: {other:?}"),
    }
}

fn uid(event: &str) -> String {
    format!("{event}@event-manager")
}

both_stores!(an_events_ics_round_trips_its_fields_and_is_404_after_deletion);
async fn an_events_ics_round_trips_its_fields_and_is_404_after_deletion(app: TestApp) {
    let alice = app.user("alice").await;
    let description = "Talks, pizza; bring a laptop,\nand a friend: \\o/";
    let created = app
        .event(
            &alice,
            json!({"title": "Rust, meetup; #7", "description": description, "location": "Hall 1, Berlin",
                   "start_time": in_days(7), "end_time": in_days(8)}),
        )
        .await;
    let id = id_of(&created);
    let path = format!("/api/events/{id}.ics");

    let events = calendar(&app, &path).await;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.get_uid(), Some(uid(&id).as_str()));
    assert_eq!(event.get_summary(), Some("Rust, meetup; #7"));
    assert_eq!(event.get_description(), Some(description));
    assert_eq!(event.get_location(), Some("Hall 1, Berlin"));
    assert_eq!(utc(event.get_start()), Some(parse_time(&created["start_time"])));
    assert_eq!(utc(event.get_end()), Some(parse_time(&created["end_time"])));
    assert_eq!(event.get_sequence(), Some(1));
    assert_eq!(event.get_status(), Some(EventStatus::Confirmed));

    let changed = app
        .patch(
            &format!("/api/events/{id}"),
            &alice,
            json!({"title": "Renamed", "end_time": null}),
        )
        .await
        .expect(200);
    let event = &calendar(&app, &path).await[0];
    assert_eq!(event.get_summary(), Some("Renamed"));
    assert_eq!(event.get_end(), None, "no end, no DTEND");
    assert_eq!(
        u64::from(event.get_sequence().expect("a sequence")),
        changed["version"].as_u64().expect("a version")
    );

    // Deleted, it is 404 like the event itself; the subscription feed keeps it cancelled.
    app.delete(&format!("/api/events/{id}"), &alice).await.expect(204);
    app.get(&format!("/api/events/{id}"), Anon).await.problem(404);
    app.get(&path, Anon).await.problem(404);

    app.get(&format!("/api/events/{}.ics", uuid::Uuid::new_v4()), Anon)
        .await
        .problem(404);
    app.get("/api/events/not-a-uuid.ics", Anon).await.problem(404);
}

both_stores!(a_calendar_token_opens_the_events_one_joined_until_rotated_or_revoked);
async fn a_calendar_token_opens_the_events_one_joined_until_rotated_or_revoked(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let party = app
        .event_joined_by(&alice, json!({"title": "Party", "start_time": in_days(3)}), [&bob])
        .await;
    let talk = app
        .event_joined_by(&alice, json!({"title": "Talk", "start_time": in_days(5)}), [&bob])
        .await;
    let _unjoined = app.event_id(&alice, json!({"title": "Other"})).await;
    let left = app.event_joined_by(&alice, json!({"title": "Left"}), [&bob]).await;
    app.leave(&left, &bob).await.expect(204);

    app.post_empty("/api/users/me/calendar-token", Anon).await.problem(401);
    let issued = app.post_empty("/api/users/me/calendar-token", &bob).await.expect(201);
    let token = issued["token"].as_str().expect("a token").to_owned();
    let url = issued["url"].as_str().expect("a url").to_owned();
    assert!(url.ends_with(&format!("/api/calendar/{token}.ics")), "{url}");

    let events = calendar(&app, &url).await;
    let uids: Vec<&str> = events.iter().filter_map(|e| e.get_uid()).collect();
    assert_eq!(uids, [uid(&party), uid(&talk)]);
    assert!(events.iter().all(|e| e.get_status() == Some(EventStatus::Confirmed)));

    app.delete(&format!("/api/events/{talk}"), &alice).await.expect(204);
    let events = calendar(&app, &url).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].get_summary(), Some("Talk"));
    assert_eq!(
        events[1].get_status(),
        Some(EventStatus::Cancelled),
        "the feed shows it cancelled"
    );
    assert_eq!(
        events[1].get_sequence(),
        Some(3),
        "created, joined, deleted: the deletion is a change too"
    );

    let rotated = app.post_empty("/api/users/me/calendar-token", &bob).await.expect(201);
    app.get(&url, Anon).await.problem(404);
    let new_url = rotated["url"].as_str().expect("a url").to_owned();
    assert_eq!(calendar(&app, &new_url).await.len(), 2);
    app.delete("/api/users/me/calendar-token", &bob).await.expect(204);
    app.get(&new_url, Anon).await.problem(404);
    app.delete("/api/users/me/calendar-token", &bob).await.expect(204);

    // Deleting the account takes its token along.
    let last = app.post_empty("/api/users/me/calendar-token", &bob).await.expect(201);
    let last_url = last["url"].as_str().expect("a url").to_owned();
    calendar(&app, &last_url).await;
    app.delete("/api/users/me", &bob).await.expect(204);
    app.get(&last_url, Anon).await.problem(404);
}

both_stores!(titles_and_locations_with_line_breaks_or_nothing_visible_are_400_and_change_nothing);
async fn titles_and_locations_with_line_breaks_or_nothing_visible_are_400_and_change_nothing(app: TestApp) {
    let alice = app.user("alice").await;
    let injected = "Party\r\nBEGIN:VEVENT\r\nSUMMARY:Injected\r\nEND:VEVENT";
    for (field, value) in [
        ("title", injected),
        ("title", "two\nlines"),
        ("title", "   "),
        ("title", "bell\u{7}"),
        ("location", "Hall 1\r\nBerlin"),
    ] {
        app.post(
            "/api/events",
            &alice,
            merge(event_body("Rust meetup"), json!({ field: value })),
        )
        .await
        .invalid(&[field]);
    }
    assert!(results(&app.get("/api/events", Anon).await.expect(200)).is_empty());
    let id = app.event_id(&alice, json!({})).await;
    app.patch(&format!("/api/events/{id}"), &alice, json!({"title": injected}))
        .await
        .invalid(&["title"]);
    assert_eq!(app.event_of(&id, Anon).await["title"], "Rust meetup");
}

both_stores!(an_ics_escapes_every_text_and_a_stored_line_break_cannot_start_another_event);
async fn an_ics_escapes_every_text_and_a_stored_line_break_cannot_start_another_event(app: TestApp) {
    let alice = app.user("alice").await;
    let id = app.event_id(&alice, json!({"title": "Rust, meetup; #7 \\o/"})).await;
    let path = format!("/api/events/{id}.ics");
    let text = app.get(&path, Anon).await.expect(200);
    let text = text.as_str().expect("a text body");
    assert!(text.contains("\r\nNAME:Rust\\, meetup\\; #7 \\\\o/\r\n"), "{text}");
    assert!(text.contains("\r\nSUMMARY:Rust\\, meetup\\; #7 \\\\o/\r\n"), "{text}");

    // A row written before titles were checked for line breaks.
    let injected = "Party\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:Injected\r\nEND:VEVENT";
    app.execute_sql(&format!(
        "UPDATE event_view SET title = '{injected}', location = 'Hall\rB' WHERE id = '{id}'"
    ))
    .await;
    let text = app.get(&path, Anon).await.expect(200);
    let text = text.as_str().expect("a text body");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines.iter().all(|line| !line.contains(['\r', '\n'])),
        "a bare line break:\n{text:?}"
    );
    assert_eq!(
        lines.iter().filter(|line| **line == "BEGIN:VEVENT").count(),
        1,
        "{text}"
    );
    assert!(lines.iter().all(|line| line.len() <= 75), "an unfolded line:\n{text}");
    let events = calendar(&app, &path).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].get_uid(), Some(uid(&id).as_str()));
}

both_stores!(links_name_the_service_and_never_the_host_header);
async fn links_name_the_service_and_never_the_host_header(app: TestApp) {
    let alice = app.user("alice").await;
    for i in 0..3 {
        app.event(&alice, json!({"title": format!("Event {i}")})).await;
    }
    let listed = app
        .send(
            app.request(reqwest::Method::GET, "/api/events?page_size=1&page=2", Anon)
                .header("host", "evil.example"),
        )
        .await
        .expect(200);
    for link in [&listed["next"], &listed["previous"]] {
        let link = link.as_str().unwrap_or_else(|| panic!("a link: {listed}"));
        assert!(link.starts_with(&format!("{}/api/events?", app.address)), "{link}");
    }
    let issued = app
        .send(
            app.request(reqwest::Method::POST, "/api/users/me/calendar-token", &alice)
                .header("host", "evil.example"),
        )
        .await
        .expect(201);
    let url = issued["url"].as_str().expect("a url");
    assert!(url.starts_with(&format!("{}/api/calendar/", app.address)), "{url}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_public_url_links_start_with_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let env = [("PUBLIC_URL", "https://events.example/")];
    let server = crate::process::ServerProcess::start_with(app.database_url(), &env, None).await;
    let alice = server.user("alice").await;
    let url = server
        .post_empty("/api/users/me/calendar-token", &alice)
        .await
        .expect(201)["url"]
        .clone();
    assert!(
        url.as_str()
            .is_some_and(|u| u.starts_with("https://events.example/api/calendar/")),
        "{url}"
    );
    server.event(&alice, json!({})).await;
    server.event(&alice, json!({})).await;
    let listed = server.get("/api/events?page_size=1", Anon).await.expect(200);
    assert_eq!(
        listed["next"], "https://events.example/api/events?page=2&page_size=1",
        "{listed}"
    );
}
