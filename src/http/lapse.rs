//! When a stream's authority ends: its access token expires, is logged out, or its user is
//! deleted. Streams and sockets are authorised once, when they open, and would otherwise
//! outlive all three.

use std::time::Duration;

use crate::accounts::Claims;
use crate::state::AppState;

/// How often an open stream asks whether its token was revoked or its user deleted.
pub const RECHECK_EVERY: Duration = Duration::from_secs(5);

/// Resolves when `claims` no longer authorise: at their expiry, or at the first check that
/// finds them revoked or their user gone. A store that does not answer is no verdict.
pub async fn lapsed(state: AppState, claims: Claims) {
    let left = claims.exp - chrono::Utc::now().timestamp();
    let expiry = tokio::time::sleep(Duration::from_secs(u64::try_from(left).unwrap_or(0)));
    tokio::pin!(expiry);
    let mut checks = tokio::time::interval(RECHECK_EVERY);
    checks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut expiry => return,
            _ = checks.tick() => {
                if let Ok(None) = state.tokens.is_active(&claims).await {
                    return;
                }
            }
        }
    }
}
