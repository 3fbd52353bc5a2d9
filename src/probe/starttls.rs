//! The preamble step of the connect path: upgrading a plain connection to TLS the way a mail client, an
//! LDAP directory client or a PostgreSQL driver does before its TLS handshake — SMTP `STARTTLS`
//! (RFC 3207), IMAP `STARTTLS` (RFC 3501), POP3 `STLS` (RFC 2595), the LDAP StartTLS extended operation
//! (RFC 4511 §4.14, OID 1.3.6.1.4.1.1466.20037) and PostgreSQL's `SSLRequest`.
//!
//! Every answer is read in bounded amounts ([`MAX_PREAMBLE_BYTES`]); a server that does not offer the
//! upgrade, or refuses it, is a [`Refusal`] quoting what it answered. A server that sends anything after
//! its go-ahead is refused too: those bytes would be taken as TLS, and a client that reads them as the
//! start of the handshake is what STARTTLS command injection (CVE-2011-0411) exploits.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Most bytes a server may send before the TLS handshake starts (greetings, capability lists).
pub const MAX_PREAMBLE_BYTES: usize = 64 * 1024;

/// Longest answer quoted in a finding, in characters.
const QUOTE_LEN: usize = 200;

/// The LDAP StartTLS extended operation's OID.
const LDAP_STARTTLS_OID: &[u8] = b"1.3.6.1.4.1.1466.20037";

/// PostgreSQL's SSLRequest code (1234 << 16 | 5679).
const PG_SSL_REQUEST: u32 = 80_877_103;

/// A protocol that upgrades a plain connection to TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Protocol {
    /// SMTP `STARTTLS` (submission on 587, relay on 25).
    Smtp,
    /// IMAP `STARTTLS` (143).
    Imap,
    /// POP3 `STLS` (110).
    Pop3,
    /// The LDAP StartTLS extended operation (389).
    Ldap,
    /// PostgreSQL's `SSLRequest` (5432).
    Postgres,
}

impl Protocol {
    /// Parses a protocol name (`smtp`, `imap`, `pop3`, `ldap`, `postgres`), case-insensitively.
    pub fn parse(text: &str) -> Option<Protocol> {
        match text.to_ascii_lowercase().as_str() {
            "smtp" => Some(Protocol::Smtp),
            "imap" => Some(Protocol::Imap),
            "pop3" => Some(Protocol::Pop3),
            "ldap" => Some(Protocol::Ldap),
            "postgres" | "postgresql" => Some(Protocol::Postgres),
            _ => None,
        }
    }

