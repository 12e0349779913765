//! The HTTP contract (`API.md`), checked end to end against a running service, on SQLite
//! and on PostgreSQL (set `TEST_DATABASE_URL`; under `CI` it is required).

#[macro_use]
mod helpers;

mod access_matrix;
mod auth;
mod beside;
mod calendar;
mod catalogue;
mod client_document;
mod connections;
mod contention;
mod crash;
mod docs_page;
mod email;
mod errors;
mod events;
mod feed;
mod feedback;
mod group_commit;
mod guest_mail;
mod guests;
mod idempotency;
mod idempotency_faults;
mod instances;
mod invitations;
mod lapse;
mod listing_bounds;
mod live_client;
mod logs;
mod membership;
mod memory;
mod notifications;
mod operations;
mod outage;
mod private_events;
mod probe;
mod process;
mod prune;
mod raw;
mod read_your_writes;
mod rebuild;
mod reminders;
mod search;
mod series;
mod smtp_sink;
mod storage_faults;
mod storms;
mod terminated;
mod throttle;
mod tickets;
mod workload;
