//! `GET /api/ws`: new notifications pushed over a WebSocket.
//!
//! Browsers cannot set headers on a WebSocket, and a token in the URL ends up in logs, so
//! the access token comes either as the second entry of `Sec-WebSocket-Protocol: bearer,
//! <token>` (checked before the upgrade: 401 if bad) or as the first message.

use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use super::json::{NotificationBody, WsMessage};
use crate::http::error::ApiError;
use crate::http::extract::AuthUser;
use crate::http::lapse;
use crate::http::wire::UserRef;
use crate::state::AppState;

/// How long a client has to send its token after connecting.
const AUTH_WITHIN: Duration = Duration::from_secs(10);

/// The largest message, and frame, a client may send. Its only message is the access token
/// (under 1 KiB); what it sends after that is ignored, so no later message needs more.
/// Without a cap, tungstenite buffered 64 MiB per socket before anyone had authenticated.
pub const MAX_CLIENT_MESSAGE: usize = 8 * 1024;

/// The close code for a failed authentication (4000–4999 are the application's).
const UNAUTHORIZED: u16 = 4401;

/// New notifications of the caller, live over a WebSocket.
///
/// Authenticate with `Sec-WebSocket-Protocol: bearer, <access token>` (the server answers
/// with the `bearer` protocol), or by sending `{"type": "auth", "token": "<access token>"}`
/// (or the bare token) as the first text message within 10 s. The server then sends
/// `{"type": "ready", "user": {...}}`, and `{"type": "notification", "notification": {...}}`
/// (a `NotificationBody`) for each new notification. A bad token gets `{"type": "error",
/// "detail": "..."}` and the close code 4401. Messages from the client after the first are
/// ignored; one larger than 8 KiB (or a frame announcing more) closes the connection. When
/// the token expires, is logged out or its user is deleted, the server sends `{"type":
/// "error"}` and closes with 4401 (checked every 5 s). The schema `WsMessage` describes what
/// the server sends.
#[utoipa::path(get, path = "/ws", tag = "live",
    params(("Sec-WebSocket-Protocol" = Option<String>, Header,
        description = "`bearer, <access token>`: authenticates before the upgrade")),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol; then `WsMessage`s as JSON text", body = WsMessage),
        (status = 400, description = "not a WebSocket upgrade request"),
        (status = 401, description = "the token in `Sec-WebSocket-Protocol` is invalid, expired or revoked"),
    ))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let user = match protocol_token(&headers) {
        Some(token) => Some(AuthUser::from_token(&state, &token).await?),
        None => None,
    };
    let upgrade = upgrade
        .map_err(|rejection| ApiError::BadRequest(format!("this endpoint speaks WebSocket only: {rejection}")))?
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE);
    let upgrade = if user.is_some() {
        upgrade.protocols(["bearer"])
    } else {
        upgrade
    };
    Ok(upgrade.on_upgrade(move |socket| session(state, socket, user)))
}

/// The token of `Sec-WebSocket-Protocol: bearer, <token>`, if sent so.
fn protocol_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("sec-websocket-protocol")?.to_str().ok()?;
    let mut parts = value.split(',').map(str::trim);
    (parts.next()? == "bearer").then(|| parts.next().map(str::to_owned))?
}

async fn session(state: AppState, mut socket: WebSocket, user: Option<AuthUser>) {
    // Subscribed before `ready`: every notification after it is delivered.
    let mut live = state.notices.subscribe();
    let user = match user {
        Some(user) => user,
        None => match first_message_user(&state, &mut socket).await {
            Ok(user) => user,
            Err(detail) => return refuse(socket, detail).await,
        },
    };
    let me = UserRef {
        id: user.id,
        username: user.username.clone(),
    };
    if send(&mut socket, &WsMessage::Ready { user: me }).await.is_err() {
        return;
    }
    let lapsed = lapse::lapsed(state.clone(), user.claims.clone());
    tokio::pin!(lapsed);
    loop {
        tokio::select! {
            () = &mut lapsed => {
                return refuse(socket, "the access token expired or was revoked".to_owned()).await;
            }
            row = live.recv() => match row {
                Ok(row) if row.user_id == user.id => {
                    let notification = NotificationBody::from(&*row);
                    if send(&mut socket, &WsMessage::Notification { notification }).await.is_err() {
                        return;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Tells the client why, and closes with [`UNAUTHORIZED`].
async fn refuse(mut socket: WebSocket, detail: String) {
    let _ = send(&mut socket, &WsMessage::Error { detail }).await;
    let frame = CloseFrame {
        code: UNAUTHORIZED,
        reason: "unauthorized".into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Authenticates by the first text message: `{"type": "auth", "token": "..."}` or the token.
async fn first_message_user(state: &AppState, socket: &mut WebSocket) -> Result<AuthUser, String> {
    let first = tokio::time::timeout(AUTH_WITHIN, socket.recv())
        .await
        .map_err(|_| "no access token within 10 s".to_owned())?;
    let Some(Ok(Message::Text(text))) = first else {
        return Err("the first message must be the access token".to_owned());
    };
    let token = match serde_json::from_str::<Value>(&text) {
        Ok(message) => message["token"].as_str().unwrap_or_default().to_owned(),
        Err(_) => text.to_string(),
    };
    AuthUser::from_token(state, &token)
        .await
        .map_err(|error| error.to_string())
}

async fn send(socket: &mut WebSocket, message: &WsMessage) -> Result<(), axum::Error> {
    let text = serde_json::to_string(message).unwrap_or_default();
    socket.send(Message::Text(text.into())).await
}
