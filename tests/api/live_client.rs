//! Clients for the live endpoints: a Server-Sent Events reader and a WebSocket, each
//! reading one message at a time with a deadline.

use std::time::Duration;

use serde_json::Value;
use tokio::time::timeout;

use crate::helpers::*;

/// One SSE message: its `id:` (if any) and its `data:` parsed as JSON.
#[derive(Debug, Clone)]
pub struct SseMessage {
    pub id: Option<String>,
    pub data: Value,
}

/// An open SSE response, read message by message.
pub struct Sse {
    response: reqwest::Response,
    buffer: String,
}

impl Sse {
    /// Opens `path` as an event stream for `user`, resuming after `last_event_id` if given;
    /// asserts 200 with `text/event-stream`.
    pub async fn open(app: &Api, path: &str, user: &TestUser, last_event_id: Option<&str>) -> Sse {
        // No overall time limit: the stream is meant to stay open.
        let client = reqwest::Client::builder().no_proxy().build().expect("an HTTP client");
        let mut request = client
            .get(app.url(path))
            .header("authorization", format!("Bearer {}", user.access))
            .header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("the stream opens");
        assert_eq!(response.status().as_u16(), 200, "opening {path}");
        let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok());
        assert_eq!(kind, Some("text/event-stream"), "opening {path}");
        Sse {
            response,
            buffer: String::new(),
        }
    }

    /// The next message with data, or `None` if none comes within `limit`.
    pub async fn next(&mut self, limit: Duration) -> Option<SseMessage> {
        timeout(limit, self.read()).await.ok().flatten()
    }

    async fn read(&mut self) -> Option<SseMessage> {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(message) = parse(&block) {
                    return Some(message);
                }
            }
            let chunk = self.response.chunk().await.expect("the stream reads")?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Whether the server ends the stream within `limit` (messages before the end are skipped).
    pub async fn ends_within(&mut self, limit: Duration) -> bool {
        let ended = async { while let Ok(Some(_)) = self.response.chunk().await {} };
        timeout(limit, ended).await.is_ok()
    }

    /// The next `n` messages, each within `limit` of the one before; panics if one is late.
    pub async fn take(&mut self, n: usize, limit: Duration) -> Vec<SseMessage> {
        let mut messages = Vec::with_capacity(n);
        while messages.len() < n {
            let message = self.next(limit).await.unwrap_or_else(|| {
                panic!(
                    "only {} of {n} messages arrived (the next not within {limit:?})",
                    messages.len()
                )
            });
            messages.push(message);
        }
        messages
    }
}

/// A block's `id:` and `data:` lines; comments (keep-alives) and empty blocks are `None`.
fn parse(block: &str) -> Option<SseMessage> {
    let (mut id, mut data) = (None, Vec::new());
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("id:") {
            id = Some(value.trim_start().to_owned());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
        }
    }
    if data.is_empty() {
        return None;
    }
    let data = serde_json::from_str(&data.join("\n")).unwrap_or_else(|e| panic!("SSE data is not JSON ({e}): {block}"));
    Some(SseMessage { id, data })
}

/// `tx-pos` as a pair, so positions compare as the store orders them.
pub fn position(text: &str) -> (i64, i64) {
    let (tx, pos) = text
        .split_once('-')
        .unwrap_or_else(|| panic!("{text:?} is not a position"));
    (
        tx.parse().unwrap_or_else(|_| panic!("{text:?} is not a position")),
        pos.parse().unwrap_or_else(|_| panic!("{text:?} is not a position")),
    )
}

/// A WebSocket to `GET /api/ws`, authenticated and past its `ready` message.
pub struct Ws {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl Ws {
    /// Connects and sends the token as the first message; answers the server's first reply.
    pub async fn connect_with_message(app: &Api, first: &str) -> (Ws, Value) {
        let url = app.url("/api/ws").replacen("http://", "ws://", 1);
        let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("the socket opens");
        let mut ws = Ws { socket };
        ws.send(first).await;
        let reply = ws.next(Duration::from_secs(5)).await.expect("a first reply");
        (ws, reply)
    }

    /// Connects as `user` (token in the first message) and waits for `ready`.
    pub async fn connect(app: &Api, user: &TestUser) -> Ws {
        let auth = serde_json::json!({"type": "auth", "token": user.access}).to_string();
        let (ws, ready) = Ws::connect_with_message(app, &auth).await;
        assert_eq!(ready["type"], "ready", "{ready}");
        assert_eq!(ready["user"]["id"], serde_json::json!(user.id));
        ws
    }

    /// Connects as `user` with the token in `Sec-WebSocket-Protocol`; waits for `ready`.
    pub async fn connect_by_protocol(app: &Api, user: &TestUser) -> Ws {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = app.url("/api/ws").replacen("http://", "ws://", 1);
        let mut request = url.into_client_request().expect("a request");
        let protocol = format!("bearer, {}", user.access).parse().expect("a header value");
        request.headers_mut().insert("sec-websocket-protocol", protocol);
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the socket opens");
        let chosen = response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok());
        assert_eq!(chosen, Some("bearer"));
        let mut ws = Ws { socket };
        let ready = ws.next(Duration::from_secs(5)).await.expect("ready");
        assert_eq!(ready["type"], "ready", "{ready}");
        ws
    }

    pub async fn send(&mut self, text: &str) {
        use futures_util::SinkExt;
        let message = tokio_tungstenite::tungstenite::Message::Text(text.into());
        self.socket.send(message).await.expect("the message goes");
    }

    /// The next JSON text message within `limit`; `None` if none comes or the socket closed.
    pub async fn next(&mut self, limit: Duration) -> Option<Value> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let read = async {
            while let Some(message) = self.socket.next().await {
                match message.ok()? {
                    Message::Text(text) => return serde_json::from_str(&text).ok(),
                    Message::Close(_) => return None,
                    _ => {}
                }
            }
            None
        };
        timeout(limit, read).await.ok().flatten()
    }

    /// The close code the server ends with, within `limit`.
    pub async fn close_code(&mut self, limit: Duration) -> Option<u16> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let read = async {
            while let Some(message) = self.socket.next().await {
                if let Ok(Message::Close(frame)) = message {
                    return frame.map(|f| u16::from(f.code));
                }
            }
            None
        };
        timeout(limit, read).await.ok().flatten()
    }
}
