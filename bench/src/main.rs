//! `bench`: a load benchmark for any server that speaks the Event Manager HTTP contract
//! (`shared/API.md`). It sets up its own users and events through the API, runs named
//! scenarios for a fixed time with N concurrent keep-alive clients, checks the seat invariant
//! after every scenario that sends commands, and prints a markdown table. See bench/README.md.

mod api;
mod cpu;
mod invariant;
mod report;
mod rss;
mod scenarios;
mod setup;

use std::collections::{BTreeMap, HashSet};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use crate::api::{Api, Fail};
use crate::report::{Row, Stats};
use crate::scenarios::{Beliefs, Plan, Scenario};
use crate::setup::Fixture;

/// Load benchmark for a server of the Event Manager HTTP contract.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Base URL of the server (without `/api`).
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    url: String,
    /// Scenarios to run, comma-separated, or `all`.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "all")]
    scenario: Vec<Scenario>,
    /// Numbers of concurrent clients, comma-separated: each scenario runs once per number.
    #[arg(long, value_delimiter = ',', default_value = "16")]
    clients: Vec<usize>,
    /// How long each run lasts (`10s`, `500ms`, `2m`, or seconds).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Users each client drives in the join/leave scenarios (registered once, before the clock).
    #[arg(long, default_value_t = 2)]
    users_per_client: usize,
    /// Events created for `spread-join`, `detail`, `list` and `mixed`.
    #[arg(long, default_value_t = 1000)]
    events: usize,
    /// Capacity of the hot event (waitlist on).
    #[arg(long, default_value_t = 50)]
    hot_capacity: i64,
    /// PID of the server: its peak RSS during each run is sampled from /proc/PID/status.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Name of the server in the table's first column (for example `sqlite` or `postgres`).
    #[arg(long, default_value = "server")]
    label: String,
    /// URL of a `bench-ceiling`: each `list` run is repeated against it right after, and the
    /// list row shows its requests/s as a fraction of the ceiling's.
    #[arg(long)]
    ceiling_url: Option<String>,
    /// pgbench single-row insert rates measured on the same PostgreSQL, as `CLIENTS=TPS`
    /// pairs (comma-separated): added as rows, and hot-join rows show their share.
    #[arg(long, value_delimiter = ',', value_parser = parse_pair)]
    pgbench_tps: Vec<(usize, f64)>,
    /// Wall time of the release build, as measured (free text, e.g. `3m 12s`): added as a row.
    #[arg(long)]
    build_time: Option<String>,
    /// Set nothing up (only `list`; for pointing the bench at `bench-ceiling` alone).
    #[arg(long)]
    no_setup: bool,
    /// Print only the rows (to append to a table printed by an earlier run).
    #[arg(long)]
    no_header: bool,
    /// Setup and check requests in flight at once.
    #[arg(long, default_value_t = 8)]
    setup_concurrency: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("bench: THE SEAT INVARIANT WAS VIOLATED (see above)");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the matrix; `Ok(false)` when an invariant check failed.
