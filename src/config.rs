//! Configuration: one typed struct, from flags or the environment (the same names).

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::networks::Network;

/// Event Manager: an event-sourced service for events, their members and waitlists.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Rebuild the read models from the event store, swapping them in atomically.
    Rebuild {
        /// Only this read model (events, members, activity, invitations, feedback, tickets,
        /// notifications; never the email outbox, which keeps what was sent).
        #[arg(long)]
        projection: Option<String>,
    },
    /// Compare the read models with a rebuild, print differences, exit 1 if any.
    Verify {
        #[arg(long)]
        projection: Option<String>,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Delete events that ended longer ago than `--older-than`, each a logged command.
    Prune {
        /// `30d`, `12h`, … (an event without an end time ends at its start time).
        #[arg(long, value_parser = parse_duration)]
        older_than: Duration,
    },
    /// Exit 0 when the service on BIND answers `GET /readyz` with 200, else 1 (the image's
    /// health check: it has no curl).
    Probe,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Give USERNAME a privilege: `--admin` (manages categories), `--organizer` (the role).
    Promote {
        username: String,
        #[arg(long)]
        admin: bool,
        #[arg(long)]
        organizer: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8000", global = true)]
    pub bind: SocketAddr,
    /// `sqlite:…` or `postgres://…`; by default an SQLite file under ./data/.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:data/event-manager.db",
        global = true
    )]
    pub database_url: String,
    /// HS256 signing secret; by default one is generated at first start and kept in the store.
    #[arg(long, env = "JWT_SECRET", global = true)]
    pub jwt_secret: Option<Secret>,
    /// Lifetime of access tokens (`15m`, `900s`, …).
    #[arg(long, env = "ACCESS_TOKEN_TTL", default_value = "15m", value_parser = parse_duration, global = true)]
    pub access_token_ttl: Duration,
    /// Lifetime of refresh tokens.
    #[arg(long, env = "REFRESH_TOKEN_TTL", default_value = "14d", value_parser = parse_duration, global = true)]
    pub refresh_token_ttl: Duration,
    /// Event creations allowed per user in any rolling 24 hours; 0 means no limit.
    #[arg(long, env = "EVENTS_PER_DAY", default_value_t = 5, global = true)]
    pub events_per_day: u32,
    /// Origins a browser may call the API from (comma-separated, e.g. `https://app.example`);
    /// none by default.
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',', global = true)]
    pub cors_origins: Vec<String>,
    /// Proxies (addresses or networks, comma-separated: `10.0.0.0/8,192.0.2.7`) whose
    /// `X-Forwarded-For` names the client; from anyone else the header is ignored. None by
    /// default. Only limits that count per client read it.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<Network>,
    /// How long a request may take before it is answered 503 (longer than the 30 s a retry
    /// waits for the first request with its `Idempotency-Key`).
    #[arg(long, env = "REQUEST_TIMEOUT", default_value = "45s", value_parser = parse_duration, global = true)]
    pub request_timeout: Duration,
    /// The service's address as clients reach it (`https://events.example`), for the links
    /// it writes (`next`, `previous`, calendar URLs); without it, the address it listens on.
    /// The `Host` header is never used: a client could point links anywhere.
    #[arg(long, env = "PUBLIC_URL", value_parser = parse_public_url, global = true)]
    pub public_url: Option<String>,
    /// How long a connection may take to deliver a request head, counted from when it opens
    /// and again from each answer (so also how long an idle keep-alive connection stays).
    #[arg(long, env = "HEADER_TIMEOUT", default_value = "30s", value_parser = parse_duration, global = true)]
    pub header_timeout: Duration,
    /// Connections served at once; one more is answered 503 and closed.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 1024,
        value_parser = clap::value_parser!(u32).range(1..=1_000_000), global = true)]
    pub max_connections: u32,
    /// Only users registered as `organizer` may create events (`true`/`false`).
    #[arg(long, env = "ORGANIZERS_ONLY", default_value_t = false, action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(), global = true)]
    pub organizers_only: bool,
    /// Connections in each of the two pools the service keeps (the event store's and the
    /// read side's); several instances on one PostgreSQL share its `max_connections`.
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub database_pool_size: u32,
    /// How long a request waits for a free connection before it is answered 503.
    #[arg(long, env = "DATABASE_ACQUIRE_TIMEOUT", default_value = "5s", value_parser = parse_duration, global = true)]
    pub database_acquire_timeout: Duration,
    /// How long the service waits at start for a database that cannot serve yet (not up,
    /// busy, out of connections) before it gives up and exits.
    #[arg(long, env = "STARTUP_TIMEOUT", default_value = "60s", value_parser = parse_duration, global = true)]
    pub startup_timeout: Duration,
    /// Where mail goes: `console` (each message written to the log), `none` (email off),
    /// `smtp://user:pass@host:port` (STARTTLS where the server offers it; `?tls=required`
    /// insists) or `smtps://user:pass@host:port` (TLS from the start).
    #[arg(long, env = "EMAIL_URL", default_value = "console", value_parser = EmailUrl::parse, global = true)]
    pub email_url: EmailUrl,
    /// The sender of every message (`Name <address>` or an address).
    #[arg(long, env = "EMAIL_FROM", default_value = "Event Manager <no-reply@localhost>",
        value_parser = parse_mailbox, global = true)]
    pub email_from: lettre::message::Mailbox,
    /// How often the sender looks for due mail besides when facts arrive (retries become due
    /// while nothing happens).
    #[arg(long, env = "EMAIL_POLL_INTERVAL", default_value = "5s", value_parser = parse_duration, global = true)]
    pub email_poll_interval: Duration,
    /// How long the sender waits after a message's first failed attempt; each further
    /// failure doubles it (up to an hour), until 24 hours after the message was queued.
    #[arg(long, env = "EMAIL_RETRY_BACKOFF", default_value = "30s", value_parser = parse_duration, global = true)]
    pub email_retry_backoff: Duration,
    /// `text` or `json` (one JSON object per log line).
    #[arg(long, env = "LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], global = true)]
    pub log_format: String,
}

