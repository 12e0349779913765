use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use argon2::password_hash::phc::{Output, PasswordHash, Salt};
use argon2::password_hash::{generate_salt, PasswordVerifier};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a hash may wait for its turn before the request is answered 503: a crowd of
/// registrations queues (the storm tests' 200 at once took over 10 s on a busy two-core
/// machine), but not past the request timeout's 45 s.
pub const HASH_QUEUE_DEADLINE: Duration = Duration::from_secs(30);

/// argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), run on the blocking pool,
/// as many at a time as there are cores, each in one of as many memory blocks allocated once.
///
/// Letting argon2 allocate its 19 MiB per hash made glibc keep every block in the arena of
/// whichever blocking thread ran it: 128 registrations left the process at 768 MiB.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Blocks not in use; one is allocated when none is free, so there are never more
    /// than permits.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
    /// Verified against when the user does not exist, so both failures take as long.
    dummy_hash: Arc<String>,
}

fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2 parameters are valid")
}

fn hasher(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("too many passwords are being checked; try again")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

impl HashError {
    fn failed(error: impl std::fmt::Display) -> Self {
        Self::Failed(error.to_string())
    }
}

impl Passwords {
    pub fn new() -> Self {
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut first = memory_block();
        let dummy = hash_with(b"not a real password", &mut first).expect("hashing a constant works");
        Self {
            permits: Arc::new(Semaphore::new(parallel)),
            memory: Arc::new(Mutex::new(vec![first])),
            dummy_hash: Arc::new(dummy),
        }
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = password.to_owned();
        self.blocking(move |memory| hash_with(password.as_bytes(), memory))
            .await?
    }

    /// Whether `password` matches `hash`; with no hash, spends the same time and says no.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, HashError> {
        let password = password.to_owned();
        let (hash, known) = match hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.dummy_hash.as_str().to_owned(), false),
        };
        let matches = self
            .blocking(move |memory| verify_with(password.as_bytes(), &hash, memory))
            .await?;
        Ok(known && matches)
    }

    /// Runs `work` on the blocking pool with a memory block of its own, once a permit is
    /// free, or answers `Busy` after [`HASH_QUEUE_DEADLINE`].
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = tokio::time::timeout(HASH_QUEUE_DEADLINE, Arc::clone(&self.permits).acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(HashError::failed)?;
        let lent = Lent::take(&self.memory, permit);
        tokio::task::spawn_blocking(move || {
            let mut lent = lent;
            work(&mut lent.block)
        })
        .await
        .map_err(HashError::failed)
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

/// A memory block out of the pool, with the permit that entitles to it; both go back when
/// it is dropped (even if the hash panicked).
struct Lent {
    block: Vec<Block>,
    pool: Arc<Mutex<Vec<Vec<Block>>>>,
    _permit: OwnedSemaphorePermit,
}

impl Lent {
    fn take(pool: &Arc<Mutex<Vec<Vec<Block>>>>, permit: OwnedSemaphorePermit) -> Self {
        let block = pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_else(memory_block);
        Self {
            block,
            pool: Arc::clone(pool),
            _permit: permit,
        }
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let block = std::mem::take(&mut self.block);
        self.pool.lock().unwrap_or_else(PoisonError::into_inner).push(block);
    }
}

fn memory_block() -> Vec<Block> {
    vec![Block::default(); params().block_count()]
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of `password` with a fresh
/// salt, computed in `memory`.
fn hash_with(password: &[u8], memory: &mut [Block]) -> Result<String, HashError> {
    let params = params();
    let salt = generate_salt();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    hasher(params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, memory)
        .map_err(HashError::failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(HashError::failed)?,
        salt: Some(Salt::new(&salt).map_err(HashError::failed)?),
        hash: Some(Output::new(&out).map_err(HashError::failed)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` hashes to `phc`, compared in constant time. A hash whose parameters
/// need more memory than a pooled block (none this service wrote) is checked by argon2
/// itself, which allocates.
fn verify_with(password: &[u8], phc: &str, memory: &mut [Block]) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(params), Ok(algorithm), Some(salt), Some(expected)) = (
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm.as_str()),
        parsed.salt.as_ref(),
        parsed.hash.as_ref(),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
        .unwrap_or_default();
    let argon2 = Argon2::new(algorithm, version, params.clone());
    if params.block_count() > memory.len() {
        return argon2.verify_password(password, phc).is_ok();
    }
    let mut out = vec![0u8; expected.len()];
    argon2
        .hash_password_into_with_memory(password, salt.as_ref(), &mut out, memory)
        .is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::PasswordVerifier;

    use super::*;

    #[tokio::test]
    async fn a_hash_is_a_phc_string_argon2_itself_verifies() {
        let passwords = Passwords::new();
        let hash = passwords.hash("correct horse").await.expect("it hashes");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        let standard = hasher(params());
        assert!(standard.verify_password(b"correct horse", hash.as_str()).is_ok());
        assert!(standard.verify_password(b"wrong horse", hash.as_str()).is_err());
    }

    #[tokio::test]
    async fn a_hash_argon2_itself_wrote_verifies_and_a_wrong_password_does_not() {
        use argon2::password_hash::PasswordHasher;
        let written = hasher(params())
            .hash_password(b"correct horse")
            .expect("argon2 hashes")
            .to_string();
        let passwords = Passwords::new();
        assert!(passwords
            .verify("correct horse", Some(&written))
            .await
            .expect("it verifies"));
        assert!(!passwords
            .verify("wrong horse", Some(&written))
            .await
            .expect("it verifies"));
        assert!(!passwords
            .verify("correct horse", Some("not a hash"))
            .await
            .expect("it verifies"));
        assert!(!passwords.verify("correct horse", None).await.expect("it verifies"));
    }
}
