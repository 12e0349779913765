//! `bench-fanout`: how the change feed fans out. Connects N Server-Sent-Events clients to
//! `GET /api/feed?after=now`, makes a number of changes one after the other, and prints the
//! delivery latency (from just before the change is sent to each client's receipt of it)
//! as p50/p99/max, and the server's resident memory per open connection (`VmRSS` from
//! `/proc/PID/status` before and after connecting, when `--server-pid` is given).
//!
//! Every client is the event's creator, so every change is visible to every connection.
//! The server needs a file-descriptor limit above N (`ulimit -n`), as does this process.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use hdrhistogram::Histogram;
use serde_json::{json, Value};
use tokio::sync::mpsc;

#[derive(Debug, Parser)]
#[command(about = "Fan-out benchmark of the SSE change feed")]
struct Args {
    /// Base URL of the server (without `/api`).
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    url: String,
    /// How many SSE clients to connect.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// How many changes to make, one at a time (each waits until every client has it).
    #[arg(long, default_value_t = 20)]
    changes: usize,
    /// PID of the server, for its memory per connection.
    #[arg(long)]
    server_pid: Option<u32>,
}

/// One delivery: which change (the event's sequence) reached a client, and when.
struct Delivery {
    sequence: i64,
    at: Instant,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench-fanout: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<(), String> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let token = user(&http, &args.url).await?;
    let event = post(&http, &format!("{}/api/events", args.url), &token, event_body()).await?;
    let event_id = event["id"].as_str().ok_or("no event id")?.to_owned();

    let before = args.server_pid.and_then(rss_kib);
    let (deliveries, mut received) = mpsc::unbounded_channel();
    let connected = Instant::now();
    let mut clients = Vec::with_capacity(args.clients);
    for _ in 0..args.clients {
        // One connection each: a client of its own per stream, as separate subscribers are.
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        let request = client
            .get(format!("{}/api/feed?after=now", args.url))
            .bearer_auth(&token)
            .header("accept", "text/event-stream");
        let response = request.send().await.map_err(|e| format!("connecting: {e}"))?;
        if response.status() != 200 {
            return Err(format!("the feed answered {}", response.status()));
        }
        clients.push(tokio::spawn(listen(response, deliveries.clone())));
    }
    let connect_time = connected.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = args.server_pid.and_then(rss_kib);

    let mut latencies = Histogram::<u64>::new(3).map_err(|e| e.to_string())?;
    let mut missing = 0;
    let patch_url = format!("{}/api/events/{event_id}", args.url);
    for change in 0..args.changes {
        let sent = Instant::now();
        let answer = patch(&http, &patch_url, &token, json!({"title": format!("Fan-out {change}")})).await?;
        let sequence = answer["version"].as_i64().ok_or("no version")?;
        let mut arrived = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while arrived < args.clients {
            match tokio::time::timeout_at(deadline, received.recv()).await {
                Ok(Some(delivery)) if delivery.sequence == sequence => {
                    arrived += 1;
                    let micros = delivery.at.saturating_duration_since(sent).as_micros();
                    latencies
                        .record(u64::try_from(micros).unwrap_or(u64::MAX))
                        .map_err(|e| e.to_string())?;
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        missing += args.clients - arrived;
    }
    for client in clients {
        client.abort();
    }
    report(args, &latencies, missing, connect_time, before, after);
    Ok(())
}

/// Reads one SSE stream, reporting the `sequence` of each message's data.
async fn listen(mut response: reqwest::Response, out: mpsc::UnboundedSender<Delivery>) {
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let at = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let data = block
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .collect::<String>();
            if let Ok(message) = serde_json::from_str::<Value>(data.trim()) {
                if let Some(sequence) = message["sequence"].as_i64() {
                    let _ = out.send(Delivery { sequence, at });
                }
            }
        }
    }
}

fn report(
    args: &Args,
    latencies: &Histogram<u64>,
    missing: usize,
    connect_time: Duration,
    before: Option<u64>,
    after: Option<u64>,
) {
    let ms = |micros: u64| micros as f64 / 1000.0;
    println!("| clients | changes | deliveries | missing | p50 ms | p99 ms | max ms | connect s | server RSS before → after (KiB) | KiB per connection |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let memory = match (before, after) {
        (Some(b), Some(a)) => (
            format!("{b} → {a}"),
            format!("{:.1}", (a.saturating_sub(b)) as f64 / args.clients.max(1) as f64),
        ),
        _ => ("n/a".to_owned(), "n/a".to_owned()),
    };
    println!(
        "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} |",
        args.clients,
        args.changes,
        latencies.len(),
        missing,
        ms(latencies.value_at_quantile(0.5)),
        ms(latencies.value_at_quantile(0.99)),
        ms(latencies.max()),
        connect_time.as_secs_f64(),
        memory.0,
        memory.1
    );
}

/// The server's resident set in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn event_body() -> Value {
    let start = chrono::Utc::now() + chrono::Duration::days(7);
    json!({"title": "Fan-out", "start_time": start.to_rfc3339(), "capacity": 10})
}

/// Registers and logs in a fresh user; answers the access token.
async fn user(http: &reqwest::Client, url: &str) -> Result<String, String> {
    let name = format!("fanout{}", uuid::Uuid::new_v4().simple());
    let password = "fan-out benchmark password";
    let body = json!({"username": name, "email": format!("{name}@example.com"), "password": password});
    send(http.post(format!("{url}/api/auth/register")).json(&body)).await?;
    let login = json!({"username": name, "password": password});
    let tokens = send(http.post(format!("{url}/api/auth/login")).json(&login)).await?;
    tokens["access"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "no access token".to_owned())
}

async fn post(http: &reqwest::Client, url: &str, token: &str, body: Value) -> Result<Value, String> {
    send(http.post(url).bearer_auth(token).json(&body)).await
}

async fn patch(http: &reqwest::Client, url: &str, token: &str, body: Value) -> Result<Value, String> {
    send(http.patch(url).bearer_auth(token).json(&body)).await
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {body}"));
    }
    Ok(body)
}
