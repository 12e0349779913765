//! The docs page in a real browser: headless Chromium renders Swagger UI, served from the
//! binary with no network, and it lists the operations. `DOCS_SCREENSHOT=docs.png` also
//! saves a screenshot of it.

use std::process::Command;

use crate::helpers::*;

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium(args: &[&str]) -> std::process::Output {
    Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=15000",
        ])
        .args(args)
        .output()
        .expect("chromium runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_lists_the_operations_in_headless_chromium() {
    if !std::path::Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the docs page must be tested: install chromium"
        );
        eprintln!("skipping: {CHROMIUM} is not installed");
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await;
    let url = app.url("/api/docs/");
    let page = url.clone();
    let dom = tokio::task::spawn_blocking(move || chromium(&["--dump-dom", &page]))
        .await
        .expect("the browser task ends");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("opblock"),
        "Swagger UI rendered no operations:\n{dom:.2000}"
    );
    for path in [
        "/api/auth/register",
        "/api/events/{id}/join",
        "/api/invitations/{id}",
        "/api/logs",
    ] {
        assert!(dom.contains(path), "{path} is not listed on the docs page");
    }
    if let Ok(file) = std::env::var("DOCS_SCREENSHOT") {
        let shot = format!("--screenshot={file}");
        let taken = tokio::task::spawn_blocking(move || chromium(&[&shot, "--window-size=1280,2400", &url]))
            .await
            .expect("the browser task ends");
        assert!(taken.status.success(), "{}", String::from_utf8_lossy(&taken.stderr));
    }
}
