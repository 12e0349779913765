//! SQLite on a disk that fills up, or whose files turn read-only: the real binary over a
//! small tmpfs of its own, changed behind its back and then restored. Meanwhile writes
//! answer 503 (never 500), and `/readyz` says 503 while nothing can be written; once restored
//! the same process takes every write again, without a restart, and the read models equal a
//! rebuild. Mounting needs root: elsewhere the tests say `skipping`.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::helpers::*;
use crate::process::ServerProcess;

/// How soon after the disk is restored writes and readiness must be back.
const RECOVERY: Duration = Duration::from_secs(15);

/// A tmpfs of its own, unmounted when dropped.
struct SmallDisk {
    dir: PathBuf,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("em-disk-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a mount point");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|status| status.success());
        if !mounted {
            eprintln!("skipping: cannot mount a tmpfs (needs root)");
            let _ = std::fs::remove_dir(&dir);
            return None;
        }
        Some(Self { dir })
    }

    fn database_url(&self) -> String {
        format!("sqlite:{}", self.dir.join("db.sqlite").display())
    }

    /// Sets or clears the immutable attribute of the database's files (root ignores mode bits).
    fn immutable(&self, on: bool) {
        for name in ["db.sqlite", "db.sqlite-wal", "db.sqlite-shm"] {
            let done = Command::new("chattr")
                .arg(if on { "+i" } else { "-i" })
                .arg(self.dir.join(name))
                .status()
                .is_ok_and(|status| status.success());
            assert!(done, "chattr on {name}");
        }
    }

    /// Writes zeros into `filler` until the disk refuses more.
    fn fill(&self) -> PathBuf {
        let path = self.dir.join("filler");
        let mut file = std::fs::File::create(&path).expect("the filler file");
        let block = vec![0u8; 4096];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The writes a busy service takes: accounts (the read pool) and events (the event store
/// and the projector). Answers every status, with the body of any 500.
async fn write_storm(api: &Api, creator: &TestUser, writers: usize, rounds: usize) -> Vec<(u16, String)> {
    let barrier = Arc::new(Barrier::new(writers));
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..writers {
        let (api, creator, barrier) = (api.clone(), creator.clone(), barrier.clone());
        tasks.spawn(async move {
            barrier.wait().await;
            let mut answers = Vec::new();
            for round in 0..rounds {
                let name = format!("w{writer}r{round}{}", &Uuid::new_v4().simple().to_string()[..6]);
                let requests = [
                    api.request(Method::POST, "/api/events", &creator)
                        .json(&event_body("Disk party")),
                    api.request(Method::POST, "/api/auth/register", Anon).json(&json!({
                        "username": name, "email": format!("{name}@example.com"), "password": PASSWORD,
                    })),
                ];
                for request in requests {
                    let answer = api.send_unchecked(request).await;
                    answers.push((answer.status, answer.body.to_string()));
                }
            }
            answers
        });
    }
    tasks.join_all().await.concat()
}

/// Only 201 and 503 among `answers`.
fn created_or_unavailable(answers: &[(u16, String)]) {
    let wrong: Vec<&(u16, String)> = answers
        .iter()
        .filter(|(status, _)| !matches!(status, 201 | 503))
        .collect();
    assert!(
        wrong.is_empty(),
        "writes the store cannot take answer 503, not: {wrong:?}"
    );
}

/// Polls `check` until it holds; answers how long that took, failing past [`RECOVERY`].
async fn within_recovery<F, Fut>(what: &str, check: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < RECOVERY,
            "{what}: not back {RECOVERY:?} after the disk was restored"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

async fn status(api: &Api, request: reqwest::RequestBuilder) -> u16 {
    api.send_unchecked(request).await.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_answers_503_and_the_service_writes_again_once_space_is_freed() {
    let Some(disk) = SmallDisk::mount("8m") else {
        return;
    };
    let url = disk.database_url();
    let server = ServerProcess::start(&url).await;
    let alice = server.user("alice").await;
    write_storm(&server, &alice, 8, 3).await;

    let filler = disk.fill();
    let during = write_storm(&server, &alice, 8, 6).await;
    created_or_unavailable(&during);
    assert!(
        during.iter().any(|(status, _)| *status == 503),
        "the disk was full: some write must have been refused"
    );
    let ready = server.api.get("/readyz", Anon).await;
    assert_eq!(ready.status, 503, "/readyz while the disk is full: {}", ready.body);

    std::fs::remove_file(&filler).expect("freeing the disk");
    let freed = Instant::now();
    let bob = within_recovery("a registration", || async {
        let body = json!({"username": "bob", "email": "bob@example.com", "password": PASSWORD});
        let answer = status(
            &server,
            server.request(Method::POST, "/api/auth/register", Anon).json(&body),
        )
        .await;
        answer == 201 || answer == 409
    })
    .await;
    let event = within_recovery("an event creation", || async {
        status(
            &server,
            server
                .request(Method::POST, "/api/events", &alice)
                .json(&event_body("Back")),
        )
        .await
            == 201
    })
    .await;
    let ready = within_recovery("/readyz", || async {
        status(&server, server.request(Method::GET, "/readyz", Anon)).await == 200
    })
    .await;
    eprintln!(
        "after freeing the disk: a registration answered 201 after {bob:?}, an event creation after {event:?}, \
         /readyz 200 after {ready:?}; {:?} in all",
        freed.elapsed()
    );
    assert_restored(server, &alice, &url).await;
}

/// Once restored: every write of a storm answered 201 and, the server stopped, every read
/// model equal to a rebuild.
async fn assert_restored(server: ServerProcess, creator: &TestUser, url: &str) {
    let after = write_storm(&server, creator, 16, 3).await;
    let refused: Vec<_> = after.iter().filter(|(status, _)| *status != 201).collect();
    assert!(refused.is_empty(), "every write succeeds once restored: {refused:?}");
    drop(server);
    let store = event_manager::store::Store::connect(url)
        .await
        .expect("the store opens");
    let all = projections::rebuild::select(None).expect("every projection");
    let differences = projections::rebuild::verify(&store.event_log(), &store.read, &all)
        .await
        .expect("verify runs");
    assert!(
        differences.is_empty(),
        "{} differences after the storage fault",
        differences.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn read_only_database_files_answer_503_and_every_write_succeeds_once_writable_again() {
    let Some(disk) = SmallDisk::mount("64m") else {
        return;
    };
    let url = disk.database_url();
    let server = ServerProcess::start(&url).await;
    let alice = server.user("alice").await;
    write_storm(&server, &alice, 4, 2).await;

    disk.immutable(true);
    // More writers than before, so that the pools open connections while the files are
    // read-only (SQLite then opens them read-only, for good).
    let during = write_storm(&server, &alice, 32, 3).await;
    disk.immutable(false);
    created_or_unavailable(&during);
    let refused = during.iter().filter(|(status, _)| *status == 503).count();

    let writable = Instant::now();
    let back = within_recovery("every write of a storm", || async {
        write_storm(&server, &alice, 32, 1)
            .await
            .iter()
            .all(|(status, _)| *status == 201)
    })
    .await;
    eprintln!(
        "read-only: {refused} of {} writes answered 503; once writable, a storm all 201 after {back:?} ({:?} in all)",
        during.len(),
        writable.elapsed()
    );
    assert_restored(server, &alice, &url).await;
}
