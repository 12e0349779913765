//! Waiting at start for a database that cannot serve yet.
//!
//! A supervisor often starts the service beside its database, or restarts both at once; the
//! database may also be busy, or out of connections, for a moment. Exiting then would only
//! make the supervisor try again, so the steps that start the service retry an outage for a
//! while, saying so in the log, and fail at once on anything else.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::is_outage;

use crate::box_error::BoxError;

/// The first pause between tries; each next one doubles, up to `LONGEST_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// `step`'s answer once it succeeds. An outage (see `is_outage`) is retried until `patience`
/// has passed, and the last one is answered; any other failure is answered at once.
pub async fn patiently<T, E, F, Fut>(patience: Duration, what: &str, mut step: F) -> Result<T, BoxError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    let deadline = Instant::now() + patience;
    let mut pause = FIRST_PAUSE;
    loop {
        let error: BoxError = match step().await {
            Ok(answer) => return Ok(answer),
            Err(error) => error.into(),
        };
        if !is_outage(error.as_ref()) || Instant::now() + pause > deadline {
            return Err(error);
        }
        tracing::warn!(%error, "{what}: the database cannot serve yet; trying again in {pause:?}");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[tokio::test]
    async fn an_outage_is_tried_again_until_it_passes() {
        let tries = Cell::new(0);
        let answer = patiently(Duration::from_secs(60), "test", || {
            tries.set(tries.get() + 1);
            let outage = tries.get() < 4;
            async move {
                if outage {
                    Err(sqlx::Error::PoolTimedOut)
                } else {
                    Ok(7)
                }
            }
        })
        .await;
        assert_eq!(answer.ok(), Some(7));
        assert_eq!(tries.get(), 4);
    }

    #[tokio::test]
    async fn an_outage_longer_than_the_patience_is_answered() {
        let started = Instant::now();
        let answer: Result<(), _> = patiently(Duration::from_secs(1), "test", || async {
            Err(sqlx::Error::PoolTimedOut)
        })
        .await;
        assert!(matches!(
            answer.expect_err("it gives up").downcast_ref::<sqlx::Error>(),
            Some(sqlx::Error::PoolTimedOut)
        ));
        let waited = started.elapsed();
        // Tries at 0, 0.1, 0.3 and 0.7 s; the next pause (0.8 s) would end past the second.
        assert!(
            waited >= Duration::from_millis(700) && waited < Duration::from_secs(1),
            "{waited:?}"
        );
    }

    #[tokio::test]
    async fn any_other_failure_is_answered_at_once() {
        let tries = Cell::new(0);
        let answer: Result<(), _> = patiently(Duration::from_secs(60), "test", || {
            tries.set(tries.get() + 1);
            async { Err(sqlx::Error::RowNotFound) }
        })
        .await;
        assert!(answer.is_err());
        assert_eq!(tries.get(), 1);
    }
}
