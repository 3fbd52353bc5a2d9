//! What to probe: parsing `host`, `host:port`, `https://host[:port][/path]`, `wss://…`, the mail,
//! directory and database schemes (`smtp://`, `smtps://`, `imap://`, `imaps://`, `pop3://`, `pop3s://`,
//! `ldap://`, `ldaps://`, `postgres://`: the plain ones upgraded with STARTTLS), IPv4 and `[IPv6]:port`
//! targets, target files with `#` comments, and curl-style `--resolve HOST:PORT:ADDR` overrides.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use super::starttls::Protocol;
use crate::endpoint_url::EndpointUrl;

/// The port probed when a target names none.
pub const DEFAULT_PORT: u16 = 443;

/// One endpoint to probe, as the user wrote it and as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The text as given (reported back verbatim).
    pub input: String,
    /// Host name or IP literal (without brackets), lower-cased when it is a name.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The application protocol when it is not HTTP (mail, directory, database): no ALPN is offered,
    /// as the JVM's clients for these protocols (JavaMail, JNDI, JDBC) offer none.
    pub protocol: Option<Protocol>,
    /// The STARTTLS exchange spoken before the TLS handshake, when the connection starts in clear (then
    /// equal to `protocol`).
    pub starttls: Option<Protocol>,
}

/// Why a target or `--resolve` value does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The text was empty.
    #[error("empty target")]
    Empty,
    /// A scheme trustpath does not probe.
    #[error(
        "target '{input}': unsupported scheme '{scheme}' (use https://, wss://, smtp://, smtps://, imap://, imaps://, pop3://, pop3s://, ldap://, ldaps://, postgres:// or host:port)"
    )]
    Scheme {
        /// The target.
        input: String,
        /// Its scheme.
        scheme: String,
    },
    /// The port is not a number from 1 to 65535.
    #[error("target '{input}': port '{port}' is not a number from 1 to 65535")]
    Port {
        /// The target.
        input: String,
        /// The port text.
        port: String,
    },
    /// A line of a targets file is longer than any target.
    #[error("line {line}: {len} bytes is longer than a target can be ({MAX_TARGET_LEN} bytes)")]
    TooLong {
        /// The 1-based line.
        line: usize,
        /// Its length.
        len: usize,
    },
    /// A line of a targets file is not a target.
    #[error("line {line}: {error}")]
    InLine {
        /// The 1-based line.
        line: usize,
        /// Why.
        error: Box<TargetError>,
    },
    /// Something else is wrong with the host part.
    #[error("target '{input}': {reason}")]
    Host {
        /// The target.
        input: String,
        /// What is wrong.
        reason: String,
    },
    /// A `--resolve` value not of the form `HOST:PORT:ADDR`.
    #[error(
        "--resolve '{0}': expected HOST:PORT:ADDR, as curl takes it (e.g. wiki.example.test:443:127.0.0.1)"
    )]
    Resolve(String),
    /// `--starttls` given for a target whose scheme already says how TLS starts.
    #[error(
        "target '{input}': --starttls {starttls} conflicts with its scheme (give host:port with --starttls, or the URL alone)"
    )]
    StartTlsConflict {
        /// The target.
        input: String,
        /// The protocol `--starttls` named.
        starttls: &'static str,
    },
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl Target {
    /// Parses one target.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        Target::parse_with(input, None)
    }

    /// Parses one target; with `starttls` (`--starttls PROTO`), a target without a scheme is upgraded
    /// with that protocol and its port defaults to the protocol's, and a URL is refused.
    pub fn parse_with(input: &str, starttls: Option<Protocol>) -> Result<Target, TargetError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(TargetError::Empty);
        }
        let (rest, scheme_port, protocol, upgrade) = match text.split_once("://") {
            Some((scheme, rest)) => {
                let Some((port, protocol, upgrade)) = scheme_defaults(scheme) else {
                    return Err(TargetError::Scheme {
                        input: text.to_owned(),
                        scheme: scheme.to_owned(),
                    });
                };
                if let Some(given) = starttls {
                    return Err(TargetError::StartTlsConflict {
                        input: text.to_owned(),
                        starttls: given.name(),
                    });
                }
                (rest, port, protocol, upgrade.then_some(protocol).flatten())
            }
            None => (
                text,
                starttls.map_or(DEFAULT_PORT, Protocol::default_port),
                starttls,
                starttls,
            ),
        };
        // Authority ends at the first '/', '?' or '#'.
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        // Drop any user info.
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        let (host, port) = split_host_port(text, authority, scheme_port)?;
        Ok(Target {
            input: text.to_owned(),
            host,
            port,
            protocol,
            starttls: upgrade,
        })
    }

    /// A target for `host:port` over TLS from the first byte, `input` as given.
    pub fn new(input: impl Into<String>, host: impl Into<String>, port: u16) -> Target {
        Target {
            input: input.into(),
            host: host.into(),
            port,
            protocol: None,
            starttls: None,
        }
    }

    /// Whether the host is an IP literal (no SNI is sent, and the name check is against IP SANs).
    pub fn is_ip(&self) -> bool {
        self.host.parse::<IpAddr>().is_ok()
    }
}

