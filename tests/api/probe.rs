//! `event-manager probe`, the image's health check, run as the real binary.

use crate::helpers::{Backend, TestApp};

/// Whether `event-manager probe` with `BIND=bind` exits 0.
async fn probe(bind: String) -> bool {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_event-manager"))
            .arg("probe")
            .env("BIND", bind)
            .env("RUST_LOG", "warn")
            .status()
            .expect("the binary runs")
            .success()
    })
    .await
    .expect("the probe's thread")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_succeeds_on_a_ready_service_also_through_the_unspecified_address() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let port = app.address.rsplit(':').next().expect("a port").to_owned();
    assert!(probe(format!("127.0.0.1:{port}")).await);
    assert!(probe(format!("0.0.0.0:{port}")).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_fails_when_nothing_listens() {
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    assert!(!probe(free.to_string()).await);
}