async fn run(args: Args) -> Result<bool, Fail> {
    let scenarios: Vec<Scenario> = if args.scenario.contains(&Scenario::All) {
        Scenario::EVERY.to_vec()
    } else {
        let mut seen = HashSet::new();
        args.scenario.iter().copied().filter(|s| seen.insert(*s)).collect()
    };
    if args.clients.is_empty() || args.clients.contains(&0) {
        return Err("--clients needs numbers above 0".into());
    }
    if args.users_per_client == 0 {
        return Err("--users-per-client needs a number above 0".into());
    }
    if args.no_setup && scenarios.iter().any(|s| *s != Scenario::List) {
        return Err("--no-setup only works with --scenario list".into());
    }
    let needs_events = scenarios
        .iter()
        .any(|s| matches!(s, Scenario::SpreadJoin | Scenario::Detail | Scenario::Mixed));
    if !args.no_setup && needs_events && args.events == 0 {
        return Err("--events must be above 0 for spread-join, detail and mixed".into());
    }

    let api = Api::new(&args.url)?;
    api.probe().await?;
    let ceiling = match &args.ceiling_url {
        Some(url) => {
            let ceiling = Api::new(url)?;
            ceiling.probe().await?;
            Some(ceiling)
        }
        None => None,
    };
    let pgbench: BTreeMap<usize, f64> = args.pgbench_tps.iter().copied().collect();

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if !args.no_header {
        report::print_header(cores, args.duration, api.base());
    }
    if let Some(build) = &args.build_time {
        Row::external(
            "workspace",
            "release build",
            "–",
            "–",
            &format!("cargo build --release: {build}"),
        )
        .print();
    }
    for (clients, tps) in &pgbench {
        let note = "pgbench single-row INSERT, same PostgreSQL";
        Row::external("pgbench", "insert", &clients.to_string(), &format!("{tps:.0}"), note).print();
    }

    let max_clients = args.clients.iter().copied().max().unwrap_or(1);
    let mut fixture = if args.no_setup {
        None
    } else {
        let users = if scenarios.iter().any(|s| s.sends_commands()) {
            max_clients * args.users_per_client
        } else {
            0
        };
        let events = if scenarios.iter().all(|s| *s == Scenario::Logs) {
            0
        } else {
            args.events
        };
        Some(Fixture::prepare(&api, users, events, args.setup_concurrency).await?)
    };
    let mut beliefs: Vec<Beliefs> = vec![Beliefs::new(); fixture.as_ref().map_or(0, |f| f.users.len())];

    for &scenario in &scenarios {
        for &clients in &args.clients {
            let mut hot = None;
            if let Some(fixture) = fixture.as_mut() {
                // Tokens must outlive the run and its check; renewing is not timed.
                fixture
                    .renew_tokens(&api, args.duration + Duration::from_secs(120))
                    .await?;
                if scenario.needs_hot_event() {
                    hot = Some(fixture.hot_event(&api, args.hot_capacity).await?);
                }
            }
            let plan = Arc::new(Plan {
                scenario,
                hot,
                spread: fixture.as_ref().map(|f| f.spread.clone()).unwrap_or_default(),
                user_tokens: fixture
                    .as_ref()
                    .map(|f| f.users.iter().map(|u| u.token.clone()).collect())
                    .unwrap_or_default(),
                creator_tokens: fixture
                    .as_ref()
                    .map(|f| f.creators.iter().map(|u| u.token.clone()).collect())
                    .unwrap_or_default(),
                users_per_client: args.users_per_client,
            });

            eprintln!(
                "run: {} {} × {clients} clients for {:?}",
                args.label,
                scenario.name(),
                args.duration
            );
            let sampler = match args.server_pid {
                Some(pid) => Some(rss::Sampler::start(pid)?),
                None => None,
            };
            let (client_cpu, server_cpu) = (cpu::used(None), args.server_pid.and_then(|pid| cpu::used(Some(pid))));
            let outcome = scenarios::run(&api, plan.clone(), clients, args.duration, &mut beliefs).await?;
            let client_share = cpu::share(client_cpu, cpu::used(None), outcome.elapsed);
            let server_share = cpu::share(
                server_cpu,
                args.server_pid.and_then(|pid| cpu::used(Some(pid))),
                outcome.elapsed,
            );
            let peak = match sampler {
                Some(sampler) => sampler.finish().await,
                None => None,
            };
            warn_errors(&args.label, scenario, &outcome.stats);
            let mut row =
                Row::measured(&args.label, scenario.name(), clients, &outcome.stats, outcome.elapsed).with_rss(peak);
            let rate = report::rate(outcome.stats.requests(), outcome.elapsed);
            row.notes
                .extend(client_share.map(|share| format!("bench CPU {share:.0} %")));
            row.notes
                .extend(server_share.map(|share| format!("server CPU {share:.0} %")));

            let mut violated = Vec::new();
            if scenario.sends_commands() {
                let fixture = fixture.as_ref().ok_or("commands need a setup")?;
                eprintln!("check: reading back {} events", outcome.touched.len());
                let verdict = invariant::check(&api, fixture, &beliefs, &outcome.touched).await?;
                row.notes.push(verdict.summary());
                violated = verdict.failures;
            }
            if scenario == Scenario::HotJoin {
                if let Some(tps) = pgbench.get(&clients) {
                    row.notes
                        .push(format!("{:.0} % of pgbench inserts", 100.0 * rate / tps));
                }
            }
            let mut ceiling_row = None;
            if let (Scenario::List, Some(ceiling)) = (scenario, &ceiling) {
                eprintln!("run: bench-ceiling list × {clients} clients for {:?}", args.duration);
                let plan = Arc::new(Plan {
                    scenario: Scenario::List,
                    hot: None,
                    spread: Vec::new(),
                    user_tokens: Vec::new(),
                    creator_tokens: Vec::new(),
                    users_per_client: args.users_per_client,
                });
                let outcome = scenarios::run(ceiling, plan, clients, args.duration, &mut []).await?;
                let ceiling_rate = report::rate(outcome.stats.requests(), outcome.elapsed);
                row.notes
                    .push(format!("{:.0} % of ceiling", 100.0 * rate / ceiling_rate.max(1e-9)));
                ceiling_row = Some(Row::measured(
                    "bench-ceiling",
                    "list",
                    clients,
                    &outcome.stats,
                    outcome.elapsed,
                ));
            }
            row.print();
            if let Some(ceiling_row) = ceiling_row {
                ceiling_row.print();
            }
            if !violated.is_empty() {
                for failure in violated.iter().take(50) {
                    eprintln!("INVARIANT VIOLATED: {failure}");
                }
                if violated.len() > 50 {
                    eprintln!("… and {} more", violated.len() - 50);
                }
                return Ok(false);
            }
        }
    }
    if let Some(fixture) = &fixture {
        eprintln!("done: run {} left its users and events in place", fixture.run);
    }
    Ok(true)
}

