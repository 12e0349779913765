//! A random concurrent mix of every command, after which every read model still equals a
//! rebuild from the store.

use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

const USERS: usize = 12;
const STEPS: usize = 40;

/// xorshift64*: enough randomness for a workload, reproducible from the printed seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % sides
    }
}

/// Events so far, with the index of their creator.
type Events = Arc<Mutex<Vec<(String, usize)>>>;

async fn act(api: Api, users: Arc<Vec<TestUser>>, me: usize, events: Events, seed: u64) {
    let mut dice = Dice(seed);
    let user = &users[me];
    for _ in 0..STEPS {
        let known = events.lock().unwrap().clone();
        let pick = |dice: &mut Dice| known.get(dice.roll(known.len().max(1))).cloned();
        let answer = match (dice.roll(10), pick(&mut dice)) {
            (0, _) | (_, None) => {
                let body = merge(
                    event_body(&format!("W{me}")),
                    json!({"capacity": 1 + dice.roll(4), "waitlist_enabled": dice.roll(2) == 0}),
                );
                let answer = api.call(Method::POST, "/api/events", user, Some(body)).await;
                if answer.status == 201 {
                    events.lock().unwrap().push((id_of(&answer.body), me));
                }
                answer
            }
            (1, Some((id, _))) => {
                let change = match dice.roll(3) {
                    0 => json!({"capacity": 1 + dice.roll(4)}),
                    1 => json!({"status": if dice.roll(2) == 0 { "open" } else { "closed" }}),
                    _ => json!({"title": format!("W{me}*"), "waitlist_enabled": dice.roll(2) == 0}),
                };
                api.call(Method::PATCH, &format!("/api/events/{id}"), user, Some(change))
                    .await
            }
            (2, Some((id, _))) if dice.roll(4) == 0 => {
                api.call(Method::DELETE, &format!("/api/events/{id}"), user, None).await
            }
            (3, Some((id, _))) => {
                let other = &users[dice.roll(users.len())];
                api.call(
                    Method::DELETE,
                    &format!("/api/events/{id}/members/{}", other.id),
                    user,
                    None,
                )
                .await
            }
            (4..=6, Some((id, _))) => {
                api.call(Method::POST, &format!("/api/events/{id}/join"), user, None)
                    .await
            }
            (_, Some((id, _))) => {
                api.call(Method::DELETE, &format!("/api/events/{id}/exit"), user, None)
                    .await
            }
        };
        assert!(
            answer.status < 500,
            "{} got {}: {}",
            user.username,
            answer.status,
            answer.body
        );
    }
    // A third of the users end by deleting their accounts while the others still work.
    if me.is_multiple_of(3) {
        let answer = api.call(Method::DELETE, "/api/users/me", user, None).await;
        assert_eq!(answer.status, 204, "{}: {}", user.username, answer.body);
    }
}

both_stores!(a_random_mix_of_every_command_leaves_read_models_equal_to_a_rebuild);
async fn a_random_mix_of_every_command_leaves_read_models_equal_to_a_rebuild(app: TestApp) {
    let seed = uuid::Uuid::new_v4().as_u64_pair().0 | 1;
    eprintln!("[{:?}] workload seed {seed}", app.backend);
    let users = Arc::new(app.users("w", USERS).await);
    let events: Events = Arc::default();
    let mut workers = tokio::task::JoinSet::new();
    for me in 0..USERS {
        let (api, users, events) = (app.api.clone(), users.clone(), events.clone());
        workers.spawn(act(api, users, me, events, seed.wrapping_add(me as u64 * 7919)));
    }
    for finished in workers.join_all().await {
        let () = finished;
    }
    let listed = app.all_pages("/api/events", Anon).await;
    for event in &listed {
        let counts = (event["members_count"].as_i64(), event["capacity"].as_i64());
        assert!(counts.0 <= counts.1, "members beyond capacity: {event}");
    }
    app.assert_verified().await;
}
