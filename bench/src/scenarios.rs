//! The scenarios: what each simulated client does in a loop until the clock runs out.
//!
//! Every client has its own HTTP/1.1 keep-alive connection and sends one request at a time;
//! a request still in flight when the time is up is awaited and counted, so the bench always
//! knows how every join and leave was answered.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use reqwest::Method;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::api::{Api, Fail};
use crate::report::Stats;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum Scenario {
    /// Every client's users join and leave one event of capacity 50 with the waitlist on.
    HotJoin,
    /// Joins and leaves spread over the 1,000 set-up events.
    SpreadJoin,
    /// The event listing, page 1, with filters, anonymous.
    List,
    /// `GET /api/events/{id}` of one of the 1,000 events, at random.
    Detail,
    /// The creator's `/api/logs`, page 1.
    Logs,
    /// 80 % reads (list 40, detail 30, logs 10) and 20 % commands (hot 10, spread 10).
    Mixed,
    /// Every scenario above, in that order.
    All,
}

impl Scenario {
    pub const EVERY: [Scenario; 6] = [
        Scenario::HotJoin,
        Scenario::SpreadJoin,
        Scenario::List,
        Scenario::Detail,
        Scenario::Logs,
        Scenario::Mixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::HotJoin => "hot-join",
            Scenario::SpreadJoin => "spread-join",
            Scenario::List => "list",
            Scenario::Detail => "detail",
            Scenario::Logs => "logs",
            Scenario::Mixed => "mixed",
            Scenario::All => "all",
        }
    }

    /// Scenarios that send joins and leaves, and so end with the invariant check.
    pub fn sends_commands(self) -> bool {
        matches!(self, Scenario::HotJoin | Scenario::SpreadJoin | Scenario::Mixed)
    }

    /// Scenarios that need one fresh hot event per run.
    pub fn needs_hot_event(self) -> bool {
        matches!(self, Scenario::HotJoin | Scenario::Mixed)
    }
}

/// The page-1 listing with filters that `list` (and `mixed`) read.
pub const LIST_PATH: &str = "/api/events?title=bench&status=open&upcoming=true&ordering=start_time&page=1&page_size=20";

/// What the bench believes about one user's place in one event, from the answers it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Belief {
    /// The last join was answered 201 (member or waitlisted) and not left since.
    In,
    /// Never joined, or the last leave was answered 204.
    Out,
    /// The last answer did not say for sure (409, 5xx, transport error); next try leaving.
    MaybeIn,
    /// Likewise; next try joining.
    MaybeOut,
}

impl Belief {
    fn wants_to_leave(self) -> bool {
        matches!(self, Belief::In | Belief::MaybeIn)
    }
}

/// A user's beliefs about every event it touched, kept between runs.
pub type Beliefs = HashMap<Uuid, Belief>;

/// What all clients of one run share (read-only).
pub struct Plan {
    pub scenario: Scenario,
    pub hot: Option<Uuid>,
    pub spread: Vec<Uuid>,
    pub user_tokens: Vec<String>,
    pub creator_tokens: Vec<String>,
    pub users_per_client: usize,
}

pub struct Outcome {
    pub stats: Stats,
    pub elapsed: Duration,
    /// Events that received a join or a leave, for the invariant check.
    pub touched: HashSet<Uuid>,
}

/// Runs `clients` clients for `duration`. `beliefs` (one map per user) is lent to the clients
/// that drive those users and given back updated.
pub async fn run(
    api: &Api,
    plan: Arc<Plan>,
    clients: usize,
    duration: Duration,
    beliefs: &mut [Beliefs],
) -> Result<Outcome, Fail> {
    let k = plan.users_per_client;
    if plan.scenario.sends_commands() && beliefs.len() < clients * k {
        return Err(format!("{} users needed, {} set up", clients * k, beliefs.len()));
    }
    let mut connections = Vec::with_capacity(clients);
    for _ in 0..clients {
        connections.push(api.fresh()?);
    }
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = JoinSet::new();
    for (c, connection) in connections.into_iter().enumerate() {
        let users: Vec<(usize, Beliefs)> = if plan.scenario.sends_commands() {
            (c * k..(c + 1) * k)
                .map(|u| (u, std::mem::take(&mut beliefs[u])))
                .collect()
        } else {
            Vec::new()
        };
        let client = Client {
            api: connection,
            plan: plan.clone(),
            rng: Rng::new(),
            users,
            next_user: 0,
            creator: c,
            stats: Stats::new(),
            touched: HashSet::new(),
        };
        tasks.spawn(client.run(deadline));
    }
    let mut stats = Stats::new();
    let mut touched = HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        let client = joined.map_err(|e| format!("a client task failed: {e}"))?;
        stats.merge(&client.stats);
        touched.extend(client.touched);
        for (u, user_beliefs) in client.users {
            beliefs[u] = user_beliefs;
        }
    }
    Ok(Outcome {
        stats,
        elapsed: start.elapsed(),
        touched,
    })
}

