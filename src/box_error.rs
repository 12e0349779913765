//! The error of work whose failures are logged or reported, never matched on: startup, the
//! command line, background jobs. A leaf, so that any module may use it without importing
//! the modules that assemble the service.

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
