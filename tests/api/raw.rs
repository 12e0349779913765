//! HTTP/1.1 and WebSocket bytes written by hand, for what a well-behaved client never does:
//! trickle its headers, stop halfway through a body, announce a 60 MiB frame.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A raw connection to the service at `address` (`http://127.0.0.1:PORT`).
pub async fn connect(address: &str) -> TcpStream {
    let host = address.trim_start_matches("http://");
    TcpStream::connect(host)
        .await
        .expect("the service accepts a connection")
}

pub async fn write(stream: &mut TcpStream, bytes: impl AsRef<[u8]>) {
    stream
        .write_all(bytes.as_ref())
        .await
        .expect("the connection takes the bytes");
}

/// An answer's status line and headers (lower-cased names), and its body.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads one answer with a `Content-Length` body; `None` if the connection ends first or
/// nothing comes within 10 s.
pub async fn read_answer(stream: &mut (impl AsyncRead + Unpin)) -> Option<RawAnswer> {
    tokio::time::timeout(Duration::from_secs(10), read_answer_now(stream))
        .await
        .ok()
        .flatten()
}

async fn read_answer_now(stream: &mut (impl AsyncRead + Unpin)) -> Option<RawAnswer> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawAnswer { status, headers, body })
}

/// Whether the server ends the connection (EOF or reset) within `within`; whatever it sends
/// before is skipped.
pub async fn closed_within(stream: &mut (impl AsyncRead + Unpin), within: Duration) -> bool {
    let ended = async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, ended).await.is_ok()
}

/// Opens `/api/ws` (with `token` in `Sec-WebSocket-Protocol` when given) and reads the 101.
pub async fn websocket(address: &str, token: Option<&str>) -> TcpStream {
    let mut stream = connect(address).await;
    let protocol = token.map_or(String::new(), |t| format!("Sec-WebSocket-Protocol: bearer, {t}\r\n"));
    write(
        &mut stream,
        format!(
            "GET /api/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{protocol}\r\n"
        ),
    )
    .await;
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.expect("the upgrade answer");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101"), "{}", String::from_utf8_lossy(&head));
    stream
}

/// The header of a masked (zero key) client frame announcing `length` payload bytes.
pub fn frame_header(opcode: u8, fin: bool, length: u64) -> Vec<u8> {
    let mut header = vec![if fin { 0x80 } else { 0 } | opcode, 0x80 | 127];
    header.extend_from_slice(&length.to_be_bytes());
    header.extend_from_slice(&[0, 0, 0, 0]);
    header
}
