//! Capture from servers rustls cannot complete a handshake with (TLS 1.0/1.1 only, RSA key exchange,
//! CBC-only suites): send a hand-built TLS ≤ 1.2 ClientHello offering legacy suites and read the server's
//! Certificate message, which travels in clear before TLS 1.3. The handshake is never completed; the point
//! is to learn what the server serves and what it negotiated.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Most bytes read from a server before giving up (a certificate list is bounded by 2^24 in the
/// protocol; 1 MiB is far above any real chain and bounds hostile input).
pub const MAX_READ: usize = 1024 * 1024;

/// Cipher suites offered, strongest first, with their IANA names: ECDHE and DHE with AES-GCM and
/// AES-CBC, plain RSA key exchange, 3DES and RC4, so that any server still in service answers.
const SUITES: &[(u16, &str)] = &[
    (0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
];

/// The IANA name of a cipher suite this module offers, or its hex code.
pub fn suite_name(code: u16) -> String {
    SUITES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| (*n).to_owned())
        .unwrap_or_else(|| format!("0x{code:04X}"))
}

/// The protocol name the JDK uses for a wire version.
pub fn version_name(version: u16) -> String {
    match version {
        0x0300 => "SSLv3".to_owned(),
        0x0301 => "TLSv1".to_owned(),
        0x0302 => "TLSv1.1".to_owned(),
        0x0303 => "TLSv1.2".to_owned(),
        0x0304 => "TLSv1.3".to_owned(),
        v => format!("0x{v:04X}"),
    }
}

/// What a legacy server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyHello {
    /// The negotiated protocol version (wire value, `0x0301` = TLS 1.0).
    pub version: u16,
    /// The negotiated cipher suite.
    pub suite: u16,
    /// The DER certificates of the Certificate message, in served order (empty for anonymous suites).
    pub chain: Vec<Vec<u8>>,
}

/// Why the legacy exchange gave no certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegacyError {
    /// The server sent a TLS alert.
    #[error("the server sent TLS alert {0} ({name})", name = alert_name(*.0))]
    Alert(u8),
    /// The server answered in plain HTTP; the first line is kept.
    #[error("the server answered in plain HTTP: {0}")]
    PlainHttp(String),
    /// The stream closed early.
    #[error("the server closed the connection before sending its certificate")]
    Closed,
    /// Something that is not TLS, or malformed TLS.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// More than [`MAX_READ`] bytes without a Certificate message.
    #[error("more than {MAX_READ} bytes without a complete Certificate message")]
    TooLarge,
    /// Reading or writing failed.
    #[error("{0}")]
    Io(String),
}

/// The name of a TLS alert description.
pub fn alert_name(code: u8) -> &'static str {
    match code {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        50 => "decode_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        112 => "unrecognized_name",
        _ => "unknown",
    }
}

/// Builds the ClientHello record: TLS 1.2 as the highest version (record version TLS 1.0, as old servers
/// expect), the legacy suites, SNI when `sni` is given, and the extensions servers of that era require.
pub fn client_hello(sni: Option<&str>, random: [u8; 32]) -> Vec<u8> {
    let mut body = Vec::with_capacity(512);
    body.extend_from_slice(&[0x03, 0x03]);
    body.extend_from_slice(&random);
    body.push(0); // no session id
    put_u16(&mut body, (SUITES.len() * 2 + 2) as u16);
    for (code, _) in SUITES {
        put_u16(&mut body, *code);
    }
    put_u16(&mut body, 0x00ff); // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    body.extend_from_slice(&[1, 0]); // compression: null only

    let mut ext = Vec::new();
    if let Some(name) = sni {
        let name = name.as_bytes();
        let mut list = Vec::new();
        list.push(0); // host_name
        put_u16(&mut list, name.len() as u16);
        list.extend_from_slice(name);
        extension(&mut ext, 0x0000, &with_u16_len(&list));
    }
    // supported_groups: secp256r1, secp384r1, secp521r1, x25519.
    extension(
        &mut ext,
        0x000a,
        &with_u16_len(&[0, 0x17, 0, 0x18, 0, 0x19, 0, 0x1d]),
    );
    // ec_point_formats: uncompressed.
    extension(&mut ext, 0x000b, &[1, 0]);
    // signature_algorithms, SHA-1 included.
    let sigs: &[u16] = &[
        0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0201, 0x0203,
        0x0202,
    ];
    let mut s = Vec::new();
    for v in sigs {
        put_u16(&mut s, *v);
    }
    extension(&mut ext, 0x000d, &with_u16_len(&s));
    put_u16(&mut body, ext.len() as u16);
    body.extend_from_slice(&ext);

    let mut hs = Vec::with_capacity(body.len() + 4);
    hs.push(1); // client_hello
    put_u24(&mut hs, body.len());
    hs.extend_from_slice(&body);

    let mut record = Vec::with_capacity(hs.len() + 5);
    record.extend_from_slice(&[0x16, 0x03, 0x01]);
    put_u16(&mut record, hs.len() as u16);
    record.extend_from_slice(&hs);
    record
}

