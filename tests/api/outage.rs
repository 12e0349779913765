//! A PostgreSQL outage mid-run. The real binary reaches the database through a TCP proxy
//! inside the test, which the test cuts and later restores.
//!
//! While the link is down every answer is a 503 problem+json in bounded time (never a hang,
//! never a 500), `/healthz` still says the process runs and `/readyz` says 503. Once the link
//! is back the same process serves commands, reads and readiness again, and the read models
//! verify clean. Cutting drops every open connection; new ones are then refused (the database
//! is down) or accepted and never answered (a partition, where only timeouts help).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use serde_json::json;
use sqlx::postgres::PgConnectOptions;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::helpers::*;
use crate::process::ServerProcess;

/// No answer may take longer than this while the database is away.
const BOUND: Duration = Duration::from_secs(35);

/// How soon after the database returns the service must serve again.
const RECOVERY: Duration = Duration::from_secs(30);

/// Users joining when the link is cut (in the test that is known to fail).
const STORM: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    Up,
    /// Nothing listens: connections are refused, as when PostgreSQL is down.
    Refused,
    /// Connections are accepted and closed at once, as by a port forward or a pooler whose
    /// database is gone.
    Dropped,
    /// Connections are accepted and never answered, as across a partition.
    BlackHoled,
}

/// A TCP proxy to PostgreSQL. Cutting it (any state but `Up`) closes every connection it
/// relays at once; what happens to new ones depends on the state.
struct Proxy {
    port: u16,
    link: watch::Sender<Link>,
    accept: JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().expect("a bound address").port();
        let (link, watching) = watch::channel(Link::Up);
        let accept = tokio::spawn(listen(listener, upstream, watching));
        Self { port, link, accept }
    }

    fn set(&self, link: Link) {
        self.link.send_replace(link);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.set(Link::Dropped);
    }
}

/// Accepts and relays; while `Refused`, the port is not listened on at all.
async fn listen(mut listener: TcpListener, upstream: SocketAddr, mut link: watch::Receiver<Link>) {
    let address = listener.local_addr().expect("a bound address");
    let relays = link.clone();
    loop {
        let refused = tokio::select! {
            accepted = listener.accept() => {
                if let Ok((client, _)) = accepted {
                    tokio::spawn(relay(client, upstream, relays.clone()));
                }
                false
            }
            state = link.wait_for(|l| *l == Link::Refused) => state.is_ok(),
        };
        if refused {
            drop(listener);
            if link.wait_for(|l| *l != Link::Refused).await.is_err() {
                return;
            }
            listener = TcpListener::bind(address).await.expect("the proxy's port again");
        }
    }
}

async fn relay(mut client: TcpStream, upstream: SocketAddr, mut link: watch::Receiver<Link>) {
    let state = *link.borrow_and_update();
    match state {
        Link::Refused | Link::Dropped => return,
        // Held silent until the link is back, then closed: the client gave up long before.
        Link::BlackHoled => {
            let _ = link.wait_for(|l| *l == Link::Up).await;
            return;
        }
        Link::Up => {}
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = link.wait_for(|l| *l != Link::Up) => {}
    }
}

/// Where `url`'s PostgreSQL listens.
async fn upstream_of(url: &str) -> SocketAddr {
    let options = PgConnectOptions::from_str(url).expect("a PostgreSQL URL");
    tokio::net::lookup_host((options.get_host(), options.get_port()))
        .await
        .ok()
        .and_then(|mut addresses| addresses.next())
        .unwrap_or_else(|| panic!("{url} names no TCP address"))
}

/// `url` with its host and port replaced by the proxy's.
fn through_proxy(url: &str, port: u16) -> String {
    let scheme_end = url.find("://").expect("a URL with a scheme") + 3;
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let userinfo = authority.rfind('@').map_or("", |at| &authority[..=at]);
    format!(
        "{}{userinfo}127.0.0.1:{port}{}",
        &url[..scheme_end],
        &rest[authority_end..]
    )
}

/// One request's answer during the outage, and how long it took.
struct Answer {
    what: String,
    status: u16,
    took: Duration,
    resp: Resp,
}

/// Sends `request`, failing the test if it takes longer than [`BOUND`].
async fn timed(api: &Api, what: impl Into<String>, request: RequestBuilder) -> Answer {
    let what = what.into();
    let started = Instant::now();
    let resp = tokio::time::timeout(BOUND, api.send_unchecked(request))
        .await
        .unwrap_or_else(|_| panic!("{what} hung for more than {BOUND:?} while the database was away"));
    Answer {
        what,
        status: resp.status,
        took: started.elapsed(),
        resp,
    }
}

