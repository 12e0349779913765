//! The sender: a task that claims due outbox rows, renders and sends each, and records
//! what became of it. It runs beside the requests and shares nothing with them but the
//! database, so an SMTP server that is down or slow delays mail, never an answer.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::message::Mailbox;
use projections::calendar;
use projections::email::{Message, Recipient};
use projections::Position;
use sqlx::AnyPool;
use tokio::sync::watch;
use uuid::Uuid;

use super::outbox::{Claimed, Outbox, Outcome};
use super::render::{render, Context};
use super::transport::{Letter, Transport, SMTP_TIMEOUT};
use crate::accounts::Users;
use crate::guests::GuestLinks;
use crate::live::wait_for_news;

/// Rows claimed at a time.
const BATCH: i64 = 10;

/// How long a claim holds its rows: longer than a whole batch of attempts that each time
/// out, so no other sender takes a row while this one may still be sending it.
const LEASE: Duration = SMTP_TIMEOUT.saturating_mul(BATCH as u32 * 2);

/// A message is tried for this long after it was queued, then marked failed.
const RETRY_FOR: chrono::Duration = chrono::Duration::hours(24);

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// Names the recipient in a `Message-ID` without showing their address.
const MESSAGE_ID_NAMESPACE: Uuid = Uuid::from_u128(0x2b7e_61c4_0d9a_4f3e_b5a8_91c2_7e40_d6f1);

pub struct Sender {
    pub outbox: Outbox,
    pub users: Users,
    pub read: AnyPool,
    pub transport: Arc<Transport>,
    pub from: Mailbox,
    pub public_url: String,
    /// Computes the tokens of guests' links.
    pub links: GuestLinks,
    /// The wait after a first failure (`EMAIL_RETRY_BACKOFF`); it doubles with each.
    pub backoff: Duration,
    /// How often to look when the projector has not rung (`EMAIL_POLL_INTERVAL`).
    pub poll: Duration,
}

impl Sender {
    /// Sends what is due until `stop` turns true or its sender goes away (the service was
    /// dropped); looks again whenever the projector has applied something, and every `poll`
    /// besides (retries come due on their own).
    pub async fn run(self, mut applied: watch::Receiver<Position>, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            let seen = *applied.borrow();
            match self.send_due(&stop).await {
                Ok(claimed) if claimed == BATCH as usize => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the email outbox could not be read; retrying"),
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() {
                    return;
                },
                () = wait_for_news(&mut applied, seen, self.poll) => {}
            }
        }
    }

    /// One claim and its attempts; answers how many rows it claimed.
    async fn send_due(&self, stop: &watch::Receiver<bool>) -> Result<usize, sqlx::Error> {
        let now = Utc::now();
        let lease = chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::MAX);
        let claimed = self.outbox.claim(now, now + lease, BATCH).await?;
        for (i, row) in claimed.iter().enumerate() {
            if *stop.borrow() {
                self.outbox.release(&claimed[i..]).await?;
                break;
            }
            let outcome = self.attempt(row).await?;
            count(&outcome);
            self.outbox.finish(row, &outcome, Utc::now()).await?;
        }
        Ok(claimed.len())
    }

    /// Resolves the recipient and the event, renders, sends.
    async fn attempt(&self, row: &Claimed) -> Result<Outcome, sqlx::Error> {
        if Utc::now() > row.created_at + RETRY_FOR {
            return Ok(Outcome::Failed("not sent within 24 hours of being queued".to_owned()));
        }
        let (Some(message), Some(recipient)) = (&row.message, &row.recipient) else {
            return Ok(Outcome::Failed("a message this version cannot read".to_owned()));
        };
        // Read as the recipient sees it: a user mailed about a private event is one of its
        // own (seated or invited), and guests are only ever in public events.
        let viewer = match recipient {
            Recipient::User(id) => Some(*id),
            Recipient::Address(_) => None,
        };
        let (address, name) = match recipient {
            Recipient::User(id) => match self.users.find(*id).await? {
                None => return Ok(Outcome::Skipped("the account was deleted".to_owned())),
                Some(user)
                    if message
                        .topic()
                        .is_some_and(|topic| !user.email_notifications.wants(topic)) =>
                {
                    return Ok(Outcome::Skipped("the user turned these messages off".to_owned()))
                }
                Some(user) => (user.email, user.username),
            },
            Recipient::Address(address) => {
                let name = message.guest_name().unwrap_or(address);
                (address.clone(), name.to_owned())
            }
        };
        let Some(event) = calendar::event(&self.read, row.event_id, viewer).await? else {
            return Ok(Outcome::Skipped("no such event".to_owned()));
        };
        let to = match address.parse() {
            Ok(address) => Mailbox::new(Some(name.clone()), address),
            Err(error) => return Ok(Outcome::Failed(format!("the address cannot be mailed: {error}"))),
        };
        let context = Context {
            public_url: &self.public_url,
            event: &event,
            name: &name,
            links: &self.links,
        };
        let letter = Letter {
            to,
            message_id: self.message_id(row),
            rendered: render(message, &context),
        };
        Ok(match self.transport.deliver(&self.from, letter).await {
            Ok(()) => Outcome::Sent,
            Err(error) => self.after_failure(row, message, error),
        })
    }

    /// Tried again after a backoff that doubles with each attempt, unless that is past the
    /// 24 hours.
    fn after_failure(&self, row: &Claimed, message: &Message, error: String) -> Outcome {
        let wait = backoff(self.backoff, row.attempts);
        let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or(RETRY_FOR);
        tracing::warn!(kind = message.kind(), attempts = row.attempts, %error, "an email could not be sent");
        if at > row.created_at + RETRY_FOR {
            Outcome::Failed(error)
        } else {
            Outcome::Retry { at, error }
        }
    }

    /// `<event.sequence.recipient@domain>`: the same for every attempt at one message.
    fn message_id(&self, row: &Claimed) -> String {
        let recipient = Uuid::new_v5(&MESSAGE_ID_NAMESPACE, row.key.as_bytes()).simple();
        format!(
            "<{}.{}.{recipient}@{}>",
            row.event_id.simple(),
            row.sequence,
            self.from.email.domain()
        )
    }
}

/// The counter of each outcome.
const COUNTERS: [&str; 4] = [
    "emails_sent_total",
    "emails_skipped_total",
    "emails_retried_total",
    "emails_failed_total",
];

fn count(outcome: &Outcome) {
    let name = match outcome {
        Outcome::Sent => COUNTERS[0],
        Outcome::Skipped(_) => COUNTERS[1],
        Outcome::Retry { .. } => COUNTERS[2],
        Outcome::Failed(_) => COUNTERS[3],
    };
    metrics::counter!(name).increment(1);
}

/// Shows every counter on `/metrics` from the start, at 0 until something happens.
pub fn register_metrics() {
    for name in COUNTERS {
        metrics::counter!(name).increment(0);
    }
}

/// The wait after the `attempts`-th failed attempt: `first`, doubled for each attempt
/// before it, at most [`MAX_BACKOFF`].
fn backoff(first: Duration, attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX).min(20);
    first.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_with_each_failure_up_to_an_hour() {
        let first = Duration::from_secs(30);
        let waits: Vec<u64> = (1..=5).map(|n| backoff(first, n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480]);
        assert_eq!(backoff(first, 12), MAX_BACKOFF);
        assert_eq!(backoff(first, i64::MAX), MAX_BACKOFF);
    }

    #[test]
    fn a_whole_batch_of_timeouts_fits_in_a_lease() {
        assert!(LEASE > SMTP_TIMEOUT * BATCH as u32);
    }
}