/// Says on stderr when a run got answers a healthy server would not give.
fn warn_errors(label: &str, scenario: Scenario, stats: &Stats) {
    let errors = stats.errors();
    if errors > 0 {
        eprintln!(
            "warning: {label} {}: {errors} of {} answers were errors ({})",
            scenario.name(),
            stats.requests(),
            stats.status_mix()
        );
    }
}

/// `10s`, `500ms`, `2m`, `1h` or a number of seconds.
fn parse_duration(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("not a duration: {value}"))?;
    let seconds = match unit.trim() {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        other => return Err(format!("unknown unit {other:?} in {value} (use ms, s, m or h)")),
    };
    if !(seconds > 0.0 && seconds.is_finite()) {
        return Err(format!("the duration must be positive: {value}"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// `16=5400` (clients = transactions per second).
fn parse_pair(value: &str) -> Result<(usize, f64), String> {
    let (clients, tps) = value
        .split_once('=')
        .ok_or_else(|| format!("expected CLIENTS=TPS, got {value}"))?;
    let clients = clients
        .trim()
        .parse()
        .map_err(|_| format!("bad client count in {value}"))?;
    let tps = tps.trim().parse().map_err(|_| format!("bad rate in {value}"))?;
    Ok((clients, tps))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("ten").is_err());
    }

    #[test]
    fn pairs_parse() {
        assert_eq!(parse_pair("16=5400.5"), Ok((16, 5400.5)));
        assert!(parse_pair("16").is_err());
    }

    #[test]
    fn args_parse() {
        let args = Args::try_parse_from([
            "bench",
            "--scenario",
            "hot-join,list",
            "--clients",
            "1,16,64",
            "--duration",
            "3s",
        ])
        .unwrap();
        assert_eq!(args.scenario, vec![Scenario::HotJoin, Scenario::List]);
        assert_eq!(args.clients, vec![1, 16, 64]);
        assert_eq!(args.duration, Duration::from_secs(3));
    }
}
