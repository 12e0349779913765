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
    let total = rebuild::count_events(&store.read).await?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} events, {per_sec}, {eta} left")
            .map_err(|e| e.to_string())?,
    );
    let started = Instant::now();
    let replayed = rebuild::rebuild(&store.event_log(), &store.read, &selected, |done| {
        bar.set_position(done)
    })
    .await?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let names: Vec<_> = selected.iter().map(|p| p.name).collect();
    println!(
        "rebuilt {} from {replayed} events in {seconds:.2} s ({:.0} events/s)",
        names.join(", "),
        replayed as f64 / seconds.max(f64::EPSILON)
    );
    Ok(())
}

/// Compares the read models with a rebuild; answers the differences after printing them.
pub async fn verify(database_url: &str, projection: Option<&str>) -> Result<Vec<Difference>, BoxError> {
    let selected = rebuild::select(projection)?;
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let differences = rebuild::verify(&store.event_log(), &store.read, &selected).await?;
    for difference in &differences {
        println!("{difference}");
    }
    println!("{} differences", differences.len());
    Ok(differences)
}

/// `user promote USERNAME --admin/--organizer`: answers the promoted user, or why not.
pub async fn promote(database_url: &str, username: &str, admin: bool, organizer: bool) -> Result<User, BoxError> {
    if !admin && !organizer {
        return Err("say what to promote to: --admin, --organizer or both".into());
    }
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    Users::new(store.read.clone())
        .promote(username, admin, organizer)
        .await?
        .ok_or_else(|| format!("no user named {username:?}").into())
}
