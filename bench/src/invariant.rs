//! The seat invariant, checked after every run that sent joins and leaves: for every event
//! touched, read the counts, the members and the waitlist back, and compare them with the
//! capacity and with what the bench was answered.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::api::{Api, Fail};
use crate::scenarios::{Belief, Beliefs};
use crate::setup::Fixture;

pub struct Verdict {
    pub events: usize,
    /// Memberships the bench was sure of (answered 201 or 204) that were found as answered.
    pub confirmed: usize,
    /// Users whose last answer for an event left it open (409, 5xx, no answer): not checked.
    pub unsure: usize,
    pub failures: Vec<String>,
}

impl Verdict {
    pub fn summary(&self) -> String {
        if self.failures.is_empty() {
            format!(
                "invariant ok ({} events, {} answers confirmed, {} unsure)",
                self.events, self.confirmed, self.unsure
            )
        } else {
            format!("INVARIANT FAILED ({} violations)", self.failures.len())
        }
    }
}

/// What one event looked like when read back.
struct Seen {
    capacity: i64,
    members_count: i64,
    waitlist_count: i64,
    members: Vec<Uuid>,
    waitlist: Vec<Uuid>,
}

pub async fn check(api: &Api, fixture: &Fixture, beliefs: &[Beliefs], events: &HashSet<Uuid>) -> Result<Verdict, Fail> {
    let users: Arc<HashMap<Uuid, usize>> = Arc::new(fixture.users.iter().enumerate().map(|(i, u)| (u.id, i)).collect());
    let semaphore = Arc::new(Semaphore::new(8));
    let mut tasks = JoinSet::new();
    for &event in events {
        let creator = fixture
            .creator_of
            .get(&event)
            .map(|&c| fixture.creators[c].token.clone())
            .ok_or_else(|| format!("event {event} was not created by this run"))?;
        let expected: Vec<(usize, Belief)> = beliefs
            .iter()
            .enumerate()
            .map(|(u, b)| (u, b.get(&event).copied().unwrap_or(Belief::Out)))
            .collect();
        let (api, semaphore, users) = (api.clone(), semaphore.clone(), users.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            check_event(&api, event, &creator, &expected, &users).await
        });
    }
    let mut verdict = Verdict {
        events: events.len(),
        confirmed: 0,
        unsure: 0,
        failures: Vec::new(),
    };
    while let Some(joined) = tasks.join_next().await {
        let (confirmed, unsure, failures) = joined.map_err(|e| e.to_string())??;
        verdict.confirmed += confirmed;
        verdict.unsure += unsure;
        verdict.failures.extend(failures);
    }
    Ok(verdict)
}

