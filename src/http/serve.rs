//! The accept loop: HTTP/1.1 connections with a deadline for each request head, a bound on
//! how many are open, and accept errors (a full file table) waited out instead of fatal.
//!
//! `axum::serve` has none of these: a client trickling its headers, or just connected and
//! silent, held its socket forever, and enough of them took every file descriptor.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::{Service, ServiceExt};

use super::drain::draining;
use super::error::ApiError;

/// Connections answered 503 at once while the limit is reached; beyond these, a new
/// connection is closed without a word (each refusal holds a socket while it answers).
const REFUSALS_AT_ONCE: usize = 64;

/// How long a refused connection may take to send its request head.
const REFUSAL_WITHIN: Duration = Duration::from_secs(1);

/// The first wait after an accept error (`EMFILE`, `ENFILE`, `ENOBUFS`); it doubles up to
/// [`MAX_ACCEPT_BACKOFF`] while the errors go on.
const FIRST_ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// The bounds of the accept loop (`HEADER_TIMEOUT`, `MAX_CONNECTIONS`).
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// How long a connection may take to deliver a whole request head, counted from the
    /// moment it is ready for one: when it opens, and again after each answer (so it is the
    /// idle keep-alive timeout too).
    pub header_timeout: Duration,
    /// Connections served at once; beyond them a connection is answered 503 and closed.
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the requests in flight
/// finish (idle connections are closed at once).
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    // Every connection watches for the sender to go: that is the signal to finish.
    let (stop, stopped) = watch::channel(());
    let mut backoff = FIRST_ACCEPT_BACKOFF;
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(%error, wait = ?backoff, "cannot accept a connection; waiting");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_ACCEPT_BACKOFF);
                continue;
            }
        };
        backoff = FIRST_ACCEPT_BACKOFF;
        match Arc::clone(&open).try_acquire_owned() {
            Ok(permit) => {
                tokio::spawn(connection(stream, peer, app.clone(), limits, permit, stopped.clone()));
            }
            Err(_) => {
                if let Ok(permit) = Arc::clone(&refusals).try_acquire_owned() {
                    tokio::spawn(refuse(stream, permit));
                }
            }
        }
    }
    drop(listener);
    drop(stop);
    // Each connection holds a permit until it ends: all of them back means all ended.
    let _all = open
        .acquire_many(u32::try_from(limits.max_connections).unwrap_or(u32::MAX))
        .await;
    Ok(())
}

async fn connection<S>(
    stream: TcpStream,
    peer: SocketAddr,
    app: S,
    limits: ConnectionLimits,
    _permit: OwnedSemaphorePermit,
    mut stopped: watch::Receiver<()>,
) where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let _ = stream.set_nodelay(true);
    // Each request carries the peer's address, for the limits that count per client.
    let service = TowerToHyperService::new(draining(app).map_request(move |request: Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
            return;
        }
        _ = stopped.changed() => connection.as_mut().graceful_shutdown(),
    }
    if let Err(error) = connection.await {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// Answers the connection's first request 503 with `Connection: close`, read properly so
/// that the client sees the answer rather than a reset.
async fn refuse(stream: TcpStream, _permit: OwnedSemaphorePermit) {
    let service = hyper::service::service_fn(|_: Request<Incoming>| async {
        let mut response = ApiError::Unavailable("too many connections; try again").into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        Ok::<_, Infallible>(response)
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(REFUSAL_WITHIN)
        .keep_alive(false);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(REFUSAL_WITHIN * 2, connection).await;
}
