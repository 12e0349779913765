//! PostgreSQL ending the service's sessions under it (`pg_terminate_backend`, as an
//! administrator, a failover or a pooler restart does): a request whose statement was cut
//! off answers 503, never 500, and the same process serves again at once.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::helpers::*;

const CLIENTS: usize = 24;

/// How many times every session of the service's database is terminated.
const TERMINATIONS: usize = 15;

/// Joins, reads and leaves until told to stop; answers how many answers had each status.
async fn churn(api: Api, event: String, user: TestUser, stop: Arc<AtomicBool>) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    let paths = [
        (Method::POST, format!("/api/events/{event}/join")),
        (Method::GET, format!("/api/events/{event}")),
        (Method::GET, "/api/users/me/events".to_owned()),
        (Method::DELETE, format!("/api/events/{event}/exit")),
    ];
    while !stop.load(Ordering::Relaxed) {
        for (method, path) in &paths {
            let answer = api.send_unchecked(api.request(method.clone(), path, &user)).await;
            assert_ne!(
                answer.status, 500,
                "{method} {path} answered 500 while sessions were terminated: {}",
                answer.body
            );
            if answer.status == 503 {
                answer.clone().problem(503);
            }
            *counts.entry(answer.status).or_insert(0) += 1;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn terminated_sessions_mid_storm_answer_503_and_the_service_carries_on() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let alice = app.user("alice").await;
    let users = app.users("cut", CLIENTS).await;
    let id = app.event_id(&alice, json!({"capacity": 1000})).await;

    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = tokio::task::JoinSet::new();
    for user in &users {
        let (api, id, user, stop) = (app.api.clone(), id.clone(), user.clone(), stop.clone());
        clients.spawn(churn(api, id, user, stop));
    }
    let database = PgConnectOptions::from_str(app.database_url())
        .expect("a PostgreSQL URL")
        .get_database()
        .expect("a database name")
        .to_owned();
    let admin_url = std::env::var("TEST_DATABASE_URL").expect("set, since the app runs on PostgreSQL");
    let mut admin = PgConnection::connect(&admin_url).await.expect("an admin session");
    let mut terminated = 0;
    for _ in 0..TERMINATIONS {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&database)
        .fetch_all(&mut admin)
        .await
        .expect("terminating the service's sessions");
        terminated += ended.into_iter().filter(|ended| *ended).count();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut totals = BTreeMap::new();
    for counts in clients.join_all().await {
        for (status, n) in counts {
            *totals.entry(status).or_insert(0) += n;
        }
    }
    eprintln!("{terminated} sessions terminated; answers by status: {totals:?}");
    assert!(terminated > 0, "the service held sessions to terminate");

    let started = Instant::now();
    let deadline = started + Duration::from_secs(10);
    while app.get("/readyz", Anon).await.status != 200 {
        assert!(
            Instant::now() < deadline,
            "/readyz still not 200 10 s after the last termination"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let latecomer = app.user("latecomer").await;
    app.join(&id, &latecomer).await.expect(201);
    let mine = app.get("/api/users/me/events", &latecomer).await.expect(200);
    assert_eq!(column(&mine, "/event/id"), [id.as_str()]);
    app.assert_verified().await;
}
