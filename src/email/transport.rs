//! How a rendered message leaves: written to the log (`EMAIL_URL=console`) or sent over
//! SMTP with lettre (`smtp://`, `smtps://`).

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::render::Rendered;
use crate::box_error::BoxError;
use crate::config::EmailUrl;

/// How long one SMTP command may take: a server that accepts connections and then says
/// nothing costs an attempt this long, never a request (see `sender::LEASE`).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// One message to one address.
#[derive(Debug, Clone)]
pub struct Letter {
    pub to: Mailbox,
    /// Derived from the fact and the recipient, so a retried send is recognisable.
    pub message_id: String,
    pub rendered: Rendered,
}

pub enum Transport {
    Console,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Transport {
    /// The transport `url` names; `None` when email is off.
    pub fn new(url: &EmailUrl) -> Result<Option<Self>, BoxError> {
        match url {
            EmailUrl::Off => Ok(None),
            EmailUrl::Console => Ok(Some(Self::Console)),
            EmailUrl::Smtp(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("EMAIL_URL is not a usable SMTP URL: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build();
                Ok(Some(Self::Smtp(transport)))
            }
        }
    }

    /// Sends `letter` from `from`; the error says why not (the server refused the
    /// connection, answered 4xx or 5xx, timed out).
    pub async fn deliver(&self, from: &Mailbox, letter: Letter) -> Result<(), String> {
        match self {
            Self::Console => {
                tracing::info!(
                    target: "email",
                    from = %from,
                    to = %letter.to,
                    subject = %letter.rendered.subject,
                    message_id = %letter.message_id,
                    text = %letter.rendered.text,
                    "email (console)"
                );
                Ok(())
            }
            Self::Smtp(transport) => {
                let email = lettre::Message::builder()
                    .from(from.clone())
                    .to(letter.to)
                    .subject(letter.rendered.subject)
                    .message_id(Some(letter.message_id))
                    .multipart(MultiPart::alternative_plain_html(
                        letter.rendered.text,
                        letter.rendered.html,
                    ))
                    .map_err(|e| format!("the message could not be built: {e}"))?;
                transport.send(email).await.map(|_| ()).map_err(|e| e.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_email_url_makes_its_transport() {
        let url = |raw| EmailUrl::parse(raw).expect("a valid EMAIL_URL");
        assert!(Transport::new(&url("none")).unwrap().is_none());
        assert!(matches!(
            Transport::new(&url("console")).unwrap(),
            Some(Transport::Console)
        ));
        for raw in [
            "smtp://mail.example:2525",
            "smtp://user:p%40ss@mail.example:587?tls=required",
            "smtps://user:pass@mail.example",
        ] {
            assert!(
                matches!(Transport::new(&url(raw)).unwrap(), Some(Transport::Smtp(_))),
                "{raw}"
            );
        }
    }
}
