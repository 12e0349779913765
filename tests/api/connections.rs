//! What a connection may cost the service: a deadline for each request head (slow and idle
//! clients are cut off), a bound on open connections, no surrender on a full file table,
//! and keep-alive that survives a request refused before its body was read.

use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::live_client::Sse;
use crate::process::ServerProcess;
use crate::raw;

/// `HEADER_TIMEOUT` for the servers here, and the slack allowed on top of it.
const HEADER_TIMEOUT: &str = "2s";
const TIMEOUT: Duration = Duration::from_secs(2);
const SLACK: Duration = Duration::from_secs(3);

/// The binary over a SQLite file in a fresh directory (removed by the caller), with `env`.
async fn binary(env: &[(&str, &str)], open_files: Option<u32>) -> (std::path::PathBuf, ServerProcess) {
    let dir = std::env::temp_dir().join(format!("em-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a test directory");
    let url = format!("sqlite:{}", dir.join("db.sqlite").display());
    (dir, ServerProcess::start_with(&url, env, open_files).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_trickling_its_headers_is_cut_off_after_the_header_timeout() {
    let (dir, server) = binary(&[("HEADER_TIMEOUT", HEADER_TIMEOUT)], None).await;
    let mut stream = raw::connect(&server.address).await;
    raw::write(&mut stream, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n").await;
    let started = Instant::now();
    let trickle = async {
        loop {
            if tokio::io::AsyncWriteExt::write_all(&mut stream, b"X").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    };
    let cut_off = tokio::time::timeout(TIMEOUT + SLACK, trickle).await.is_ok();
    assert!(
        cut_off,
        "a connection trickling its headers was still open after {:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let (dir, server) = binary(&[("HEADER_TIMEOUT", HEADER_TIMEOUT)], None).await;
    let mut stream = raw::connect(&server.address).await;
    raw::write(&mut stream, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    let answer = raw::read_answer(&mut stream).await.expect("an answer");
    assert_eq!(answer.status, 200);
    assert!(
        raw::closed_within(&mut stream, TIMEOUT + SLACK).await,
        "an idle keep-alive connection was still open after {:?}",
        TIMEOUT + SLACK
    );
    let mut silent = raw::connect(&server.address).await;
    assert!(
        raw::closed_within(&mut silent, TIMEOUT + SLACK).await,
        "a connection that never sent a byte was still open after {:?}",
        TIMEOUT + SLACK
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stream_outlives_the_header_timeout() {
    let (dir, server) = binary(&[("HEADER_TIMEOUT", HEADER_TIMEOUT)], None).await;
    let alice = server.user("alice").await;
    let mut stream = Sse::open(&server, "/api/notifications/stream", &alice, None).await;
    assert!(
        !stream.ends_within(TIMEOUT + SLACK).await,
        "an SSE response was cut off by the header timeout"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connections_beyond_the_limit_are_answered_503_and_closed() {
    let (dir, server) = binary(&[("HEADER_TIMEOUT", "30s"), ("MAX_CONNECTIONS", "8")], None).await;
    // The start-up health check's pooled connection may hold one of the eight: the extra
    // connection is beyond the limit either way.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(raw::connect(&server.address).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut extra = raw::connect(&server.address).await;
    raw::write(&mut extra, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    let answer = raw::read_answer(&mut extra)
        .await
        .expect("an answer to the extra connection");
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(answer.header("retry-after").is_some());
    let problem: serde_json::Value = serde_json::from_slice(&answer.body).expect("a problem+json body");
    assert_eq!(problem["status"], 503, "{problem}");
    assert!(raw::closed_within(&mut extra, SLACK).await);
    drop(held);
    // Freed slots serve again.
    let deadline = Instant::now() + SLACK;
    loop {
        let mut again = raw::connect(&server.address).await;
        raw::write(&mut again, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
        let status = raw::read_answer(&mut again).await.map(|a| a.status);
        if status == Some(200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {status:?} after the held connections closed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// File descriptors the server may hold: enough for the store, far fewer than the
/// connections thrown at it.
const OPEN_FILES: u32 = 128;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_server_accepts_again_after_running_out_of_file_descriptors() {
    let (dir, server) = binary(&[("HEADER_TIMEOUT", HEADER_TIMEOUT)], Some(OPEN_FILES)).await;
    let mut idle = Vec::new();
    for _ in 0..2 * OPEN_FILES {
        idle.push(raw::connect(&server.address).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("a client");
    let answer = client.get(server.url("/healthz")).send().await;
    let waited = started.elapsed();
    assert!(
        answer.as_ref().is_ok_and(|a| a.status().is_success()),
        "no answer after {waited:?} while {} idle connections were open: {answer:?}",
        idle.len()
    );
    println!("answered after {waited:?} with {} idle connections open", idle.len());
    let _ = std::fs::remove_dir_all(dir);
}

/// Rounds of each refused request: the hole was a race, seen in 0 to 5 % of them.
const ROUNDS: usize = 40;

fn refused_post(path: &str, token: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// A JSON body of `length` bytes.
fn body(length: usize) -> Vec<u8> {
    let mut body = format!("{{\"title\": \"{}\"}}", "x".repeat(length - 13)).into_bytes();
    body.truncate(length);
    body
}

/// Sends a request whose body arrives in two halves, 50 ms apart (the server refuses it in
/// between), then a second request on the same connection: both must be answered.
async fn keep_alive_survives(app: &TestApp, path: &str, token: &str, status: u16) {
    let mut stream = raw::connect(&app.address).await;
    let body = body(16 * 1024);
    for round in 0..ROUNDS {
        raw::write(&mut stream, refused_post(path, token, body.len())).await;
        raw::write(&mut stream, &body[..body.len() / 2]).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        raw::write(&mut stream, &body[body.len() / 2..]).await;
        let refused = raw::read_answer(&mut stream).await.expect("the refusal");
        assert_eq!(refused.status, status, "round {round}: {refused:?}");
        assert_ne!(
            refused.header("connection"),
            Some("close"),
            "round {round}: {refused:?}"
        );
        raw::write(&mut stream, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
        let next = raw::read_answer(&mut stream).await;
        assert_eq!(
            next.map(|a| a.status),
            Some(200),
            "round {round}: the connection was dropped after a {status} without `Connection: close`"
        );
    }
}

both_stores!(a_request_refused_before_its_body_arrived_keeps_the_connection);
async fn a_request_refused_before_its_body_arrived_keeps_the_connection(mut app: TestApp) {
    keep_alive_survives(&app, "/api/events", "not-a-token", 401).await;
    app.restart(Settings::throttled(1)).await;
    let alice = app.user("alice").await;
    app.event(&alice, serde_json::json!({})).await;
    keep_alive_survives(&app, "/api/events", &alice.access, 429).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_request_whose_body_never_comes_is_answered_with_connection_close() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut stream = raw::connect(&app.address).await;
    raw::write(&mut stream, refused_post("/api/events", "not-a-token", 32 * 1024)).await;
    raw::write(&mut stream, [b' '; 1024]).await;
    let refused = raw::read_answer(&mut stream).await.expect("the refusal");
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("connection"), Some("close"), "{refused:?}");
    assert!(raw::closed_within(&mut stream, SLACK).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_request_with_a_body_beyond_the_limit_is_answered_with_connection_close() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let stream = raw::connect(&app.address).await;
    let (mut reading, mut writing) = stream.into_split();
    let head = refused_post("/api/events", "not-a-token", 1 << 20);
    let writer = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        writing.write_all(head.as_bytes()).await.expect("the head is taken");
        for _ in 0..1024 {
            if writing.write_all(&[b' '; 1024]).await.is_err() {
                break;
            }
        }
        writing
    });
    let refused = raw::read_answer(&mut reading).await.expect("the refusal");
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("connection"), Some("close"), "{refused:?}");
    writer.abort();
}

/// The head of a `POST /api/events` announcing `length` bytes, without a key and with one
/// (whose body the `Idempotency-Key` middleware reads first, to hash it).
fn creation_heads(token: &str, length: usize) -> [String; 2] {
    let plain = refused_post("/api/events", token, length);
    let keyed = plain.replacen("\r\n\r\n", "\r\nIdempotency-Key: slow-body\r\n\r\n", 1);
    [plain, keyed]
}

both_stores!(a_body_declared_over_the_limit_is_refused_before_it_arrives);
async fn a_body_declared_over_the_limit_is_refused_before_it_arrives(app: TestApp) {
    let alice = app.user("alice").await;
    for head in creation_heads(&alice.access, 100_000_000) {
        let mut stream = raw::connect(&app.address).await;
        let started = Instant::now();
        raw::write(&mut stream, &head).await;
        raw::write(&mut stream, "{").await;
        // The hole: the service waited for the 100 MB until the request's own timeout (45 s),
        // then answered 503 and logged an error.
        let answer = raw::read_answer(&mut stream).await.expect("an answer before the body");
        let waited = started.elapsed();
        assert_eq!(answer.status, 413, "{head}: {answer:?}");
        assert_eq!(answer.header("content-type"), Some("application/problem+json"));
        assert_eq!(answer.header("connection"), Some("close"), "the rest is never read");
        assert!(waited < Duration::from_secs(2), "{head}: answered after {waited:?}");
    }
}

both_stores!(a_body_that_stops_arriving_is_answered_408_after_its_time);
async fn a_body_that_stops_arriving_is_answered_408_after_its_time(app: TestApp) {
    let alice = app.user("alice").await;
    let started = Instant::now();
    let mut streams = Vec::new();
    for head in creation_heads(&alice.access, 10) {
        let mut stream = raw::connect(&app.address).await;
        raw::write(&mut stream, &head).await;
        raw::write(&mut stream, "{").await;
        streams.push((head, stream));
    }
    // `read_answer` waits 10 s: the answer is due BODY_WITHIN after the head, and may take
    // the drain's 2 s more to go out.
    tokio::time::sleep(event_manager::http::BODY_WITHIN / 2).await;
    for (head, mut stream) in streams {
        let answer = raw::read_answer(&mut stream)
            .await
            .expect("an answer within the body's time");
        let waited = started.elapsed();
        assert_eq!(answer.status, 408, "{head}: {answer:?}");
        assert_eq!(answer.header("content-type"), Some("application/problem+json"));
        assert!(waited >= event_manager::http::BODY_WITHIN, "answered after {waited:?}");
        assert!(
            waited < event_manager::http::BODY_WITHIN + SLACK,
            "{head}: answered after {waited:?}"
        );
    }
    let events = app.get("/api/events", &alice).await.expect(200);
    assert_eq!(events["count"], 0, "a body that never arrived created nothing");
}
