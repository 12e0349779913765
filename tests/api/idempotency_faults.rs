//! `Idempotency-Key` under faults: once a command's facts are committed, every retry with
//! its key gets its answer, whatever happened to the first request after the commit (the
//! client hung up, the server was killed, the read models lagged). Nothing runs twice.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::helpers::*;
use crate::process::ServerProcess;

fn keyed_create(api: &Api, user: &TestUser, key: &str, body: &Value) -> reqwest::RequestBuilder {
    api.request(Method::POST, "/api/events", user)
        .header("idempotency-key", key)
        .json(body)
}

/// Sends the keyed creation until it gets an answer that is not a 5xx (or a dropped
/// connection), as a client with retries would; answers that answer and how many tries
/// failed before it.
async fn until_answered(api: &Api, user: &TestUser, key: &str, body: &Value) -> (Resp, usize) {
    for failed in 0..100 {
        match api.try_send(keyed_create(api, user, key, body)).await {
            Ok(answer) if answer.status < 500 => return (answer, failed),
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("{key}: no answer below 500 after 100 tries");
}

/// How many live events carry each title.
async fn titles(api: &Api) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for event in api.all_pages("/api/events", Anon).await {
        *counts.entry(event["title"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    counts
}

/// Writes a keyed creation on a connection of its own and hangs up 2 ms later, unanswered.
async fn send_and_hang_up(api: &Api, user: &TestUser, key: &str, body: &Value) {
    let address = api.address.trim_start_matches("http://");
    let mut socket = TcpStream::connect(address).await.unwrap();
    let body = body.to_string();
    let request = format!(
        "POST /api/events HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Idempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        user.access,
        body.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2)).await;
    drop(socket);
}

both_stores!(a_client_that_hangs_up_gets_the_first_answer_when_it_retries);
async fn a_client_that_hangs_up_gets_the_first_answer_when_it_retries(app: TestApp) {
    let alice = app.user("alice").await;
    let mut replayed = 0;
    for n in 0..10 {
        let (key, body) = (format!("hang-up-{n}"), event_body(&format!("Hung up {n}")));
        send_and_hang_up(&app.api, &alice, &key, &body).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        // The first request ran to its end and recorded its answer (or, cut off before it
        // claimed the key, did nothing): never a claim left unanswered, which is a 409 after
        // waiting 30 s.
        let retried = app.send(keyed_create(&app.api, &alice, &key, &body)).await;
        replayed += usize::from(retried.header("idempotent-replayed") == Some("true"));
        let event = retried.expect(201);
        assert_eq!(event["title"], json!(format!("Hung up {n}")));
    }
    eprintln!(
        "[{:?}] {replayed} of 10 retries replayed the hung-up request's answer",
        app.backend
    );
    assert!(replayed > 0, "the hung-up requests ran");
    assert_one_event_per_key(&app.api, 10).await;
    app.assert_verified().await;
}

both_stores!(a_server_killed_between_commit_and_answer_replays_on_retry);
async fn a_server_killed_between_commit_and_answer_replays_on_retry(app: TestApp) {
    let alice = app.user("alice").await;
    // On PostgreSQL the test holds the projector back, so that the creations are committed
    // and waiting for their read models when the server dies.
    let mut held = match app.backend {
        Backend::Postgres => {
            let mut conn = PgConnection::connect(app.database_url()).await.unwrap();
            sqlx::raw_sql("BEGIN; SELECT * FROM projection_checkpoints FOR UPDATE;")
                .execute(&mut conn)
                .await
                .unwrap();
            Some(conn)
        }
        Backend::Sqlite => None,
    };
    let server = ServerProcess::start(app.database_url()).await;
    let keys: Vec<(String, Value)> = (0..30)
        .map(|n| (format!("killed-{n}"), event_body(&format!("Killed {n}"))))
        .collect();
    let mut first = tokio::task::JoinSet::new();
    for (key, body) in keys.clone() {
        let (api, alice) = (server.api.clone(), alice.clone());
        first.spawn(async move { api.try_send(keyed_create(&api, &alice, &key, &body)).await.is_ok() });
    }
    tokio::time::sleep(Duration::from_millis(if held.is_some() { 1500 } else { 30 })).await;
    server.kill();
    let answered_before = first.join_all().await.into_iter().filter(|ok| *ok).count();
    if let Some(conn) = held.take() {
        conn.close().await.unwrap();
    }

    let restarted = ServerProcess::start(app.database_url()).await;
    let mut replayed = 0;
    for (key, body) in &keys {
        let (answer, _) = until_answered(&restarted.api, &alice, key, body).await;
        replayed += usize::from(answer.header("idempotent-replayed") == Some("true"));
        assert_eq!(answer.expect(201)["title"], body["title"], "{key}");
    }
    eprintln!(
        "[{:?}] {answered_before} of 30 answered before the kill, {replayed} replayed after it",
        app.backend
    );
    if app.backend == Backend::Postgres {
        assert!(replayed > 0, "creations committed before the kill were replayed");
    }
    restarted.caught_up().await;
    assert_one_event_per_key(&restarted.api, 30).await;
    drop(restarted);
    app.assert_verified().await;
}

both_stores!(keyed_creations_retried_through_a_starved_pool_make_one_event_each);
async fn keyed_creations_retried_through_a_starved_pool_make_one_event_each(app: TestApp) {
    let alice = app.user("alice").await;
    // One connection per pool, given up on after 10 ms: requests fail everywhere, before
    // and after their commits. (At 20 ms a loaded CI once served all 30 without a failure,
    // and the fault went untested.)
    let settings = [("DATABASE_POOL_SIZE", "1"), ("DATABASE_ACQUIRE_TIMEOUT", "10ms")];
    // So starved, it may not get a connection in time at start either; it waits for one.
    let server = ServerProcess::start_with(app.database_url(), &settings, None).await;
    thirty_keyed_creations_answered_201(&server.api, &alice, "starved").await;
    drop(server);
    assert_one_event_per_key(&app.api, 30).await;
    app.assert_verified().await;
}

/// 30 keyed creations sent at once, each retried until it gets an answer below 500: all
/// of them are answered 201.
async fn thirty_keyed_creations_answered_201(api: &Api, user: &TestUser, prefix: &str) {
    let mut clients = tokio::task::JoinSet::new();
    for n in 0..30 {
        let (api, user, prefix) = (api.clone(), user.clone(), prefix.to_owned());
        clients.spawn(async move {
            let body = event_body(&format!("{prefix} {n}"));
            let (answer, failed) = until_answered(&api, &user, &format!("{prefix}-{n}"), &body).await;
            (answer.status, failed)
        });
    }
    let answers = clients.join_all().await;
    assert!(answers.iter().all(|&(status, _)| status == 201), "{answers:?}");
    let failed: usize = answers.iter().map(|(_, failed)| failed).sum();
    eprintln!("{prefix}: 30 creations answered 201 after {failed} failed tries");
    assert!(failed > 0, "the fault made some tries fail");
}

/// `keys` events, one for each key. A starved server may have answered before its read
/// models showed its creations (it answers what it committed), so they get time to.
async fn assert_one_event_per_key(api: &Api, keys: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut counts = titles(api).await;
    while counts.len() < keys && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        counts = titles(api).await;
    }
    assert_eq!(counts.len(), keys, "every key made its event");
    assert!(counts.values().all(|&n| n == 1), "one event per key: {counts:?}");
}
