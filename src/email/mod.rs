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
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use outbox::depth;

use crate::accounts::Users;
use crate::config::Config;
use crate::startup::BoxError;
use crate::state::AppState;
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

/// Starts the sender, unless email is off. Links in messages start with `public_url`.
pub fn spawn(state: &AppState, config: &Config, public_url: String) -> Option<SenderTask> {
    let transport = state.mailer.transport.clone()?;
    let sender = Sender {
        outbox: Outbox::new(state.store.read.clone(), &state.store.backend),
        users: Users::new(state.store.read.clone()),
        read: state.store.read.clone(),
        transport,
        from: state.mailer.from.clone(),
        public_url,
        links: state.guests.links().clone(),
        backoff: config.email_retry_backoff,
        poll: config.email_poll_interval,
    };
    sender::register_metrics();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(sender.run(state.commands.projector().applied(), stopped));
    Some(SenderTask { stop, task })
}
