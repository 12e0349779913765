//! `Api`, the HTTP client: raw requests, the verbs, and the steps many tests share.

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use super::auth::{Anon, Auth, TestUser, PASSWORD};
use super::bodies::{event_body, id_of, merge};
use super::response::Resp;

/// An HTTP client bound to one running service; cheap to clone into tasks.
#[derive(Clone)]
pub struct Api {
    pub address: String,
    pub client: reqwest::Client,
}

impl Api {
    /// A client for the service at `address`, with keep-alive connections for storms.
    pub fn new(address: String) -> Self {
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        Self { address, client }
    }

    /// Waits until `/readyz` shows every projection caught up with the store. A restarted
    /// server projects in the background what the one before it committed and did not
    /// project; reads before that are behind, as the contract allows.
    pub async fn caught_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = self.get("/readyz", Anon).await;
            let behind: Vec<&Value> = ready.body["projections"]
                .as_array()
                .map(|lags| lags.iter().filter(|lag| lag["events"] != 0).collect())
                .unwrap_or_default();
            if ready.status == 200 && behind.is_empty() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the read models did not catch up within 30 s: {} {}",
                ready.status,
                ready.body
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{}", self.address, path)
        }
    }

    /// A request to customise (headers, raw bodies); send it with [`Api::send`].
    pub fn request(&self, method: Method, path: &str, auth: impl Auth) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match auth.token() {
            Some(token) => builder.header("authorization", format!("Bearer {token}")),
            None => builder,
        }
    }

    /// Sends it and reads the answer. A 500 fails the test wherever it happens.
    pub async fn send(&self, builder: RequestBuilder) -> Resp {
        let described = format!("{builder:?}");
        let answer = self.send_unchecked(builder).await;
        assert!(
            answer.status != 500,
            "the service answered 500: {}; request: {described}",
            answer.body
        );
        answer
    }

    /// Sends it and reads the answer, whatever it is.
    pub async fn send_unchecked(&self, builder: RequestBuilder) -> Resp {
        let described = format!("{builder:?}");
        self.try_send(builder).await.unwrap_or_else(|e| {
            let mut chain = format!("{e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                chain.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            panic!("request failed: {chain}; {described}")
        })
    }

    /// The answer, or the transport error (a server that died mid-request).
    pub async fn try_send(&self, builder: RequestBuilder) -> Result<Resp, reqwest::Error> {
        let response = builder.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok(Resp { status, headers, body })
    }

    pub async fn call(&self, method: Method, path: &str, auth: impl Auth, body: Option<Value>) -> Resp {
        let builder = self.request(method, path, auth);
        let builder = match body {
            Some(body) => builder.json(&body),
            None => builder,
        };
        self.send(builder).await
    }

    pub async fn get(&self, path: &str, auth: impl Auth) -> Resp {
        self.call(Method::GET, path, auth, None).await
    }

    pub async fn post(&self, path: &str, auth: impl Auth, body: Value) -> Resp {
        self.call(Method::POST, path, auth, Some(body)).await
    }

    pub async fn post_empty(&self, path: &str, auth: impl Auth) -> Resp {
        self.call(Method::POST, path, auth, None).await
    }

    pub async fn put(&self, path: &str, auth: impl Auth, body: Value) -> Resp {
        self.call(Method::PUT, path, auth, Some(body)).await
    }

    pub async fn patch(&self, path: &str, auth: impl Auth, body: Value) -> Resp {
        self.call(Method::PATCH, path, auth, Some(body)).await
    }

    pub async fn delete(&self, path: &str, auth: impl Auth) -> Resp {
        self.call(Method::DELETE, path, auth, None).await
    }

    // ---- users -------------------------------------------------------------------------

    pub async fn register_with(&self, body: Value) -> Resp {
        self.post("/api/auth/register", Anon, body).await
    }

    /// Registers `username` with [`PASSWORD`] (asserting 201) and answers the user.
    pub async fn register(&self, username: &str) -> Value {
        self.register_with(json!({
            "username": username,
            "email": format!("{}@example.com", username.to_lowercase()),
            "password": PASSWORD,
        }))
        .await
        .expect(201)
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/auth/login",
            Anon,
            json!({"username": username, "password": password}),
        )
        .await
    }

    /// Trades a refresh token for a new pair (`POST /api/auth/refresh`).
    pub async fn refresh(&self, token: impl serde::Serialize) -> Resp {
        self.post("/api/auth/refresh", Anon, json!({ "refresh": token })).await
    }

    /// Logs in (asserting 200) and answers the token pair.
    pub async fn tokens(&self, username: &str, password: &str) -> Value {
        self.login(username, password).await.expect(200)
    }

    /// Registers and logs in `username`.
    pub async fn user(&self, username: &str) -> TestUser {
        let registered = self.register(username).await;
        let tokens = self.tokens(username, PASSWORD).await;
        TestUser {
            id: registered["id"].as_str().expect("a user id").to_owned(),
            username: username.to_owned(),
            access: tokens["access"].as_str().expect("an access token").to_owned(),
            refresh: tokens["refresh"].as_str().expect("a refresh token").to_owned(),
        }
    }

    /// Registers and logs in a user of each of these names, one after the other.
    pub async fn named_users<const N: usize>(&self, names: [&str; N]) -> [TestUser; N] {
        let mut users = Vec::with_capacity(N);
        for name in names {
            users.push(self.user(name).await);
        }
        users.try_into().expect("one user per name")
    }

    /// `n` users named `{prefix}{i:03}`, registered and logged in concurrently, in order.
    pub async fn users(&self, prefix: &str, n: usize) -> Vec<TestUser> {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..n {
            let api = self.clone();
            let name = format!("{prefix}{i:03}");
            tasks.spawn(async move { (i, api.user(&name).await) });
        }
        let mut users: Vec<(usize, TestUser)> = tasks.join_all().await;
        users.sort_by_key(|(i, _)| *i);
        users.into_iter().map(|(_, u)| u).collect()
    }

    // ---- events ------------------------------------------------------------------------

    /// Creates an event as `user` (asserting 201) and answers it.
    pub async fn create_event(&self, user: &TestUser, body: Value) -> Value {
        self.post("/api/events", user, body).await.expect(201)
    }

    /// Creates an event from [`event_body`] with `overrides` on top.
    pub async fn event(&self, user: &TestUser, overrides: Value) -> Value {
        self.create_event(user, merge(event_body("Rust meetup"), overrides))
            .await
    }

    /// Creates an event from [`event_body`] with `overrides` on top and answers its id.
    pub async fn event_id(&self, user: &TestUser, overrides: Value) -> String {
        id_of(&self.event(user, overrides).await)
    }

    /// Has `users` join `event` one after the other, asserting 201 for each, and answers
    /// the memberships in the same order.
    pub async fn join_all<'a>(&self, event: &str, users: impl IntoIterator<Item = &'a TestUser>) -> Vec<Value> {
        let mut joined = Vec::new();
        for user in users {
            let answer = self.join(event, user).await;
            assert_eq!(answer.status, 201, "{} joining {event}: {}", user.username, answer.body);
            joined.push(answer.body);
        }
        joined
    }

    /// An event of `creator`'s from [`event_body`] with `overrides` on top, joined by `users`
    /// in order (see [`Api::join_all`]); answers its id.
    pub async fn event_joined_by<'a>(
        &self,
        creator: &TestUser,
        overrides: Value,
        users: impl IntoIterator<Item = &'a TestUser>,
    ) -> String {
        let id = self.event_id(creator, overrides).await;
        self.join_all(&id, users).await;
        id
    }

    /// An event of `creator`'s with one seat and the waitlist on, joined by `users` in order
    /// (the first takes the seat, the others queue at positions 1, 2, ...); answers its id.
    pub async fn waitlisted_event<'a>(
        &self,
        creator: &TestUser,
        users: impl IntoIterator<Item = &'a TestUser>,
    ) -> String {
        self.event_joined_by(creator, json!({"capacity": 1, "waitlist_enabled": true}), users)
            .await
    }

    pub async fn event_of(&self, id: &str, auth: impl Auth) -> Value {
        self.get(&format!("/api/events/{id}"), auth).await.expect(200)
    }

    pub async fn join(&self, event: &str, user: &TestUser) -> Resp {
        self.post_empty(&format!("/api/events/{event}/join"), user).await
    }

    pub async fn leave(&self, event: &str, user: &TestUser) -> Resp {
        self.delete(&format!("/api/events/{event}/exit"), user).await
    }

    pub async fn capacity(&self, event: &str) -> Value {
        self.get(&format!("/api/events/{event}/capacity"), Anon)
            .await
            .expect(200)
    }

    /// Every item of a paginated list, following `next` (page size 100).
    pub async fn all_pages(&self, path: &str, auth: impl Auth + Copy) -> Vec<Value> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{separator}page_size=100"));
        let mut items = Vec::new();
        let mut pages = 0;
        while let Some(url) = next {
            let page = self.get(&url, auth).await.expect(200);
            items.extend(page["results"].as_array().expect("a results list").iter().cloned());
            next = page["next"].as_str().map(str::to_owned);
            pages += 1;
            assert!(pages < 1000, "`next` never ends");
        }
        items
    }
}
