//! The server's memory during a run, sampled from `/proc/PID/status` (Linux).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

/// The largest resident set seen while sampling, and the kernel's high-water mark (`VmHWM`,
/// the peak since the process started) read at the end, both in KiB.
#[derive(Clone, Copy)]
pub struct RssPeak {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

pub struct Sampler {
    stop: Arc<AtomicBool>,
    task: JoinHandle<Option<RssPeak>>,
}

impl Sampler {
    /// Starts sampling every 50 ms; fails when the process cannot be read.
    pub fn start(pid: u32) -> Result<Self, String> {
        read(pid).ok_or_else(|| format!("cannot read VmRSS/VmHWM from /proc/{pid}/status"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let mut peak: Option<RssPeak> = None;
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            loop {
                tick.tick().await;
                match read(pid) {
                    Some(now) => {
                        peak = Some(match peak {
                            Some(p) => RssPeak {
                                rss_kib: p.rss_kib.max(now.rss_kib),
                                hwm_kib: p.hwm_kib.max(now.hwm_kib),
                            },
                            None => now,
                        })
                    }
                    None => {
                        eprintln!("rss: process {pid} is gone");
                        return peak;
                    }
                }
                if flag.load(Ordering::Relaxed) {
                    return peak;
                }
            }
        });
        Ok(Self { stop, task })
    }

    pub async fn finish(self) -> Option<RssPeak> {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.ok().flatten()
    }
}

fn read(pid: u32) -> Option<RssPeak> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
    };
    Some(RssPeak {
        rss_kib: kib("VmRSS:")?,
        hwm_kib: kib("VmHWM:")?,
    })
}
