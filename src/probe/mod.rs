//! Capturing what endpoints serve: the certificate chain in served order, the TLS version, cipher suite,
//! ALPN protocol and stapled OCSP response. Nothing here judges trust (that is `chain::diagnose`); a
//! probe that cannot connect or complete a handshake yields findings on that endpoint, never an error of
//! the run.
//!
//! The path: resolve (or take `--resolve`) → TCP connect → rustls handshake with the capture-only
//! verifier of [`danger`]. When the server chokes on the first ClientHello (reset, EOF, decode alert), the
//! handshake is retried once without the post-quantum key share; when rustls cannot complete a handshake
//! at all and no chain was captured, [`legacy`] reads the chain from a raw TLS ≤ 1.2 ClientHello. A
//! plain-HTTP answer is recognised from the first bytes received.
//!
//! One `ClientConfig` per key-share variant is built once and shared by every probe; concurrency is
//! bounded by a semaphore and every attempt by the timeout.

pub mod danger;
pub mod http;
pub mod jdk_tls;
pub mod legacy;
pub mod stream;
pub mod target;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::ClientConfig;
use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use serde::Serialize;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::cert::Certificate;
use crate::finding::{Code, Finding, Severity};
pub use target::{Resolve, Target, TargetError};

/// The timeout applied when none is given: connect plus handshake, per attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Probes run at once when none is given.
pub const DEFAULT_CONCURRENCY: usize = 64;
/// Most bytes a server may send during one rustls handshake attempt (rustls itself refuses handshake
/// messages over 64 KiB; this bounds everything else).
pub const MAX_HANDSHAKE_BYTES: usize = 512 * 1024;
/// ALPN protocols offered, as a browser or a JVM HTTP client would.
pub const ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];
/// ALPN offered when the connection is kept for HTTP/1.1 requests and WebSocket upgrades.
pub const ALPN_HTTP1: &[&[u8]] = &[b"http/1.1"];
/// Most bytes read on a connection kept open after the handshake (HTTP responses are capped further by
/// their reader).
pub const MAX_CONNECTION_BYTES: usize = 8 * 1024 * 1024;

/// A TLS connection kept open after a probe, for HTTP over the probed connection.
pub type ProbedTls = tokio_rustls::client::TlsStream<stream::Recorder<TcpStream>>;

/// How to probe.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Connect plus handshake, per attempt.
    pub timeout: Duration,
    /// `--resolve` overrides.
    pub resolve: Vec<Resolve>,
    /// The SNI name to send instead of the target host.
    pub sni: Option<String>,
    /// Offer only `http/1.1` in ALPN (connections kept for HTTP/1.1 requests and WebSocket upgrades).
    pub http1_only: bool,
    /// The JVM's `jdk.tls.disabledAlgorithms`: whether a server that only speaks a legacy protocol or
    /// suite is still reachable from the app's JVM (`legacy-tls` is an error when it is not).
    pub jdk_tls_disabled: jdk_tls::TlsDisabled,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            timeout: DEFAULT_TIMEOUT,
            resolve: Vec::new(),
            sni: None,
            http1_only: false,
            jdk_tls_disabled: jdk_tls::TlsDisabled::default(),
        }
    }
}

/// How the chain was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Handshake {
    /// A complete rustls handshake (the server proved it holds the leaf's key).
    Complete,
    /// rustls received the chain but the handshake then failed (e.g. a client certificate was required).
    Incomplete,
    /// Read from the clear-text Certificate message of a legacy (TLS ≤ 1.2) ClientHello; the handshake
    /// was not completed.
    LegacyHello,
}

