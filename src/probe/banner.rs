//! What a port that answered the TLS ClientHello with something other than TLS speaks, read from the
//! first bytes it sent: HTTP (a status line, or a bare HTML page as Python's `http.server` sends to a
//! request it cannot parse), or the greeting a server sends before the client speaks (SSH, SMTP, FTP,
//! POP3, IMAP), or other plain text. Pure: bytes in, a name out.

/// A non-TLS answer, with its first line as a finding quotes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plain {
    /// An HTTP status line, or an HTML page sent without one.
    Http(String),
    /// An SSH identification string (`SSH-2.0-OpenSSH_9.2p1`).
    Ssh(String),
    /// An SMTP greeting (`220 mail.example.com ESMTP …`).
    Smtp(String),
    /// An FTP greeting (`220 (vsFTPd 3.0.5)`).
    Ftp(String),
    /// A `220` greeting that names neither mail nor FTP.
    SmtpOrFtp(String),
    /// A POP3 greeting (`+OK …`).
    Pop3(String),
    /// An IMAP greeting (`* OK …`, `* PREAUTH …`, `* BYE …`).
    Imap(String),
    /// Printable text of no protocol recognised here.
    Text(String),
}

impl Plain {
    /// The protocol's name as a finding says it.
    pub fn protocol(&self) -> &'static str {
        match self {
            Plain::Http(_) => "HTTP",
            Plain::Ssh(_) => "SSH",
            Plain::Smtp(_) => "SMTP",
            Plain::Ftp(_) => "FTP",
            Plain::SmtpOrFtp(_) => "SMTP or FTP",
            Plain::Pop3(_) => "POP3",
            Plain::Imap(_) => "IMAP",
            Plain::Text(_) => "plain text",
        }
    }

    /// The first line received, control characters shown as spaces, at most [`QUOTE_LEN`] characters.
    pub fn line(&self) -> &str {
        match self {
            Plain::Http(l)
            | Plain::Ssh(l)
            | Plain::Smtp(l)
            | Plain::Ftp(l)
            | Plain::SmtpOrFtp(l)
            | Plain::Pop3(l)
            | Plain::Imap(l)
            | Plain::Text(l) => l,
        }
    }
}

/// Most characters of a first line quoted.
pub const QUOTE_LEN: usize = 120;

/// What `head` (the first bytes a server sent in answer to a ClientHello) is, when it is not TLS and is
/// recognisably text; `None` for TLS records, binary bytes, or nothing.
pub fn classify(head: &[u8]) -> Option<Plain> {
    // A TLS record starts with its content type (20–24) and major version 3.
    if head.len() >= 2 && (0x14..=0x18).contains(&head[0]) && head[1] == 3 {
        return None;
    }
    let first = head
        .split(|b| *b == b'\r' || *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))?;
    let line = quote(first);
    let lower = line.trim_start().to_ascii_lowercase();
    if line.starts_with("HTTP/") || html(&lower) {
        return Some(Plain::Http(line));
    }
    if line.starts_with("SSH-") {
        return Some(Plain::Ssh(line));
    }
    if line.starts_with("+OK") {
        return Some(Plain::Pop3(line));
    }
    if ["* OK", "* PREAUTH", "* BYE"]
        .iter()
        .any(|p| line.starts_with(p))
    {
        return Some(Plain::Imap(line));
    }
    if ["220", "421", "554"].iter().any(|c| {
        line.strip_prefix(c)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '-']))
    }) {
        let words = |list: &[&str]| list.iter().any(|w| lower.contains(w));
        if words(&["ftp"]) {
            return Some(Plain::Ftp(line));
        }
        if words(&["smtp", "mail", "exim", "postfix", "sendmail"]) {
            return Some(Plain::Smtp(line));
        }
        return Some(Plain::SmtpOrFtp(line));
    }
    text(head).then_some(Plain::Text(line))
}

/// Whether a first line opens an HTML document.
fn html(lower: &str) -> bool {
    ["<!doctype html", "<html", "<head", "<body", "<title", "<h1"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Whether bytes are printable text (ASCII printable, tabs and line ends), at least 4 of them.
fn text(head: &[u8]) -> bool {
    head.len() >= 4
        && head
            .iter()
            .all(|b| (0x20..0x7f).contains(b) || matches!(b, b'\r' | b'\n' | b'\t'))
}

/// A line as a finding quotes it.
fn quote(line: &[u8]) -> String {
    quoted(String::from_utf8_lossy(line).trim_end(), QUOTE_LEN)
}

/// What a server sent as a finding quotes it: control characters shown as spaces, at most `max`
/// characters (then `…`).
pub(crate) fn quoted(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() > max {
        let cut: String = clean.chars().take(max).collect();
        format!("{cut}…")
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_are_named_by_their_protocol() {
        let cases: &[(&[u8], Plain)] = &[
            (
                b"HTTP/1.1 400 Bad Request\r\n\r\n",
                Plain::Http("HTTP/1.1 400 Bad Request".into()),
            ),
            (
                b"<!DOCTYPE HTML>\n<html lang=\"en\">",
                Plain::Http("<!DOCTYPE HTML>".into()),
            ),
            (
                b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
                Plain::Ssh("SSH-2.0-OpenSSH_9.2p1 Debian-2".into()),
            ),
            (
                b"220 mail.localhost ESMTP Exim 4.96 Mon, 30 Nov 2026\r\n",
                Plain::Smtp("220 mail.localhost ESMTP Exim 4.96 Mon, 30 Nov 2026".into()),
            ),
            (
                b"220 (vsFTPd 3.0.5)\r\n",
                Plain::Ftp("220 (vsFTPd 3.0.5)".into()),
            ),
            (b"220 ready\r\n", Plain::SmtpOrFtp("220 ready".into())),
            (
                b"+OK Dovecot ready.\r\n",
                Plain::Pop3("+OK Dovecot ready.".into()),
            ),
            (
                b"* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n",
                Plain::Imap("* OK [CAPABILITY IMAP4rev1] Dovecot ready.".into()),
            ),
            (b"hello there\n", Plain::Text("hello there".into())),
        ];
        for (head, want) in cases {
            assert_eq!(classify(head).as_ref(), Some(want), "{head:?}");
        }
    }

    #[test]
    fn tls_records_and_binary_bytes_are_not_named() {
        assert_eq!(classify(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]), None);
        assert_eq!(classify(&[0x16, 0x03, 0x01, 0x00]), None);
        assert_eq!(classify(&[0x00, 0x01, 0xff, 0x20, 0x41]), None);
        assert_eq!(classify(b""), None);
        assert_eq!(classify(b"\r\n"), None);
    }

    #[test]
    fn a_quoted_line_has_no_control_characters_and_is_bounded() {
        let long = format!("SSH-2.0-\x1b[2J{}", "x".repeat(300));
        let got = classify(long.as_bytes()).unwrap();
        assert!(!got.line().contains('\x1b'));
        assert_eq!(got.line().chars().count(), QUOTE_LEN + 1);
    }
}
