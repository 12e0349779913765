//! The tokens in a guest's links. None is stored: each is the registration's ids with an
//! HMAC of them under a key derived from the server's secret, checked by computing it
//! again. A database that leaks holds no usable link, and a forged or altered token fails
//! the check; whether a valid one may still be used is the event's to say (pending,
//! seated, expired).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// What a link does: a confirmation token cannot cancel, nor the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Confirm,
    Cancel,
}

impl LinkPurpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Confirm => b"confirm",
            Self::Cancel => b"cancel",
        }
    }
}

/// The registration a valid token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkTarget {
    pub event_id: Uuid,
    pub guest_id: Uuid,
}

/// Bytes of the MAC a token carries: 128 bits, beyond guessing.
const TAG_BYTES: usize = 16;
/// Hex characters in a token: two ids and the tag.
pub const TOKEN_CHARS: usize = 2 * (16 + 16 + TAG_BYTES);

#[derive(Clone)]
pub struct GuestLinks {
    key: Hmac<Sha256>,
}

impl GuestLinks {
    /// What the key is derived for from the server's secret (`Tokens::derive_key`).
    pub const KEY_PURPOSE: &str = "guest links";

    pub fn new(key: &[u8]) -> Self {
        Self {
            key: Hmac::new_from_slice(key).expect("HMAC takes keys of any length"),
        }
    }

    pub fn token(&self, purpose: LinkPurpose, target: LinkTarget) -> String {
        let ids = ids(target);
        let tag = self.mac(purpose, &ids).finalize().into_bytes();
        let bytes = [&ids[..], &tag[..TAG_BYTES]].concat();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The registration a token names, if this server made it for this purpose.
    pub fn open(&self, purpose: LinkPurpose, token: &str) -> Option<LinkTarget> {
        if token.len() != TOKEN_CHARS || !token.is_ascii() {
            return None;
        }
        let bytes: Vec<u8> = (0..token.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&token[i..i + 2], 16).ok())
            .collect::<Option<_>>()?;
        let (ids, tag) = bytes.split_at(32);
        // In constant time: a forger learns nothing from how long a refusal takes.
        self.mac(purpose, ids).verify_truncated_left(tag).ok()?;
        let id = |range: std::ops::Range<usize>| Uuid::from_slice(&ids[range]).ok();
        Some(LinkTarget {
            event_id: id(0..16)?,
            guest_id: id(16..32)?,
        })
    }

    fn mac(&self, purpose: LinkPurpose, ids: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.key.clone();
        mac.update(purpose.label());
        mac.update(ids);
        mac
    }
}

fn ids(target: LinkTarget) -> [u8; 32] {
    let mut ids = [0; 32];
    ids[..16].copy_from_slice(target.event_id.as_bytes());
    ids[16..].copy_from_slice(target.guest_id.as_bytes());
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> LinkTarget {
        LinkTarget {
            event_id: Uuid::from_u128(7),
            guest_id: Uuid::from_u128(9),
        }
    }

    #[test]
    fn a_token_opens_to_its_registration_for_its_purpose_only() {
        let links = GuestLinks::new(b"secret");
        let token = links.token(LinkPurpose::Confirm, target());
        assert_eq!(token.len(), TOKEN_CHARS);
        assert_eq!(links.open(LinkPurpose::Confirm, &token), Some(target()));
        assert_eq!(links.open(LinkPurpose::Cancel, &token), None);
    }

    #[test]
    fn an_altered_forged_or_foreign_token_opens_nothing() {
        let links = GuestLinks::new(b"secret");
        let token = links.token(LinkPurpose::Cancel, target());
        let mut altered = token.clone().into_bytes();
        altered[10] = if altered[10] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(links.open(LinkPurpose::Cancel, &altered), None);
        assert_eq!(GuestLinks::new(b"other").open(LinkPurpose::Cancel, &token), None);
        for junk in [
            "",
            "zz",
            &"g".repeat(TOKEN_CHARS),
            &format!("{token}00"),
            &"é".repeat(48),
        ] {
            assert_eq!(links.open(LinkPurpose::Cancel, junk), None, "{junk:?}");
        }
    }
}
