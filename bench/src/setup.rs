//! Everything done before the clock starts: users registered and logged in once, the events
//! the scenarios use created through the API, tokens renewed between runs when they would
//! expire during one.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, TimeDelta, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::api::{field, Api, Fail};

/// A user the bench registered, with a live access token.
#[derive(Clone)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub token: String,
    expires_at: Instant,
}

/// The users and events of one bench run. Names carry a random run id, so runs never collide
/// and the database may be reused (though each store should start fresh for comparable figures).
pub struct Fixture {
    pub run: String,
    password: String,
    concurrency: usize,
    /// The simulated users; client `c` drives users `c * k .. (c + 1) * k`.
    pub users: Vec<User>,
    /// Owners of the events. One unless the server throttles event creation, in which case a
    /// new creator is registered each time the current one is throttled.
    pub creators: Vec<User>,
    /// The events `spread-join`, `detail`, `list` and `mixed` use.
    pub spread: Vec<Uuid>,
    /// Which creator owns each event (for the creator-only reads of the invariant check).
    pub creator_of: HashMap<Uuid, usize>,
    hot_events: usize,
}

impl Fixture {
    /// Registers `users` users and one creator, then creates `events` events.
    pub async fn prepare(api: &Api, users: usize, events: usize, concurrency: usize) -> Result<Self, Fail> {
        let run = Uuid::new_v4().simple().to_string()[..8].to_string();
        let password = format!("bench-password-{run}");
        let started = Instant::now();
        let creator = register(api, &run, "c0", &password).await?;
        let mut fixture = Self {
            users: Vec::new(),
            creators: vec![creator],
            spread: Vec::new(),
            creator_of: HashMap::new(),
            hot_events: 0,
            run,
            password,
            concurrency: concurrency.max(1),
        };
        if users > 0 {
            eprintln!("setup: registering {users} users");
            let names: Vec<String> = (0..users).map(|i| format!("u{i}")).collect();
            fixture.users = fixture.register_many(api, names).await?;
        }
        if events > 0 {
            eprintln!("setup: creating {events} events");
            fixture.spread = fixture.create_events(api, events, "spread").await?;
        }
        eprintln!(
            "setup: done in {:.1} s (run {}, {} users, {} creators, {} events)",
            started.elapsed().as_secs_f64(),
            fixture.run,
            fixture.users.len(),
            fixture.creators.len(),
            fixture.spread.len()
        );
        if fixture.creators.len() > 1 {
            eprintln!(
                "setup: the server throttles event creation, so {} creators own the events; \
                 start it with EVENTS_PER_DAY=0 for figures comparable between stores",
                fixture.creators.len()
            );
        }
        Ok(fixture)
    }

    /// A fresh event of `capacity` seats with the waitlist on, for one `hot-join` or `mixed` run.
    pub async fn hot_event(&mut self, api: &Api, capacity: i64) -> Result<Uuid, Fail> {
        self.hot_events += 1;
        let kind = format!("hot {}", self.hot_events);
        let ids = self.create_events_with(api, 1, &kind, capacity).await?;
        Ok(ids[0])
    }

    /// Logs every user in again whose token would expire within `needed`.
    pub async fn renew_tokens(&mut self, api: &Api, needed: Duration) -> Result<(), Fail> {
        let deadline = Instant::now() + needed;
        let stale = self
            .users
            .iter()
            .chain(&self.creators)
            .filter(|u| u.expires_at < deadline)
            .count();
        if stale == 0 {
            return Ok(());
        }
        eprintln!("setup: renewing {stale} access tokens");
        let semaphore = Arc::new(Semaphore::new(self.concurrency));
        for group in [&mut self.users, &mut self.creators] {
            let mut tasks = JoinSet::new();
            for (i, user) in group.iter().enumerate().filter(|(_, u)| u.expires_at < deadline) {
                let (api, semaphore) = (api.clone(), semaphore.clone());
                let (username, password) = (user.username.clone(), self.password.clone());
                tasks.spawn(async move {
                    let _permit = semaphore.acquire_owned().await;
                    login(&api, &username, &password).await.map(|t| (i, t))
                });
            }
            while let Some(joined) = tasks.join_next().await {
                let (i, (token, expires_at)) = joined.map_err(|e| e.to_string())??;
                group[i].token = token;
                group[i].expires_at = expires_at;
            }
        }
        Ok(())
    }