/// Sends the legacy ClientHello on `stream` and reads up to the server's Certificate message. The caller
/// bounds the time.
pub async fn exchange<S>(
    stream: &mut S,
    sni: Option<&str>,
    random: [u8; 32],
) -> Result<LegacyHello, LegacyError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let io = |e: std::io::Error| LegacyError::Io(e.to_string());
    stream
        .write_all(&client_hello(sni, random))
        .await
        .map_err(io)?;
    stream.flush().await.map_err(io)?;

    let mut reader = Reader::default();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).await.map_err(io)?;
        if n == 0 {
            return Err(reader.at_end().unwrap_or(LegacyError::Closed));
        }
        if let Some(done) = reader.feed(&buf[..n])? {
            return Ok(done);
        }
    }
}

/// Parses a server's flight given in pieces as they arrived: records → handshake messages →
/// ServerHello, Certificate (the reader behind the raw legacy hello, fed from bytes; the fuzz target's
/// entry point). `Ok(None)` when the pieces end before the Certificate message.
pub fn parse_flight<'a>(
    pieces: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Option<LegacyHello>, LegacyError> {
    let mut reader = Reader::default();
    for piece in pieces {
        if let Some(done) = reader.feed(piece)? {
            return Ok(Some(done));
        }
    }
    match reader.at_end() {
        Some(e) => Err(e),
        None => Ok(None),
    }
}

/// Most bytes of a plain HTTP status line quoted in [`LegacyError::PlainHttp`].
const HTTP_LINE_MAX: usize = 256;

/// Incremental parser of the server's flight: records → handshake messages → ServerHello, Certificate.
#[derive(Debug, Default)]
struct Reader {
    raw: Vec<u8>,
    handshake: Vec<u8>,
    total: usize,
    hello: Option<(u16, u16)>,
}

impl Reader {
    /// Whether the server answered with HTTP: its very first bytes (nothing consumed as TLS records yet)
    /// are a status line's.
    fn is_http(&self) -> bool {
        self.raw.len() == self.total && self.raw.starts_with(b"HTTP/")
    }

    /// An HTTP answer's status line once it is whole (or [`HTTP_LINE_MAX`] bytes long); `None` while
    /// more may come.
    fn http_line(&self) -> Option<String> {
        let end = self.raw.iter().position(|b| *b == b'\r' || *b == b'\n');
        if end.is_none() && self.raw.len() < HTTP_LINE_MAX {
            return None;
        }
        let line = &self.raw[..end.unwrap_or(self.raw.len()).min(HTTP_LINE_MAX)];
        Some(String::from_utf8_lossy(line).into_owned())
    }

