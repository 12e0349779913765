//! `command-cost`: does a command cost the same however long its aggregate's history is?
//!
//! Drives the command path in-process through the service's library — no HTTP, no accounts
//! — exactly as the join handler does (`Commands::execute`, which loads the aggregate,
//! decides, commits and waits for the projector: read-your-writes). It creates one event of
//! capacity 100,000, then sends N sequential joins by distinct users, timing each, and prints
//! the cost of the first joins against the last ones (and every bucket in between), on a
//! fresh SQLite file and on a fresh PostgreSQL database.
//!
//! `--mode restart` starts a new instance (a new `AppState` on a new runtime, so its
//! aggregate cache is empty) before the last `--window` joins: the first of them loads the
//! whole history from the store once. See bench/README.md.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aggregates::event::EventDetails;
use aggregates::values::{Capacity, Title};
use aggregates::{Actor, EventCommand, SystemClock};
use clap::{Parser, ValueEnum};
use event_manager::commands::Via;
use event_manager::config::Config;

use event_manager::box_error::BoxError;
use event_manager::startup::app_state;
use event_manager::state::AppState;
use sqlx::{Connection, PgConnection};
use tokio::runtime::Runtime;
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(about = "Times each of N sequential joins to one event, in-process, on SQLite and PostgreSQL")]
struct Args {
    /// Stores to measure, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "sqlite,postgres")]
    stores: Vec<Store>,
    /// `continuous`: one instance sends every join. `restart`: a new instance (empty
    /// aggregate cache) sends the last `--window` joins.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "continuous,restart")]
    modes: Vec<Mode>,
    /// Joins to the one event.
    #[arg(long, default_value_t = 10_000)]
    joins: usize,
    /// The first and the last this many joins are compared.
    #[arg(long, default_value_t = 100)]
    window: usize,
    /// Size of the buckets in the per-bucket table.
    #[arg(long, default_value_t = 1_000)]
    bucket: usize,
    /// Run `ANALYZE events` once, after this many joins (what autovacuum does sooner or
    /// later on PostgreSQL; SQLite never does it by itself): shows what planner statistics
    /// change. Off by default: the figures are those of a fresh store.
    #[arg(long)]
    analyze_after: Option<usize>,
    /// Leave each store in place afterwards (its URL is printed), to look into it.
    #[arg(long)]
    keep: bool,
    /// PostgreSQL server (without a database name); a fresh database is created there and
    /// dropped afterwards.
    #[arg(long, env = "PG", default_value = "postgres://postgres@127.0.0.1:5432")]
    pg: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Store {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    Continuous,
    Restart,
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    if args.joins < 2 * args.window || args.window == 0 || args.bucket == 0 {
        return Err("--joins must be at least twice --window, and --window and --bucket above 0".into());
    }
    println!("# command cost: {} sequential joins to one event", args.joins);
    println!();
    println!("Each join runs `Commands::execute` as the HTTP handler does: load the aggregate, decide,");
    println!("commit, wait until the read models show it. Times in milliseconds.");
    for store in &args.stores {
        for mode in &args.modes {
            let fresh = Fresh::new(*store, &args.pg)?;
            let outcome = measure(&fresh.url, &args, *mode);
            if args.keep {
                eprintln!("kept {}", fresh.url);
                std::mem::forget(fresh);
            } else {
                drop(fresh);
            }
            report(*store, *mode, &args, &outcome?);
        }
    }
    Ok(())
}

/// What one run measured.
struct Outcome {
    /// Each join's time, in order.
    joins: Vec<Duration>,
    /// `/proc/loadavg` before and after.
    load: (String, String),
    /// The join after the restart, if there was one (index into `joins`).
    restarted_at: Option<usize>,
}

fn measure(url: &str, args: &Args, mode: Mode) -> Result<Outcome, BoxError> {
    let load_before = loadavg();
    let event_id = Uuid::new_v4();
    let restart_at = match mode {
        Mode::Continuous => None,
        Mode::Restart => Some(args.joins - args.window),
    };
    let mut joins = Vec::with_capacity(args.joins);
    // Each instance lives on its own runtime: dropping it stops its projector and closes its
    // pools, as a process exit would.
    let first = Runtime::new()?;
    first.block_on(async {
        let state = instance(url).await?;
        let creator = Actor::new(Uuid::new_v4(), "creator");
        let start = chrono::Utc::now() + chrono::Duration::days(365);
        let details = EventDetails {
            waitlist_enabled: true,
            ..EventDetails::new(Title::parse("command cost")?, start, Capacity::parse(Capacity::MAX)?)
        };
        let create = EventCommand::CreateEvent {
            details,
            actor: creator,
        };
        state.commands.execute(event_id, create, Via::Api).await?;
        let range = 0..restart_at.unwrap_or(args.joins);
        join_range(&state, event_id, range, args.analyze_after, &mut joins).await
    })?;
    drop(first);
    if let Some(from) = restart_at {
        let second = Runtime::new()?;
        second.block_on(async {
            let state = instance(url).await?;
            join_range(&state, event_id, from..args.joins, args.analyze_after, &mut joins).await
        })?;
    }
    Ok(Outcome {
        joins,
        load: (load_before, loadavg()),
        restarted_at: restart_at,
    })
}

async fn instance(url: &str) -> Result<AppState, BoxError> {
    app_state(&Config::for_database(url), Arc::new(SystemClock)).await
}

async fn join_range(
    state: &AppState,
    event_id: Uuid,
    range: std::ops::Range<usize>,
    analyze_after: Option<usize>,
    timings: &mut Vec<Duration>,
) -> Result<(), BoxError> {
    for i in range {
        if analyze_after == Some(i) {
            sqlx::query("ANALYZE events").execute(&state.store.read).await?;
            eprintln!("  ANALYZE events after {i} joins");
        }
        let actor = Actor::new(Uuid::new_v4(), format!("u{}", i + 1));
        let started = Instant::now();
        state
            .commands
            .execute(
                event_id,
                EventCommand::JoinEvent {
                    actor,
                    ticket_type: None,
                },
                Via::Api,
            )
            .await
            .map_err(|e| format!("join {}: {e}", i + 1))?;
        timings.push(started.elapsed());
        if (i + 1) % 1_000 == 0 {
            eprintln!("  {} joins", i + 1);
        }
    }
    Ok(())
}

fn report(store: Store, mode: Mode, args: &Args, outcome: &Outcome) {
    let joins = &outcome.joins;
    let n = joins.len();
    let w = args.window;
    println!();
    println!(
        "## {} — {}",
        match store {
            Store::Sqlite => "SQLite",
            Store::Postgres => "PostgreSQL",
        },
        match mode {
            Mode::Continuous => "one instance throughout".to_owned(),
            Mode::Restart => format!("restarted before the last {w} joins"),
        }
    );
    println!();
    println!("load average before: {}; after: {}", outcome.load.0, outcome.load.1);
    if let Some(n) = args.analyze_after {
        println!();
        println!("`ANALYZE events` ran once, after join {n}.");
    }
    println!();
    println!("| joins | mean | p50 | p90 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let first = Stats::of(&joins[..w]);
    let last = Stats::of(&joins[n - w..]);
    println!("| {} | {} |", label(0, w), first.cells());
    let mut start = 0;
    while start < n {
        let end = (start + args.bucket).min(n);
        println!("| {} | {} |", label(start, end), Stats::of(&joins[start..end]).cells());
        start = end;
    }
    println!("| {} | {} |", label(n - w, n), last.cells());
    if let Some(restart) = outcome.restarted_at {
        let after = Stats::of(&joins[restart + 1..]);
        println!("| {} (after the reload) | {} |", label(restart + 1, n), after.cells());
    }
    println!();
    let at = |i: usize| ms(joins[i - 1]);
    if n >= 10 {
        println!("join #10: {} ms; join #{n}: {} ms", at(10), at(n));
    }
    println!(
        "last {w} vs first {w}: mean {:.2}×, p50 {:.2}×",
        last.mean.as_secs_f64() / first.mean.as_secs_f64(),
        last.p50.as_secs_f64() / first.p50.as_secs_f64()
    );
    if let Some(restart) = outcome.restarted_at {
        println!(
            "first join after the restart (#{}; loads {} stored facts): {} ms",
            restart + 1,
            restart + 1,
            ms(joins[restart])
        );
    }
}

fn label(from: usize, to: usize) -> String {
    format!("{}–{}", from + 1, to)
}

struct Stats {
    mean: Duration,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    fn of(timings: &[Duration]) -> Self {
        let mut sorted = timings.to_vec();
        sorted.sort();
        let at = |q: f64| sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)];
        Self {
            mean: sorted.iter().sum::<Duration>() / sorted.len() as u32,
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            max: sorted[sorted.len() - 1],
        }
    }

