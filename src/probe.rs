//! `event-manager probe`: the image's health check. A `FROM scratch` image has no curl, so
//! the binary asks its own `/readyz` over the address it is configured to listen on.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A health check that hangs is a failed one.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether the service listening on `bind` answers `GET /readyz` with 200.
pub async fn ready(bind: SocketAddr) -> bool {
    let target = reachable(bind);
    tokio::time::timeout(PROBE_TIMEOUT, status_of_readyz(target))
        .await
        .is_ok_and(|status| status.is_ok_and(|code| code == 200))
}

/// A service bound to every address (`0.0.0.0:8000` in the image) is reached at loopback.
fn reachable(bind: SocketAddr) -> SocketAddr {
    match bind.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), bind.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), bind.port()),
        IpAddr::V4(_) | IpAddr::V6(_) => bind,
    }
}

async fn status_of_readyz(target: SocketAddr) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(target).await?;
    let request = format!("GET /readyz HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    // "HTTP/1.1 200 OK": the status code is the second word of the first line.
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).await?;
    std::str::from_utf8(&head[9..12])
        .ok()
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP status line"))
}