/// The TLS parameters negotiated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsInfo {
    /// How the chain was obtained.
    pub handshake: Handshake,
    /// Protocol version in the JDK's naming (`TLSv1.3`), when known.
    pub version: Option<String>,
    /// Cipher suite, IANA name, when known.
    pub cipher_suite: Option<String>,
    /// Key exchange group (`X25519MLKEM768`, `secp256r1`), when known.
    pub key_exchange: Option<String>,
    /// The ALPN protocol the server selected.
    pub alpn: Option<String>,
    /// Whether the server stapled an OCSP response.
    pub ocsp_stapled: bool,
    /// Whether the first ClientHello (with a post-quantum key share) failed and a retry without it worked.
    pub retried_without_pq: bool,
}

/// What one endpoint served.
#[derive(Debug, Clone)]
pub struct CapturedChain {
    /// The target as given.
    pub target: Target,
    /// The SNI name sent (`None` for an IP literal without `--sni`).
    pub sni: Option<String>,
    /// The address connected to, once known.
    pub address: Option<SocketAddr>,
    /// The handshake, when one got as far as the server's certificates.
    pub tls: Option<TlsInfo>,
    /// Certificates in served order (leaf first), possibly empty.
    pub chain: Vec<Certificate>,
    /// Connection-level findings (`connect-failed`, `timeout`, `handshake-failed`, `plaintext-http`,
    /// `legacy-tls`).
    pub findings: Vec<Finding>,
    /// The stapled OCSP response (DER), when one was sent.
    pub ocsp: Vec<u8>,
}

/// Probes endpoints with shared TLS configurations.
#[derive(Debug)]
pub struct Prober {
    with_pq: Arc<ClientConfig>,
    without_pq: Arc<ClientConfig>,
    options: ProbeOptions,
    dns: Mutex<HashMap<(String, u16), Lookup>>,
}

/// One DNS lookup shared by every probe of the same host and port (1,000 targets on one name resolve
/// once); failures are shared too, as text.
type Lookup = Arc<tokio::sync::OnceCell<Result<Vec<SocketAddr>, (std::io::ErrorKind, String)>>>;

/// The outcome of one rustls attempt.
enum Attempt {
    Done {
        tls: TlsInfo,
        presented: danger::Presented,
        stream: Option<Box<ProbedTls>>,
    },
    Failed {
        error: std::io::Error,
        presented: Option<danger::Presented>,
        head: Vec<u8>,
    },
    Connect(std::io::Error),
    TimedOut {
        connected: bool,
    },
}

impl Prober {
    /// Builds the shared TLS client configurations.
    pub fn new(options: ProbeOptions) -> Result<Prober, rustls::Error> {
        let base = rustls::crypto::aws_lc_rs::default_provider();
        // Offer the hybrid post-quantum share first, as current browsers do (rustls only does so with
        // its `prefer-post-quantum` feature): a server or middlebox that chokes on it is then noticed.
        let mut kx_groups = rustls::crypto::aws_lc_rs::ALL_KX_GROUPS.to_vec();
        kx_groups.sort_by_key(|g| format!("{:?}", g.name()) != "X25519MLKEM768");
        let full = CryptoProvider {
            cipher_suites: rustls::crypto::aws_lc_rs::ALL_CIPHER_SUITES.to_vec(),
            kx_groups,
            ..base
        };
        let mut classic = full.clone();
        classic
            .kx_groups
            .retain(|g| !format!("{:?}", g.name()).contains("MLKEM"));
        let alpn = if options.http1_only { ALPN_HTTP1 } else { ALPN };
        Ok(Prober {
            with_pq: Arc::new(client_config(full, alpn)?),
            without_pq: Arc::new(client_config(classic, alpn)?),
            options,
            dns: Mutex::new(HashMap::new()),
        })
    }

    /// The options in use.
    pub fn options(&self) -> &ProbeOptions {
        &self.options
    }