    /// The lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Smtp => "smtp",
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Ldap => "ldap",
            Protocol::Postgres => "postgres",
        }
    }

    /// The port the protocol's plain (upgradable) service listens on by default.
    pub fn default_port(self) -> u16 {
        match self {
            Protocol::Smtp => 25,
            Protocol::Imap => 143,
            Protocol::Pop3 => 110,
            Protocol::Ldap => 389,
            Protocol::Postgres => 5432,
        }
    }

    /// The command that asks for the upgrade, as reports name it.
    pub fn command(self) -> &'static str {
        match self {
            Protocol::Smtp | Protocol::Imap => "STARTTLS",
            Protocol::Pop3 => "STLS",
            Protocol::Ldap => "the StartTLS extended operation",
            Protocol::Postgres => "SSLRequest",
        }
    }

    /// The names `--starttls` takes, for messages.
    pub fn names() -> String {
        <Protocol as strum::IntoEnumIterator>::iter()
            .map(Protocol::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why a connection was not upgraded.
#[derive(Debug)]
pub enum Refusal {
    /// The server's greeting or capabilities do not offer the upgrade; `answer` quotes them.
    NotOffered {
        /// What the server said, quoted (bounded).
        answer: String,
    },
    /// The server answered the upgrade request (or its greeting) with an error; `answer` quotes it.
    Refused {
        /// What the server said, quoted (bounded).
        answer: String,
    },
    /// The exchange broke off: the connection closed or failed, or the server's answer is not the
    /// protocol (`answer` quotes what arrived, possibly nothing).
    Broken {
        /// What went wrong, lower-case.
        reason: String,
        /// What arrived, quoted (bounded).
        answer: String,
    },
}

/// Speaks `protocol`'s upgrade on `stream`; on success the next bytes on the stream are the TLS
/// handshake. `client_name` is the EHLO argument (an address literal such as `[127.0.0.1]`).
pub async fn upgrade<S>(
    stream: &mut S,
    protocol: Protocol,
    client_name: &str,
) -> Result<(), Refusal>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut talk = Talk::new(stream);
    match protocol {
        Protocol::Smtp => smtp(&mut talk, client_name).await,
        Protocol::Imap => imap(&mut talk).await,
        Protocol::Pop3 => pop3(&mut talk).await,
        Protocol::Ldap => ldap(&mut talk).await,
        Protocol::Postgres => postgres(&mut talk).await,
    }?;
    talk.nothing_more()
}

/// `Ok` when the server said yes; else the refusal, quoting what it answered.
fn answered(said_yes: bool, answer: &str) -> Result<(), Refusal> {
    if said_yes {
        Ok(())
    } else {
        Err(Refusal::Refused {
            answer: quote(answer),
        })
    }
}

async fn smtp<S: AsyncRead + AsyncWrite + Unpin>(
    talk: &mut Talk<'_, S>,
    client_name: &str,
) -> Result<(), Refusal> {
    let greeting = talk.smtp_reply().await?;
    answered(greeting.starts_with("220"), &greeting)?;
    talk.send(format!("EHLO {client_name}\r\n").as_bytes())
        .await?;
    let ehlo = talk.smtp_reply().await?;
    if !ehlo.starts_with("250") {
        return Err(Refusal::NotOffered {
            answer: quote(&ehlo),
        });
    }
    let offered = ehlo.lines().any(|line| {
        line.get(4..)
            .is_some_and(|kw| kw.trim().eq_ignore_ascii_case("STARTTLS"))
    });
    if !offered {
        return Err(Refusal::NotOffered {
            answer: quote(&ehlo),
        });
    }
    talk.send(b"STARTTLS\r\n").await?;
    let answer = talk.smtp_reply().await?;
    answered(answer.starts_with("220"), &answer)
}

async fn imap<S: AsyncRead + AsyncWrite + Unpin>(talk: &mut Talk<'_, S>) -> Result<(), Refusal> {
    let greeting = talk.line().await?;
    answered(starts_with_ignore_case(&greeting, "* OK"), &greeting)?;
    talk.send(b"tp1 CAPABILITY\r\n").await?;
    let caps = talk.tagged("tp1").await?;
    let offered = caps.lines().any(|line| {
        starts_with_ignore_case(line, "* CAPABILITY")
            && line
                .split_ascii_whitespace()
                .any(|c| c.eq_ignore_ascii_case("STARTTLS"))
    });
    if !offered {
        return Err(Refusal::NotOffered {
            answer: quote(&caps),
        });
    }
    talk.send(b"tp2 STARTTLS\r\n").await?;
    let answer = talk.tagged("tp2").await?;
    let last = answer.lines().last().unwrap_or_default();
    answered(starts_with_ignore_case(last, "tp2 OK"), &answer)
}

async fn pop3<S: AsyncRead + AsyncWrite + Unpin>(talk: &mut Talk<'_, S>) -> Result<(), Refusal> {
    let greeting = talk.line().await?;
    answered(greeting.starts_with("+OK"), &greeting)?;
    talk.send(b"CAPA\r\n").await?;
    let first = talk.line().await?;
    if first.starts_with("+OK") {
        let mut caps = Vec::new();
        loop {
            let line = talk.line().await?;
            if line == "." {
                break;
            }
            caps.push(line);
        }
        if !caps.iter().any(|c| {
            c.split_ascii_whitespace()
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case("STLS"))
        }) {
            return Err(Refusal::NotOffered {
                answer: quote(&format!("{first}\n{}", caps.join("\n"))),
            });
        }
    }
    // A server without CAPA (-ERR) may still implement STLS: ask.
    talk.send(b"STLS\r\n").await?;
    let answer = talk.line().await?;
    answered(answer.starts_with("+OK"), &answer)
}

