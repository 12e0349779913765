//! Email: the outbox that the email projection fills (`projections::email`), and the
//! sender that delivers it. Nothing here runs inside a request: a request records facts,
//! the projector turns them into outbox rows in the transaction of its checkpoint, and the
//! sender sends them, retrying with backoff for up to 24 hours.

mod outbox;
mod render;
mod sender;
mod transport;

use std::sync::Arc;

use lettre::message::Mailbox;
use projections::Position;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use outbox::depth;

use crate::accounts::Users;
use crate::box_error::BoxError;
use crate::config::Config;
use crate::guests::GuestLinks;
use crate::store::Store;
use outbox::Outbox;
use sender::Sender;
use transport::Transport;

/// What the service knows of its mail: whether there is any (`EMAIL_URL=none` turns it
/// off), how it leaves and whom it is from.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<Arc<Transport>>,
    from: Mailbox,
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, BoxError> {
        Ok(Self {
            transport: Transport::new(&config.email_url)?.map(Arc::new),
            from: config.email_from.clone(),
        })
    }

    /// Whether mail is sent at all: what needs an email to work (a guest's confirmation)
    /// is refused while it is not.
    pub fn enabled(&self) -> bool {
        self.transport.is_some()
    }
}

/// The running sender; [`SenderTask::stop`] ends it after the message in hand.
pub struct SenderTask {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SenderTask {
    /// Asks the sender to stop and waits for it as long as one SMTP command may take; a
    /// message cut off later is sent again once its lease ends, under the same `Message-ID`.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(transport::SMTP_TIMEOUT, self.task).await.is_err() {
            tracing::warn!("the email sender did not stop in time");
        }
    }
}

/// How the sender runs: where links in messages start, and its timing.
pub struct SenderSettings {
    pub public_url: String,
    pub backoff: std::time::Duration,
    pub poll: std::time::Duration,
}

impl Mailer {
    /// Starts the sender, unless email is off; it looks at the outbox again whenever
    /// `applied` (the projector's position) moves.
    pub fn spawn(
        &self,
        store: &Store,
        links: &GuestLinks,
        applied: watch::Receiver<Position>,
        settings: SenderSettings,
    ) -> Option<SenderTask> {
        let sender = Sender {
            outbox: Outbox::new(store.read.clone(), &store.backend),
            users: Users::new(store.read.clone()),
            read: store.read.clone(),
            transport: self.transport.clone()?,
            from: self.from.clone(),
            public_url: settings.public_url,
            links: links.clone(),
            backoff: settings.backoff,
            poll: settings.poll,
        };
        sender::register_metrics();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(sender.run(applied, stopped));
        Some(SenderTask { stop, task })
    }
}
