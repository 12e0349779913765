//! Stored events outlive the code that wrote them. When a fact's shape changes, its
//! `event_version` goes up and an upcaster here rewrites the old payloads on load, so that
//! history written by every earlier release still replays.

use cqrs_es::persist::EventUpcaster;

/// The version written with every fact today.
pub const CURRENT_VERSION: &str = "1";

/// The upcasters to run over stored events before they are deserialised, oldest first.
/// No fact has changed shape yet.
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    Vec::new()
}