async fn ldap<S: AsyncRead + AsyncWrite + Unpin>(talk: &mut Talk<'_, S>) -> Result<(), Refusal> {
    // LDAPMessage { messageID 1, extendedReq [APPLICATION 23] { requestName [0] OID } }.
    let mut name = vec![0x80, LDAP_STARTTLS_OID.len() as u8];
    name.extend_from_slice(LDAP_STARTTLS_OID);
    let mut op = vec![0x77, name.len() as u8];
    op.extend_from_slice(&name);
    let mut body = vec![0x02, 0x01, 0x01];
    body.extend_from_slice(&op);
    let mut request = vec![0x30, body.len() as u8];
    request.extend_from_slice(&body);
    talk.send(&request).await?;
    let message = talk.ber_element().await?;
    let response = ldap_extended_response(&message).map_err(|reason| Refusal::Broken {
        reason,
        answer: hex_quote(&message),
    })?;
    if response.code == 0 {
        return Ok(());
    }
    let answer = format!(
        "resultCode {} ({}){}",
        response.code,
        ldap_result_name(response.code),
        if response.diagnostic.is_empty() {
            String::new()
        } else {
            format!(": {}", response.diagnostic)
        }
    );
    Err(Refusal::Refused {
        answer: quote(&answer),
    })
}

async fn postgres<S: AsyncRead + AsyncWrite + Unpin>(
    talk: &mut Talk<'_, S>,
) -> Result<(), Refusal> {
    let mut request = 8u32.to_be_bytes().to_vec();
    request.extend_from_slice(&PG_SSL_REQUEST.to_be_bytes());
    talk.send(&request).await?;
    let answer = talk.bytes(1).await?;
    match answer.first() {
        Some(b'S') => Ok(()),
        Some(b'N') => Err(Refusal::Refused {
            answer: "N (the server does not accept SSL connections: ssl = off)".to_owned(),
        }),
        Some(b'E') => {
            // An ErrorResponse (a server older than 7.2, or one refusing early): read what fits.
            let rest = talk.available().await;
            let text: String = rest
                .split(|b| *b == 0)
                .filter_map(|field| {
                    let (kind, value) = field.split_first()?;
                    (*kind == b'M').then(|| String::from_utf8_lossy(value).into_owned())
                })
                .collect();
            Err(Refusal::Refused {
                answer: quote(&format!("an ErrorResponse: {text}")),
            })
        }
        _ => Err(Refusal::Broken {
            reason: "the server's answer to SSLRequest is not S, N or E".to_owned(),
            answer: hex_quote(&answer),
        }),
    }
}

/// The parts of an LDAP ExtendedResponse that matter here.
struct LdapResult {
    code: u32,
    diagnostic: String,
}

/// Parses `LDAPMessage { messageID, extendedResp [APPLICATION 24] { resultCode, matchedDN,
/// diagnosticMessage, … } }` (BER: OpenLDAP writes long-form lengths DER would refuse).
fn ldap_extended_response(message: &[u8]) -> Result<LdapResult, String> {
    let not_ldap = || "the server's answer is not an LDAP extended response".to_owned();
    let (tag, body, _) = ber(message).ok_or_else(not_ldap)?;
    if tag != 0x30 {
        return Err(not_ldap());
    }
    let (tag, _, rest) = ber(body).ok_or_else(not_ldap)?;
    if tag != 0x02 {
        return Err(not_ldap());
    }
    let (tag, op, _) = ber(rest).ok_or_else(not_ldap)?;
    if tag != 0x78 {
        return Err(not_ldap());
    }
    let (tag, code, rest) = ber(op).ok_or_else(not_ldap)?;
    if tag != 0x0a || code.is_empty() || code.len() > 4 {
        return Err(not_ldap());
    }
    let code = code.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b));
    let (_, _, rest) = ber(rest).ok_or_else(not_ldap)?;
    let diagnostic = ber(rest)
        .map(|(_, text, _)| String::from_utf8_lossy(text).into_owned())
        .unwrap_or_default();
    Ok(LdapResult { code, diagnostic })
}

