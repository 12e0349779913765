//! Telling a database that is out of reach for now (answer 503, retry later) from a fault
//! of ours (answer 500), however deep the store crates wrapped the cause.

use std::error::Error;

/// Whether `error`, or anything it was caused by, says the database cannot be reached: a
/// dropped or refused connection, a handshake cut short, or no free connection in time.
pub fn is_outage(error: &(dyn Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(error) = error.downcast_ref::<sqlx::Error>() {
            return matches!(
                error,
                sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::Protocol(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
            );
        }
        current = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_trouble_is_an_outage_even_when_boxed() {
        let boxed: Box<dyn Error + Send + Sync> = Box::new(sqlx::Error::PoolTimedOut);
        assert!(is_outage(boxed.as_ref()));
        assert!(is_outage(&sqlx::Error::Protocol(
            "unexpected response from SSLRequest".to_owned()
        )));
    }

    #[test]
    fn other_failures_are_not() {
        assert!(!is_outage(&sqlx::Error::RowNotFound));
        assert!(!is_outage(&std::fmt::Error));
    }
}
