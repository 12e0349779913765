//! The application layer: workflows that send several commands or touch several stores.
//! HTTP handlers, the command line and the background jobs call the same functions, and
//! nothing here knows HTTP: each answers the commands' own errors (or an error of its
//! own), which the HTTP layer maps to statuses in one place.

pub mod accounts;
pub mod creation;
pub mod prune;
pub mod reminders;
pub mod series;

use crate::commands::CommandError;

/// A workflow's step whose event went away meanwhile (deleted by its creator, by a second
/// run of the same workflow) is done: `None` for it, the step's answer otherwise.
fn unless_gone<T>(result: Result<T, CommandError>) -> Result<Option<T>, CommandError> {
    match result {
        Ok(answer) => Ok(Some(answer)),
        Err(CommandError::Rejected(aggregates::EventError::NotFound)) => Ok(None),
        Err(other) => Err(other),
    }
}
