//! `seed-events`: fills an event store (PostgreSQL or SQLite) with N domain events quickly,
//! for the `rebuild` benchmark — through the store, not through HTTP.
//!
//! Every history is decided by the real `Event` aggregate (the same `handle` the service
//! runs), so each one is consistent: a creation, then joins, leaves, waitlisting,
//! promotions, removals, title changes and closing/reopening, about `--per-event` facts per
//! event. The facts are serialised as the service stores them and inserted straight into
//! the `events` table, `--batch` rows per transaction (one multi-row INSERT on PostgreSQL), with the
//! histories of `--interleave` events interleaved as concurrent traffic would. The read
//! models are left alone (empty on a fresh database): `event-manager rebuild` fills them.
//! See bench/README.md.

use std::sync::Arc;
use std::time::Instant;

use aggregates::event::{DetailChanges, EventDetails};
use aggregates::values::{Capacity, Description, EventStatus, Location, Title};
use aggregates::{Actor, Event, EventCommand, EventFact, EventServices, SystemClock};
use clap::Parser;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use event_manager::box_error::BoxError;
use event_manager::services::RandomCodes;
use event_manager::store::{Backend, Store};
use sqlx::{QueryBuilder, Row, Sqlite};
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(about = "Seeds an event store with N consistent domain events, without HTTP")]
struct Args {
    /// The database, PostgreSQL or SQLite (migrated here if needed).
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// How many domain events to insert.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Facts per event (its creation included); the last event may have fewer.
    #[arg(long, default_value_t = 100)]
    per_event: usize,
    /// Histories of this many events are interleaved in the global order.
    #[arg(long, default_value_t = 100)]
    interleave: usize,
    /// Rows per INSERT statement (each in its own transaction).
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Seed of the random choices: the same seed gives the same histories (not the same ids).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Add to a store that already holds events (otherwise that is refused).
    #[arg(long)]
    append: bool,
}

const INSERT: &str = r#"
    INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
    SELECT 'Event', a, s, t, v, p::json, '{"via": "api"}'::json
      FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS r(a, s, t, v, p, n)
     ORDER BY n"#;

/// Rows per INSERT on SQLite: seven values each, under its 32,766 bind parameters.
const SQLITE_ROWS: usize = 4_000;

