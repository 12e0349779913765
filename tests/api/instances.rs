//! Two instances on one PostgreSQL: both take commands, the seat invariant holds across
//! them, and when one dies mid-storm the other keeps projecting and reading its writes.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::*;
use crate::process::ServerProcess;

const USERS: usize = 200;
const CAPACITY: usize = 50;

/// Joins through `api`, then reads the membership back through the same instance.
async fn join_and_read_back(api: Api, event: String, user: TestUser, answered: Arc<AtomicUsize>) -> Option<u16> {
    let join = api.request(reqwest::Method::POST, &format!("/api/events/{event}/join"), &user);
    let answer = api.try_send(join).await.ok()?;
    answered.fetch_add(1, Ordering::SeqCst);
    let read_back = api.request(reqwest::Method::GET, "/api/users/me/events", &user);
    // Only the instance's death excuses a missing read-back.
    if let (201, Ok(mine)) = (answer.status, api.try_send(read_back).await) {
        let mine = mine.expect(200);
        assert_eq!(
            column(&mine, "/event/id"),
            [event.as_str()],
            "{} reads its own join",
            user.username
        );
    }
    Some(answer.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn two_instances_share_one_event_and_survive_losing_one() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let alice = app.user("alice").await;
    let users = app.users("twin", USERS).await;
    let id = app
        .event_id(&alice, json!({"capacity": CAPACITY, "waitlist_enabled": true}))
        .await;
    let first = ServerProcess::start(app.database_url()).await;
    let second = ServerProcess::start(app.database_url()).await;

    let (by_first, by_second) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut clients = tokio::task::JoinSet::new();
    for (i, user) in users.iter().enumerate() {
        let (api, answered) = if i % 2 == 0 {
            (first.api.clone(), by_first.clone())
        } else {
            (second.api.clone(), by_second.clone())
        };
        let (event, user) = (id.clone(), user.clone());
        clients.spawn(async move { (i, join_and_read_back(api, event, user, answered).await) });
    }
    // Kill the first instance in the middle of its share of the storm.
    let deadline = Instant::now() + Duration::from_secs(30);
    while by_first.load(Ordering::SeqCst) < USERS / 8 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill();
    eprintln!(
        "killed the first instance after it answered {} joins",
        by_first.load(Ordering::SeqCst)
    );
    let answers = clients.join_all().await;
    let cut_off: Vec<usize> = answers.iter().filter(|(_, a)| a.is_none()).map(|(i, _)| *i).collect();
    for (i, answer) in &answers {
        assert!(matches!(answer, None | Some(201)), "{}: {answer:?}", users[*i].username);
    }
    eprintln!(
        "{} of {USERS} joins were cut off by the kill; retrying them on the survivor",
        cut_off.len()
    );
    for i in cut_off {
        let status = join_and_read_back(second.api.clone(), id.clone(), users[i].clone(), by_second.clone()).await;
        // A cut-off join may have committed before the kill: then it is already there.
        assert!(matches!(status, Some(201 | 409)), "{}: {status:?}", users[i].username);
    }

    let members = second.all_pages(&format!("/api/events/{id}/members"), &alice).await;
    let waitlist = second.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await;
    assert_eq!(members.len(), CAPACITY);
    assert_eq!(waitlist.len(), USERS - CAPACITY);
    let positions: Vec<i64> = waitlist.iter().map(|w| w["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, (1..=(USERS - CAPACITY) as i64).collect::<Vec<_>>());
    let everyone: HashSet<String> = user_ids(&members).into_iter().chain(user_ids(&waitlist)).collect();
    assert_eq!(everyone.len(), USERS, "everyone once");
    drop(second);
    app.assert_verified().await;
}

/// Read-your-writes across instances: a change answered by one instance shows in the very
/// next read through the other, whichever of the two projected it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn a_write_answered_by_one_instance_shows_in_the_next_read_through_the_other() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let id = app.event_id(&alice, json!({"capacity": 1})).await;
    let instances = [
        ServerProcess::start(app.database_url()).await,
        ServerProcess::start(app.database_url()).await,
    ];
    for cycle in 0..20 {
        let (writer, reader) = (&instances[cycle % 2], &instances[(cycle + 1) % 2]);
        writer.join(&id, &bob).await.expect(201);
        let mine = reader.get("/api/users/me/events", &bob).await.expect(200);
        assert_eq!(column(&mine, "/event/id"), [id.as_str()], "cycle {cycle}: the join");
        assert_eq!(reader.capacity(&id).await["members_count"], json!(1), "cycle {cycle}");
        assert_eq!(writer.leave(&id, &bob).await.status, 204);
        let mine = reader.get("/api/users/me/events", &bob).await.expect(200);
        assert_eq!(mine["count"], json!(0), "cycle {cycle}: the leave");
        assert_eq!(reader.capacity(&id).await["members_count"], json!(0), "cycle {cycle}");
    }
    drop(instances);
    app.assert_verified().await;
}
