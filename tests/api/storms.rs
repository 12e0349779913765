//! The seat invariant under concurrency: never more members than seats, nobody twice, and
//! no request answered 201 goes missing.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::Barrier;

use crate::helpers::*;

const USERS: usize = 200;
const CAPACITY: usize = 50;

/// Every user asks to join at the same moment; answers (user index, answer) and the time taken.
async fn join_storm(app: &TestApp, event: &str, users: &[TestUser]) -> (Vec<(usize, Resp)>, Duration) {
    let barrier = Arc::new(Barrier::new(users.len() + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, user) in users.iter().enumerate() {
        let (api, barrier, user, event) = (app.api.clone(), barrier.clone(), user.clone(), event.to_owned());
        tasks.spawn(async move {
            barrier.wait().await;
            (i, api.join(&event, &user).await)
        });
    }
    barrier.wait().await;
    let started = Instant::now();
    let mut answers = tasks.join_all().await;
    let elapsed = started.elapsed();
    answers.sort_by_key(|(i, _)| *i);
    (answers, elapsed)
}

fn statuses(answers: &[(usize, Resp)]) -> HashMap<u16, usize> {
    let mut counts = HashMap::new();
    for (_, answer) in answers {
        *counts.entry(answer.status).or_insert(0) += 1;
    }
    counts
}

both_stores!(two_hundred_concurrent_joins_fill_fifty_seats_and_queue_the_rest_in_order);
async fn two_hundred_concurrent_joins_fill_fifty_seats_and_queue_the_rest_in_order(app: TestApp) {
    let registering = Instant::now();
    let alice = app.user("alice").await;
    let users = app.users("storm", USERS).await;
    eprintln!(
        "[{:?}] registered and logged in {USERS} users in {:?}",
        app.backend,
        registering.elapsed()
    );
    let id = app
        .event_id(&alice, json!({"capacity": CAPACITY, "waitlist_enabled": true}))
        .await;

    let (answers, elapsed) = join_storm(&app, &id, &users).await;
    eprintln!(
        "[{:?}] storm: {USERS} concurrent joins, capacity {CAPACITY}, waitlist on: {elapsed:?}",
        app.backend
    );
    assert_eq!(
        statuses(&answers),
        HashMap::from([(201, USERS)]),
        "every join is answered 201"
    );

    let mut members = HashSet::new();
    let mut positions = HashMap::new();
    for (i, answer) in &answers {
        let body = &answer.body;
        assert_eq!(body["user"]["id"], json!(users[*i].id));
        match body["status"].as_str() {
            Some("member") => assert!(members.insert(users[*i].id.clone())),
            Some("waitlisted") => {
                let position = body["position"]
                    .as_u64()
                    .unwrap_or_else(|| panic!("a position: {body}"));
                positions.insert(users[*i].id.clone(), position);
            }
            other => panic!("unexpected status {other:?}: {body}"),
        }
    }
    assert_eq!(members.len(), CAPACITY);
    assert_eq!(positions.len(), USERS - CAPACITY);
    let distinct: BTreeSet<u64> = positions.values().copied().collect();
    assert_eq!(
        distinct,
        (1..=(USERS - CAPACITY) as u64).collect::<BTreeSet<_>>(),
        "positions 1..=150, each once"
    );

    assert_eq!(
        app.capacity(&id).await,
        json!({"capacity": CAPACITY, "members_count": CAPACITY, "available_slots": 0, "waitlist_count": USERS - CAPACITY})
    );
    let listed = user_ids(&app.all_pages(&format!("/api/events/{id}/members"), &alice).await);
    assert_unique(&listed);
    assert_eq!(
        listed.iter().cloned().collect::<HashSet<_>>(),
        members,
        "the members answered 201 are the members"
    );

    let waitlist = app.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await;
    assert_eq!(waitlist.len(), USERS - CAPACITY);
    for (index, entry) in waitlist.iter().enumerate() {
        let user = entry["user"]["id"].as_str().unwrap();
        assert_eq!(entry["position"], json!(index + 1), "in order: {entry}");
        assert_eq!(
            positions.get(user),
            Some(&(index as u64 + 1)),
            "the position answered is the position kept"
        );
    }
    let log = app
        .get(&format!("/api/logs/{id}?page_size=1"), &alice)
        .await
        .expect(200);
    assert_eq!(log["count"], json!(USERS + 1));
    assert_eq!(app.event_of(&id, Anon).await["version"], json!(USERS + 1));
    app.assert_verified().await;
}

both_stores!(two_hundred_concurrent_joins_without_a_waitlist_seat_exactly_fifty);
async fn two_hundred_concurrent_joins_without_a_waitlist_seat_exactly_fifty(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("storm", USERS).await;
    let id = app.event_id(&alice, json!({"capacity": CAPACITY})).await;

    let (answers, elapsed) = join_storm(&app, &id, &users).await;
    eprintln!(
        "[{:?}] storm: {USERS} concurrent joins, capacity {CAPACITY}, waitlist off: {elapsed:?}",
        app.backend
    );
    assert_eq!(
        statuses(&answers),
        HashMap::from([(201, CAPACITY), (409, USERS - CAPACITY)])
    );
    let mut seated = HashSet::new();
    for (i, answer) in answers {
        if answer.status == 201 {
            assert_eq!(answer.body["status"], json!("member"));
            seated.insert(users[i].id.clone());
        } else {
            assert_eq!(answer.problem(409)["detail"], json!("event is full"));
        }
    }
    let listed = user_ids(&app.all_pages(&format!("/api/events/{id}/members"), &alice).await);
    assert_unique(&listed);
    assert_eq!(listed.into_iter().collect::<HashSet<_>>(), seated);
    assert_eq!(
        app.capacity(&id).await,
        json!({"capacity": CAPACITY, "members_count": CAPACITY, "available_slots": 0, "waitlist_count": 0})
    );
    app.assert_verified().await;
}

const CHURNERS: usize = 30;
const CHURN_CAPACITY: usize = 10;
const CHURN_CYCLES: usize = 6;

/// What the watcher saw that broke the invariant.
async fn watch(api: Api, creator: TestUser, event: String, done: Arc<AtomicBool>) -> (usize, Vec<String>) {
    let mut looks = 0;
    let mut broken = Vec::new();
    while !done.load(Ordering::Relaxed) {
        looks += 1;
        let detail = api.get(&format!("/api/events/{event}"), Anon).await.expect(200);
        let members_count = detail["members_count"].as_u64().unwrap() as usize;
        if members_count > CHURN_CAPACITY {
            broken.push(format!("members_count {members_count} > capacity: {detail}"));
        }
        if detail["available_slots"].as_i64().unwrap() < 0 {
            broken.push(format!("negative available_slots: {detail}"));
        }
        let members = api
            .get(&format!("/api/events/{event}/members?page_size=100"), &creator)
            .await
            .expect(200);
        let ids = column(&members, "/user/id");
        if ids.len() > CHURN_CAPACITY {
            broken.push(format!("{} members listed > capacity", ids.len()));
        }
        if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
            broken.push(format!("a duplicate member: {ids:?}"));
        }
        let waitlist = api
            .get(&format!("/api/events/{event}/waitlist?page_size=100"), &creator)
            .await
            .expect(200);
        let positions: Vec<u64> = results(&waitlist)
            .iter()
            .map(|w| w["position"].as_u64().unwrap())
            .collect();
        if positions != (1..=positions.len() as u64).collect::<Vec<_>>() {
            broken.push(format!("waitlist positions {positions:?}"));
        }
        let queued = column(&waitlist, "/user/id");
        if queued.iter().collect::<HashSet<_>>().len() != queued.len() {
            broken.push(format!("a duplicate on the waitlist: {queued:?}"));
        }
    }
    (looks, broken)
}

