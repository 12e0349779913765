//! A message's words, rendered when it is sent: a subject, plain text and an HTML
//! alternative, each with the event's title, time and a link built from `PUBLIC_URL`.

use chrono::{DateTime, Utc};
use projections::calendar::CalendarRow;
use projections::email::Message;
use uuid::Uuid;

use crate::guests::{GuestLinks, LinkPurpose, LinkTarget};
use crate::html::escape;

/// What rendering may use besides the message itself. Built by the sender for each
/// message; a message kind that needs more (a guest's tokens) adds it here.
pub struct Context<'a> {
    /// `PUBLIC_URL` (or the address the service listens on), without a trailing slash.
    pub public_url: &'a str,
    /// The event as the events read model has it now (deleted ones too).
    pub event: &'a CalendarRow,
    /// Whom it greets: the user's username (a guest's name).
    pub name: &'a str,
    /// Computes the tokens of a guest's links (they are never stored).
    pub links: &'a GuestLinks,
}

impl Context<'_> {
    fn guest_token(&self, purpose: LinkPurpose, guest_id: Uuid) -> String {
        let target = LinkTarget {
            event_id: self.event.id,
            guest_id,
        };
        self.links.token(purpose, target)
    }
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The words of `message` for `context`.
pub fn render(message: &Message, context: &Context<'_>) -> Rendered {
    let event = context.event;
    let title = &event.title;
    let base = context.public_url;
    let event_link = format!("{base}/api/events/{}", event.id);
    let (subject, lead, link) = match message {
        Message::Invited { .. } => (
            format!("You are invited: {title}"),
            format!("You are invited to {title}. Accept or decline the invitation among yours."),
            format!("{base}/api/invitations?status=pending"),
        ),
        Message::Promoted => (
            format!("You have a seat: {title}"),
            format!("A seat became free at {title}, and it is yours now: you were taken from the waitlist."),
            event_link,
        ),
        Message::Changed { fields } => (
            format!("Changed: {title}"),
            format!("{title} has changed: {}.", changed(fields)),
            event_link,
        ),
        Message::Closed => (
            format!("Closed: {title}"),
            format!("{title} was closed to new members. You keep your seat."),
            event_link,
        ),
        Message::Deleted => (
            format!("Cancelled: {title}"),
            format!("{title} was cancelled: the event was deleted."),
            format!("{base}/api/users/me/events"),
        ),
        Message::Reminder { start_time } => (
            format!("Starts soon: {title}"),
            format!("{title} starts within 24 hours, at {}.", time(*start_time)),
            event_link,
        ),
        Message::GuestConfirmation {
            guest_id, expires_at, ..
        } => {
            let token = context.guest_token(LinkPurpose::Confirm, *guest_id);
            (
                format!("Confirm your seat: {title}"),
                format!(
                    "You registered for {title}. No seat is yours until you confirm, by {}: open the link below, \
                     or send this confirmation code to POST /api/guests/confirm: {token}",
                    time(*expires_at)
                ),
                format!("{base}/guests/confirm?token={token}"),
            )
        }
        Message::GuestSeat {
            guest_id,
            code,
            position,
            ..
        } => {
            let token = context.guest_token(LinkPurpose::Cancel, *guest_id);
            let lead = match (code, position) {
                (Some(code), _) => format!("You have a seat at {title}. Your ticket code is {code}."),
                (None, Some(position)) => format!(
                    "{title} is full: you are number {position} on the waitlist. You will be mailed your \
                     ticket if a seat becomes yours."
                ),
                (None, None) => format!("You are registered for {title}."),
            };
            (
                format!("You are registered: {title}"),
                format!("{lead} If you cannot come, give your place back with the link below (code: {token})."),
                format!("{base}/guests/cancel?token={token}"),
            )
        }
        Message::GuestPromoted { guest_id, code, .. } => {
            let token = context.guest_token(LinkPurpose::Cancel, *guest_id);
            (
                format!("You have a seat: {title}"),
                format!(
                    "A seat became free at {title}, and it is yours now. Your ticket code is {code}. If you \
                     cannot come, give it back with the link below (code: {token})."
                ),
                format!("{base}/guests/cancel?token={token}"),
            )
        }
    };
    let when = match event.end_time {
        Some(end) => format!("{} to {}", time(event.start_time), time(end)),
        None => time(event.start_time),
    };
    let place = event.location.as_deref().unwrap_or("no location given");
    let name = context.name;
    let text = format!("Hello {name},\n\n{lead}\n\nWhen: {when}\nWhere: {place}\n\n{link}\n");
    let html = format!(
        "<!DOCTYPE html>\n<html><body>\n<p>Hello {},</p>\n<p>{}</p>\n<p>When: {}<br>Where: {}</p>\n\
         <p><a href=\"{link}\">{link}</a></p>\n</body></html>\n",
        escape(name),
        escape(&lead),
        escape(&when),
        escape(place),
        link = escape(&link),
    );
    Rendered { subject, text, html }
}

