//! Reading the rest of a request body the handler refused without reading.
//!
//! A 401, 403 or 429 is decided before the body is read. If the body has not fully arrived
//! when the answer goes out, hyper closes the connection after it, yet the answer does not
//! say `Connection: close`: a client reusing the connection then sees "connection closed"
//! on its next request, at random. So the unread rest is read (and thrown away) before the
//! answer, up to the body limit and for a short while; a body beyond either closes the
//! connection, and the answer says so.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use futures_util::future::BoxFuture;
use tower::{Service, ServiceExt};

use super::BODY_LIMIT;

/// How long the rest of a refused body may take to arrive.
const DRAIN_WITHIN: Duration = Duration::from_secs(2);

/// Where a body the handler dropped unfinished waits to be drained.
type Slot = Arc<Mutex<Option<Body>>>;

/// `inner`, with each request's body wrapped so that what the handler leaves of it comes
/// back here; a response goes out once that rest is read, or with `Connection: close`.
pub fn draining<S>(
    inner: S,
) -> impl Service<
    Request,
    Response = Response,
    Error = Infallible,
    Future = BoxFuture<'static, Result<Response, Infallible>>,
> + Clone
       + Send
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    tower::service_fn(move |request: Request| {
        let slot = Slot::default();
        let request = request.map(|body| {
            Body::new(Returning {
                body: Some(body),
                slot: Arc::clone(&slot),
            })
        });
        let answer = inner.clone().oneshot(request);
        Box::pin(async move {
            let Ok(mut response) = answer.await;
            let rest = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(rest) = rest {
                if !drained(rest).await {
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
            }
            Ok(response)
        }) as BoxFuture<'static, _>
    })
}

/// Reads `body` to its end; false when it is longer than the limit or too slow.
async fn drained(mut body: Body) -> bool {
    if body.size_hint().lower() > BODY_LIMIT as u64 {
        return false;
    }
    let read = async {
        let mut seen = 0usize;
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            match frame {
                Ok(frame) => {
                    seen += frame.data_ref().map_or(0, Bytes::len);
                    if seen > BODY_LIMIT {
                        return false;
                    }
                }
                Err(_) => return false,
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_WITHIN, read).await.unwrap_or(false)
}

/// A request body that, dropped before its end, leaves the rest in its slot.
struct Returning {
    body: Option<Body>,
    slot: Slot,
}

impl HttpBody for Returning {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        match self.body.as_mut() {
            Some(body) => Pin::new(body).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.as_ref().map(HttpBody::size_hint).unwrap_or_default()
    }
}

impl Drop for Returning {
    fn drop(&mut self) {
        if let Some(body) = self.body.take().filter(|body| !body.is_end_stream()) {
            *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(body);
        }
    }
}
