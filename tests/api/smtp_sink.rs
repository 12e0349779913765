//! An SMTP server for the tests, in process: a tokio listener speaking enough SMTP for
//! lettre (greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeping every message
//! it accepted. It can be told to refuse connections for a while (its port closed) or to
//! answer `MAIL` with a 4xx code for a while.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;

/// A message as the sink received it, its MIME parts decoded.
#[derive(Debug, Clone)]
pub struct Mail {
    pub rcpt_to: Vec<String>,
    /// Headers, unfolded, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn subject(&self) -> &str {
        self.header("subject").unwrap_or_default()
    }

    pub fn message_id(&self) -> &str {
        self.header("message-id").unwrap_or_default()
    }
}

#[derive(Default)]
struct State {
    received: Vec<Mail>,
    /// Connection attempts that got as far as a `MAIL` command.
    attempts: usize,
    refuse_until: Option<Instant>,
    fail_until: Option<(Instant, u16)>,
}

pub struct SmtpSink {
    pub port: u16,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().expect("a bound port").port();
        let state = Arc::new(Mutex::new(State::default()));
        let changed = Arc::new(Notify::new());
        let task = tokio::spawn(listen(listener, port, state.clone(), changed.clone()));
        Self {
            port,
            state,
            changed,
            task,
        }
    }

    /// `EMAIL_URL` for a service that mails here.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Mail> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn attempts(&self) -> usize {
        self.state.lock().unwrap().attempts
    }

    /// The messages once at least `count` have arrived; fails the test after `within`.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} messages arrived within {within:?}: {:?}",
                received.len(),
                received.iter().map(Mail::subject).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Closes the port for `duration`: connections are refused.
    pub fn refuse_for(&self, duration: Duration) {
        self.state.lock().unwrap().refuse_until = Some(Instant::now() + duration);
        self.changed.notify_waiters();
    }

    /// Answers `MAIL` with `code` (a 4xx) for `duration`.
    pub fn fail_for(&self, code: u16, duration: Duration) {
        self.state.lock().unwrap().fail_until = Some((Instant::now() + duration, code));
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn listen(mut listener: TcpListener, port: u16, state: Arc<Mutex<State>>, changed: Arc<Notify>) {
    loop {
        let refusing = state
            .lock()
            .unwrap()
            .refuse_until
            .filter(|until| *until > Instant::now());
        if let Some(until) = refusing {
            drop(listener);
            tokio::time::sleep_until(until).await;
            listener = rebind(port).await;
            continue;
        }
        tokio::select! {
            accepted = listener.accept() => {
                // Told to refuse while this accept waited: the connection is closed at once.
                let refused = state.lock().unwrap().refuse_until.is_some_and(|until| until > Instant::now());
                if let (Ok((stream, _)), false) = (accepted, refused) {
                    tokio::spawn(session(stream, state.clone()));
                }
            }
            () = changed.notified() => {}
        }
    }
}

/// The same port again (nobody else takes a port just closed on loopback in a moment).
async fn rebind(port: u16) -> TcpListener {
    for _ in 0..100 {
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)).await {
            return listener;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the sink could not listen on port {port} again");
}

async fn session(stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP ready\r\n").await?;
    let mut rcpt_to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let answer: String = if command.starts_with("EHLO") {
            "250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".to_owned()
        } else if command.starts_with("HELO") || command.starts_with("NOOP") {
            "250 OK\r\n".to_owned()
        } else if command.starts_with("RSET") {
            rcpt_to.clear();
            "250 OK\r\n".to_owned()
        } else if command.starts_with("MAIL FROM:") {
            let mut state = state.lock().unwrap();
            state.attempts += 1;
            match state.fail_until {
                Some((until, code)) if until > Instant::now() => format!("{code} 4.3.0 try again later\r\n"),
                _ => "250 OK\r\n".to_owned(),
            }
        } else if command.starts_with("RCPT TO:") {
            rcpt_to.push(address(&line["RCPT TO:".len()..]));
            "250 OK\r\n".to_owned()
        } else if command == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let data = read_data(&mut lines).await?;
            let mail = parse(std::mem::take(&mut rcpt_to), &data);
            state.lock().unwrap().received.push(mail);
            "250 OK queued\r\n".to_owned()
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            "502 command not implemented\r\n".to_owned()
        };
        write.write_all(answer.as_bytes()).await?;
    }
}

/// `<a@b> PARAMS` → `a@b`.
fn address(rest: &str) -> String {
    let rest = rest.trim();
    let inner = rest.strip_prefix('<').and_then(|r| r.split_once('>')).map(|(a, _)| a);
    inner.unwrap_or(rest).to_owned()
}

/// The lines up to the lone `.`, dot-stuffing undone.
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 || line == ".\r\n" {
            return Ok(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}

/// Headers and the text and HTML parts of a `multipart/alternative` message.
fn parse(rcpt_to: Vec<String>, data: &str) -> Mail {
    let (head, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let headers = unfold(head);
    let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let content_type = find("content-type").unwrap_or_default();
    let boundary = content_type.split("boundary=").nth(1).map(|b| {
        b.trim_matches('"')
            .split(';')
            .next()
            .unwrap_or_default()
            .trim_matches('"')
            .to_owned()
    });
    let (mut text, mut html) = (String::new(), String::new());
    if let Some(boundary) = boundary {
        for part in body.split(&format!("--{boundary}")) {
            let Some((part_head, part_body)) = part.split_once("\r\n\r\n") else {
                continue;
            };
            let part_headers = unfold(part_head.trim_start());
            let get = |name: &str| {
                part_headers
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.to_ascii_lowercase())
                    .unwrap_or_default()
            };
            let decoded = decode(part_body.trim_end(), &get("content-transfer-encoding"));
            if get("content-type").starts_with("text/plain") {
                text = decoded;
            } else if get("content-type").starts_with("text/html") {
                html = decoded;
            }
        }
    }
    Mail {
        rcpt_to,
        headers,
        text,
        html,
    }
}

fn unfold(head: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    headers
}

/// 7bit/8bit as they are, quoted-printable decoded (the ASCII the tests send needs no more).
fn decode(body: &str, encoding: &str) -> String {
    match encoding {
        "quoted-printable" => {
            let joined = body.replace("=\r\n", "");
            let bytes = joined.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                    (b'=', Some(byte)) => {
                        out.push(byte);
                        i += 3;
                    }
                    (byte, _) => {
                        out.push(byte);
                        i += 1;
                    }
                }
            }
            String::from_utf8_lossy(&out).replace("\r\n", "\n")
        }
        _ => body.replace("\r\n", "\n"),
    }
}