impl Answer {
    /// Asserts a 503 problem+json with `Retry-After`.
    fn unavailable(&self) {
        assert_eq!(
            self.status, 503,
            "{} answered {} during the outage (after {:?}): {}",
            self.what, self.status, self.took, self.resp.body
        );
        assert!(
            self.resp.header("retry-after").is_some(),
            "{}: no Retry-After",
            self.what
        );
        self.resp.clone().problem(503);
    }
}

/// Joins through `api`, counting answers.
async fn join_counted(api: Api, event: String, user: TestUser, answered: Arc<AtomicUsize>) -> Answer {
    let request = api.request(Method::POST, &format!("/api/events/{event}/join"), &user);
    let answer = timed(&api, format!("{} joining", user.username), request).await;
    answered.fetch_add(1, Ordering::SeqCst);
    answer
}

/// Polls until `request()` answers 2xx; answers how long that took. Only 503s may come
/// before, each within [`BOUND`].
async fn until_served(api: &Api, what: &str, request: impl Fn() -> RequestBuilder) -> Duration {
    let started = Instant::now();
    loop {
        let answer = timed(api, what, request()).await;
        if (200..300).contains(&answer.status) {
            return started.elapsed();
        }
        answer.unavailable();
        assert!(
            started.elapsed() < RECOVERY,
            "{what} still 503 {RECOVERY:?} after the database returned"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every kind of request the outage must answer 503: reads, commands, accounts, readiness.
fn probes(
    api: &Api,
    event: &str,
    creator: &TestUser,
    member: &TestUser,
    outsider: &TestUser,
) -> Vec<(String, RequestBuilder)> {
    let login = json!({"username": outsider.username, "password": PASSWORD});
    let requests = [
        ("GET /readyz", api.request(Method::GET, "/readyz", Anon)),
        (
            "GET event",
            api.request(Method::GET, &format!("/api/events/{event}"), Anon),
        ),
        ("GET events", api.request(Method::GET, "/api/events", Anon)),
        (
            "GET members",
            api.request(Method::GET, &format!("/api/events/{event}/members"), creator),
        ),
        (
            "GET my events",
            api.request(Method::GET, "/api/users/me/events", member),
        ),
        (
            "POST join",
            api.request(Method::POST, &format!("/api/events/{event}/join"), outsider),
        ),
        (
            "DELETE exit",
            api.request(Method::DELETE, &format!("/api/events/{event}/exit"), member),
        ),
        (
            "POST event",
            api.request(Method::POST, "/api/events", creator)
                .json(&event_body("Outage party")),
        ),
        (
            "POST login",
            api.request(Method::POST, "/api/auth/login", Anon).json(&login),
        ),
    ];
    requests
        .into_iter()
        .map(|(what, request)| (what.to_owned(), request))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn a_database_outage_answers_503_and_the_service_recovers_without_a_restart() {
    outages(&[Link::Refused, Link::BlackHoled], 0).await;
}

/// Connections dropped mid-handshake, and joins in flight and queued on one event when the
/// database goes away: every answer is a 503 within the bound, none a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn joins_in_flight_and_dropped_connections_answer_503_too() {
    outages(&[Link::Dropped, Link::Refused, Link::BlackHoled], STORM).await;
}

/// A service started while its database is down waits for it, as a supervisor starting both
/// at once expects, and serves as soon as it is up: it neither exits nor needs a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn a_service_started_before_its_database_waits_for_it() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let alice = app.user("alice").await;
    let proxy = Proxy::start(upstream_of(app.database_url()).await).await;
    proxy.set(Link::Refused);
    let url = through_proxy(app.database_url(), proxy.port);
    // sqlx itself retries a refused connection until the acquire timeout: the database stays
    // down for longer than that.
    let settings = [("DATABASE_ACQUIRE_TIMEOUT", "1s")];
    let starting = tokio::spawn(async move { ServerProcess::try_start_with(&url, &settings, None).await });
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(!starting.is_finished(), "it started, or exited, with its database down");
    proxy.set(Link::Up);
    let server = starting
        .await
        .expect("the start is not cancelled")
        .expect("the service waited for its database instead of exiting");
    server
        .call(Method::POST, "/api/events", &alice, Some(event_body("Late start")))
        .await
        .expect(201);
}

/// One service through the proxy; for each of `links`, cut it (while `storm` users join, if
/// any), check the answers during the outage, restore it and check the service recovers.
async fn outages(links: &[Link], storm: usize) {
    let app = TestApp::spawn(Backend::Postgres).await;
    let proxy = Proxy::start(upstream_of(app.database_url()).await).await;
    let server = ServerProcess::start(&through_proxy(app.database_url(), proxy.port)).await;
    let api = server.api.clone();

    let alice = app.user("alice").await;
    let mut users = app.users("out", links.len() * (storm + 2) + 1).await.into_iter();
    let member = users.next().expect("a member");
    let id = api.event_joined_by(&alice, json!({"capacity": 1000}), [&member]).await;
    let mut everyone: HashSet<String> = HashSet::from([member.id.clone()]);

    for &link in links {
        let storm: Vec<TestUser> = users.by_ref().take(storm).collect();
        let answered = Arc::new(AtomicUsize::new(0));
        let mut joins = JoinSet::new();
        for user in &storm {
            let (api, id, user, answered) = (api.clone(), id.clone(), user.clone(), answered.clone());
            joins.spawn(async move { (user.clone(), join_counted(api, id, user, answered).await) });
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while answered.load(Ordering::SeqCst) < storm.len() / 4 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        proxy.set(link);
        let cut = Instant::now();

        let first = timed(
            &api,
            "GET members",
            api.request(Method::GET, &format!("/api/events/{id}/members"), &alice),
        )
        .await;
        let first_503 = cut.elapsed();
        let outsider = users.next().expect("an outsider");
        let mut during = JoinSet::new();
        for (what, request) in probes(&api, &id, &alice, &member, &outsider) {
            let api = api.clone();
            during.spawn(async move { timed(&api, what, request).await });
        }
        let mut answers = during.join_all().await;
        answers.insert(0, first);
        let alive = timed(&api, "GET /healthz", api.request(Method::GET, "/healthz", Anon)).await;
        assert_eq!(alive.status, 200, "the process runs on through the outage");

        // Joins caught by the cut answer 503, or 201 if they got through first.
        let mut retry = Vec::new();
        for (user, answer) in joins.join_all().await {
            match answer.status {
                201 => {
                    everyone.insert(user.id.clone());
                }
                _ => {
                    retry.push(user);
                    answers.push(answer);
                }
            }
        }
        let slowest = answers.iter().map(|a| a.took).max().unwrap_or_default();
        eprintln!(
            "{link:?}: the first 503 {first_503:?} after the cut; {} answers, the slowest in {slowest:?}",
            answers.len()
        );
        let wrong: Vec<String> = answers
            .iter()
            .filter(|a| a.status != 503)
            .map(|a| format!("{} answered {} in {:?}: {}", a.what, a.status, a.took, a.resp.body))
            .collect();
        assert!(
            wrong.is_empty(),
            "{link:?}: not 503 during the outage:\n{}",
            wrong.join("\n")
        );
        answers.iter().for_each(Answer::unavailable);

        proxy.set(Link::Up);
        let restored = Instant::now();
        let latecomer = users.next().expect("a latecomer");
        let join_201 = until_served(&api, "POST join", || {
            api.request(Method::POST, &format!("/api/events/{id}/join"), &latecomer)
        })
        .await;
        everyone.insert(latecomer.id.clone());
        until_served(&api, "GET /readyz", || api.request(Method::GET, "/readyz", Anon)).await;
        eprintln!(
            "{link:?}: restored; a join answered 201 {join_201:?} later, /readyz 200 {:?} later",
            restored.elapsed()
        );

        // A join answered 503 may have committed before its answer was lost: then it is a 409.
        for user in retry {
            let answer = api.join(&id, &user).await;
            assert!(
                matches!(answer.status, 201 | 409),
                "{} rejoining: {} {}",
                user.username,
                answer.status,
                answer.body
            );
            everyone.insert(user.id.clone());
        }
        let mine = api.get("/api/users/me/events", &latecomer).await.expect(200);
        assert_eq!(
            column(&mine, "/event/id"),
            [id.as_str()],
            "the latecomer reads their join"
        );
        let members = api.all_pages(&format!("/api/events/{id}/members"), &alice).await;
        let listed: HashSet<String> = user_ids(&members).into_iter().collect();
        assert_eq!(listed, everyone, "after the {link:?} outage: every join, and no other");
    }

    drop(server);
    drop(proxy);
    app.assert_verified().await;
}