/// Users that join and leave: each event draws its candidates from this many.
const USERS: u64 = 20_000;
const CREATORS: u64 = 100;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    if args.per_event < 1 || args.interleave < 1 || args.batch < 1 {
        return Err("--per-event, --interleave and --batch must be at least 1".into());
    }
    let store = Store::connect(&args.database_url).await?;
    store.migrate().await?;
    let pool = &store.read;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(pool)
        .await?;
    if existing > 0 && !args.append {
        return Err(format!("the store already holds {existing} events; use a fresh database or --append").into());
    }

    let started = Instant::now();
    let services = EventServices {
        clock: Arc::new(SystemClock),
        codes: Arc::new(RandomCodes),
    };
    let mut random = Random(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut rows = Rows::default();
    let mut inserted = 0usize;
    let mut created = 0usize;
    while inserted + rows.len() < args.events {
        // One group of interleaved histories.
        let left = args.events - inserted - rows.len();
        let mut histories = Vec::new();
        let mut planned = 0;
        while histories.len() < args.interleave && planned < left {
            let want = args.per_event.min(left - planned);
            let history = history(&services, &mut random, args.per_event, created).await?;
            let id = Uuid::new_v4().to_string();
            let facts: Vec<EventFact> = history.into_iter().take(want).collect();
            planned += facts.len();
            histories.push((id, facts));
            created += 1;
        }
        let longest = histories.iter().map(|(_, facts)| facts.len()).max().unwrap_or(0);
        for sequence in 1..=longest {
            for (id, facts) in &histories {
                if let Some(fact) = facts.get(sequence - 1) {
                    rows.push(id, sequence, fact)?;
                    if rows.len() >= args.batch {
                        inserted += rows.insert(&store.backend).await?;
                        eprint!("\r{inserted} events");
                    }
                }
            }
        }
    }
    inserted += rows.insert(&store.backend).await?;
    eprintln!("\r{inserted} events");
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "seeded {inserted} domain events of {created} events in {seconds:.1} s ({:.0} rows/s)",
        inserted as f64 / seconds
    );
    let mix = sqlx::query("SELECT event_type, COUNT(*) AS n FROM events GROUP BY event_type ORDER BY n DESC")
        .fetch_all(pool)
        .await?;
    let mix: Vec<String> = mix
        .iter()
        .map(|row| {
            Ok(format!(
                "{} {}",
                row.try_get::<String, _>("event_type")?,
                row.try_get::<i64, _>("n")?
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    println!("store now holds: {}", mix.join(", "));
    Ok(())
}

/// Columns of the rows waiting to be inserted.
#[derive(Default)]
struct Rows {
    ids: Vec<String>,
    sequences: Vec<i64>,
    types: Vec<String>,
    versions: Vec<String>,
    payloads: Vec<String>,
}

impl Rows {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn push(&mut self, id: &str, sequence: usize, fact: &EventFact) -> Result<(), serde_json::Error> {
        self.ids.push(id.to_owned());
        self.sequences.push(sequence as i64);
        self.types.push(fact.event_type());
        self.versions.push(fact.event_version());
        self.payloads.push(serde_json::to_string(fact)?);
        Ok(())
    }

    /// Inserts the rows in one transaction; answers how many.
    async fn insert(&mut self, backend: &Backend) -> Result<usize, sqlx::Error> {
        let n = self.len();
        if n == 0 {
            return Ok(0);
        }
        let taken = std::mem::take(self);
        match backend {
            Backend::Postgres(pool) => {
                sqlx::query(INSERT)
                    .bind(taken.ids)
                    .bind(taken.sequences)
                    .bind(taken.types)
                    .bind(taken.versions)
                    .bind(taken.payloads)
                    .execute(pool)
                    .await?;
            }
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                for start in (0..n).step_by(SQLITE_ROWS) {
                    let end = (start + SQLITE_ROWS).min(n);
                    let mut insert = QueryBuilder::<Sqlite>::new(
                        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) ",
                    );
                    insert.push_values(start..end, |mut row, i| {
                        row.push_bind("Event")
                            .push_bind(&taken.ids[i])
                            .push_bind(taken.sequences[i])
                            .push_bind(&taken.types[i])
                            .push_bind(&taken.versions[i])
                            .push_bind(&taken.payloads[i])
                            .push_bind(r#"{"via": "api"}"#);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        }
        Ok(n)
    }
}

/// One event's history of at least `length` facts, as the aggregate decides it.
async fn history(
    services: &EventServices,
    random: &mut Random,
    length: usize,
    number: usize,
) -> Result<Vec<EventFact>, BoxError> {
    let creator = user(random.below(CREATORS), "creator");
    let title = Title::parse(&format!("Seeded event {number}"))?;
    let start = chrono::Utc::now() + chrono::Duration::days(365);
    let details = EventDetails {
        description: Description::parse("Seeded for the rebuild benchmark")?,
        location: (random.below(2) == 0).then(|| Location::parse("Berlin")).transpose()?,
        waitlist_enabled: true,
        ..EventDetails::new(title, start, Capacity::parse(5 + random.below(16) as i64)?)
    };
    let mut event = Event::default();
    let mut facts = decide(
        &mut event,
        services,
        EventCommand::CreateEvent {
            details,
            actor: creator.clone(),
        },
    )
    .await?;
    // Candidates for this event; `seated` is who is a member or waitlisted now.
    let candidates: Vec<Actor> = (0..80).map(|_| user(random.below(USERS), "user")).collect();
    let mut seated: Vec<Actor> = Vec::new();
    let mut closed = false;
    let mut renamed = 0;
    while facts.len() < length {
        // Nobody seated: someone joins, or, if the event is closed, it reopens.
        let roll = match (seated.is_empty(), closed) {
            (false, _) => random.below(100),
            (true, false) => 0,
            (true, true) => 99,
        };
        let command = if roll < 60 {
            let pick = &candidates[random.below(candidates.len() as u64) as usize];
            EventCommand::JoinEvent {
                actor: pick.clone(),
                ticket_type: None,
            }
        } else if roll < 88 {
            let pick = &seated[random.below(seated.len() as u64) as usize];
            EventCommand::LeaveEvent { actor: pick.clone() }
        } else if roll < 95 {
            let pick = &seated[random.below(seated.len() as u64) as usize];
            EventCommand::RemoveMember {
                user_id: pick.id,
                actor: creator.clone(),
            }
        } else if roll < 99 {
            renamed += 1;
            EventCommand::UpdateEvent {
                changes: DetailChanges {
                    title: Some(Title::parse(&format!("Seeded event {number} ({renamed})"))?),
                    ..DetailChanges::default()
                },
                status: None,
                expected_version: None,
                actor: creator.clone(),
            }
        } else {
            closed = !closed;
            EventCommand::UpdateEvent {
                changes: DetailChanges::default(),
                status: Some(if closed { EventStatus::Closed } else { EventStatus::Open }),
                expected_version: None,
                actor: creator.clone(),
            }
        };
        // A refused command (already joined, closed, …) records nothing; try another.
        let Ok(new) = decide(&mut event, services, command).await else {
            continue;
        };
        for fact in &new {
            match fact {
                EventFact::MemberJoined { member, .. } | EventFact::MemberWaitlisted { member, .. } => {
                    seated.push(member.clone())
                }
                EventFact::MemberLeft { member, .. } | EventFact::MemberRemoved { member, .. } => {
                    seated.retain(|a| a.id != member.id)
                }
                _ => {}
            }
        }
        facts.extend(new);
    }
    Ok(facts)
}

async fn decide(
    event: &mut Event,
    services: &EventServices,
    command: EventCommand,
) -> Result<Vec<EventFact>, BoxError> {
    let sink = EventSink::default();
    event.handle(command, services, &sink).await?;
    Ok(sink.collect().await)
}

fn user(n: u64, prefix: &str) -> Actor {
    let namespace = if prefix == "creator" { 1u128 << 64 } else { 2u128 << 64 };
    Actor::new(Uuid::from_u128(namespace | u128::from(n)), format!("{prefix}{n}"))
}

/// xorshift64*: reproducible choices without another dependency.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}
