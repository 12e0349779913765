//! Locks held only for a few statements without an await: a panic while one was held left
//! nothing half-done that the next holder could not see, so a poisoned lock is taken anyway.

use std::sync::{Mutex, MutexGuard};

pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