impl Config {
    /// How the store's pools are sized.
    pub fn pools(&self) -> crate::store::Pools {
        crate::store::Pools {
            size: self.database_pool_size,
            acquire_timeout: self.database_acquire_timeout,
        }
    }

    /// The defaults, as `serve` would start with no flags and no environment.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        let mut config = Cli::parse_from(["event-manager"]).config;
        config.database_url = database_url.into();
        config
    }
}

/// An `http://` or `https://` origin, without a trailing slash.
fn parse_public_url(value: &str) -> Result<String, String> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("PUBLIC_URL must start with http:// or https://")?;
    if rest.is_empty() || rest.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err("PUBLIC_URL must name a host".to_owned());
    }
    Ok(trimmed.to_owned())
}

/// Where mail goes (`EMAIL_URL`).
#[derive(Clone, PartialEq, Eq)]
pub enum EmailUrl {
    /// Each message is written to the log (Django's console backend).
    Console,
    /// Email is off: nothing is sent.
    Off,
    /// An SMTP server, as a URL lettre reads (`smtp://` gets `tls=opportunistic` unless it
    /// names a `tls`, so STARTTLS is used where offered).
    Smtp(String),
}

impl EmailUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim() {
            "console" => Ok(Self::Console),
            "none" => Ok(Self::Off),
            url if url.starts_with("smtps://") => Ok(Self::Smtp(url.to_owned())),
            url if url.starts_with("smtp://") => {
                let url = if url.contains("tls=") {
                    url.to_owned()
                } else {
                    let separator = if url.contains('?') { '&' } else { '?' };
                    format!("{url}{separator}tls=opportunistic")
                };
                Ok(Self::Smtp(url))
            }
            _ => Err("EMAIL_URL must be console, none, smtp://… or smtps://…".to_owned()),
        }
    }
}

/// The URL's password never prints.
impl fmt::Debug for EmailUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Console => f.write_str("console"),
            Self::Off => f.write_str("none"),
            Self::Smtp(url) => f.write_str(&redact(url)),
        }
    }
}

fn parse_mailbox(value: &str) -> Result<lettre::message::Mailbox, String> {
    value
        .parse()
        .map_err(|e| format!("EMAIL_FROM must be an address or `Name <address>`: {e}"))
}

/// `15m`, `2h`, `14d` or a number of seconds.
fn parse_duration(value: &str) -> Result<Duration, String> {
    match value.parse::<u64>() {
        Ok(seconds) => Ok(Duration::from_secs(seconds)),
        Err(_) => humantime::parse_duration(value).map_err(|e| e.to_string()),
    }
}

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Secret {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        if value.len() < 32 {
            return Err("JWT_SECRET must have at least 32 characters".to_owned());
        }
        Ok(Self(value.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A URL (of the database, of the mail server) without its password.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://***{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_uses_starttls_where_offered_unless_told_otherwise() {
        let parsed = |raw| EmailUrl::parse(raw).unwrap();
        assert_eq!(
            parsed("smtp://u:p@h:25"),
            EmailUrl::Smtp("smtp://u:p@h:25?tls=opportunistic".to_owned())
        );
        assert_eq!(
            parsed("smtp://h?tls=required"),
            EmailUrl::Smtp("smtp://h?tls=required".to_owned())
        );
        assert_eq!(parsed("smtps://h"), EmailUrl::Smtp("smtps://h".to_owned()));
        assert_eq!((parsed("console"), parsed("none")), (EmailUrl::Console, EmailUrl::Off));
        assert!(EmailUrl::parse("ftp://h").is_err());
    }

    #[test]
    fn an_email_url_never_prints_its_password() {
        let shown = format!("{:?}", EmailUrl::parse("smtps://user:secret@mail.example:465").unwrap());
        assert_eq!(shown, "smtps://***@mail.example:465");
    }
}