both_stores!(a_leave_and_join_storm_never_overfills_nor_duplicates);
async fn a_leave_and_join_storm_never_overfills_nor_duplicates(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("churn", CHURNERS).await;
    let id = app
        .event_id(&alice, json!({"capacity": CHURN_CAPACITY, "waitlist_enabled": true}))
        .await;

    let done = Arc::new(AtomicBool::new(false));
    let watcher = tokio::spawn(watch(app.api.clone(), alice.clone(), id.clone(), done.clone()));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, user) in users.iter().enumerate() {
        let (api, user, id) = (app.api.clone(), user.clone(), id.clone());
        tasks.spawn(async move {
            let mut unexpected = Vec::new();
            let cycles = 1 + (i % CHURN_CYCLES);
            for _ in 0..cycles {
                let joined = api.join(&id, &user).await;
                if joined.status != 201 {
                    unexpected.push(format!("{} join: {} {}", user.username, joined.status, joined.body));
                }
                let left = api.leave(&id, &user).await;
                if left.status != 204 {
                    unexpected.push(format!("{} leave: {} {}", user.username, left.status, left.body));
                }
            }
            // Every other user stays.
            let stays = i % 2 == 0;
            if stays {
                let joined = api.join(&id, &user).await;
                if joined.status != 201 {
                    unexpected.push(format!(
                        "{} final join: {} {}",
                        user.username, joined.status, joined.body
                    ));
                }
            }
            (stays.then(|| user.id.clone()), unexpected)
        });
    }
    let outcomes = tasks.join_all().await;
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let (looks, broken) = watcher.await.expect("the watcher ran");
    eprintln!(
        "[{:?}] churn: {CHURNERS} users joining and leaving (capacity {CHURN_CAPACITY}) in {elapsed:?}; {looks} looks",
        app.backend
    );
    let unexpected: Vec<&String> = outcomes.iter().flat_map(|(_, u)| u).collect();
    assert!(unexpected.is_empty(), "unexpected answers: {unexpected:?}");
    assert!(broken.is_empty(), "the invariant broke: {broken:?}");

    let stayed: HashSet<String> = outcomes.into_iter().filter_map(|(stayed, _)| stayed).collect();
    let member_ids = user_ids(&app.all_pages(&format!("/api/events/{id}/members"), &alice).await);
    let queued_ids = user_ids(&app.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await);
    assert_unique(&member_ids);
    assert_unique(&queued_ids);
    assert_eq!(
        member_ids.len(),
        CHURN_CAPACITY.min(stayed.len()),
        "no seat stays free while someone waits"
    );
    let seated: HashSet<String> = member_ids.iter().chain(queued_ids.iter()).cloned().collect();
    assert_eq!(
        seated.len(),
        member_ids.len() + queued_ids.len(),
        "nobody is a member and waitlisted at once"
    );
    assert_eq!(
        seated, stayed,
        "exactly those who stayed hold a seat or a place in line"
    );
    let capacity: Value = app.capacity(&id).await;
    assert_eq!(capacity["members_count"], json!(member_ids.len()));
    assert_eq!(capacity["waitlist_count"], json!(queued_ids.len()));
    app.assert_verified().await;
}
