//! The operator's commands: `rebuild` and `verify` on the read models, `user promote` on accounts.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use projections::rebuild::{self, Difference};

use crate::accounts::{User, Users};
use crate::box_error::BoxError;
use crate::store::Store;

/// Rebuilds the read models (all, or the one named) with a progress bar, and prints a
/// one-line summary.
pub async fn rebuild(database_url: &str, projection: Option<&str>) -> Result<(), BoxError> {
    let selected = rebuild::select(projection)?;
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let bar = progress_bar(&store).await?;
    let started = Instant::now();
    let rebuilt = rebuild::rebuild(&store.event_log(), &store.read, &selected, |phase, done| {
        bar.set_message(phase.to_string());
        bar.set_position(done);
    })
    .await?;
    store.close().await;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let names: Vec<_> = selected.iter().map(|p| p.name).collect();
    println!(
        "rebuilt {} from {} events in {seconds:.2} s ({:.0} events/s, peak RSS {}, checkpoints held {} ms)",
        names.join(", "),
        rebuilt.events,
        rebuilt.events as f64 / seconds.max(f64::EPSILON),
        peak_rss(),
        rebuilt.swap.as_millis()
    );
    Ok(())
}

/// A bar over the store's events that shows the replay's phase and rate.
async fn progress_bar(store: &Store) -> Result<ProgressBar, BoxError> {
    let total = rebuild::count_events(&store.read).await?;
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} events, {per_sec}, {eta} left ({msg})")
        .map_err(|e| e.to_string())?;
    Ok(ProgressBar::new(total).with_style(style))
}

/// This process's peak resident memory, as Linux reports it (`VmHWM`); "unknown" elsewhere.
fn peak_rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or_else(|| "unknown".to_owned(), |kb| format!("{} MiB", kb / 1024))
}

/// Compares the read models with a rebuild; answers the differences after printing them.
pub async fn verify(database_url: &str, projection: Option<&str>) -> Result<Vec<Difference>, BoxError> {
    let selected = rebuild::select(projection)?;
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let started = Instant::now();
    let events = rebuild::count_events(&store.read).await?;
    let differences = rebuild::verify(&store.event_log(), &store.read, &selected).await?;
    store.close().await;
    for difference in &differences {
        println!("{difference}");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} differences; verified {events} events in {seconds:.2} s ({:.0} events/s, peak RSS {})",
        differences.len(),
        events as f64 / seconds.max(f64::EPSILON),
        peak_rss()
    );
    Ok(differences)
}

/// `user promote USERNAME --admin/--organizer`: answers the promoted user, or why not.
pub async fn promote(database_url: &str, username: &str, admin: bool, organizer: bool) -> Result<User, BoxError> {
    if !admin && !organizer {
        return Err("say what to promote to: --admin, --organizer or both".into());
    }
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let promoted = Users::new(store.read.clone())
        .promote(username, admin, organizer)
        .await?;
    store.close().await;
    promoted.ok_or_else(|| format!("no user named {username:?}").into())
}