impl From<&EndpointUrl> for Target {
    /// The host and port of a URL, the URL as the input.
    fn from(url: &EndpointUrl) -> Target {
        Target {
            input: url.text.clone(),
            host: url.host.clone(),
            port: url.port,
            protocol: None,
            starttls: None,
        }
    }
}

/// A target scheme's default port, its application protocol when not HTTP, and whether it starts in
/// clear and upgrades with STARTTLS; `None` for a scheme trustpath does not probe.
fn scheme_defaults(scheme: &str) -> Option<(u16, Option<Protocol>, bool)> {
    let lower = scheme.to_ascii_lowercase();
    Some(match lower.as_str() {
        "https" | "wss" | "tls" => (DEFAULT_PORT, None, false),
        "smtps" => (465, Some(Protocol::Smtp), false),
        "imaps" => (993, Some(Protocol::Imap), false),
        "pop3s" => (995, Some(Protocol::Pop3), false),
        "ldaps" => (636, Some(Protocol::Ldap), false),
        other => {
            let upgrade = Protocol::parse(other)?;
            (upgrade.default_port(), Some(upgrade), true)
        }
    })
}

/// Splits `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 literal.
fn split_host_port(
    input: &str,
    authority: &str,
    default_port: u16,
) -> Result<(String, u16), TargetError> {
    let host_err = |reason: &str| TargetError::Host {
        input: input.to_owned(),
        reason: reason.to_owned(),
    };
    let parse_port = |p: &str| -> Result<u16, TargetError> {
        match p.parse::<u16>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(TargetError::Port {
                input: input.to_owned(),
                port: p.to_owned(),
            }),
        }
    };
    if let Some(inner) = authority.strip_prefix('[') {
        let (addr, after) = inner
            .split_once(']')
            .ok_or_else(|| host_err("'[' without a closing ']'"))?;
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(host_err("the text in brackets is not an IPv6 address"));
        }
        let port = match after.strip_prefix(':') {
            Some(p) => parse_port(p)?,
            None if after.is_empty() => default_port,
            None => return Err(host_err("unexpected text after ']'")),
        };
        return Ok((addr.to_owned(), port));
    }
    if authority.matches(':').count() > 1 {
        // A bare IPv6 literal (no port can be given without brackets).
        if authority.parse::<std::net::Ipv6Addr>().is_ok() {
            return Ok((authority.to_owned(), default_port));
        }
        return Err(host_err(
            "an IPv6 address with a port must be written [ADDR]:PORT",
        ));
    }
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, parse_port(p)?),
        None => (authority, default_port),
    };
    if host.is_empty() {
        return Err(host_err("no host name"));
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(host_err("the host name contains white space"));
    }
    Ok((host.trim_end_matches('.').to_ascii_lowercase(), port))
}

/// Longest target a targets file may hold on one line (no endpoint's URL comes close).
pub const MAX_TARGET_LEN: usize = 2048;

/// Reads a targets file: one target per line; blank lines and text after `#` are ignored. Errors name the
/// line.
pub fn parse_list(text: &str) -> Result<Vec<Target>, TargetError> {
    parse_list_with(text, None)
}

/// Reads a targets file as [`parse_list`], each line parsed with `--starttls` as
/// [`Target::parse_with`] does.
pub fn parse_list_with(text: &str, starttls: Option<Protocol>) -> Result<Vec<Target>, TargetError> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.split('#').next().unwrap_or_default().trim()))
        .filter(|(_, line)| !line.is_empty())
        .map(|(n, line)| {
            if line.len() > MAX_TARGET_LEN {
                return Err(TargetError::TooLong {
                    line: n,
                    len: line.len(),
                });
            }
            Target::parse_with(line, starttls).map_err(|e| TargetError::InLine {
                line: n,
                error: Box::new(e),
            })
        })
        .collect()
}

/// A curl-style `--resolve HOST:PORT:ADDR`: connect to ADDR when probing HOST:PORT, while SNI and the name
/// check still use HOST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolve {
    /// The host name, lower-cased.
    pub host: String,
    /// The port.
    pub port: u16,
    /// Where to connect instead.
    pub addr: IpAddr,
}

impl Resolve {
    /// Parses `HOST:PORT:ADDR`; ADDR may be an IPv6 literal, bracketed or not.
    pub fn parse(text: &str) -> Result<Resolve, TargetError> {
        let err = || TargetError::Resolve(text.to_owned());
        let (host, rest) = text.split_once(':').ok_or_else(err)?;
        let (port, addr) = rest.split_once(':').ok_or_else(err)?;
        let port: u16 = port.parse().map_err(|_| err())?;
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        let addr: IpAddr = addr.parse().map_err(|_| err())?;
        if host.is_empty() {
            return Err(err());
        }
        Ok(Resolve {
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            port,
            addr,
        })
    }

