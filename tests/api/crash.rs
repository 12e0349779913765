//! History is the truth: a server killed with SIGKILL mid-storm loses no answered change,
//! and after a restart every read model equals a rebuild from the store.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::process::ServerProcess;

const CLIENTS: usize = 100;

/// What a client last knows of its user: present after an answered join, absent after an
/// answered leave, unknown when its last request was cut off by the kill.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Known {
    Present,
    Absent,
    Unknown,
}

/// Joins and leaves, alternating, until told to stop or the server dies.
async fn churn(api: Api, event: String, user: TestUser, stop: Arc<AtomicBool>) -> Known {
    let mut known = Known::Absent;
    let mut joining = true;
    while !stop.load(Ordering::Relaxed) {
        let request = if joining {
            api.request(reqwest::Method::POST, &format!("/api/events/{event}/join"), &user)
        } else {
            api.request(reqwest::Method::DELETE, &format!("/api/events/{event}/exit"), &user)
        };
        match api.try_send(request).await {
            Err(_) => return Known::Unknown,
            Ok(answer) => match (joining, answer.status) {
                (true, 201) => known = Known::Present,
                (false, 204) => known = Known::Absent,
                (_, status) => panic!("{} got {status}: {}", user.username, answer.body),
            },
        }
        joining = !joining;
    }
    known
}

both_stores!(answered_joins_and_leaves_survive_a_sigkill_mid_storm);
async fn answered_joins_and_leaves_survive_a_sigkill_mid_storm(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("churn", CLIENTS).await;
    let id = app
        .event_id(&alice, json!({"capacity": 50, "waitlist_enabled": true}))
        .await;
    let server = ServerProcess::start(app.database_url()).await;
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = tokio::task::JoinSet::new();
    for (i, user) in users.iter().enumerate() {
        let (api, event, user, stop) = (server.api.clone(), id.clone(), user.clone(), stop.clone());
        clients.spawn(async move { (i, churn(api, event, user, stop).await) });
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    stop.store(true, Ordering::Relaxed);
    let known = clients.join_all().await;
    let cut_off = known.iter().filter(|(_, k)| *k == Known::Unknown).count();
    eprintln!(
        "[{:?}] killed with {cut_off} of {CLIENTS} requests in flight",
        app.backend
    );

    let restarted = ServerProcess::start(app.database_url()).await;
    restarted.caught_up().await;
    let members = restarted.all_pages(&format!("/api/events/{id}/members"), &alice).await;
    let waitlist = restarted.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await;
    let present: HashSet<String> = user_ids(&members).into_iter().chain(user_ids(&waitlist)).collect();
    assert_eq!(present.len(), members.len() + waitlist.len(), "nobody twice");
    assert!(members.len() <= 50, "{} members in 50 seats", members.len());
    for (i, state) in known {
        let user = &users[i];
        match state {
            Known::Present => assert!(
                present.contains(&user.id),
                "{}: answered 201 but missing",
                user.username
            ),
            Known::Absent => assert!(
                !present.contains(&user.id),
                "{}: answered 204 but present",
                user.username
            ),
            Known::Unknown => {}
        }
    }
    let capacity = restarted.capacity(&id).await;
    assert_eq!(capacity["members_count"], json!(members.len()));
    assert_eq!(capacity["waitlist_count"], json!(waitlist.len()));
    if !waitlist.is_empty() {
        assert_eq!(members.len(), 50, "nobody waits while a seat is free");
    }
    drop(restarted);
    app.assert_verified().await;
}
