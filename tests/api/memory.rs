//! Memory a hostile or merely busy crowd can make the service hold: password hashes and
//! WebSocket messages.

use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::process::ServerProcess;
use crate::raw;

/// Registrations, then log-ins, this many at once.
const CROWD: usize = 128;

/// Generous for a debug build (the release build stays under 100 MiB), and far below the
/// 768 MiB that 128 registrations left behind when argon2 allocated per hash.
const RSS_BOUND_MIB: u64 = 160;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_registrations_and_log_ins_leaves_memory_bounded() {
    let dir = std::env::temp_dir().join(format!("em-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a test directory");
    let server = ServerProcess::start(&format!("sqlite:{}", dir.join("db.sqlite").display())).await;
    let idle = server.rss_mib();
    let crowd = |login: bool| {
        let api = server.api.clone();
        async move {
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..CROWD {
                let api = api.clone();
                tasks.spawn(async move {
                    let name = format!("crowd{i:03}");
                    let answer = if login {
                        api.login(&name, PASSWORD).await
                    } else {
                        api.register_with(
                            json!({"username": name, "email": format!("{name}@example.com"), "password": PASSWORD}),
                        )
                        .await
                    };
                    answer.status
                });
            }
            tasks.join_all().await
        }
    };
    let registered = crowd(false).await;
    let logged_in = crowd(true).await;
    assert!(registered.iter().all(|s| *s == 201), "registrations: {registered:?}");
    assert!(
        logged_in.iter().all(|s| *s == 200 || *s == 503),
        "log-ins: {logged_in:?}"
    );
    let after = server.rss_mib();
    println!("RSS {idle} MiB idle, {after} MiB after {CROWD} registrations and log-ins");
    assert!(
        after <= RSS_BOUND_MIB,
        "RSS {after} MiB (idle {idle} MiB) exceeds {RSS_BOUND_MIB} MiB"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// What the server has `within` to refuse a frame too large for it.
const REFUSED_WITHIN: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unauthenticated_websocket_announcing_a_large_frame_is_closed_before_its_payload() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut socket = raw::websocket(&app.address, None).await;
    raw::write(&mut socket, raw::frame_header(0x1, true, 1 << 20)).await;
    raw::write(&mut socket, [b'a'; 1024]).await;
    assert!(
        raw::closed_within(&mut socket, REFUSED_WITHIN).await,
        "the server waited for a 1 MiB first message from an unauthenticated socket"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unauthenticated_websocket_sending_a_large_message_in_small_frames_is_closed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut socket = raw::websocket(&app.address, None).await;
    let mut refused = false;
    for n in 0..64 {
        let mut frame = raw::frame_header(if n == 0 { 0x1 } else { 0x0 }, false, 1024);
        frame.extend_from_slice(&[b'a'; 1024]);
        if tokio::io::AsyncWriteExt::write_all(&mut socket, &frame).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(
        refused || raw::closed_within(&mut socket, REFUSED_WITHIN).await,
        "the server kept reading a 64 KiB first message"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_authenticated_websocket_announcing_a_large_frame_is_closed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.user("alice").await;
    let mut socket = raw::websocket(&app.address, Some(&alice.access)).await;
    raw::write(&mut socket, raw::frame_header(0x2, true, 1 << 20)).await;
    raw::write(&mut socket, [b'a'; 1024]).await;
    assert!(
        raw::closed_within(&mut socket, REFUSED_WITHIN).await,
        "the server waited for a 1 MiB message it ignores anyway"
    );
}
