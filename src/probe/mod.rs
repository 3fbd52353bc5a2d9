//! Capturing what endpoints serve: the certificate chain in served order, the TLS version, cipher suite,
//! ALPN protocol and stapled OCSP response. Nothing here judges trust (that is `chain::diagnose`); a
//! probe that cannot connect or complete a handshake yields findings on that endpoint, never an error of
//! the run.
//!
//! One connect path serves every connection trustpath makes, TLS or plain: [`connect`] finds the address
//! (`--resolve`, an IP literal, or DNS through one cache) and opens TCP; then `handshake` runs a rustls
//! handshake with the capture-only verifier of [`danger`]. When the server chokes on the first
//! ClientHello (reset, EOF, decode alert), the handshake is retried once without the post-quantum key
//! share; when rustls cannot complete a handshake at all and no chain was captured, [`legacy`] reads the
//! chain from a raw TLS ≤ 1.2 ClientHello. A plain-HTTP answer is recognised from the first bytes
//! received. [`Prober::open`] keeps the connection for HTTP ([`http`]) and says, as a [`Failure`], at
//! which [`Stage`] it could not be opened.
//!
//! One `ClientConfig` per key-share variant is built once and shared by every probe; concurrency is
//! bounded by a semaphore and every attempt by the timeout.

pub mod aia;
pub mod banner;
pub mod client_cert;
pub mod connect;
pub mod danger;
pub mod failure;
pub mod findings;
mod handshake;
pub mod http;
pub mod jdk_tls;
pub mod legacy;
pub mod proxy;
pub mod starttls;
pub mod stream;
pub mod target;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::cert::Certificate;
use crate::finding::{Code, Finding, Severity};
pub use client_cert::ClientIdentity;
pub use connect::{BoxIo, Dialer, Io, Transport};
pub use danger::AfterAuth;
pub use failure::{Failure, Stage};
use handshake::{Attempt, certificates, chokes, client_config, describe, is_plain, key_mismatch};
pub use proxy::Proxy;
pub use starttls::Protocol;
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
    /// The HTTP proxy HTTPS targets are tunnelled through (`CONNECT`), unless `no_proxy` excepts them.
    pub proxy: Option<Proxy>,
    /// The client certificate presented when a server asks for one (`--client-cert`).
    pub client_cert: Option<Arc<ClientIdentity>>,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            timeout: DEFAULT_TIMEOUT,
            resolve: Vec::new(),
            sni: None,
            http1_only: false,
            jdk_tls_disabled: jdk_tls::TlsDisabled::default(),
            proxy: None,
            client_cert: None,
        }
    }
}

/// How the chain was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The STARTTLS exchange that upgraded the connection before the handshake, when it started in clear.
    pub starttls: Option<Protocol>,
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
    /// Issuers fetched from the caIssuers URLs of the chain (`--fetch-aia`, see [`aia`]).
    pub fetched: Vec<crate::chain::Fetched>,
    /// How long the probe took, from the first connection attempt to the capture (retries included;
    /// waiting for a concurrency slot excluded).
    pub elapsed: Option<Duration>,
}

impl CapturedChain {
    /// A capture of `target` with nothing in it yet.
    pub fn new(target: Target, sni: Option<String>) -> CapturedChain {
        CapturedChain {
            target,
            sni,
            address: None,
            tls: None,
            chain: Vec::new(),
            findings: Vec::new(),
            ocsp: Vec::new(),
            fetched: Vec::new(),
            elapsed: None,
        }
    }
}

/// An endpoint opened for requests: what was captured on the way, and the connection or why there is
/// none.
pub struct Opened {
    /// The capture (for a plain connection: the address and any connection finding).
    pub capture: CapturedChain,
    /// The connection, ready for HTTP, or the stage at which opening it failed.
    pub stream: Result<BoxIo, Failure>,
}