/// One BER element with a definite length: (tag, content, what follows).
fn ber(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (len, rest) = ber_length(rest)?;
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// A BER definite length (short or long form, at most 4 length octets) and what follows it.
fn ber_length(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let (&first, rest) = bytes.split_first()?;
    if first < 0x80 {
        return Some((usize::from(first), rest));
    }
    let count = usize::from(first & 0x7f);
    if count == 0 || count > 4 || rest.len() < count {
        return None;
    }
    let len = rest[..count]
        .iter()
        .fold(0usize, |n, b| (n << 8) | usize::from(*b));
    Some((len, &rest[count..]))
}

/// The RFC 4511 name of an LDAP result code a StartTLS request may get.
fn ldap_result_name(code: u32) -> &'static str {
    match code {
        1 => "operationsError",
        2 => "protocolError",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        12 => "unavailableCriticalExtension",
        13 => "confidentialityRequired",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        80 => "other",
        _ => "see RFC 4511",
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// A server's answer as a finding quotes it: control characters shown as spaces, lines joined with
/// ` | `, at most [`QUOTE_LEN`] characters.
fn quote(answer: &str) -> String {
    let joined = answer
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    super::banner::quoted(&joined, QUOTE_LEN)
}

/// Binary bytes as a finding quotes them: the first 32 in hex.
fn hex_quote(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing".to_owned();
    }
    let hex: Vec<String> = bytes.iter().take(32).map(|b| format!("{b:02x}")).collect();
    let more = if bytes.len() > 32 { " …" } else { "" };
    format!("{}{more}", hex.join(" "))
}

/// A bounded conversation: what was read but not consumed is kept in `buf`.
struct Talk<'a, S> {
    stream: &'a mut S,
    buf: Vec<u8>,
    total: usize,
}

impl<'a, S: AsyncRead + AsyncWrite + Unpin> Talk<'a, S> {
    fn new(stream: &'a mut S) -> Self {
        Talk {
            stream,
            buf: Vec::new(),
            total: 0,
        }
    }

    fn broken(&self, reason: impl Into<String>) -> Refusal {
        Refusal::Broken {
            reason: reason.into(),
            answer: if self.buf.is_empty() {
                "nothing".to_owned()
            } else {
                quote(&String::from_utf8_lossy(&self.buf))
            },
        }
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), Refusal> {
        self.stream
            .write_all(bytes)
            .await
            .map_err(|e| self.broken(format!("cannot send: {e}")))?;
        self.stream
            .flush()
            .await
            .map_err(|e| self.broken(format!("cannot send: {e}")))
    }

    /// Reads more bytes into the buffer; the connection closing is an error.
    async fn fill(&mut self) -> Result<(), Refusal> {
        let mut chunk = [0u8; 4096];
        let n = self
            .stream
            .read(&mut chunk)
            .await
            .map_err(|e| self.broken(format!("the connection failed: {e}")))?;
        if n == 0 {
            return Err(self.broken("the server closed the connection"));
        }
        self.total += n;
        if self.total > MAX_PREAMBLE_BYTES {
            return Err(self.broken(format!(
                "the server sent more than {MAX_PREAMBLE_BYTES} bytes before TLS"
            )));
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// One line without its CR LF.
    async fn line(&mut self) -> Result<String, Refusal> {
        loop {
            if let Some(end) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=end).collect();
                let text = String::from_utf8_lossy(&line);
                return Ok(text.trim_end_matches(['\r', '\n']).to_owned());
            }
            if self.buf.first().is_some_and(|b| *b == 0x16) {
                return Err(self.broken(
                    "the server sent a TLS record instead of a greeting (this port speaks TLS from the first byte)",
                ));
            }
            self.fill().await?;
        }
    }