    async fn register_many(&self, api: &Api, suffixes: Vec<String>) -> Result<Vec<User>, Fail> {
        let semaphore = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for (i, suffix) in suffixes.into_iter().enumerate() {
            let (api, semaphore) = (api.clone(), semaphore.clone());
            let (run, password) = (self.run.clone(), self.password.clone());
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                register(&api, &run, &suffix, &password).await.map(|u| (i, u))
            });
        }
        let mut users = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            users.push(joined.map_err(|e| e.to_string())??);
        }
        users.sort_by_key(|(i, _)| *i);
        Ok(users.into_iter().map(|(_, u)| u).collect())
    }

    async fn create_events(&mut self, api: &Api, count: usize, kind: &str) -> Result<Vec<Uuid>, Fail> {
        self.create_events_with(api, count, kind, 50).await
    }

    /// Creates `count` events, `concurrency` at a time. When the server answers 429 (its
    /// per-user creation throttle), a new creator is registered and takes over.
    async fn create_events_with(
        &mut self,
        api: &Api,
        count: usize,
        kind: &str,
        capacity: i64,
    ) -> Result<Vec<Uuid>, Fail> {
        let pool = Arc::new(Mutex::new(CreatorPool {
            created: vec![0; self.creators.len()],
            creators: std::mem::take(&mut self.creators),
            fruitless: 0,
        }));
        let start_time = (Utc::now() + TimeDelta::days(30)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let semaphore = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for i in 0..count {
            let body = json!({
                "title": format!("bench {} {kind} {i}", self.run),
                "description": "created by the load benchmark",
                "location": format!("hall {}", i % 10),
                "start_time": start_time,
                "capacity": capacity,
                "waitlist_enabled": true,
            });
            let (api, pool, semaphore) = (api.clone(), pool.clone(), semaphore.clone());
            let (run, password) = (self.run.clone(), self.password.clone());
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                create_one(&api, &pool, &body, &run, &password).await
            });
        }
        let mut created = Vec::new();
        let mut failure = None;
        while let Some(joined) = tasks.join_next().await {
            match joined.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(pair) => created.push(pair),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        let pool = Arc::into_inner(pool).ok_or("creator pool still shared")?.into_inner();
        self.creators = pool.creators;
        if let Some(e) = failure {
            return Err(e);
        }
        for &(id, creator) in &created {
            self.creator_of.insert(id, creator);
        }
        Ok(created.into_iter().map(|(id, _)| id).collect())
    }
}

struct CreatorPool {
    creators: Vec<User>,
    created: Vec<usize>,
    /// Creators in a row that were throttled before creating anything.
    fruitless: usize,
}

async fn create_one(
    api: &Api,
    pool: &Mutex<CreatorPool>,
    body: &Value,
    run: &str,
    password: &str,
) -> Result<(Uuid, usize), Fail> {
    loop {
        let (index, token) = {
            let pool = pool.lock().await;
            let index = pool.creators.len() - 1;
            (index, pool.creators[index].token.clone())
        };
        let reply = api.call(Method::POST, "/api/events", Some(&token), Some(body)).await?;
        match reply.status {
            201 => {
                let id = field(&reply.body, "/id", "POST /api/events")?;
                let id = Uuid::parse_str(id).map_err(|e| format!("POST /api/events: id {id}: {e}"))?;
                pool.lock().await.created[index] += 1;
                return Ok((id, index));
            }
            429 => {
                let mut pool = pool.lock().await;
                if pool.creators.len() - 1 != index {
                    continue; // another task already brought in a new creator
                }
                if pool.created[index] == 0 {
                    pool.fruitless += 1;
                    if pool.fruitless >= 3 {
                        return Err(
                            "POST /api/events answered 429 to three fresh users in a row: the server \
                             throttles event creation beyond what new users can work around; start it \
                             with EVENTS_PER_DAY=0"
                                .into(),
                        );
                    }
                    let wait = reply.retry_after.unwrap_or(1).clamp(1, 5);
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                } else {
                    pool.fruitless = 0;
                }
                let suffix = format!("c{}", pool.creators.len());
                let creator = register(api, run, &suffix, password).await?;
                pool.creators.push(creator);
                pool.created.push(0);
            }
            status => return Err(format!("POST /api/events answered {status}: {}", reply.body)),
        }
    }
}

/// Registers `b<run><suffix>` and logs it in.
async fn register(api: &Api, run: &str, suffix: &str, password: &str) -> Result<User, Fail> {
    let username = format!("b{run}{suffix}");
    let body = json!({
        "username": username,
        "email": format!("{username}@bench.example.com"),
        "password": password,
    });
    let reply = api
        .call_patient(Method::POST, "/api/auth/register", None, Some(&body))
        .await?;
    if reply.status != 201 {
        return Err(format!(
            "registering {username} answered {}: {}",
            reply.status, reply.body
        ));
    }
    let id = field(&reply.body, "/id", "POST /api/auth/register")?;
    let id = Uuid::parse_str(id).map_err(|e| format!("user id {id}: {e}"))?;
    let (token, expires_at) = login(api, &username, password).await?;
    Ok(User {
        id,
        username,
        token,
        expires_at,
    })
}

/// An access token and the moment it expires (a little early, to be safe).
async fn login(api: &Api, username: &str, password: &str) -> Result<(String, Instant), Fail> {
    let asked = Instant::now();
    let body = json!({"username": username, "password": password});
    let reply = api
        .call_patient(Method::POST, "/api/auth/login", None, Some(&body))
        .await?;
    if reply.status != 200 {
        return Err(format!(
            "logging in {username} answered {}: {}",
            reply.status, reply.body
        ));
    }
    let token = field(&reply.body, "/access", "POST /api/auth/login")?.to_string();
    let lifetime = reply.body.get("expires_in").and_then(Value::as_u64).unwrap_or(300);
    Ok((token, asked + Duration::from_secs(lifetime.saturating_sub(5))))
}