/// The changed fields in words.
fn changed(fields: &[String]) -> String {
    let words: Vec<&str> = fields
        .iter()
        .map(|field| match field.as_str() {
            "start_time" => "its start time",
            "end_time" => "its end time",
            "location" => "its location",
            other => other,
        })
        .collect();
    words.join(", ")
}

fn time(at: DateTime<Utc>) -> String {
    at.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn event(title: &str) -> CalendarRow {
        let start = "2030-01-15T18:00:00Z".parse().unwrap();
        CalendarRow {
            id: Uuid::nil(),
            title: title.to_owned(),
            description: String::new(),
            location: Some("Hall <B>".to_owned()),
            start_time: start,
            end_time: None,
            version: 1,
            created_at: start,
            updated_at: start,
            deleted: false,
        }
    }

    #[test]
    fn both_parts_carry_the_title_time_and_link() {
        let event = event("Rust meetup");
        let context = Context {
            public_url: "https://events.example",
            event: &event,
            name: "ali",
            links: &GuestLinks::new(b"secret"),
        };
        let rendered = render(&Message::Promoted, &context);
        assert_eq!(rendered.subject, "You have a seat: Rust meetup");
        let link = format!("https://events.example/api/events/{}", Uuid::nil());
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains("Rust meetup"), "{part}");
            assert!(part.contains("Tuesday 15 January 2030, 18:00 UTC"), "{part}");
            assert!(part.contains(&link), "{part}");
        }
        assert!(rendered.html.contains("Hall &lt;B&gt;"), "{}", rendered.html);
    }

    #[test]
    fn markup_in_a_title_is_text_in_html() {
        let event = event("<script>x</script>");
        let context = Context {
            public_url: "http://h",
            event: &event,
            name: "a&b",
            links: &GuestLinks::new(b"secret"),
        };
        let rendered = render(&Message::Closed, &context);
        assert!(!rendered.html.contains("<script>"), "{}", rendered.html);
        assert!(rendered.html.contains("&lt;script&gt;") && rendered.html.contains("a&amp;b"));
    }

    #[test]
    fn a_guest_confirmation_carries_a_link_whose_token_opens_to_the_registration() {
        let event = event("Rust meetup");
        let links = GuestLinks::new(b"secret");
        let context = Context {
            public_url: "https://events.example",
            event: &event,
            name: "Ann",
            links: &links,
        };
        let guest_id = Uuid::from_u128(7);
        let message = Message::GuestConfirmation {
            guest_id,
            name: "Ann".to_owned(),
            expires_at: "2030-01-10T18:00:00Z".parse().unwrap(),
        };
        let rendered = render(&message, &context);
        let token = links.token(
            LinkPurpose::Confirm,
            LinkTarget {
                event_id: event.id,
                guest_id,
            },
        );
        let link = format!("https://events.example/guests/confirm?token={token}");
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains(&link), "{part}");
            assert!(part.contains("Hello Ann"), "{part}");
        }
        assert!(rendered
            .text
            .contains(&format!("code to POST /api/guests/confirm: {token}")));
        assert_eq!(
            links.open(LinkPurpose::Confirm, &token).map(|t| t.guest_id),
            Some(guest_id)
        );
    }
}
