//! Streams and sockets end with their authority: when the access token they opened with
//! expires, is logged out, or its user is deleted.

use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::live_client::{Sse, Ws};

/// The server rechecks every 5 s; this allows for that and a slow machine.
const WITHIN: Duration = Duration::from_secs(10);

struct Streams {
    feed: Sse,
    notifications: Sse,
    socket: Ws,
}

impl Streams {
    async fn open(app: &TestApp, user: &TestUser) -> Self {
        Self {
            feed: Sse::open(app, "/api/feed", user, None).await,
            notifications: Sse::open(app, "/api/notifications/stream", user, None).await,
            socket: Ws::connect(app, user).await,
        }
    }

    async fn assert_closed(mut self, after: &str) {
        assert!(self.feed.ends_within(WITHIN).await, "the feed stream outlived {after}");
        assert!(
            self.notifications.ends_within(WITHIN).await,
            "the notification stream outlived {after}"
        );
        assert_eq!(
            self.socket.close_code(WITHIN).await,
            Some(4401),
            "the WebSocket outlived {after}"
        );
    }
}

both_stores!(streams_close_when_their_token_is_logged_out);
async fn streams_close_when_their_token_is_logged_out(app: TestApp) {
    let alice = app.user("alice").await;
    let streams = Streams::open(&app, &alice).await;
    app.post("/api/auth/logout", &alice, json!({"refresh": alice.refresh}))
        .await
        .expect(204);
    streams.assert_closed("the logout").await;
}

both_stores!(streams_close_when_their_account_is_deleted);
async fn streams_close_when_their_account_is_deleted(app: TestApp) {
    let alice = app.user("alice").await;
    let streams = Streams::open(&app, &alice).await;
    app.delete("/api/users/me", &alice).await.expect(204);
    streams.assert_closed("the account's deletion").await;
}

both_stores!(streams_close_when_their_token_expires);
async fn streams_close_when_their_token_expires(app: TestApp) {
    let mut alice = app.user("alice").await;
    alice.access = sign(&claims(&alice.id, 3), JWT_SECRET);
    let streams = Streams::open(&app, &alice).await;
    streams.assert_closed("the token's expiry").await;
}