    fn cells(&self) -> String {
        [self.mean, self.p50, self.p90, self.p99, self.max].map(ms).join(" | ")
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64() * 1e3)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

/// A fresh store for one run, removed when dropped.
struct Fresh {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Database { server: String, name: String },
}

impl Fresh {
    fn new(store: Store, pg: &str) -> Result<Self, BoxError> {
        let unique = format!("{}_{}", std::process::id(), Uuid::new_v4().simple());
        match store {
            Store::Sqlite => {
                let dir = std::env::temp_dir().join(format!("command-cost-{unique}"));
                std::fs::create_dir_all(&dir)?;
                Ok(Self {
                    url: format!("sqlite:{}", dir.join("bench.db").display()),
                    cleanup: Cleanup::Dir(dir),
                })
            }
            Store::Postgres => {
                let server = pg.trim_end_matches('/').to_owned();
                let name = format!("bench_cost_{unique}");
                admin(&server, &format!("CREATE DATABASE {name}"))?;
                Ok(Self {
                    url: format!("{server}/{name}"),
                    cleanup: Cleanup::Database { server, name },
                })
            }
        }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        let result = match &self.cleanup {
            Cleanup::Dir(dir) => std::fs::remove_dir_all(dir).map_err(BoxError::from),
            Cleanup::Database { server, name } => {
                admin(server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            }
        };
        if let Err(error) = result {
            eprintln!("could not remove the store {}: {error}", self.url);
        }
    }
}

/// Runs one statement on the server's `postgres` database.
fn admin(server: &str, sql: &str) -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut connection = PgConnection::connect(&format!("{server}/postgres")).await?;
        sqlx::raw_sql(sql).execute(&mut connection).await?;
        connection.close().await?;
        Ok(())
    })
}
