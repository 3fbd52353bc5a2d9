//! The HTTP `CONNECT` proxy step of the connect path: a tunnel through a corporate proxy to an HTTPS
//! target, as the JVM opens one for `https.proxyHost`/`https.proxyPort` and curl for `https_proxy`. The
//! proxy comes from `--proxy http://HOST[:PORT]` or, as curl reads them, from `https_proxy` (then
//! `HTTPS_PROXY`) with `no_proxy` (`NO_PROXY`) exceptions. Credentials (`user:password`) come from the
//! URL, an environment variable or a file and are sent as `Proxy-Authorization: Basic`; they are never
//! printed (`Debug` and every message show the proxy as `host:port`).
//!
//! Only HTTP-family targets are tunnelled: the JVM's mail, directory and database clients do not use
//! `https.proxyHost`, so `smtp://`, `ldap://`, `postgres://` and their TLS forms connect directly.

use std::fmt;

use base64::Engine;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::target::Target;

/// The port of a proxy URL without one (curl's default).
pub const DEFAULT_PROXY_PORT: u16 = 1080;
/// Most bytes of a proxy's answer to `CONNECT` (status line and headers).
pub const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// An HTTP proxy for `CONNECT` tunnels.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy's host (a name or an IP literal without brackets).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// `Basic …` for `Proxy-Authorization`, when credentials were given. Never printed.
    authorization: Option<String>,
    /// Hosts reached directly.
    pub no_proxy: NoProxy,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "credentials",
                &self.authorization.as_ref().map(|_| "(hidden)"),
            )
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl fmt::Display for Proxy {
    /// `host:port`, never the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl Proxy {
    /// Parses `http://[user:password@]HOST[:PORT]` (or `HOST[:PORT]`, as curl takes it);
    /// `credentials` (`user:password`, from an environment variable or a file) take precedence over the
    /// URL's. Errors never repeat a password.
    pub fn parse(text: &str, credentials: Option<&str>) -> Result<Proxy, String> {
        let with_scheme = if text.contains("://") {
            text.trim().to_owned()
        } else {
            format!("http://{}", text.trim())
        };
        let url = url::Url::parse(&with_scheme)
            .map_err(|e| format!("the proxy '{}' is not a URL: {e}", redacted(text)))?;
        if url.scheme() != "http" {
            return Err(format!(
                "the proxy '{}' must be an http:// proxy (trustpath tunnels with CONNECT over plain HTTP, as the JVM does)",
                redacted(text)
            ));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(format!("the proxy '{}' has no host", redacted(text))),
        };
        let from_url = (!url.username().is_empty()).then(|| {
            let user = percent_decode(url.username());
            let pass = percent_decode(url.password().unwrap_or_default());
            format!("{user}:{pass}")
        });
        let credentials = credentials.map(str::to_owned).or(from_url);
        Ok(Proxy {
            host,
            port: url.port().unwrap_or(DEFAULT_PROXY_PORT),
            authorization: credentials.map(|c| {
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD
                        .encode(c.trim_end_matches(['\r', '\n']))
                )
            }),
            no_proxy: NoProxy::default(),
        })
    }

    /// The proxy curl would use for HTTPS: `https_proxy`, else `HTTPS_PROXY`, with `no_proxy` (else
    /// `NO_PROXY`); `None` when neither is set (or is empty). `var` reads the environment.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Option<Result<Proxy, String>> {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let url = set("https_proxy").or_else(|| set("HTTPS_PROXY"))?;
        Some(Proxy::parse(&url, None).map(|mut p| {
            p.no_proxy = NoProxy::parse(
                &set("no_proxy")
                    .or_else(|| set("NO_PROXY"))
                    .unwrap_or_default(),
            );
            p
        }))
    }

    /// Whether `target` is reached through this proxy: an HTTP-family target not excepted by
    /// `no_proxy`.
    pub fn applies_to(&self, target: &Target) -> bool {
        target.protocol.is_none() && !self.no_proxy.matches(&target.host)
    }

    /// Whether credentials are sent.
    pub fn has_credentials(&self) -> bool {
        self.authorization.is_some()
    }
}

/// `no_proxy` as curl reads it: comma-separated names, each matching itself and its subdomains (a
/// leading dot is ignored), IP literals matching exactly, `*` matching everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy(Vec<String>);

impl NoProxy {
    /// Parses the list.
    pub fn parse(text: &str) -> NoProxy {
        NoProxy(
            text.split(',')
                .map(|e| {
                    e.trim()
                        .trim_start_matches('.')
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .to_ascii_lowercase()
                })
                .filter(|e| !e.is_empty())
                .collect(),
        )
    }

    /// Whether `host` is reached directly.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.0.iter().any(|entry| {
            entry == "*"
                || host == *entry
                || (host.len() > entry.len()
                    && host.ends_with(entry.as_str())
                    && host.as_bytes()[host.len() - entry.len() - 1] == b'.')
        })
    }
}

/// Why a tunnel was not opened.
#[derive(Debug)]
pub enum TunnelError {
    /// The proxy answered with another status than 2xx; its status line, quoted.
    Refused(String),
    /// The exchange broke off or the answer is not HTTP.
    Broken(String),
}