/// Probes endpoints with shared TLS configurations.
#[derive(Debug)]
pub struct Prober {
    with_pq: Arc<ClientConfig>,
    without_pq: Arc<ClientConfig>,
    /// The same without ALPN, for mail, directory and database targets.
    plain_with_pq: Arc<ClientConfig>,
    plain_without_pq: Arc<ClientConfig>,
    options: ProbeOptions,
    dialer: Dialer,
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
        let id = || options.client_cert.clone();
        Ok(Prober {
            plain_with_pq: Arc::new(client_config(full.clone(), &[], id())?),
            plain_without_pq: Arc::new(client_config(classic.clone(), &[], id())?),
            with_pq: Arc::new(client_config(full, alpn, id())?),
            without_pq: Arc::new(client_config(classic, alpn, id())?),
            dialer: Dialer::new(options.resolve.clone(), options.timeout),
            options,
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
                slot.unwrap_or_else(|target| {
                    let message = format!("the probe of {target} stopped on an internal error");
                    let mut capture = CapturedChain::new(target, None);
                    capture.findings.push(Finding::new(
                        Code::HandshakeFailed,
                        Severity::Error,
                        message,
                        "run trustpath probe on this target alone; please report the bug",
                    ));
                    capture
                })
            })
            .collect()
    }

    /// Probes one target.
    pub async fn probe(&self, target: Target) -> CapturedChain {
        let start = Instant::now();
        let mut captured = self.capture(target, None, false).await.0;
        captured.elapsed = Some(start.elapsed());
        captured
    }

    /// Opens one target for requests (at `connect` instead of its resolved addresses, when given): with
    /// [`Transport::Tls`] the chain is captured on the way and the connection kept when a rustls
    /// handshake completed; with [`Transport::Plain`] the TCP connection is the stream. Reads are capped
    /// at [`MAX_CONNECTION_BYTES`].
    pub async fn open(
        &self,
        target: Target,
        connect: Option<SocketAddr>,
        transport: Transport,
    ) -> Opened {
        let start = Instant::now();
        let mut opened = match transport {
            Transport::Tls => {
                let (capture, stream) = self.capture(target, connect, true).await;
                let stream = stream.and_then(|kept| {
                    kept.map(|s| s as BoxIo).ok_or_else(|| {
                        Failure::failed(Stage::Tls, "the TLS handshake did not complete")
                    })
                });
                Opened { capture, stream }
            }
            Transport::Plain => self.open_plain(target, connect).await,
        };
        opened.capture.elapsed = Some(start.elapsed());
        opened
    }

    /// A plain TCP connection, recorded as a capture without a chain.
    async fn open_plain(&self, target: Target, connect: Option<SocketAddr>) -> Opened {
        let mut capture = CapturedChain::new(target, None);
        let timeout = self.options.timeout;
        let addrs = match self.dialer.addresses(&capture.target, connect).await {
            Ok(addrs) => addrs,
            Err(e) => {
                let finding = findings::resolve_failed(&capture.target, &e);
                return failed(capture, finding, Stage::Connect);
            }
        };
        match tokio::time::timeout(timeout, Dialer::tcp(&addrs, &mut capture.address)).await {
            Ok(Ok(tcp)) => {
                let (tcp, _) = stream::Recorder::new(tcp, MAX_CONNECTION_BYTES);
                Opened {
                    capture,
                    stream: Ok(Box::new(tcp)),
                }
            }
            Ok(Err(e)) => {
                let finding = findings::connect_failed(&capture.target, capture.address, &e);
                failed(capture, finding, Stage::Connect)
            }
            Err(_) => {
                capture
                    .findings
                    .push(findings::timeout_finding(false, timeout));
                Opened {
                    capture,
                    stream: Err(Failure::Timeout {
                        stage: Stage::Connect,
                        after: timeout,
                    }),
                }
            }
        }
    }

    /// The TLS capture: resolve, attempt a handshake (retried without the post-quantum share when the
    /// server chokes on it), else the legacy hello. With `keep`, a completed handshake's connection is
    /// returned; any failure is also returned as the [`Stage`] that failed.
    async fn capture(
        &self,
        target: Target,
        connect: Option<SocketAddr>,
        keep: bool,
    ) -> (CapturedChain, Result<Option<Box<ProbedTls>>, Failure>) {
        let sni = self
            .options
            .sni
            .clone()
            .or_else(|| (!target.is_ip()).then(|| target.host.clone()));
        let mut out = CapturedChain::new(target, sni);
        let server_name = match self.server_name(&out) {
            Ok(name) => name,
            Err(finding) => return split(failed(out, finding, Stage::Tls)),
        };
        let timeout = self.options.timeout;
        // Through a proxy, TCP goes to the proxy, which resolves the target itself.
        let via = match self.proxy_for(&out.target) {
            Some(p) => Target::new(p.to_string(), p.host.clone(), p.port),
            None => out.target.clone(),
        };
        let connect = if self.proxy_for(&out.target).is_some() {
            None
        } else {
            connect
        };
        let addrs = match self.dialer.addresses(&via, connect).await {
            Ok(addrs) => addrs,
            Err(e) => {
                let finding = findings::resolve_failed(&via, &e);
                return split(failed(out, finding, Stage::Connect));
            }
        };

        let (with_pq, without_pq) = if out.target.protocol.is_some() {
            (&self.plain_with_pq, &self.plain_without_pq)
        } else {
            (&self.with_pq, &self.without_pq)
        };
        let first = self
            .attempt(
                with_pq,
                &addrs,
                server_name.clone(),
                &mut out.address,
                keep,
                &out.target,
            )
            .await;
        let first = match first {
            Attempt::Failed {
                ref error,
                presented: None,
                ref head,
                ..
            } if !is_plain(head) && chokes(error) => {
                match self
                    .attempt(
                        without_pq,
                        &addrs,
                        server_name.clone(),
                        &mut out.address,
                        keep,
                        &out.target,
                    )
                    .await
                {
                    Attempt::Done {
                        mut tls,
                        presented,
                        stream,
                        client_auth,
                    } => {
                        tls.retried_without_pq = true;
                        Attempt::Done {
                            tls,
                            presented,
                            stream,
                            client_auth,
                        }
                    }
                    _ => first,
                }
            }
            other => other,
        };

        let stage = match first {
            Attempt::Done {
                tls,
                presented,
                stream,
                client_auth,
            } => {
                out.tls = Some(TlsInfo {
                    ocsp_stapled: !presented.ocsp.is_empty(),
                    ..tls
                });
                out.chain = certificates(&presented.chain);
                out.ocsp = presented.ocsp;
                if let Some((request, after)) = client_auth {
                    let identity = self.options.client_cert.as_deref();
                    out.findings
                        .extend(findings::client_auth(&request, &after, identity));
                }
                return (out, Ok(stream));
            }
            Attempt::Connect(e) => {
                let finding = findings::connect_failed(&out.target, out.address, &e);
                out.findings.push(finding);
                Stage::Connect
            }
            Attempt::NotUpgraded(finding, stage) => {
                out.findings.push(finding);
                stage
            }
            Attempt::UpgradeTimedOut(protocol) => {
                out.findings
                    .push(findings::starttls_timeout(protocol, timeout));
                return (
                    out,
                    Err(Failure::Timeout {
                        stage: Stage::StartTls,
                        after: timeout,
                    }),
                );
            }
            Attempt::TimedOut { connected } => {
                out.findings
                    .push(findings::timeout_finding(connected, timeout));
                let stage = if connected {
                    Stage::Tls
                } else {
                    Stage::Connect
                };
                return (
                    out,
                    Err(Failure::Timeout {
                        stage,
                        after: timeout,
                    }),
                );
            }
            Attempt::Failed {
                error,
                presented: Some(presented),
                client_auth,
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
                    starttls: out.target.starttls,
                });
                out.chain = certificates(&presented.chain);
                out.ocsp = presented.ocsp;
                let leaf = out
                    .chain
                    .first()
                    .and_then(|c| c.try_info().ok())
                    .map_or_else(
                        || "an unreadable certificate".to_owned(),
                        |i| i.subject.clone(),
                    );
                match client_auth {
                    _ if key_mismatch(&error) => out
                        .findings
                        .push(findings::served_key_mismatch(&leaf, &describe(&error))),
                    Some(request) => {
                        let after = AfterAuth::Refused(describe(&error));
                        let identity = self.options.client_cert.as_deref();
                        out.findings
                            .extend(findings::client_auth(&request, &after, identity));
                    }
                    None => out.findings.push(Finding::new(
                        Code::HandshakeFailed,
                        Severity::Error,
                        format!(
                            "the TLS handshake failed after the server sent its certificates: {}",
                            describe(&error)
                        ),
                        "if the server requires a client certificate, that is expected; otherwise check the server's TLS configuration and logs",
                    )),
                }
                Stage::Tls
            }
            Attempt::Failed {
                error,
                presented: None,
                head,
                ..
            } => {
                if let Some(plain) = banner::classify(&head) {
                    out.findings
                        .push(findings::not_tls_finding(&out.target, &plain));
                } else {
                    self.legacy(&mut out, &addrs, &error).await;
                }
                Stage::Tls
            }
        };
        let message = out.findings.first().map_or_else(
            || "the TLS handshake did not complete".to_owned(),
            |f| f.message.clone(),
        );
        (out, Err(Failure::failed(stage, message)))
    }

    /// The proxy `target` is tunnelled through, when one applies.
    pub(crate) fn proxy_for(&self, target: &Target) -> Option<&Proxy> {
        self.options.proxy.as_ref().filter(|p| p.applies_to(target))
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
}

/// A capture that failed at `stage` with `finding`, whose message the failure repeats.
fn failed(mut capture: CapturedChain, finding: Finding, stage: Stage) -> Opened {
    let failure = Failure::failed(stage, finding.message.clone());
    capture.findings.push(finding);
    Opened {
        capture,
        stream: Err(failure),
    }
}

/// An [`Opened`] failure as the capture's own return value.
fn split(opened: Opened) -> (CapturedChain, Result<Option<Box<ProbedTls>>, Failure>) {
    (opened.capture, opened.stream.map(|_| None))
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
