//! `read-rate`: how fast the event reader that `rebuild` and the projector use
//! (`EventLog::read_after`) reads the whole store, on its own — no writes. Against the
//! figure of `event-manager rebuild` it tells how much of a rebuild is reading and how much
//! is writing the read models. See bench/README.md.

use std::time::{Duration, Instant};

use clap::Parser;
use event_manager::box_error::BoxError;
use event_manager::store::Store;
use projections::{EventSource, Position};

#[derive(Debug, Parser)]
#[command(about = "Times reading the whole event store in global order, as rebuild does")]
struct Args {
    /// The store to read (`postgres://…` or `sqlite:…`); nothing is written.
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Events per read, as `rebuild` asks for them.
    #[arg(long, default_value_t = 2_000)]
    batch: i64,
    /// Print each read's time for the first and the last few reads.
    #[arg(long, default_value_t = 3)]
    show: usize,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    let store = Store::connect(&args.database_url).await?;
    let log = store.event_log();
    let started = Instant::now();
    let mut after = Position::default();
    let mut reads: Vec<(usize, Duration)> = Vec::new();
    let mut total = 0usize;
    loop {
        let read = Instant::now();
        let batch = log.read_after(after, args.batch).await?;
        reads.push((batch.len(), read.elapsed()));
        let Some(last) = batch.last() else { break };
        after = last.position;
        total += batch.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "read {total} events in {} reads of up to {} in {seconds:.2} s ({:.0} events/s)",
        reads.len(),
        args.batch,
        total as f64 / seconds.max(f64::EPSILON)
    );
    let n = reads.len();
    for (i, (count, time)) in reads.iter().enumerate() {
        if i < args.show || i + args.show >= n {
            println!(
                "  read {:>5}: {count:>6} events in {:>9.3} ms",
                i + 1,
                time.as_secs_f64() * 1e3
            );
        } else if i == args.show {
            println!("  …");
        }
    }
    Ok(())
}
