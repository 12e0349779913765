//! A message's words, rendered when it is sent: a subject, plain text and an HTML
//! alternative, each with the event's title, time and a link built from `PUBLIC_URL`.

use chrono::{DateTime, Utc};
use projections::calendar::CalendarRow;
use projections::email::Message;

/// What rendering may use besides the message itself. Built by the sender for each
/// message; a message kind that needs more (a guest's tokens) adds it here.
pub struct Context<'a> {
    /// `PUBLIC_URL` (or the address the service listens on), without a trailing slash.
    pub public_url: &'a str,
    /// The event as the events read model has it now (deleted ones too).
    pub event: &'a CalendarRow,
    /// Whom it greets: the user's username (a guest's name).
    pub name: &'a str,
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

/// `text` safe inside HTML elements and quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
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
        };
        let rendered = render(&Message::Closed, &context);
        assert!(!rendered.html.contains("<script>"), "{}", rendered.html);
        assert!(rendered.html.contains("&lt;script&gt;") && rendered.html.contains("a&amp;b"));
    }
}
