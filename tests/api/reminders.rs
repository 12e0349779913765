//! Reminders: the scheduled job records one `ReminderSent` per start time, whatever the
//! number of runs, restarts and instances, and members are notified.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::*;

async fn reminders_in_history(app: &TestApp, creator: &TestUser, event: &str) -> usize {
    let history = app.all_pages(&format!("/api/events/{event}/history"), creator).await;
    history.iter().filter(|h| h["event_type"] == "ReminderSent").count()
}

both_stores!(a_reminder_goes_out_once_across_runs_restarts_and_instances);
async fn a_reminder_goes_out_once_across_runs_restarts_and_instances(mut app: TestApp) {
    let [alice, bob, carol, dave] = app.named_users(["alice", "bob", "carol", "dave"]).await;
    let start = Utc::now() + Duration::hours(30);
    let soon = app
        .event_joined_by(
            &alice,
            json!({"capacity": 1, "waitlist_enabled": true, "start_time": rfc3339(start)}),
            [&bob, &carol],
        )
        .await;
    let later = app
        .event_joined_by(&alice, json!({"start_time": in_days(5)}), [&dave])
        .await;

    // Not yet within 24 hours: nothing.
    assert!(app.remind(Utc::now()).await.is_empty());
    // Ten hours on, two instances run the job at the same moment: one reminder.
    let eve = Utc::now() + Duration::hours(10);
    let (first, second) = tokio::join!(app.remind(eve), app.remind(eve));
    let mut reminded = [first, second].concat();
    reminded.sort();
    assert_eq!(
        reminded.iter().map(ToString::to_string).collect::<Vec<_>>(),
        std::slice::from_ref(&soon)
    );
    // Again, and after a restart whose job runs at once: still one.
    assert!(app.remind(eve).await.is_empty());
    app.restart(Settings::at(eve)).await;
    assert_eq!(reminders_in_history(&app, &alice, &soon).await, 1);
    assert_eq!(reminders_in_history(&app, &alice, &later).await, 0);

    // Bob holds the seat and hears of it; Carol only waits; Dave's event is days away.
    let bobs = app.all_pages("/api/notifications", &bob).await;
    assert_eq!(bobs.len(), 1, "{bobs:?}");
    assert_eq!(bobs[0]["type"], "starts_soon");
    assert_eq!(
        parse_time(&bobs[0]["detail"]["start_time"]),
        parse_time(&json!(rfc3339(start)))
    );
    assert!(app.all_pages("/api/notifications", &carol).await.is_empty());
    assert!(app.all_pages("/api/notifications", &dave).await.is_empty());
    let log = app
        .all_pages(&format!("/api/logs/{soon}?type=reminder_sent"), &alice)
        .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["metadata"]["via"], "reminder");

    // Moved a day later, the event is reminded of its new start when that comes near.
    let moved = start + Duration::days(1);
    app.patch(
        &format!("/api/events/{soon}"),
        &alice,
        json!({"start_time": rfc3339(moved)}),
    )
    .await
    .expect(200);
    assert!(
        app.remind(eve).await.is_empty(),
        "the new start is more than 24 hours away"
    );
    assert_eq!(app.remind(eve + Duration::days(1)).await.len(), 1);
    assert_eq!(reminders_in_history(&app, &alice, &soon).await, 2);
    app.assert_verified().await;
}
