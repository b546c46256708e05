//! E-mail (`mail-parser`): a message is one document, its Subject the headline, its text part
//! (else its HTML part, rendered by the pipeline's HTML reader) the body, quoted replies kept; the
//! `Date:` header dates it. Attachments of a kind entline reads become documents of their own
//! (`mail.eml#2-report.pdf`, the message's text being part 1); the others are listed as skipped.
//! A mailbox (.mbox) gives one document per message (`box.mbox#3`).

use chrono::NaiveDate;
use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::{from_bytes, DateFrom, Extracted, Kind, Markup, Piece};

/// Nested messages deeper than this are not opened.
const MAX_DEPTH: usize = 4;

/// The documents of one .eml file.
pub fn eml(bytes: &[u8], max_bytes: u64, depth: usize) -> Result<Vec<Piece>, String> {
    let msg = MessageParser::default().parse(bytes).ok_or("not an e-mail message (no headers)")?;
    message(&msg, Kind::Email, max_bytes, depth)
}

/// The documents of a mailbox: each message's, numbered from 1 (`#3`, `#3#2-report.pdf`).
pub fn mbox(bytes: &[u8], max_bytes: u64, depth: usize) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    for (k, m) in mail_parser::mailbox::mbox::MessageIterator::new(std::io::Cursor::new(bytes)).enumerate() {
        let m = m.map_err(|e| format!("unreadable mailbox: {e}"))?;
        let prefix = format!("#{}", k + 1);
        match MessageParser::default().parse(m.contents()) {
            Some(msg) => match message(&msg, Kind::Mbox, max_bytes, depth) {
                Ok(pieces) => out.extend(pieces.into_iter().map(|p| Piece { part: format!("{prefix}{}", p.part), ..p })),
                Err(e) => out.push(Piece { part: prefix, kind: Kind::Mbox, outcome: Err(("failed", e)) }),
            },
            None => out.push(Piece { part: prefix, kind: Kind::Mbox, outcome: Err(("failed", "not an e-mail message (no headers)".into())) }),
        }
    }
    if out.is_empty() {
        return Err("no messages in the mailbox (no `From ` line)".into());
    }
    Ok(out)
}

/// The sender's calendar day of a `Date:` header.
fn day(d: &mail_parser::DateTime) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
}

/// A text part's content, or why it cannot be read: mail-parser decodes the charsets it knows and
/// falls back to UTF-8 with replacement characters for the others, which is not the text.
fn part_text(part: &mail_parser::MessagePart<'_>) -> Result<String, String> {
    let text = match &part.body {
        PartType::Text(t) | PartType::Html(t) => t.to_string(),
        _ => String::from_utf8_lossy(part.contents()).into_owned(),
    };
    if let Some(cs) = part.content_type().and_then(|c| c.attribute("charset")) {
        let known = mail_parser::decoders::charsets::map::charset_decoder(cs.as_bytes()).is_some()
            || encoding_rs::Encoding::for_label(cs.as_bytes()).is_some();
        if !known && text.contains('\u{FFFD}') {
            return Err(format!("undecodable charset {cs:?} in the message text"));
        }
    }
    Ok(text)
}

