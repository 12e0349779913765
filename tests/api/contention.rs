//! Account writes under concurrency: racing requests get the contract's answers, never a
//! 500. On SQLite a transaction that reads and then writes is refused at once ("database is
//! locked") when another writer committed in between, whatever the busy timeout; on
//! PostgreSQL two racing replacements of one row collide on its key.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Barrier;

use crate::helpers::*;

/// Requests sent at the same moment in each round.
const RACERS: usize = 8;

/// Sends every request of `requests` at the same moment; answers the answers in order.
async fn at_once(api: &Api, requests: Vec<reqwest::RequestBuilder>) -> Vec<Resp> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, request) in requests.into_iter().enumerate() {
        let (api, barrier) = (api.clone(), barrier.clone());
        tasks.spawn(async move {
            barrier.wait().await;
            (i, api.send_unchecked(request).await)
        });
    }
    let mut answers = tasks.join_all().await;
    answers.sort_by_key(|(i, _)| *i);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

/// How many answers had each status.
fn statuses(answers: &[Resp]) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    for answer in answers {
        *counts.entry(answer.status).or_insert(0) += 1;
    }
    counts
}

fn refresh_request(api: &Api, token: &str) -> reqwest::RequestBuilder {
    api.request(reqwest::Method::POST, "/api/auth/refresh", Anon)
        .json(&serde_json::json!({ "refresh": token }))
}

both_stores!(racing_refreshes_of_one_token_let_one_win_and_refuse_the_rest);
async fn racing_refreshes_of_one_token_let_one_win_and_refuse_the_rest(app: TestApp) {
    app.register("ali").await;
    for round in 0..20 {
        let tokens = app.tokens("ali", PASSWORD).await;
        let token = tokens["refresh"].as_str().expect("a refresh token");
        let requests = (0..RACERS).map(|_| refresh_request(&app, token)).collect();
        let counts = statuses(&at_once(&app, requests).await);
        assert_eq!(
            counts,
            BTreeMap::from([(200, 1), (401, RACERS - 1)]),
            "round {round}: one refresh rotates the token, the others reuse it"
        );
    }
}

both_stores!(users_refreshing_their_own_tokens_at_once_all_succeed);
async fn users_refreshing_their_own_tokens_at_once_all_succeed(app: TestApp) {
    let users = app.users("fresh", 32).await;
    let mut tokens: Vec<String> = users.iter().map(|u| u.refresh.clone()).collect();
    for round in 0..3 {
        let requests = tokens.iter().map(|token| refresh_request(&app, token)).collect();
        for (i, answer) in at_once(&app, requests).await.into_iter().enumerate() {
            assert_eq!(answer.status, 200, "round {round}, user {i}: {}", answer.body);
            tokens[i] = answer.body["refresh"].as_str().expect("a new refresh token").to_owned();
        }
    }
}

both_stores!(racing_calendar_token_rotations_leave_one_working_token);
async fn racing_calendar_token_rotations_leave_one_working_token(app: TestApp) {
    let ali = app.user("ali").await;
    for round in 0..10 {
        let requests = (0..RACERS)
            .map(|_| app.request(reqwest::Method::POST, "/api/users/me/calendar-token", &ali))
            .collect();
        let counts = statuses(&at_once(&app, requests).await);
        assert_eq!(counts, BTreeMap::from([(201, RACERS)]), "round {round}");
    }
    let last = app.post_empty("/api/users/me/calendar-token", &ali).await.expect(201);
    let url = last["url"].as_str().expect("a calendar URL");
    app.get(url, Anon).await.expect(200);
}
