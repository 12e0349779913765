//! HS256 for `jsonwebtoken`, the one algorithm the service's tokens use. The crate's own
//! providers bring every algorithm it knows (RSA, elliptic curves, Ed25519) and their
//! crates into the build; this one is HMAC-SHA256 alone, and refuses every other algorithm.

use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{Error as SignatureError, Signer, Verifier};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use sha2::Sha256;

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes HS256 the process's provider. Signing or checking a token before this panics;
/// calling it again does nothing.
pub fn install() {
    // Err only when it is installed already: by an earlier call, as every start makes one.
    let _ = PROVIDER.install_default();
}

struct Hs256(Hmac<Sha256>);

impl Hs256 {
    fn new(secret: &[u8], algorithm: Algorithm) -> Result<Self> {
        match algorithm {
            Algorithm::HS256 => Hmac::new_from_slice(secret)
                .map(Self)
                .map_err(|_| ErrorKind::InvalidKeyFormat.into()),
            _ => Err(ErrorKind::InvalidAlgorithm.into()),
        }
    }

    fn mac(&self, message: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(message);
        mac
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    Ok(Box::new(Hs256::new(key.as_bytes(), *algorithm)?))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    Ok(Box::new(Hs256::new(key.try_get_as_bytes()?, *algorithm)?))
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, SignatureError> {
        Ok(self.mac(message).finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    /// In constant time (`Mac::verify_slice`).
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> std::result::Result<(), SignatureError> {
        self.mac(message)
            .verify_slice(signature)
            .map_err(SignatureError::from_source)
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{decode, encode, Header, Validation};
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    /// RFC 7515, appendix A.1: its HS256 example, signed with its key, checks.
    #[test]
    fn the_rfc_example_verifies_and_a_changed_one_does_not() {
        install();
        let key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let (message, signature) = token.rsplit_once('.').expect("three parts");
        // The RFC writes its 64-byte key in unpadded base64url.
        let standard = format!("{}==", key.replace('-', "+").replace('_', "/"));
        let key = DecodingKey::from_base64_secret(&standard).expect("a key");
        assert!(jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, Algorithm::HS256).expect("checked"));
        let forged = message.replacen('e', "f", 1);
        assert!(!jsonwebtoken::crypto::verify(signature, forged.as_bytes(), &key, Algorithm::HS256).expect("checked"));
    }

    #[test]
    fn a_token_signed_with_the_secret_decodes_and_one_signed_with_another_does_not() {
        install();
        let claims = Claims {
            sub: "alice".into(),
            exp: u64::MAX / 2,
        };
        let token = encode(&Header::default(), &claims, &EncodingKey::from_secret(b"secret")).expect("signed");
        let validation = Validation::new(Algorithm::HS256);
        let decoded = decode::<Claims>(&token, &DecodingKey::from_secret(b"secret"), &validation).expect("valid");
        assert_eq!(decoded.claims, claims);
        assert!(decode::<Claims>(&token, &DecodingKey::from_secret(b"other"), &validation).is_err());
    }

    #[test]
    fn other_algorithms_are_refused() {
        install();
        let header = Header::new(Algorithm::HS512);
        let signed = encode(
            &header,
            &Claims {
                sub: "a".into(),
                exp: 1,
            },
            &EncodingKey::from_secret(b"s"),
        );
        assert!(matches!(
            signed.map_err(|e| e.into_kind()),
            Err(ErrorKind::InvalidAlgorithm)
        ));
    }
}
