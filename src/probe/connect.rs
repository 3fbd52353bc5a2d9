//! The connect step every connection trustpath makes starts with: where to connect (an address the
//! caller gives, a `--resolve` override, an IP literal, or DNS through one cache per run, so that 1,000
//! targets on one name resolve once), then TCP to the first address that accepts.
//!
//! A connection is built in layers on the stream this step returns: connect, then an optional protocol
//! preamble, then TLS (the capture of [`super::Prober`]) or plain. The STARTTLS exchanges of
//! [`super::starttls`] (SMTP, IMAP, POP3, LDAP, PostgreSQL) are such a preamble, on the [`TcpStream`]
//! between [`Dialer::tcp`] and the TLS handshake, with their own [`super::Stage`]; a tunnel through a
//! proxy (HTTP `CONNECT`) would be one more.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::target::{Resolve, Target};

/// A stream HTTP can be spoken over (TCP, TLS, or a test's in-memory pipe).
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// An open stream, boxed.
pub type BoxIo = Box<dyn Io>;

/// What is spoken on the connection once TCP is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A TLS handshake (its chain captured), then the application protocol.
    Tls,
    /// The application protocol in clear (`http://`, `ws://`).
    Plain,
}

/// One DNS lookup shared by every connection to the same host and port; failures are shared too, as
/// text.
type Lookup = Arc<tokio::sync::OnceCell<Result<Vec<SocketAddr>, (std::io::ErrorKind, String)>>>;

/// Resolves and connects, with `--resolve` overrides and one DNS cache.
#[derive(Debug)]
pub struct Dialer {
    resolve: Vec<Resolve>,
    timeout: Duration,
    dns: Mutex<HashMap<(String, u16), Lookup>>,
}

impl Dialer {
    /// A dialer honouring `resolve` overrides, each DNS lookup bounded by `timeout`.
    pub fn new(resolve: Vec<Resolve>, timeout: Duration) -> Dialer {
        Dialer {
            resolve,
            timeout,
            dns: Mutex::new(HashMap::new()),
        }
    }

    /// Where to connect for `target`: `connect` when given, else a `--resolve` override, an IP literal,
    /// or the addresses DNS gives (looked up once per host and port).
    pub async fn addresses(
        &self,
        target: &Target,
        connect: Option<SocketAddr>,
    ) -> std::io::Result<Vec<SocketAddr>> {
        if let Some(addr) =
            connect.or_else(|| self.resolve.iter().find_map(|r| r.applies_to(target)))
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
                    self.timeout,
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

    /// Connects to the first of `addrs` that accepts; `chosen` is the address tried last. Unbounded in
    /// time: the caller's deadline bounds it.
    pub async fn tcp(
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
}