struct Client {
    api: Api,
    plan: Arc<Plan>,
    rng: Rng,
    users: Vec<(usize, Beliefs)>,
    next_user: usize,
    creator: usize,
    stats: Stats,
    touched: HashSet<Uuid>,
}

impl Client {
    async fn run(mut self, deadline: Instant) -> Self {
        while Instant::now() < deadline {
            match self.plan.scenario {
                Scenario::HotJoin => self.toggle_hot().await,
                Scenario::SpreadJoin => self.toggle_spread().await,
                Scenario::List => self.list().await,
                Scenario::Detail => self.detail().await,
                Scenario::Logs => self.logs().await,
                Scenario::Mixed | Scenario::All => match self.rng.below(100) {
                    0..40 => self.list().await,
                    40..70 => self.detail().await,
                    70..80 => self.logs().await,
                    80..90 => self.toggle_hot().await,
                    _ => self.toggle_spread().await,
                },
            }
        }
        self
    }

    async fn list(&mut self) {
        let request = self.api.request(Method::GET, LIST_PATH, None);
        self.send(request).await;
    }

    async fn detail(&mut self) {
        let id = self.random_event();
        let request = self.api.request(Method::GET, &format!("/api/events/{id}"), None);
        self.send(request).await;
    }

    async fn logs(&mut self) {
        let tokens = &self.plan.creator_tokens;
        let token = &tokens[self.creator % tokens.len()];
        let request = self.api.request(Method::GET, "/api/logs", Some(token));
        self.send(request).await;
    }

    /// The client's users take turns joining or leaving the hot event.
    async fn toggle_hot(&mut self) {
        let event = self.plan.hot.expect("a hot event is set up for this scenario");
        let slot = self.next_user;
        self.next_user = (self.next_user + 1) % self.users.len();
        self.toggle(slot, event).await;
    }

    /// One of the client's users joins or leaves one of the spread events, at random.
    async fn toggle_spread(&mut self) {
        let event = self.random_event();
        let slot = self.rng.below(self.users.len());
        self.toggle(slot, event).await;
    }

    async fn toggle(&mut self, slot: usize, event: Uuid) {
        let user = self.users[slot].0;
        let token = &self.plan.user_tokens[user];
        let belief = self.users[slot].1.get(&event).copied().unwrap_or(Belief::Out);
        let leaving = belief.wants_to_leave();
        let request = if leaving {
            self.api
                .request(Method::DELETE, &format!("/api/events/{event}/exit"), Some(token))
        } else {
            self.api
                .request(Method::POST, &format!("/api/events/{event}/join"), Some(token))
        };
        let status = self.send(request).await;
        let belief = match (leaving, status) {
            (false, Some(201)) => Belief::In,
            (true, Some(204)) => Belief::Out,
            // Already in (or full, or closed): the next attempt is a leave, which settles it.
            (false, Some(_)) => Belief::MaybeIn,
            // Not in: the next attempt is a join.
            (true, Some(_)) => Belief::MaybeOut,
            // No answer: it may or may not have happened; try the same again.
            (false, None) => Belief::MaybeOut,
            (true, None) => Belief::MaybeIn,
        };
        self.users[slot].1.insert(event, belief);
        self.touched.insert(event);
    }

    fn random_event(&mut self) -> Uuid {
        let spread = &self.plan.spread;
        spread[self.rng.below(spread.len())]
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Option<u16> {
        let (status, took) = Api::timed(request).await;
        self.stats.record(status, took);
        status
    }
}

/// xorshift64*: enough randomness to pick events, with no dependency.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        Self((Uuid::new_v4().as_u128() as u64) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        ((x >> 32) % n.max(1) as u64) as usize
    }
}