/// Checks one event, reading it again a few times before calling a difference a failure (a
/// server whose read models lag is still correct if they catch up).
async fn check_event(
    api: &Api,
    event: Uuid,
    creator: &str,
    expected: &[(usize, Belief)],
    users: &HashMap<Uuid, usize>,
) -> Result<(usize, usize, Vec<String>), Fail> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let seen = read_event(api, event, creator).await?;
        let (confirmed, unsure, failures) = compare(event, &seen, expected, users);
        if failures.is_empty() || attempt >= 5 {
            return Ok((confirmed, unsure, failures));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn compare(
    event: Uuid,
    seen: &Seen,
    expected: &[(usize, Belief)],
    users: &HashMap<Uuid, usize>,
) -> (usize, usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut fail = |what: String| failures.push(format!("event {event}: {what}"));
    if seen.members_count > seen.capacity {
        fail(format!(
            "members_count {} > capacity {}",
            seen.members_count, seen.capacity
        ));
    }
    if seen.members.len() as i64 != seen.members_count {
        fail(format!(
            "members_count {} but {} members listed",
            seen.members_count,
            seen.members.len()
        ));
    }
    if seen.waitlist.len() as i64 != seen.waitlist_count {
        fail(format!(
            "waitlist_count {} but {} waitlisted listed",
            seen.waitlist_count,
            seen.waitlist.len()
        ));
    }
    if !seen.waitlist.is_empty() && (seen.members.len() as i64) < seen.capacity {
        fail(format!(
            "{} users wait while {} of {} seats are taken",
            seen.waitlist.len(),
            seen.members.len(),
            seen.capacity
        ));
    }
    let mut present = HashSet::new();
    for id in seen.members.iter().chain(&seen.waitlist) {
        if !present.insert(*id) {
            fail(format!("user {id} is listed twice (members and waitlist together)"));
        }
        if !users.contains_key(id) {
            fail(format!("user {id} is listed but never joined"));
        }
    }
    let present: HashSet<usize> = present.iter().filter_map(|id| users.get(id).copied()).collect();
    let (mut confirmed, mut unsure) = (0, 0);
    for &(user, belief) in expected {
        let here = present.contains(&user);
        match belief {
            Belief::In if !here => fail(format!(
                "user #{user} was answered 201 to a join but is neither member nor waitlisted"
            )),
            Belief::Out if here => fail(format!("user #{user} is listed although it left (204) or never joined")),
            Belief::In => confirmed += 1,
            Belief::Out => {}
            Belief::MaybeIn | Belief::MaybeOut => unsure += 1,
        }
    }
    (confirmed, unsure, failures)
}

async fn read_event(api: &Api, event: Uuid, creator: &str) -> Result<Seen, Fail> {
    let path = format!("/api/events/{event}");
    let reply = api.call(Method::GET, &path, None, None).await?;
    if reply.status != 200 {
        return Err(format!("GET {path} answered {}: {}", reply.status, reply.body));
    }
    let number = |key: &str| {
        reply
            .body
            .get(key)
            .and_then(Value::as_i64)
            .ok_or_else(|| format!("GET {path}: no `{key}` in {}", reply.body))
    };
    Ok(Seen {
        capacity: number("capacity")?,
        members_count: number("members_count")?,
        waitlist_count: number("waitlist_count")?,
        members: read_all(api, &format!("{path}/members"), creator).await?,
        waitlist: read_all(api, &format!("{path}/waitlist"), creator).await?,
    })
}

/// Every user id of a paginated list of `{user: {id}}` entries.
async fn read_all(api: &Api, path: &str, token: &str) -> Result<Vec<Uuid>, Fail> {
    let mut ids = Vec::new();
    for page in 1.. {
        let url = format!("{path}?page={page}&page_size=100");
        let reply = api.call(Method::GET, &url, Some(token), None).await?;
        if reply.status != 200 {
            return Err(format!("GET {url} answered {}: {}", reply.status, reply.body));
        }
        let results = reply
            .body
            .get("results")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("GET {url}: no `results` in {}", reply.body))?;
        for entry in results {
            let id = entry
                .pointer("/user/id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| format!("GET {url}: an entry without user.id: {entry}"))?;
            ids.push(id);
        }
        if results.is_empty() || reply.body.get("next").is_none_or(Value::is_null) {
            break;
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::new_v4()).collect()
    }

    fn users(ids: &[Uuid]) -> HashMap<Uuid, usize> {
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect()
    }

    fn seen(capacity: i64, members: &[Uuid], waitlist: &[Uuid]) -> Seen {
        Seen {
            capacity,
            members_count: members.len() as i64,
            waitlist_count: waitlist.len() as i64,
            members: members.to_vec(),
            waitlist: waitlist.to_vec(),
        }
    }

    #[test]
    fn a_consistent_event_passes() {
        let u = ids(4);
        let expected = [(0, Belief::In), (1, Belief::In), (2, Belief::Out), (3, Belief::MaybeIn)];
        let (confirmed, unsure, failures) = compare(Uuid::nil(), &seen(1, &u[..1], &u[1..2]), &expected, &users(&u));
        assert!(failures.is_empty(), "{failures:?}");
        assert_eq!((confirmed, unsure), (2, 1));
    }

    #[test]
    fn more_members_than_capacity_fails() {
        let u = ids(3);
        let expected = [(0, Belief::In), (1, Belief::In), (2, Belief::In)];
        let (_, _, failures) = compare(Uuid::nil(), &seen(2, &u, &[]), &expected, &users(&u));
        assert!(
            failures.iter().any(|f| f.contains("members_count 3 > capacity 2")),
            "{failures:?}"
        );
    }

    #[test]
    fn a_join_answered_201_that_is_missing_fails() {
        let u = ids(2);
        let expected = [(0, Belief::In), (1, Belief::In)];
        let (_, _, failures) = compare(Uuid::nil(), &seen(5, &u[..1], &[]), &expected, &users(&u));
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].contains("answered 201"));
    }

    #[test]
    fn a_user_who_left_but_is_listed_fails() {
        let u = ids(1);
        let (_, _, failures) = compare(Uuid::nil(), &seen(5, &u, &[]), &[(0, Belief::Out)], &users(&u));
        assert!(failures.iter().any(|f| f.contains("left (204)")), "{failures:?}");
    }

    #[test]
    fn duplicates_strangers_and_waiting_beside_free_seats_fail() {
        let u = ids(2);
        let stranger = Uuid::new_v4();
        let expected = [(0, Belief::In), (1, Belief::In)];
        let (_, _, failures) = compare(
            Uuid::nil(),
            &seen(5, &[u[0], u[0], stranger], &[u[1]]),
            &expected,
            &users(&u),
        );
        assert!(failures.iter().any(|f| f.contains("listed twice")), "{failures:?}");
        assert!(failures.iter().any(|f| f.contains("never joined")), "{failures:?}");
        assert!(failures.iter().any(|f| f.contains("wait while")), "{failures:?}");
    }
}