    /// Probes every target, at most `concurrency` at once, and returns the captures in input order.
    /// `on_done` is called as each probe finishes (for a progress bar).
    pub async fn probe_all(
        self: &Arc<Self>,
        targets: Vec<Target>,
        concurrency: usize,
        on_done: Arc<dyn Fn(&CapturedChain) + Send + Sync>,
    ) -> Vec<CapturedChain> {
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        let mut slots: Vec<Result<CapturedChain, Target>> = Vec::with_capacity(targets.len());
        for (index, target) in targets.into_iter().enumerate() {
            let prober = Arc::clone(self);
            let permits = Arc::clone(&permits);
            let on_done = Arc::clone(&on_done);
            slots.push(Err(target.clone()));
            tasks.spawn(async move {
                // The semaphore is never closed, so acquiring only fails if it were.
                let _permit = permits.acquire_owned().await.ok();
                let captured = prober.probe(target).await;
                on_done(&captured);
                (index, captured)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            if let Ok((index, captured)) = joined {
                slots[index] = Ok(captured);
            }
        }
        // A probe task that panicked (a bug) still gets its line in the report, in its place.
        slots
            .into_iter()
            .map(|slot| {
                slot.unwrap_or_else(|target| CapturedChain {
                    sni: None,
                    address: None,
                    tls: None,
                    chain: Vec::new(),
                    findings: vec![Finding::new(
                        Code::HandshakeFailed,
                        Severity::Error,
                        format!("the probe of {target} stopped on an internal error"),
                        "run trustpath probe on this target alone; please report the bug",
                    )],
                    ocsp: Vec::new(),
                    target,
                })
            })
            .collect()
    }

    /// Probes one target.
    pub async fn probe(&self, target: Target) -> CapturedChain {
        self.capture(target, None, false).await.0
    }

    /// Probes one target (at `connect` instead of its resolved addresses, when given) and, when a
    /// rustls handshake completed, keeps the connection open for requests over it (reads are then capped
    /// at [`MAX_CONNECTION_BYTES`]).
    pub async fn open(
        &self,
        target: Target,
        connect: Option<SocketAddr>,
    ) -> (CapturedChain, Option<Box<ProbedTls>>) {
        self.capture(target, connect, true).await
    }

    async fn capture(
        &self,
        target: Target,
        connect: Option<SocketAddr>,
        keep: bool,
    ) -> (CapturedChain, Option<Box<ProbedTls>>) {
        let sni = self
            .options
            .sni
            .clone()
            .or_else(|| (!target.is_ip()).then(|| target.host.clone()));
        let mut out = CapturedChain {
            target,
            sni,
            address: None,
            tls: None,
            chain: Vec::new(),
            findings: Vec::new(),
            ocsp: Vec::new(),
        };
        let server_name = match self.server_name(&out) {
            Ok(name) => name,
            Err(finding) => {
                out.findings.push(finding);
                return (out, None);
            }
        };
        let timeout = self.options.timeout;

        // Where to connect.
        let found = match connect {
            Some(addr) => Ok(vec![addr]),
            None => self.addresses(&out.target).await,
        };
        let addrs = match found {
            Ok(addrs) => addrs,
            Err(e) => {
                out.findings.push(Finding::new(
                    Code::ConnectFailed,
                    Severity::Error,
                    format!("cannot resolve {}: {e}", out.target.host),
                    "check the host name, or connect elsewhere with --resolve HOST:PORT:ADDR",
                ));
                return (out, None);
            }
        };

        let first = self
            .attempt(
                &self.with_pq,
                &addrs,
                server_name.clone(),
                &mut out.address,
                keep,
            )
            .await;
        let first = match first {
            Attempt::Failed {
                ref error,
                presented: None,
                ref head,
            } if !is_http(head) && chokes(error) => {
                match self
                    .attempt(
                        &self.without_pq,
                        &addrs,
                        server_name.clone(),
                        &mut out.address,
                        keep,
                    )
                    .await
                {
                    Attempt::Done {
                        mut tls,
                        presented,
                        stream,
                    } => {
                        tls.retried_without_pq = true;
                        Attempt::Done {
                            tls,
                            presented,
                            stream,
                        }
                    }
                    _ => first,
                }
            }
            other => other,
        };

        let mut kept = None;
        match first {
            Attempt::Done {
                tls,
                presented,
                stream,
            } => {
                kept = stream;
                out.tls = Some(TlsInfo {
                    ocsp_stapled: !presented.ocsp.is_empty(),
                    ..tls
                });
                out.chain = certificates(&presented.chain);
                out.ocsp = presented.ocsp;
            }
            Attempt::Connect(e) => {
                let address = out
                    .address
                    .map_or_else(|| out.target.to_string(), |a| a.to_string());
                out.findings.push(Finding::new(
                    Code::ConnectFailed,
                    Severity::Error,
                    format!("cannot connect to {address}: {e}"),
                    "check that the service listens on this address and port and that no firewall blocks it",
                ));
            }
            Attempt::TimedOut { connected } => {
                out.findings.push(timeout_finding(connected, timeout))
            }
            Attempt::Failed {
                error,
                presented: Some(presented),
                ..
            } => {
                out.tls = Some(TlsInfo {
                    handshake: Handshake::Incomplete,
                    version: None,
                    cipher_suite: None,
                    key_exchange: None,
                    alpn: None,
                    ocsp_stapled: !presented.ocsp.is_empty(),
                    retried_without_pq: false,
                });
                out.chain = certificates(&presented.chain);
                out.ocsp = presented.ocsp;
                out.findings.push(Finding::new(
                    Code::HandshakeFailed,
                    Severity::Error,
                    format!(
                        "the TLS handshake failed after the server sent its certificates: {}",
                        describe(&error)
                    ),
                    "if the server requires a client certificate, that is expected; otherwise check the server's TLS configuration and logs",
                ));
            }
            Attempt::Failed {
                error,
                presented: None,
                head,
            } => {
                if is_http(&head) {
                    out.findings.push(plaintext_finding(&out.target, &head));
                } else {
                    self.legacy(&mut out, &addrs, &error).await;
                }
            }
        }
        (out, kept)
    }

    fn server_name(&self, out: &CapturedChain) -> Result<ServerName<'static>, Finding> {
        let text = out.sni.clone().unwrap_or_else(|| out.target.host.clone());
        ServerName::try_from(text.clone()).map_err(|_| {
            Finding::new(
                Code::HandshakeFailed,
                Severity::Error,
                format!("'{text}' is not a DNS name or IP address that can be sent as SNI"),
                "give the host name the certificate is issued for, or set --sni",
            )
        })
    }

    async fn addresses(&self, target: &Target) -> std::io::Result<Vec<SocketAddr>> {
        if let Some(addr) = self
            .options
            .resolve
            .iter()
            .find_map(|r| r.applies_to(target))
        {
            return Ok(vec![addr]);
        }
        if let Ok(ip) = target.host.parse() {
            return Ok(vec![SocketAddr::new(ip, target.port)]);
        }
        let cell = match self.dns.lock() {
            Ok(mut map) => Arc::clone(map.entry((target.host.clone(), target.port)).or_default()),
            Err(_) => Lookup::default(),
        };
        let found = cell
            .get_or_init(|| async {
                let found: Vec<SocketAddr> = tokio::time::timeout(
                    self.options.timeout,
                    tokio::net::lookup_host((target.host.as_str(), target.port)),
                )
                .await
                .map_err(|_| {
                    (
                        std::io::ErrorKind::TimedOut,
                        "DNS lookup timed out".to_owned(),
                    )
                })?
                .map_err(|e| (e.kind(), e.to_string()))?
                .collect();
                if found.is_empty() {
                    return Err((
                        std::io::ErrorKind::NotFound,
                        "the name has no addresses".to_owned(),
                    ));
                }
                Ok(found)
            })
            .await;
        found
            .clone()
            .map_err(|(kind, text)| std::io::Error::new(kind, text))
    }

    /// Connects to the first address that accepts, within the timeout.
    async fn connect(
        addrs: &[SocketAddr],
        chosen: &mut Option<SocketAddr>,
    ) -> std::io::Result<TcpStream> {
        let mut last = None;
        for addr in addrs {
            *chosen = Some(*addr);
            match TcpStream::connect(addr).await {
                Ok(tcp) => {
                    let _ = tcp.set_nodelay(true);
                    return Ok(tcp);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address")))
    }

    async fn attempt(
        &self,
        config: &Arc<ClientConfig>,
        addrs: &[SocketAddr],
        server_name: ServerName<'static>,
        chosen: &mut Option<SocketAddr>,
        keep: bool,
    ) -> Attempt {
        let deadline = tokio::time::Instant::now() + self.options.timeout;
        let tcp = match tokio::time::timeout_at(deadline, Self::connect(addrs, chosen)).await {
            Ok(Ok(tcp)) => tcp,
            Ok(Err(e)) => return Attempt::Connect(e),
            Err(_) => return Attempt::TimedOut { connected: false },
        };
        let (tcp, peek) = stream::Recorder::new(tcp, MAX_HANDSHAKE_BYTES);
        let slot: danger::Slot = Arc::new(Mutex::new(None));
        let connector = tokio_rustls::TlsConnector::from(Arc::clone(config));
        let handshake =
            danger::CAPTURE.scope(Arc::clone(&slot), connector.connect(server_name, tcp));
        let result = tokio::time::timeout_at(deadline, handshake).await;
        let presented = slot.lock().ok().and_then(|mut s| s.take());
        match result {
            Err(_) => Attempt::TimedOut { connected: true },
            Ok(Ok(tls)) => {
                let (_, conn) = tls.get_ref();
                let info = TlsInfo {
                    handshake: Handshake::Complete,
                    version: conn
                        .protocol_version()
                        .map(|v| java_version_name(&format!("{v:?}"))),
                    cipher_suite: conn
                        .negotiated_cipher_suite()
                        .map(|s| iana_suite_name(&format!("{:?}", s.suite()))),
                    key_exchange: conn
                        .negotiated_key_exchange_group()
                        .map(|g| format!("{:?}", g.name())),
                    alpn: conn
                        .alpn_protocol()
                        .map(|p| String::from_utf8_lossy(p).into_owned()),
                    ocsp_stapled: false,
                    retried_without_pq: false,
                };
                match presented {
                    Some(presented) => Attempt::Done {
                        tls: info,
                        presented,
                        stream: keep.then(|| {
                            let mut tls = tls;
                            tls.get_mut().0.set_limit(MAX_CONNECTION_BYTES);
                            Box::new(tls)
                        }),
                    },
                    None => Attempt::Failed {
                        error: std::io::Error::other(
                            "the handshake completed without a server certificate",
                        ),
                        presented: None,
                        head: Vec::new(),
                    },
                }
            }
            Ok(Err(error)) => Attempt::Failed {
                error,
                presented,
                head: peek.lock().map(|p| p.head.clone()).unwrap_or_default(),
            },
        }
    }

    /// The raw TLS ≤ 1.2 fallback; records `legacy-tls` with the chain, or `handshake-failed`.
    async fn legacy(
        &self,
        out: &mut CapturedChain,
        addrs: &[SocketAddr],
        first_error: &std::io::Error,
    ) {
        let mut random = [0u8; 32];
        let _ = rustls::crypto::aws_lc_rs::default_provider()
            .secure_random
            .fill(&mut random);
        let sni = out.sni.clone();
        let work = async {
            let tcp = Self::connect(addrs, &mut out.address)
                .await
                .map_err(|e| legacy::LegacyError::Io(e.to_string()))?;
            let (mut tcp, _) = stream::Recorder::new(tcp, legacy::MAX_READ);
            legacy::exchange(&mut tcp, sni.as_deref(), random).await
        };
        let first = describe(first_error);
        match tokio::time::timeout(self.options.timeout, work).await {
            Ok(Ok(hello)) if !hello.chain.is_empty() => {
                let version = legacy::version_name(hello.version);
                let suite = legacy::suite_name(hello.suite);
                if hello.version == 0x0303 && rustls_accepts(&suite) {
                    // The server is not legacy: rustls failed for another reason (an oversized
                    // Certificate message, say) and only the raw hello got the chain.
                    out.findings.push(Finding::new(
                        Code::HandshakeFailed,
                        Severity::Error,
                        format!("the TLS handshake failed: {first}; the chain was read from a plain TLS 1.2 ClientHello instead ({suite})"),
                        "check the server's TLS configuration: the JVM may fail the same way",
                    ));
                } else {
                    out.findings.push(legacy_finding(
                        &version,
                        &suite,
                        &first,
                        &self.options.jdk_tls_disabled,
                    ));
                }
                out.tls = Some(TlsInfo {
                    handshake: Handshake::LegacyHello,
                    version: Some(version),
                    cipher_suite: Some(suite),
                    key_exchange: None,
                    alpn: None,
                    ocsp_stapled: false,
                    retried_without_pq: false,
                });
                out.chain = certificates(&hello.chain);
            }
            Ok(Err(legacy::LegacyError::PlainHttp(line))) => {
                out.findings
                    .push(plaintext_finding(&out.target, line.as_bytes()));
            }
            other => {
                let legacy_note = match other {
                    Ok(Ok(_)) => {
                        "it sent no certificate to a legacy ClientHello either (anonymous suite)"
                            .to_owned()
                    }
                    Ok(Err(e)) => {
                        format!("a TLS 1.0–1.2 ClientHello offering legacy suites failed too: {e}")
                    }
                    Err(_) => {
                        "a TLS 1.0–1.2 ClientHello offering legacy suites timed out".to_owned()
                    }
                };
                out.findings.push(Finding::new(
                    Code::HandshakeFailed,
                    Severity::Error,
                    format!("the TLS handshake failed: {first}; {legacy_note}"),
                    "check that this port serves TLS and read the server's TLS error log; `openssl s_client -connect HOST:PORT` shows the server's side",
                ));
            }
        }
    }
}

fn client_config(provider: CryptoProvider, alpn: &[&[u8]]) -> Result<ClientConfig, rustls::Error> {
    let verifier = Arc::new(danger::CaptureVerifier::new(&provider));
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    // A resumed session carries no certificates: every probe must see a full handshake.
    config.resumption = Resumption::disabled();
    Ok(config)
}

/// Served DER to certificates; bytes that do not parse are kept (the report names the parse error).
fn certificates(chain: &[Vec<u8>]) -> Vec<Certificate> {
    chain
        .iter()
        .map(|der| {
            Certificate::from_der(der.clone())
                .unwrap_or_else(|_| Certificate::from_der_lazy(der.clone()))
        })
        .collect()
}

/// Whether rustls implements a TLS 1.2 suite (ECDHE with an AEAD cipher).
fn rustls_accepts(suite: &str) -> bool {
    suite.starts_with("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20"))
}

fn is_http(head: &[u8]) -> bool {
    head.starts_with(b"HTTP/")
}

/// Whether a failure looks like a server or middlebox choking on a large ClientHello (worth one retry
/// without the post-quantum key share).
fn chokes(error: &std::io::Error) -> bool {
    use rustls::AlertDescription as A;
    match rustls_error(error) {
        Some(rustls::Error::AlertReceived(a)) => {
            matches!(
                a,
                A::DecodeError
                    | A::IllegalParameter
                    | A::RecordOverflow
                    | A::HandshakeFailure
                    | A::InternalError
            )
        }
        Some(_) => false,
        None => matches!(
            error.kind(),
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::ConnectionAborted
        ),
    }
}

fn rustls_error(error: &std::io::Error) -> Option<&rustls::Error> {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// A one-line description of a handshake failure.
fn describe(error: &std::io::Error) -> String {
    match rustls_error(error) {
        Some(rustls::Error::AlertReceived(a)) => format!("the server sent TLS alert {a:?}"),
        Some(e) => e.to_string(),
        None => match error.kind() {
            std::io::ErrorKind::UnexpectedEof => "the server closed the connection".to_owned(),
            std::io::ErrorKind::ConnectionReset => "the server reset the connection".to_owned(),
            _ => error.to_string(),
        },
    }
}

fn timeout_finding(connected: bool, timeout: Duration) -> Finding {
    let secs = timeout.as_secs_f64();
    let (message, fix) = if connected {
        (
            format!(
                "the TLS handshake did not finish within {secs} s (the server accepted the connection but did not complete the handshake)"
            ),
            "check that this port serves TLS (not a protocol that waits for the client) and that nothing in between holds packets; raise --timeout for slow links",
        )
    } else {
        (
            format!("no TCP connection within {secs} s"),
            "check that the host is reachable and that no firewall drops packets; raise --timeout for slow links",
        )
    };
    Finding::new(Code::Timeout, Severity::Error, message, fix)
}

fn plaintext_finding(target: &Target, head: &[u8]) -> Finding {
    let line = head
        .split(|b| *b == b'\r' || *b == b'\n')
        .next()
        .unwrap_or_default();
    Finding::new(
        Code::PlaintextHttp,
        Severity::Error,
        format!(
            "port {} answered the TLS ClientHello with plain HTTP ({})",
            target.port,
            String::from_utf8_lossy(line)
        ),
        "probe the TLS port instead, or enable TLS on this connector (Tomcat: SSLEnabled=\"true\" with a certificate; nginx: listen … ssl)",
    )
}

fn legacy_finding(
    version: &str,
    suite: &str,
    first: &str,
    disabled: &jdk_tls::TlsDisabled,
) -> Finding {
    let refused = disabled
        .refuses_protocol(version)
        .map(|entry| format!("the JVM's jdk.tls.disabledAlgorithms disables {entry}, so the app's JVM cannot connect"))
        .or_else(|| {
            disabled.refuses_suite(suite).map(|entry| {
                format!("the JVM's jdk.tls.disabledAlgorithms disables {suite} (by its entry {entry}), so the app's JVM cannot connect")
            })
        });
    let (severity, why) = match refused {
        Some(why) => (Severity::Error, why),
        None => (
            Severity::Warning,
            "the JVM's jdk.tls.disabledAlgorithms still allows it, but rustls and browsers refuse RSA key exchange or CBC-only servers and newer JDKs disable more legacy suites".to_owned(),
        ),
    };
    Finding::new(
        Code::LegacyTls,
        severity,
        format!(
            "the server negotiates only {version} with {suite} (offered TLS 1.2 and legacy suites; a modern handshake failed: {first}); {why}"
        ),
        "enable TLS 1.2 and 1.3 with ECDHE and AES-GCM suites (Tomcat: protocols=\"TLSv1.2+TLSv1.3\"; nginx: ssl_protocols TLSv1.2 TLSv1.3; Apache: SSLProtocol -all +TLSv1.2 +TLSv1.3)",
    )
}

/// `TLSv1_3` (rustls' Debug) → `TLSv1.3` (the JDK's name).
fn java_version_name(debug: &str) -> String {
    debug.replace('_', ".")
}

/// `TLS13_AES_128_GCM_SHA256` (rustls) → `TLS_AES_128_GCM_SHA256` (IANA, as the JDK names it).
fn iana_suite_name(debug: &str) -> String {
    match debug.strip_prefix("TLS13_") {
        Some(rest) => format!("TLS_{rest}"),
        None => debug.to_owned(),
    }
}

/// Runs `probe_all` on a fresh multi-threaded runtime (the CLI's entry point).
pub fn probe_blocking(
    prober: Prober,
    targets: Vec<Target>,
    concurrency: usize,
    on_done: Arc<dyn Fn(&CapturedChain) + Send + Sync>,
) -> std::io::Result<Vec<CapturedChain>> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()?;
    let prober = Arc::new(prober);
    Ok(runtime.block_on(prober.probe_all(targets, concurrency, on_done)))
}