    /// What the input says when it ends before a Certificate message: an HTTP answer cut short is
    /// still plain HTTP.
    fn at_end(&self) -> Option<LegacyError> {
        self.is_http().then(|| {
            let line = &self.raw[..self.raw.len().min(HTTP_LINE_MAX)];
            LegacyError::PlainHttp(String::from_utf8_lossy(line).into_owned())
        })
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<Option<LegacyHello>, LegacyError> {
        self.total += bytes.len();
        if self.total > MAX_READ {
            return Err(LegacyError::TooLarge);
        }
        self.raw.extend_from_slice(bytes);
        if self.is_http() {
            // The status line as far as its end or HTTP_LINE_MAX bytes, whichever comes first: the same
            // answer however the network split the bytes.
            return match self.http_line() {
                Some(line) => Err(LegacyError::PlainHttp(line)),
                None => Ok(None),
            };
        }
        // One record at a time, each one's handshake messages read before the next record is looked at:
        // what follows the Certificate message (more records, garbage) never changes the answer, however
        // the network split the bytes.
        loop {
            if let Some(done) = self.messages()? {
                return Ok(Some(done));
            }
            if self.raw.len() < 5 {
                return Ok(None);
            }
            let kind = self.raw[0];
            let len = u16::from_be_bytes([self.raw[3], self.raw[4]]) as usize;
            if self.raw[1] != 3 {
                return Err(LegacyError::Malformed(format!(
                    "record header {:02x} {:02x} {:02x} is not TLS",
                    self.raw[0], self.raw[1], self.raw[2]
                )));
            }
            if self.raw.len() < 5 + len {
                return Ok(None);
            }
            let payload: Vec<u8> = self.raw.drain(..5 + len).skip(5).collect();
            match kind {
                0x16 => self.handshake.extend_from_slice(&payload),
                0x15 => {
                    let desc = payload.get(1).copied().unwrap_or(0);
                    return Err(LegacyError::Alert(desc));
                }
                other => {
                    return Err(LegacyError::Malformed(format!(
                        "unexpected record type {other} before the Certificate message"
                    )));
                }
            }
        }
    }

    /// Reads the complete handshake messages received so far: the hello once the Certificate (or, for an
    /// anonymous suite, the ServerHelloDone) has come.
    fn messages(&mut self) -> Result<Option<LegacyHello>, LegacyError> {
        while self.handshake.len() >= 4 {
            let kind = self.handshake[0];
            let len = u24(&self.handshake[1..4]);
            if self.handshake.len() < 4 + len {
                break;
            }
            let msg: Vec<u8> = self.handshake.drain(..4 + len).skip(4).collect();
            match kind {
                2 => self.hello = Some(parse_server_hello(&msg)?),
                11 => {
                    let (version, suite) = self.hello.ok_or_else(|| {
                        LegacyError::Malformed("Certificate message before ServerHello".to_owned())
                    })?;
                    return Ok(Some(LegacyHello {
                        version,
                        suite,
                        chain: parse_certificate_list(&msg)?,
                    }));
                }
                14 => {
                    let (version, suite) = self.hello.ok_or_else(|| {
                        LegacyError::Malformed("ServerHelloDone before ServerHello".to_owned())
                    })?;
                    return Ok(Some(LegacyHello {
                        version,
                        suite,
                        chain: Vec::new(),
                    }));
                }
                _ => {}
            }
        }
        Ok(None)
    }
}

fn parse_server_hello(msg: &[u8]) -> Result<(u16, u16), LegacyError> {
    let short = || LegacyError::Malformed("ServerHello too short".to_owned());
    let version = u16::from_be_bytes([
        *msg.first().ok_or_else(short)?,
        *msg.get(1).ok_or_else(short)?,
    ]);
    let sid_len = *msg.get(34).ok_or_else(short)? as usize;
    let at = 35 + sid_len;
    let suite = u16::from_be_bytes([
        *msg.get(at).ok_or_else(short)?,
        *msg.get(at + 1).ok_or_else(short)?,
    ]);
    Ok((version, suite))
}

fn parse_certificate_list(msg: &[u8]) -> Result<Vec<Vec<u8>>, LegacyError> {
    let bad = |what: &str| LegacyError::Malformed(format!("Certificate message: {what}"));
    if msg.len() < 3 {
        return Err(bad("too short"));
    }
    let total = u24(&msg[..3]);
    let list = msg
        .get(3..3 + total)
        .ok_or_else(|| bad("list longer than the message"))?;
    let mut certs = Vec::new();
    let mut at = 0;
    while at < list.len() {
        let len = u24(list
            .get(at..at + 3)
            .ok_or_else(|| bad("truncated length"))?);
        let der = list
            .get(at + 3..at + 3 + len)
            .ok_or_else(|| bad("certificate longer than the list"))?;
        certs.push(der.to_vec());
        at += 3 + len;
    }
    Ok(certs)
}

fn u24(b: &[u8]) -> usize {
    ((b[0] as usize) << 16) | ((b[1] as usize) << 8) | b[2] as usize
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
}

fn with_u16_len(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 2);
    put_u16(&mut out, body.len() as u16);
    out.extend_from_slice(body);
    out
}

