use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The user on whose behalf a command runs, named as they were at that moment.
///
/// Domain events keep the name so that logs still read well after the account is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: Uuid,
    pub username: String,
}

impl Actor {
    pub fn new(id: Uuid, username: impl Into<String>) -> Self {
        Self {
            id,
            username: username.into(),
        }
    }
}
