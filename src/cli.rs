//! The command line: each subcommand of `event-manager`, run.
//!
//! `main.rs` only calls [`main`]. A future is compiled in the crate that polls it: with the
//! runtime in the binary, the whole service was compiled a second time there (26 s of a
//! release build).

use std::sync::Arc;

use aggregates::SystemClock;
use clap::Parser;

use crate::app::prune::prune;
use crate::box_error::BoxError;
use crate::config::{redact, Cli, Command, UserAction};
use crate::maintenance;
use crate::probe;
use crate::startup::{app_state, init_tracing, Application};
use crate::store::Store;

/// Parses the command line and runs its subcommand on a multi-threaded runtime.
pub fn main() -> Result<(), BoxError> {
    let cli = Cli::parse();
    init_tracing(&cli.config);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(cli))
}

/// Runs the subcommand `cli` names (`serve` by default).
async fn run(cli: Cli) -> Result<(), BoxError> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            let store = Store::connect(&cli.config.database_url).await?;
            store.migrate().await?;
            store.close().await;
            println!("migrations applied to {}", redact(&cli.config.database_url));
        }
        Command::Rebuild { projection } => {
            maintenance::rebuild(&cli.config.database_url, projection.as_deref()).await?
        }
        Command::Verify { projection } => {
            if !maintenance::verify(&cli.config.database_url, projection.as_deref())
                .await?
                .is_empty()
            {
                std::process::exit(1);
            }
        }
        Command::User {
            action:
                UserAction::Promote {
                    username,
                    admin,
                    organizer,
                },
        } => {
            let user = maintenance::promote(&cli.config.database_url, &username, admin, organizer).await?;
            println!(
                "{} is now {}{}",
                user.username,
                user.role.as_str(),
                if user.is_admin { " and an administrator" } else { "" }
            );
        }
        Command::Prune { older_than } => {
            let state = app_state(&cli.config, Arc::new(SystemClock)).await?;
            let cutoff = state.clock.now() - chrono::Duration::from_std(older_than)?;
            let deleted = prune(&state, cutoff).await?;
            for event in &deleted {
                let ended = event.end_time.unwrap_or(event.start_time);
                println!("deleted {} \"{}\" (ended {ended})", event.id, event.title);
            }
            println!("pruned {} events that ended before {cutoff}", deleted.len());
        }
        Command::Probe => {
            if !probe::ready(cli.config.bind).await {
                std::process::exit(1);
            }
        }
        Command::Serve => {
            let app = Application::build(cli.config.clone()).await?;
            let address = format!("http://{}:{}", cli.config.bind.ip(), app.port());
            println!(
                "Event Manager listening on {address} (store: {})",
                redact(&cli.config.database_url)
            );
            println!("Try: curl -X POST {address}/api/auth/register -H 'Content-Type: application/json' \\");
            println!("       -d '{{\"username\": \"ali\", \"email\": \"ali@example.com\", \"password\": \"correct horse\"}}'");
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
