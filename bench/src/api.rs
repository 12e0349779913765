//! The HTTP side: one `Api` per connection pool, timed requests for the measured loops and
//! patient, retrying calls for setup and checks.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, RequestBuilder};
use serde_json::Value;

/// Every failure of the bench is a message for a person.
pub type Fail = String;

/// A base URL and a keep-alive HTTP/1.1 connection pool.
#[derive(Clone)]
pub struct Api {
    base: String,
    http: Client,
}

/// What a setup or check call got back.
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<u64>,
}

impl Api {
    pub fn new(base: &str) -> Result<Self, Fail> {
        let http = Client::builder()
            .timeout(Duration::from_secs(30))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_string(),
            http,
        })
    }

    /// A client of its own for one simulated user agent: the measured loop sends one request
    /// at a time, so its pool holds exactly one keep-alive connection.
    pub fn fresh(&self) -> Result<Self, Fail> {
        Self::new(&self.base)
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.http.request(method, format!("{}{}", self.base, path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    /// Sends a request of the measured loop and reads its whole body: the status (`None` for
    /// a transport error or a body cut short) and the time taken.
    pub async fn timed(request: RequestBuilder) -> (Option<u16>, Duration) {
        let start = Instant::now();
        let status = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                response.bytes().await.ok().map(|_| status)
            }
            Err(_) => None,
        };
        (status, start.elapsed())
    }

    /// One call of setup or of a check. A 503 or a transport error is retried a few times
    /// (the service answers 503 while its read models catch up); anything else is returned.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, Fail> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut request = self.request(method.clone(), path, token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    match response.bytes().await {
                        Ok(bytes) => Ok(Reply {
                            status,
                            body: parse_body(&bytes),
                            retry_after,
                        }),
                        Err(e) => Err(format!("{method} {path}: reading the body: {e}")),
                    }
                }
                Err(e) => Err(format!("{method} {path}: {e}")),
            };
            match outcome {
                Ok(reply) if reply.status != 503 => return Ok(reply),
                Ok(reply) if attempt >= 6 => {
                    return Err(format!(
                        "{method} {path}: still 503 after {attempt} tries: {}",
                        reply.body
                    ))
                }
                Err(e) if attempt >= 6 => return Err(e),
                _ => tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await,
            }
        }
    }

    /// Like `call`, but a 429 is waited out (per its `Retry-After`, up to a minute) and retried.
    pub async fn call_patient(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, Fail> {
        for _ in 0..5 {
            let reply = self.call(method.clone(), path, token, body).await?;
            if reply.status != 429 {
                return Ok(reply);
            }
            let wait = reply.retry_after.unwrap_or(1).clamp(1, 60);
            eprintln!("  {method} {path} throttled (429), waiting {wait} s");
            tokio::time::sleep(Duration::from_secs(wait)).await;
        }
        Err(format!("{method} {path}: still throttled (429) after 5 tries"))
    }

    /// Fails early and clearly when nothing answers the contract at the base URL.
    pub async fn probe(&self) -> Result<(), Fail> {
        let path = "/api/events?page=1&page_size=1";
        match self.request(Method::GET, path, None).send().await {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) => Err(format!("GET {}{path} answered {}", self.base, response.status())),
            Err(e) => Err(format!("GET {}{path}: {e} (is the server running?)", self.base)),
        }
    }
}

fn parse_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// A string field of a JSON body, or a message naming what was missing.
pub fn field<'a>(body: &'a Value, pointer: &str, what: &str) -> Result<&'a str, Fail> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{what}: no `{pointer}` in {body}"))
}
