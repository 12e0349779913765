//! `bench-ceiling`: the HTTP ceiling for the `list` scenario. A bare axum server that answers
//! every GET with one fixed page shaped like `GET /api/events` (20 events), serialised anew
//! for each request, with no store, no auth and no middleware: what the same HTTP stack on the
//! same machine can do when the handler costs nearly nothing.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::Router;
use chrono::{SecondsFormat, TimeDelta, Utc};
use clap::Parser;
use serde::Serialize;
use uuid::Uuid;

/// A bare axum JSON handler: the ceiling the `list` scenario is compared with.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8001")]
    bind: SocketAddr,
}

#[derive(Serialize)]
struct Page {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<Event>,
}

#[derive(Serialize)]
struct UserRef {
    id: Uuid,
    username: String,
}

#[derive(Serialize)]
struct Event {
    id: Uuid,
    title: String,
    description: String,
    location: Option<String>,
    start_time: String,
    end_time: Option<String>,
    capacity: i64,
    status: String,
    waitlist_enabled: bool,
    creator: UserRef,
    members_count: i64,
    available_slots: i64,
    waitlist_count: i64,
    created_at: String,
    updated_at: String,
    version: i64,
}

fn page(base: &str) -> Page {
    let now = Utc::now();
    let time = |days: i64| (now + TimeDelta::days(days)).to_rfc3339_opts(SecondsFormat::AutoSi, true);
    let creator = Uuid::new_v4();
    let results = (0..20)
        .map(|i| Event {
            id: Uuid::new_v4(),
            title: format!("bench ceiling spread {i}"),
            description: "created by the load benchmark".into(),
            location: Some(format!("hall {}", i % 10)),
            start_time: time(30),
            end_time: None,
            capacity: 50,
            status: "open".into(),
            waitlist_enabled: true,
            creator: UserRef {
                id: creator,
                username: "bceilingc0".into(),
            },
            members_count: i % 7,
            available_slots: 50 - i % 7,
            waitlist_count: 0,
            created_at: time(0),
            updated_at: time(0),
            version: 1 + i % 7,
        })
        .collect();
    Page {
        count: 1000,
        next: Some(format!(
            "{base}/api/events?title=bench&status=open&upcoming=true&ordering=start_time&page=2&page_size=20"
        )),
        previous: None,
        results,
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let page = Arc::new(page(&format!("http://{}", args.bind)));
    let app = Router::new().fallback(move || {
        let page = page.clone();
        async move {
            let body = serde_json::to_vec(&*page).expect("a page serialises");
            ([(CONTENT_TYPE, "application/json")], body).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    eprintln!("bench-ceiling listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