/// Asks the proxy on `stream` for a tunnel to `target` (`CONNECT host:port HTTP/1.1`); on success the
/// stream is the tunnel.
pub async fn tunnel<S>(stream: &mut S, target: &Target, proxy: &Proxy) -> Result<(), TunnelError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let authority = target.to_string();
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(auth) = &proxy.authorization {
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("\r\n");
    let broken = |e: std::io::Error| TunnelError::Broken(e.to_string());
    stream.write_all(request.as_bytes()).await.map_err(broken)?;
    stream.flush().await.map_err(broken)?;
    // Read the answer a byte at a time up to the blank line: nothing of the tunnel may be consumed.
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") && !answer.ends_with(b"\n\n") {
        let n = stream.read(&mut byte).await.map_err(broken)?;
        if n == 0 {
            return Err(TunnelError::Broken(if answer.is_empty() {
                "the proxy closed the connection without an answer".to_owned()
            } else {
                format!(
                    "the proxy closed the connection after: {}",
                    status_line(&answer)
                )
            }));
        }
        answer.push(byte[0]);
        if answer.len() > MAX_ANSWER_BYTES {
            return Err(TunnelError::Broken(format!(
                "the proxy's answer is longer than {MAX_ANSWER_BYTES} bytes"
            )));
        }
    }
    let line = status_line(&answer);
    let status = line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse::<u16>().ok());
    match status {
        Some(200..=299) => Ok(()),
        Some(_) => Err(TunnelError::Refused(line)),
        None => Err(TunnelError::Broken(format!(
            "the answer is not HTTP: {line}"
        ))),
    }
}

/// The first line of an answer, printable, at most 200 characters.
fn status_line(answer: &[u8]) -> String {
    let line = answer
        .split(|b| *b == b'\r' || *b == b'\n')
        .next()
        .unwrap_or_default();
    String::from_utf8_lossy(line)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect()
}

/// A proxy text with any `user:password@` replaced, for messages.
fn redacted(text: &str) -> String {
    match text.rsplit_once('@') {
        Some((before, after)) => {
            let scheme = before.split_once("://").map_or("", |(s, _)| s);
            if scheme.is_empty() {
                format!("***@{after}")
            } else {
                format!("{scheme}://***@{after}")
            }
        }
        None => text.to_owned(),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_parse_as_curl_takes_them_and_never_show_credentials() {
        let p = Proxy::parse("http://alice:s%40cret@proxy.corp.test:3128", None).unwrap();
        assert_eq!((p.host.as_str(), p.port), ("proxy.corp.test", 3128));
        assert_eq!(
            p.authorization.as_deref(),
            Some("Basic YWxpY2U6c0BjcmV0") // alice:s@cret
        );
        assert!(!format!("{p:?}{p}").contains("cret"));
        assert_eq!(p.to_string(), "proxy.corp.test:3128");
        assert_eq!(Proxy::parse("proxy.test", None).unwrap().port, 1080);
        let e = Proxy::parse("https://bob:hunter2@p.test:443", None).unwrap_err();
        assert!(
            !e.contains("hunter2") && e.contains("must be an http://"),
            "{e}"
        );
        let given = Proxy::parse("http://p.test:8080", Some("carol:pw")).unwrap();
        assert!(given.has_credentials());
    }

    #[test]
    fn no_proxy_matches_names_their_subdomains_ips_and_star_as_curl_does() {
        let n = NoProxy::parse(" .corp.test, localhost,10.0.0.5,[::1]");
        assert!(n.matches("corp.test"));
        assert!(n.matches("wiki.corp.test"));
        assert!(!n.matches("notcorp.test"));
        assert!(n.matches("LOCALHOST"));
        assert!(n.matches("10.0.0.5"));
        assert!(!n.matches("10.0.0.50"));
        assert!(n.matches("::1"));
        assert!(NoProxy::parse("*").matches("anything.test"));
        assert!(!NoProxy::parse("").matches("a.test"));
    }

    #[test]
    fn the_environment_is_read_lower_case_first() {
        let env = |name: &str| match name {
            "https_proxy" => Some("http://lower.test:1".to_owned()),
            "HTTPS_PROXY" => Some("http://upper.test:2".to_owned()),
            "NO_PROXY" => Some("direct.test".to_owned()),
            _ => None,
        };
        let p = Proxy::from_env(env).unwrap().unwrap();
        assert_eq!(p.host, "lower.test");
        assert!(p.no_proxy.matches("direct.test"));
        assert!(Proxy::from_env(|_| None).is_none());
    }

    #[tokio::test]
    async fn a_refused_connect_quotes_the_status_line_and_a_200_opens_the_tunnel() {
        let target = Target::parse("https://wiki.test:8443").unwrap();
        let proxy = Proxy::parse("http://p.test:3128", Some("u:p")).unwrap();
        for (answer, ok) in [
            (&b"HTTP/1.1 200 Connection established\r\n\r\n"[..], true),
            (
                &b"HTTP/1.0 403 Access violation\r\nServer: x\r\n\r\n"[..],
                false,
            ),
        ] {
            let (mut client, mut server) = tokio::io::duplex(4096);
            let answer = answer.to_vec();
            let srv = tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = server.read(&mut buf).await.unwrap();
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                server.write_all(&answer).await.unwrap();
                request
            });
            let result = tunnel(&mut client, &target, &proxy).await;
            let request = srv.await.unwrap();
            assert!(request.starts_with("CONNECT wiki.test:8443 HTTP/1.1\r\n"));
            assert!(request.contains("Proxy-Authorization: Basic dTpw\r\n"));
            match result {
                Ok(()) => assert!(ok),
                Err(TunnelError::Refused(line)) => {
                    assert!(!ok);
                    assert_eq!(line, "HTTP/1.0 403 Access violation");
                }
                Err(TunnelError::Broken(e)) => panic!("{e}"),
            }
        }
    }
}