    /// The socket address to use for `target`, when this override applies to it.
    pub fn applies_to(&self, target: &Target) -> Option<SocketAddr> {
        (self.host == target.host && self.port == target.port)
            .then(|| SocketAddr::new(self.addr, self.port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hp(s: &str) -> (String, u16) {
        let t = Target::parse(s).unwrap();
        (t.host, t.port)
    }

    #[test]
    fn every_documented_target_form_parses_to_host_and_port() {
        assert_eq!(hp("example.test"), ("example.test".into(), 443));
        assert_eq!(hp("Example.TEST:8443"), ("example.test".into(), 8443));
        assert_eq!(
            hp("https://wiki.example.test/confluence"),
            ("wiki.example.test".into(), 443)
        );
        assert_eq!(
            hp("https://wiki.example.test:8443/x?y#z"),
            ("wiki.example.test".into(), 8443)
        );
        assert_eq!(
            hp("wss://collab.example.test/synchrony"),
            ("collab.example.test".into(), 443)
        );
        assert_eq!(hp("10.0.0.1:8443"), ("10.0.0.1".into(), 8443));
        assert_eq!(hp("[::1]:8443"), ("::1".into(), 8443));
        assert_eq!(hp("[::1]"), ("::1".into(), 443));
        assert_eq!(hp("::1"), ("::1".into(), 443));
        assert_eq!(hp("https://user@host.test"), ("host.test".into(), 443));
    }

    #[test]
    fn mail_directory_and_database_schemes_take_their_ports_and_upgrades() {
        let t = |s: &str| {
            let t = Target::parse(s).unwrap();
            (t.port, t.starttls.map(Protocol::name))
        };
        assert_eq!(t("smtp://mx.test"), (25, Some("smtp")));
        assert_eq!(t("smtp://mx.test:587"), (587, Some("smtp")));
        assert_eq!(t("SMTPS://mx.test"), (465, None));
        assert_eq!(t("imap://mx.test"), (143, Some("imap")));
        assert_eq!(t("imaps://mx.test"), (993, None));
        assert_eq!(t("pop3://mx.test"), (110, Some("pop3")));
        assert_eq!(t("pop3s://mx.test"), (995, None));
        assert_eq!(t("ldap://dc1.test"), (389, Some("ldap")));
        assert_eq!(t("ldaps://dc1.test"), (636, None));
        assert_eq!(t("postgres://db.test/confluence"), (5432, Some("postgres")));
        assert_eq!(t("postgresql://db.test:6432"), (6432, Some("postgres")));
        let with = Target::parse_with("mx.test", Some(Protocol::Smtp)).unwrap();
        assert_eq!((with.port, with.starttls), (25, Some(Protocol::Smtp)));
        let with = Target::parse_with("mx.test:587", Some(Protocol::Smtp)).unwrap();
        assert_eq!(with.port, 587);
        assert!(matches!(
            Target::parse_with("smtps://mx.test", Some(Protocol::Smtp)),
            Err(TargetError::StartTlsConflict { .. })
        ));
    }

    #[test]
    fn bad_targets_are_refused_with_the_reason() {
        assert!(matches!(
            Target::parse("http://x"),
            Err(TargetError::Scheme { .. })
        ));
        assert!(matches!(
            Target::parse("x:0"),
            Err(TargetError::Port { .. })
        ));
        assert!(matches!(
            Target::parse("x:99999"),
            Err(TargetError::Port { .. })
        ));
        assert!(matches!(
            Target::parse("wiki.example.test:443:1"),
            Err(TargetError::Host { .. })
        ));
        assert!(matches!(Target::parse("  "), Err(TargetError::Empty)));
    }

    #[test]
    fn target_files_skip_comments_and_blank_lines_and_keep_order() {
        let list = parse_list("# proxies\nb.test\n\n  a.test:8443 # app\n#c.test\n").unwrap();
        let hosts: Vec<_> = list.iter().map(|t| t.to_string()).collect();
        assert_eq!(hosts, ["b.test:443", "a.test:8443"]);
    }

    #[test]
    fn resolve_takes_curl_syntax_including_ipv6() {
        let r = Resolve::parse("wiki.example.test:443:127.0.0.1").unwrap();
        let t = Target::parse("https://wiki.example.test").unwrap();
        assert_eq!(r.applies_to(&t), Some("127.0.0.1:443".parse().unwrap()));
        let r6 = Resolve::parse("h:8443:[::1]").unwrap();
        assert_eq!(r6.addr, "::1".parse::<IpAddr>().unwrap());
        assert!(Resolve::parse("h:443").is_err());
        assert!(Resolve::parse("h:x:1.2.3.4").is_err());
    }
}