fn extension(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    put_u16(out, kind);
    put_u16(out, body.len() as u16);
    out.extend_from_slice(body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_http_answer_gives_the_same_status_line_however_it_is_split() {
        // Found by the legacy_flight fuzz target: a status line cut by the network was quoted cut.
        let answer = b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n";
        for at in 0..answer.len() {
            let pieces = parse_flight([&answer[..at], &answer[at..]]);
            assert_eq!(pieces, parse_flight([&answer[..]]), "split at {at}");
        }
        assert!(matches!(
            parse_flight([&answer[..]]),
            Err(LegacyError::PlainHttp(line)) if line == "HTTP/1.1 400 Bad Request"
        ));
        // No line end at all: the bytes there are, at most HTTP_LINE_MAX of them, split or not.
        let long = [b"HTTP/".as_slice(), &[b'x'; 400]].concat();
        for at in [3, 5, 100, 255, 256, 300] {
            let pieces = parse_flight([&long[..at], &long[at..]]);
            assert_eq!(pieces, parse_flight([&long[..]]), "split at {at}");
        }
        assert!(matches!(
            parse_flight([&b"HTTP/1.0"[..]]),
            Err(LegacyError::PlainHttp(line)) if line == "HTTP/1.0"
        ));
        // "HTTP/" after an (empty) TLS record is no HTTP answer but a bad record header, split or not
        // (the fuzz target's second find).
        let later = [&[0x16, 0x03, 0x00, 0x00, 0x00][..], b"HTTP/1.1 200 OK\r\n"].concat();
        for at in 0..later.len() {
            let pieces = parse_flight([&later[..at], &later[at..]]);
            assert_eq!(pieces, parse_flight([&later[..]]), "split at {at}");
        }
        assert!(matches!(
            parse_flight([&later[..]]),
            Err(LegacyError::Malformed(_))
        ));
    }

    fn record(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut r = vec![kind, 3, 1];
        put_u16(&mut r, payload.len() as u16);
        r.extend_from_slice(payload);
        r
    }

    fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut h = vec![kind];
        put_u24(&mut h, body.len());
        h.extend_from_slice(body);
        h
    }

    fn server_flight() -> Vec<u8> {
        let mut hello = vec![3, 1];
        hello.extend_from_slice(&[7; 32]);
        hello.push(0);
        hello.extend_from_slice(&[0x00, 0x2f, 0]);
        let mut list = Vec::new();
        for der in [&b"leaf"[..], &b"intermediate"[..]] {
            put_u24(&mut list, der.len());
            list.extend_from_slice(der);
        }
        let mut cert = Vec::new();
        put_u24(&mut cert, list.len());
        cert.extend_from_slice(&list);
        let mut hs = handshake(2, &hello);
        hs.extend_from_slice(&handshake(11, &cert));
        // Split the handshake bytes over two records, as servers may.
        let (a, b) = hs.split_at(10);
        let mut out = record(0x16, a);
        out.extend_from_slice(&record(0x16, b));
        out
    }

    #[test]
    fn a_certificate_message_split_over_records_and_reads_is_reassembled() {
        let flight = server_flight();
        let mut reader = Reader::default();
        let mut result = None;
        for chunk in flight.chunks(3) {
            if let Some(done) = reader.feed(chunk).unwrap() {
                result = Some(done);
                break;
            }
        }
        let got = result.unwrap();
        assert_eq!(got.version, 0x0301);
        assert_eq!(suite_name(got.suite), "TLS_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(got.chain, vec![b"leaf".to_vec(), b"intermediate".to_vec()]);
    }

    #[test]
    fn a_flight_parses_the_same_split_anywhere_and_stops_short_without_its_certificate() {
        let flight = server_flight();
        let whole = parse_flight([flight.as_slice()]).unwrap().unwrap();
        for at in 0..flight.len() {
            let (a, b) = flight.split_at(at);
            assert_eq!(parse_flight([a, b]).unwrap().as_ref(), Some(&whole));
        }
        assert_eq!(parse_flight([&flight[..flight.len() - 1]]), Ok(None));
        // Bytes after the Certificate record (found by the fuzzer: they made one piece fail where two
        // pieces succeeded) never change the answer.
        let mut trailing = flight.clone();
        trailing.extend_from_slice(&[6; 20]);
        for at in 0..trailing.len() {
            let (a, b) = trailing.split_at(at);
            assert_eq!(
                parse_flight([a, b]).unwrap().as_ref(),
                Some(&whole),
                "split at {at}"
            );
        }
    }

    #[test]
    fn an_alert_and_plain_http_are_told_apart() {
        let mut reader = Reader::default();
        assert_eq!(
            reader.feed(&record(0x15, &[2, 40])),
            Err(LegacyError::Alert(40))
        );
        let mut reader = Reader::default();
        assert!(matches!(
            reader.feed(b"HTTP/1.1 400 Bad Request\r\n\r\n"),
            Err(LegacyError::PlainHttp(line)) if line == "HTTP/1.1 400 Bad Request"
        ));
    }

    #[test]
    fn the_client_hello_is_a_well_formed_record_with_sni() {
        let hello = client_hello(Some("wiki.example.test"), [0; 32]);
        assert_eq!(&hello[..3], &[0x16, 3, 1]);
        assert_eq!(
            u16::from_be_bytes([hello[3], hello[4]]) as usize,
            hello.len() - 5
        );
        assert_eq!(u24(&hello[6..9]), hello.len() - 9);
        assert!(hello.windows(17).any(|w| w == b"wiki.example.test"));
    }
}
