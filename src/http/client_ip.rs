//! The client's IP address, for limits that count per client: the connection's peer, or,
//! when that peer is a proxy named in `TRUSTED_PROXIES`, the address the proxies report
//! in `X-Forwarded-For`. A header from anyone else is ignored: it is whatever the client
//! wrote.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::error::ApiError;
use crate::networks::Network;
use crate::state::AppState;

/// The client's address (see the module's comment).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip().to_canonical())
            .ok_or_else(|| ApiError::internal("the connection's address is unknown"))?;
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok());
        Ok(Self(client_of(peer, forwarded, &state.trusted_proxies)))
    }
}

/// Walking back from the peer through trusted proxies, the first address that is not one.
fn client_of<'a>(peer: IpAddr, forwarded: impl Iterator<Item = &'a str>, trusted: &[Network]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|network| network.contains(address));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded
        .flat_map(|value| value.split(','))
        .map_while(|hop| hop.trim().parse::<IpAddr>().ok().map(|a| a.to_canonical()))
        .collect();
    hops.iter()
        .rev()
        .copied()
        .find(|hop| !is_trusted(*hop))
        .or_else(|| hops.first().copied())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn networks(list: &[&str]) -> Vec<Network> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn the_header_counts_only_behind_a_trusted_proxy() {
        let trusted = networks(&["10.0.0.0/8"]);
        let header = ["203.0.113.9, 10.0.0.5"];
        assert_eq!(
            client_of(ip("198.51.100.1"), header.into_iter(), &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_of(ip("10.0.0.1"), header.into_iter(), &trusted),
            ip("203.0.113.9")
        );
        // A client that writes the header itself only adds addresses on the left.
        let spoofed = ["1.2.3.4, 203.0.113.9"];
        assert_eq!(
            client_of(ip("10.0.0.1"), spoofed.into_iter(), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(client_of(ip("10.0.0.1"), std::iter::empty(), &trusted), ip("10.0.0.1"));
        assert_eq!(client_of(ip("10.0.0.1"), std::iter::empty(), &[]), ip("10.0.0.1"));
    }
}
