//! The real binary, started and killed the way an operator's supervisor would.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Api, JWT_SECRET};

pub struct ServerProcess {
    child: Child,
    pub api: Api,
}

impl ServerProcess {
    /// `event-manager serve` over `database_url`, on a free port, healthy.
    pub async fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[], None).await
    }

    /// The same with more environment, and at most `open_files` file descriptors (`prlimit`).
    pub async fn start_with(database_url: &str, env: &[(&str, &str)], open_files: Option<u32>) -> Self {
        Self::try_start_with(database_url, env, open_files)
            .await
            .expect("the binary exited before it became healthy")
    }

    /// The same, or `None` if the process exits before it is healthy: a server whose pools
    /// are starved on purpose may fail to open them at start, as a supervisor would see.
    pub async fn try_start_with(database_url: &str, env: &[(&str, &str)], open_files: Option<u32>) -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let binary = env!("CARGO_BIN_EXE_event-manager");
        let mut command = match open_files {
            Some(n) => {
                let mut prlimit = Command::new("prlimit");
                prlimit.arg(format!("--nofile={n}:{n}")).arg("--").arg(binary);
                prlimit
            }
            None => Command::new(binary),
        };
        let child = command
            .arg("serve")
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database_url)
            .env("JWT_SECRET", JWT_SECRET)
            .env("EVENTS_PER_DAY", "0")
            .env("RUST_LOG", "warn")
            // Last, so that a test may replace the defaults above.
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut server = Self {
            child,
            api: Api::new(format!("http://127.0.0.1:{port}")),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !server
            .api
            .client
            .get(server.api.url("/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            if let Ok(Some(_)) = server.child.try_wait() {
                return None;
            }
            assert!(
                Instant::now() < deadline,
                "the binary did not become healthy within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(server)
    }

    /// The server's process id (`prlimit` execs it, so it is the same process).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its resident memory (`VmRSS` in `/proc/PID/status`), in MiB.
    pub fn rss_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("the server runs");
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("VmRSS in /proc/PID/status");
        kib / 1024
    }

    /// SIGKILL: no shutdown, no flushing, whatever was in flight is cut off.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("the killed process is reaped");
    }
}

impl std::ops::Deref for ServerProcess {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