/// The message's own document and its attachments'.
fn message(msg: &mail_parser::Message<'_>, kind: Kind, max_bytes: u64, depth: usize) -> Result<Vec<Piece>, String> {
    let date = msg.date().and_then(day).map(|d| (d, DateFrom::Email));
    let headline = msg.subject().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    // the text parts, else the first HTML part (mail-parser lists an HTML-only body as text too)
    let texts: Vec<&mail_parser::MessagePart<'_>> = msg.text_bodies().filter(|p| !p.is_text_html()).collect();
    let (body, markup) = if !texts.is_empty() {
        let parts = texts.iter().map(|p| part_text(p)).collect::<Result<Vec<_>, _>>()?;
        (parts.join("\n\n"), Markup::Plain)
    } else if let Some(h) = msg.html_bodies().next() {
        (part_text(h)?, Markup::Html)
    } else {
        (String::new(), Markup::Plain)
    };
    let mut out = vec![Piece { part: String::new(), kind, outcome: Ok(Extracted { text: body, markup, headline, date, warning: None }) }];
    for (k, att) in msg.attachments().enumerate() {
        let name = att.attachment_name().map(sanitize).unwrap_or_else(|| if att.is_message() { "message.eml".into() } else { "attachment".into() });
        let part = format!("#{}-{name}", k + 2);
        let skip = |status: &'static str, m: String| Piece { part: part.clone(), kind, outcome: Err((status, m)) };
        let akind = if att.is_message() { Some(Kind::Email) } else { Kind::of(&name) };
        let Some(akind) = akind else {
            let ctype = att.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("*"))).unwrap_or_else(|| "no type".into());
            out.push(skip("skipped", format!("attachment of a kind entline does not read ({ctype})")));
            continue;
        };
        if depth >= MAX_DEPTH {
            out.push(skip("skipped", format!("attachment nested more than {MAX_DEPTH} messages deep")));
            continue;
        }
        let bytes = att.contents();
        if bytes.len() as u64 > max_bytes {
            out.push(skip("failed", format!("attachment of {} bytes, over the {max_bytes}-byte limit per document (--max-bytes)", bytes.len())));
            continue;
        }
        match from_bytes(akind, bytes, max_bytes, depth + 1) {
            Ok(pieces) => out.extend(pieces.into_iter().map(|p| Piece {
                part: format!("{part}{}", p.part),
                // an attachment without a date of its own is dated by its message
                outcome: p.outcome.map(|mut e| {
                    e.date = e.date.or(date);
                    e
                }),
                ..p
            })),
            Err(e) => out.push(skip("failed", e)),
        }
    }
    Ok(out)
}

/// An attachment's file name as a part of a document name: no path, no control characters.
fn sanitize(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let s: String = base.chars().filter(|c| !c.is_control()).collect();
    if s.trim().is_empty() {
        "attachment".into()
    } else {
        s.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIL: &str = "From: a@example.com\r\nTo: b@example.com\r\nSubject: Acme buys Widgets\r\nDate: Tue, 4 Mar 2025 23:30:00 -0500\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Acme said on Monday it bought Widgets.\r\n\r\n> earlier: quoted\r\n--XX\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"logo.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--XX\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\n\
Second document.\r\n--XX--\r\n";

    #[test]
    fn message_attachments_and_date() {
        let p = eml(MAIL.as_bytes(), 1 << 20, 0).unwrap();
        assert_eq!(p.len(), 3);
        let body = p[0].outcome.as_ref().unwrap();
        assert_eq!(body.headline.as_deref(), Some("Acme buys Widgets"));
        assert!(body.text.contains("bought Widgets") && body.text.contains("> earlier: quoted"));
        // the sender's day, not UTC's
        assert_eq!(body.date, Some((NaiveDate::from_ymd_opt(2025, 3, 4).unwrap(), DateFrom::Email)));
        assert_eq!(p[1].part, "#2-logo.png");
        assert_eq!(p[1].outcome.as_ref().unwrap_err().0, "skipped");
        assert_eq!(p[2].part, "#3-notes.txt");
        assert_eq!(p[2].outcome.as_ref().unwrap().text.trim(), "Second document.");
    }

    #[test]
    fn undecodable_charset_is_an_error() {
        let m = "Subject: x\r\nContent-Type: text/plain; charset=x-martian\r\n\r\nabcd\r\n";
        let mut bytes = m.as_bytes().to_vec();
        let at = bytes.windows(2).position(|w| w == b"ab").unwrap() + 2;
        bytes.splice(at..at, [0xff, 0xfe]);
        let e = eml(&bytes, 1 << 20, 0).unwrap_err();
        assert!(e.contains("x-martian"), "{e}");
    }

    #[test]
    fn mailbox_messages() {
        let mb = "From a@x Tue Mar  4 10:00:00 2025\nSubject: One\n\nFirst.\n\nFrom b@x Wed Mar  5 10:00:00 2025\nSubject: Two\n\nSecond.\n";
        let p = mbox(mb.as_bytes(), 1 << 20, 0).unwrap();
        let parts: Vec<&str> = p.iter().map(|p| p.part.as_str()).collect();
        assert_eq!(parts, ["#1", "#2"]);
        assert_eq!(p[1].outcome.as_ref().unwrap().headline.as_deref(), Some("Two"));
    }
}