    /// An SMTP reply: lines `NNN-text` up to the last `NNN text`, joined with newlines.
    async fn smtp_reply(&mut self) -> Result<String, Refusal> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await?;
            let code_ok = line.len() >= 3 && line.as_bytes()[..3].iter().all(u8::is_ascii_digit);
            if !code_ok {
                lines.push(line);
                return Err(self.broken_with("the answer is not an SMTP reply", &lines));
            }
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return Ok(lines.join("\n"));
            }
        }
    }

    /// IMAP lines up to and including the one tagged `tag`.
    async fn tagged(&mut self, tag: &str) -> Result<String, Refusal> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await?;
            let done = line
                .split_ascii_whitespace()
                .next()
                .is_some_and(|t| t.eq_ignore_ascii_case(tag));
            lines.push(line);
            if done {
                return Ok(lines.join("\n"));
            }
        }
    }

    /// Exactly `n` bytes.
    async fn bytes(&mut self, n: usize) -> Result<Vec<u8>, Refusal> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    /// Whatever has arrived (after one read, when nothing has): for quoting an error the server sends
    /// before it closes.
    async fn available(&mut self) -> Vec<u8> {
        if self.buf.is_empty() {
            let _ = self.fill().await;
        }
        std::mem::take(&mut self.buf)
    }

    /// One BER element (an LDAP message).
    async fn ber_element(&mut self) -> Result<Vec<u8>, Refusal> {
        loop {
            if self.buf.len() >= 2 {
                match ber_length(&self.buf[1..]) {
                    Some((len, rest)) => {
                        let header = self.buf.len() - rest.len();
                        if self.buf.len() >= header + len {
                            return Ok(self.buf.drain(..header + len).collect());
                        }
                    }
                    None if self.buf.len() >= 6 => {
                        return Err(self.broken_hex("the server's answer is not an LDAP message"));
                    }
                    None => {}
                }
            }
            self.fill().await?;
        }
    }

    fn broken_with(&self, reason: &str, lines: &[String]) -> Refusal {
        Refusal::Broken {
            reason: reason.to_owned(),
            answer: quote(&lines.join("\n")),
        }
    }

    fn broken_hex(&self, reason: &str) -> Refusal {
        Refusal::Broken {
            reason: reason.to_owned(),
            answer: hex_quote(&self.buf),
        }
    }

    /// Nothing may follow the go-ahead before the client's ClientHello.
    fn nothing_more(self) -> Result<(), Refusal> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(Refusal::Broken {
                reason: "the server sent data after agreeing to start TLS (refused: those bytes would be read as TLS, as in STARTTLS command injection)".to_owned(),
                answer: quote(&String::from_utf8_lossy(&self.buf)),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `protocol`'s upgrade against a scripted server: `script` is (expected client bytes
    /// prefix, server answer) pairs, the first answer sent before any client bytes when its prefix is
    /// empty.
    async fn converse(protocol: Protocol, script: &[(&[u8], &[u8])]) -> Result<(), Refusal> {
        let (mut client, mut server) = tokio::io::duplex(64 * 1024);
        let script: Vec<(Vec<u8>, Vec<u8>)> = script
            .iter()
            .map(|(a, b)| (a.to_vec(), b.to_vec()))
            .collect();
        let server_task = tokio::spawn(async move {
            for (expect, answer) in script {
                if !expect.is_empty() {
                    let mut got = vec![0u8; expect.len()];
                    if server.read_exact(&mut got).await.is_err() {
                        return;
                    }
                    assert_eq!(
                        String::from_utf8_lossy(&got),
                        String::from_utf8_lossy(&expect)
                    );
                }
                let _ = server.write_all(&answer).await;
            }
            // Hold the connection open until the client is done.
            let mut rest = Vec::new();
            let _ = server.read_to_end(&mut rest).await;
        });
        let result = upgrade(&mut client, protocol, "[127.0.0.1]").await;
        drop(client);
        let _ = server_task.await;
        result
    }

    fn answer(r: Result<(), Refusal>) -> String {
        match r {
            Ok(()) => "ok".to_owned(),
            Err(Refusal::NotOffered { answer }) => format!("not offered: {answer}"),
            Err(Refusal::Refused { answer }) => format!("refused: {answer}"),
            Err(Refusal::Broken { reason, answer }) => format!("broken: {reason}: {answer}"),
        }
    }

    #[tokio::test]
    async fn smtp_ehlo_without_starttls_is_not_offered_and_quotes_the_capabilities() {
        let r = converse(
            Protocol::Smtp,
            &[
                (b"", b"220 mx.test ESMTP\r\n"),
                (
                    b"EHLO [127.0.0.1]\r\n",
                    b"250-mx.test\r\n250-SIZE 1000\r\n250 HELP\r\n",
                ),
            ],
        )
        .await;
        assert_eq!(
            answer(r),
            "not offered: 250-mx.test | 250-SIZE 1000 | 250 HELP"
        );
    }

    #[tokio::test]
    async fn smtp_starttls_refused_quotes_the_reply() {
        let r = converse(
            Protocol::Smtp,
            &[
                (b"", b"220 mx.test ESMTP\r\n"),
                (b"EHLO [127.0.0.1]\r\n", b"250-mx.test\r\n250 STARTTLS\r\n"),
                (b"STARTTLS\r\n", b"454 4.7.0 TLS not available\r\n"),
            ],
        )
        .await;
        assert_eq!(answer(r), "refused: 454 4.7.0 TLS not available");
    }

    #[tokio::test]
    async fn bytes_after_the_go_ahead_are_refused_as_injection() {
        let r = converse(
            Protocol::Smtp,
            &[
                (b"", b"220 mx.test ESMTP\r\n"),
                (b"EHLO [127.0.0.1]\r\n", b"250 STARTTLS\r\n"),
                (b"STARTTLS\r\n", b"220 go ahead\r\n250 injected\r\n"),
            ],
        )
        .await;
        assert!(answer(r).contains("250 injected"));
    }

    #[tokio::test]
    async fn imap_pop3_and_postgres_upgrades_follow_their_protocols() {
        let imap = converse(
            Protocol::Imap,
            &[
                (b"", b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
                (
                    b"tp1 CAPABILITY\r\n",
                    b"* CAPABILITY IMAP4rev1 STARTTLS\r\ntp1 OK done\r\n",
                ),
                (b"tp2 STARTTLS\r\n", b"tp2 OK Begin TLS\r\n"),
            ],
        )
        .await;
        assert_eq!(answer(imap), "ok");
        let pop3 = converse(
            Protocol::Pop3,
            &[
                (b"", b"+OK ready\r\n"),
                (b"CAPA\r\n", b"+OK\r\nUSER\r\nTOP\r\n.\r\n"),
            ],
        )
        .await;
        assert_eq!(answer(pop3), "not offered: +OK | USER | TOP");
        let pg = converse(Protocol::Postgres, &[(b"\0\0\0\x08\x04\xd2\x16\x2f", b"N")]).await;
        assert!(answer(pg).starts_with("refused: N (the server does not accept SSL"));
    }

    #[tokio::test]
    async fn an_ldap_refusal_names_the_result_code_with_long_form_lengths() {
        // OpenLDAP-style long-form lengths: resultCode 2 (protocolError), diagnostic text.
        let diag = b"unsupported extended operation";
        let mut resp = vec![0x0a, 0x01, 0x02, 0x04, 0x00, 0x04, diag.len() as u8];
        resp.extend_from_slice(diag);
        let mut op = vec![0x78, 0x84, 0, 0, 0, resp.len() as u8];
        op.extend_from_slice(&resp);
        let mut body = vec![0x02, 0x01, 0x01];
        body.extend_from_slice(&op);
        let mut msg = vec![0x30, 0x84, 0, 0, 0, body.len() as u8];
        msg.extend_from_slice(&body);
        let r = converse(
            Protocol::Ldap,
            &[(b"\x30\x1d\x02\x01\x01\x77\x18\x80\x16", &msg)],
        )
        .await;
        assert_eq!(
            answer(r),
            "refused: resultCode 2 (protocolError): unsupported extended operation"
        );
    }

    #[tokio::test]
    async fn a_tls_port_given_as_starttls_says_it_speaks_tls_from_the_first_byte() {
        let r = converse(Protocol::Imap, &[(b"", b"\x16\x03\x01\x00\x05hello")]).await;
        assert!(answer(r).contains("speaks TLS from the first byte"));
    }

    #[test]
    fn protocol_names_parse_case_insensitively_with_their_ports() {
        assert_eq!(Protocol::parse("SMTP"), Some(Protocol::Smtp));
        assert_eq!(Protocol::parse("postgresql"), Some(Protocol::Postgres));
        assert_eq!(Protocol::Postgres.name(), "postgres");
        assert_eq!(Protocol::Ldap.default_port(), 389);
        assert_eq!(Protocol::parse("ftp"), None);
        assert_eq!(Protocol::names(), "smtp, imap, pop3, ldap, postgres");
    }
}
