//! Measurements (latency histogram and status mix) and the markdown table they end up in.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use hdrhistogram::Histogram;

use crate::rss::RssPeak;

/// Latencies in microseconds (1 µs to 10 minutes, 3 significant digits) and answers by status.
pub struct Stats {
    latency: Histogram<u64>,
    /// By status code; 0 counts transport errors (refused, reset, timed out).
    statuses: BTreeMap<u16, u64>,
}

impl Stats {
    pub fn new() -> Self {
        Self {
            latency: Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds"),
            statuses: BTreeMap::new(),
        }
    }

    pub fn record(&mut self, status: Option<u16>, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency.saturating_record(micros.max(1));
        *self.statuses.entry(status.unwrap_or(0)).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Stats) {
        self.latency.add(&other.latency).expect("histograms of equal bounds");
        for (status, n) in &other.statuses {
            *self.statuses.entry(*status).or_default() += n;
        }
    }

    pub fn requests(&self) -> u64 {
        self.latency.len()
    }

    /// Answers that were neither 2xx nor an expected 409 of a join or leave.
    pub fn errors(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| !(200..300).contains(*s) && **s != 409)
            .map(|(_, n)| n)
            .sum()
    }

    fn millis_at(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn status_mix(&self) -> String {
        let mut mix = String::new();
        for (status, n) in &self.statuses {
            if !mix.is_empty() {
                mix.push(' ');
            }
            match status {
                0 => write!(mix, "err:{n}"),
                s => write!(mix, "{s}:{n}"),
            }
            .expect("writing to a String");
        }
        mix
    }
}

/// One line of the table.
pub struct Row {
    pub target: String,
    pub scenario: String,
    pub clients: String,
    pub requests: String,
    pub rate: String,
    pub p50: String,
    pub p90: String,
    pub p99: String,
    pub max: String,
    pub statuses: String,
    pub rss: String,
    pub notes: Vec<String>,
}

impl Row {
    /// A measured run.
    pub fn measured(target: &str, scenario: &str, clients: usize, stats: &Stats, elapsed: Duration) -> Self {
        Self {
            target: target.to_string(),
            scenario: scenario.to_string(),
            clients: clients.to_string(),
            requests: stats.requests().to_string(),
            rate: format!("{:.0}", rate(stats.requests(), elapsed)),
            p50: format!("{:.2}", stats.millis_at(0.50)),
            p90: format!("{:.2}", stats.millis_at(0.90)),
            p99: format!("{:.2}", stats.millis_at(0.99)),
            max: format!("{:.2}", stats.latency.max() as f64 / 1000.0),
            statuses: stats.status_mix(),
            rss: "–".into(),
            notes: Vec::new(),
        }
    }

    /// A figure measured elsewhere (pgbench, the build), with only some columns filled.
    pub fn external(target: &str, scenario: &str, clients: &str, rate: &str, note: &str) -> Self {
        let dash = || "–".to_string();
        Self {
            target: target.to_string(),
            scenario: scenario.to_string(),
            clients: clients.to_string(),
            requests: dash(),
            rate: rate.to_string(),
            p50: dash(),
            p90: dash(),
            p99: dash(),
            max: dash(),
            statuses: dash(),
            rss: dash(),
            notes: vec![note.to_string()],
        }
    }

    pub fn with_rss(mut self, peak: Option<RssPeak>) -> Self {
        if let Some(peak) = peak {
            self.rss = format!("{:.1} (HWM {:.1})", mib(peak.rss_kib), mib(peak.hwm_kib));
        }
        self
    }

    pub fn print(&self) {
        let notes = if self.notes.is_empty() {
            "–".to_string()
        } else {
            self.notes.join("; ")
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.target,
            self.scenario,
            self.clients,
            self.requests,
            self.rate,
            self.p50,
            self.p90,
            self.p99,
            self.max,
            self.statuses,
            self.rss,
            notes.replace('|', "/"),
        );
    }
}

/// The lines above the rows: what was run on what.
pub fn print_header(cores: usize, duration: Duration, url: &str) {
    println!(
        "Machine: {cores} cores · {} s per run · server {url} · {}",
        duration.as_secs_f64(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    println!();
    println!("| target | scenario | clients | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | statuses | server RSS MiB | notes |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |");
}

pub fn rate(requests: u64, elapsed: Duration) -> f64 {
    requests as f64 / elapsed.as_secs_f64().max(1e-9)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
