//! The proxy-neutral view of nginx `server`s and Apache `<VirtualHost>`s: a [`Front`] is one listener
//! (names, port, TLS or not, the certificate files it serves) with its [`Route`]s (a path proxied to a
//! backend, with or without WebSocket upgrade support). Discovery, the certificate checks and the
//! proxy-vs-Tomcat checks work on fronts so that they treat nginx and Apache alike.

use std::path::{Path, PathBuf};

use super::Configs;
use super::apache::{ApacheConfig, VirtualHost};
use super::loader::{Located, Source};
use super::nginx::{Location, NginxConfig, Server};

/// Which proxy a front comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    /// nginx.
    Nginx,
    /// Apache httpd.
    Apache,
}

impl ProxyKind {
    /// The directives that name the certificate (the leaf first), the chain (none in nginx: its
    /// certificate file holds the fullchain) and the private key.
    pub fn certificate_directives(self) -> [&'static str; 3] {
        match self {
            ProxyKind::Nginx => ["ssl_certificate", "", "ssl_certificate_key"],
            ProxyKind::Apache => [
                "SSLCertificateFile",
                "SSLCertificateChainFile",
                "SSLCertificateKeyFile",
            ],
        }
    }
}

/// The certificate files a TLS listener serves, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFiles {
    /// The directory relative paths are taken from (nginx: its configuration's directory; Apache:
    /// `ServerRoot`).
    pub base: PathBuf,
    /// The certificate file (nginx: the fullchain).
    pub certificate: Located<String>,
    /// A separate chain file (Apache's `SSLCertificateChainFile`).
    pub chain: Option<Located<String>>,
    /// The private key file (Apache allows the key in the certificate file).
    pub key: Option<Located<String>>,
}

/// One listener of a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Front {
    /// nginx or Apache.
    pub kind: ProxyKind,
    /// Where the server block or VirtualHost starts.
    pub source: Source,
    /// Where the listen (or VirtualHost address) is written.
    pub listen_source: Source,
    /// `server wiki.example.test:443` / `VirtualHost wiki.example.test:443`.
    pub subject: String,
    /// Host names, lower-cased (no catch-alls, wildcards or regexes).
    pub names: Vec<String>,
    /// The listen address, when one is given.
    pub address: Option<String>,
    /// The port.
    pub port: u16,
    /// Whether the listener terminates TLS.
    pub tls: bool,
    /// The certificate files it serves (`None` also for a TLS listener that names none).
    pub certificate: Option<CertificateFiles>,
    /// Proxied paths.
    pub routes: Vec<Route>,
    /// Redirects the listener answers with itself.
    pub redirects: Vec<FrontRedirect>,
}

impl Front {
    /// The IP address it is bound to, when it listens on one address only.
    pub fn bound_ip(&self) -> Option<&str> {
        self.address.as_deref().filter(|a| {
            a.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| !ip.is_unspecified())
        })
    }
}

/// A redirect a front answers with, and where it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontRedirect {
    /// The redirect as written.
    pub rule: super::Redirect,
    /// Where it sends, when the target is an absolute `http(s)://` URL.
    pub to: Option<RedirectTarget>,
}

/// The origin a redirect sends to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectTarget {
    /// `http` or `https`.
    pub scheme: String,
    /// The host, lower-cased; `None` when it is the name requested (`$host`, `$server_name`,
    /// `%{HTTP_HOST}`, `%{SERVER_NAME}`).
    pub host: Option<String>,
    /// The port (the scheme's default when not written).
    pub port: u16,
}

/// Where a redirect's target sends: `https://login.example.test:8443/…`, `https://$host$request_uri`,
/// `https://%{SERVER_NAME}/$1`; `None` for a relative target or a scheme held in a variable.
pub fn redirect_target(target: &str) -> Option<RedirectTarget> {
    let (scheme, rest) = target.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let variable = [
        "$host",
        "$server_name",
        "$http_host",
        "%{http_host}",
        "%{server_name}",
    ]
    .iter()
    .find(|v| rest.to_ascii_lowercase().starts_with(*v));
    if let Some(v) = variable {
        let after = &rest[v.len()..];
        let port = after
            .strip_prefix(':')
            .map(|p| {
                p.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|p| p.parse().ok())
            .unwrap_or(default);
        return Some(RedirectTarget {
            scheme,
            host: None,
            port,
        });
    }
    let end = rest.find(['/', '?', '$', '%']).unwrap_or(rest.len());
    let (host, port) = split_host_port(&rest[..end], default)?;
    (!host.is_empty() && port != 0).then_some(RedirectTarget {
        scheme,
        host: Some(host),
        port,
    })
}

fn front_redirects(rules: &[super::Redirect]) -> Vec<FrontRedirect> {
    rules
        .iter()
        .map(|rule| FrontRedirect {
            rule: rule.clone(),
            to: redirect_target(&rule.target),
        })
        .collect()
}

/// A path the front proxies to a backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Where the proxying is configured.
    pub source: Source,
    /// The local path (`/`, `/synchrony`); a regex location keeps its regex.
    pub path: String,
    /// Whether `path` is a regex rather than a prefix.
    pub regex: bool,
    /// The backend, when the target parses.
    pub upstream: Option<Target>,
    /// The target as written.
    pub target: String,
    /// Whether WebSocket upgrades are passed on (nginx: HTTP/1.1 + Upgrade + Connection headers;
    /// Apache: a `ws://` ProxyPass, `upgrade=websocket`, or a `ws://` `[P]` rewrite guarded by an
    /// Upgrade condition).
    pub websocket: bool,
    /// Whether the path or backend looks like a real-time-collaboration service (Synchrony, an RTC
    /// port, a WebSocket path).
    pub rtc: bool,
    /// Whether the client's address is passed on in `X-Forwarded-For` (nginx: a
    /// `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;` or `$remote_addr` in effect in the
    /// location; Apache: always, unless `ProxyAddHeaders Off`).
    pub forwards_client: bool,
}

impl Route {
    /// Whether this is Synchrony (Confluence's collaborative editing service).
    pub fn synchrony(&self) -> bool {
        self.path.to_ascii_lowercase().contains("synchrony")
            || self
                .upstream
                .as_ref()
                .is_some_and(|u| u.path.contains("synchrony"))
    }
}

/// A backend address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// `http`, `https`, `ws` or `wss`.
    pub scheme: String,
    /// Host or IP, lower-cased.
    pub host: String,
    /// Port (the scheme's default when not written).
    pub port: u16,
    /// The path written after the authority (empty when none; stops at `$` or `%{`).
    pub path: String,
    /// The nginx `upstream` block it went through.
    pub via: Option<String>,
}

impl Target {
    /// The HTTP scheme for a WebSocket one (`ws` → `http`, `wss` → `https`).
    pub fn http_scheme(&self) -> &'static str {
        match self.scheme.as_str() {
            "https" | "wss" => "https",
            _ => "http",
        }
    }

    /// Whether the host is a loopback name or address.
    pub fn loopback(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "::1") || self.host.starts_with("127.")
    }
}

/// Parses `scheme://host[:port][/path]`, tolerating variables after the authority.
pub fn parse_target(text: &str) -> Option<Target> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        _ => return None,
    };
    let end = rest.find(['/', '%', '$']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let path = path.split(['$', '%']).next().unwrap_or("").to_owned();
    let (host, port) = split_host_port(authority, default)?;
    if host.is_empty() {
        return None;
    }
    Some(Target {
        scheme,
        host,
        port,
        path,
        via: None,
    })
}

/// `host:port`, `[v6]:port`, `host` → (host, port).
pub fn split_host_port(authority: &str, default: u16) -> Option<(String, u16)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None => default,
        };
        return Some((h.to_ascii_lowercase(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Some((h.to_ascii_lowercase(), p.parse().ok()?)),
        None => Some((authority.to_ascii_lowercase(), default)),
    }
}

/// Whether a path or name suggests WebSocket / real-time-collaboration traffic: it mentions Synchrony,
/// a WebSocket or collaboration, or has a word `ws`, `rtc`, `socket` or `sockjs` (`/ws/`,
/// `confluence_rtc`, `/socket.io/`; not `/wsdl`).
pub fn rtc_like(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["synchrony", "websocket", "collab"]
        .iter()
        .any(|k| t.contains(k))
        || t.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "ws" | "rtc" | "socket" | "sockjs"))
}

/// Every front of the configurations: nginx servers (one per listen), then Apache VirtualHosts.
pub fn fronts(configs: &Configs) -> Vec<Front> {
    let mut out = Vec::new();
    if let Some(n) = &configs.nginx {
        for s in &n.servers {
            out.extend(nginx_fronts(n, s));
        }
    }
    if let Some(a) = &configs.apache {
        for v in &a.vhosts {
            out.push(apache_front(v, a));
        }
    }
    out
}

/// Whether an nginx location passes WebSocket upgrades on.
pub fn nginx_websocket(l: &Location) -> bool {
    let version = l.http_version.as_ref().is_some_and(|v| v.value == "1.1");
    let upgrade = l.header("Upgrade").is_some_and(|h| {
        let v = h.value.1.to_ascii_lowercase();
        v.contains("$http_upgrade") || v.contains("websocket")
    });
    let connection = l
        .header("Connection")
        .is_some_and(|h| h.value.1.to_ascii_lowercase().contains("upgrade"));
    version && upgrade && connection
}

/// Whether mod_proxy adds `X-Forwarded-For` to what `v` proxies (it does unless `ProxyAddHeaders Off`).
fn apache_forwards_client(v: &VirtualHost) -> bool {
    !v.proxy_add_headers
        .as_ref()
        .is_some_and(|h| h.value.eq_ignore_ascii_case("off"))
}

/// The fronts of one nginx `server`, one per `listen`.
pub fn nginx_fronts(config: &NginxConfig, server: &Server) -> Vec<Front> {
    let base = config.file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let certificate = server
        .ssl_certificate
        .clone()
        .map(|certificate| CertificateFiles {
            base,
            certificate,
            chain: None,
            key: server.ssl_certificate_key.clone(),
        });
    let routes: Vec<Route> = server
        .locations
        .iter()
        .filter_map(|l| {
            let pass = l.proxy_pass.as_ref()?;
            let mut upstream = parse_target(&pass.value);
            if let Some(u) = upstream.as_mut()
                && let Some(block) = config.upstreams.iter().find(|b| b.name == u.host)
                && let Some(first) = block.servers.first()
                && let Some((host, port)) = split_host_port(first, 80)
            {
                u.via = Some(block.name.clone());
                u.host = host;
                u.port = port;
            }
            let rtc = rtc_like(&l.path)
                || upstream.as_ref().is_some_and(|u| {
                    u.port == 8091 || u.via.as_deref().is_some_and(rtc_like) || rtc_like(&u.path)
                });
            Some(Route {
                source: l.source.clone(),
                path: l.path.clone(),
                regex: l.modifier.as_deref().is_some_and(|m| m.starts_with('~')),
                upstream,
                target: pass.value.clone(),
                websocket: nginx_websocket(l),
                rtc,
                forwards_client: l.header("X-Forwarded-For").is_some_and(|h| {
                    let v = h.value.1.to_ascii_lowercase();
                    v.contains("$proxy_add_x_forwarded_for") || v.contains("$remote_addr")
                }),
            })
        })
        .collect();
    server
        .listens
        .iter()
        .map(|l| Front {
            kind: ProxyKind::Nginx,
            source: server.source.clone(),
            listen_source: l.source.clone(),
            subject: format!(
                "server {}:{}",
                server.host_names().first().map_or("_", String::as_str),
                l.port
            ),
            names: server.host_names(),
            address: l.address.clone(),
            port: l.port,
            tls: l.ssl,
            certificate: certificate.clone(),
            routes: routes.clone(),
            redirects: front_redirects(&server.redirects),
        })
        .collect()
}

/// The path a rewrite applies to: its `<Location>`, else the literal prefix of its pattern.
pub fn rewrite_path(location: Option<&str>, pattern: &str) -> String {
    super::front_path(location, pattern)
}

/// Whether a rule written for `rule` (a ProxyPass path, a Location) applies to requests under `path`.
fn covers(rule: &str, path: &str) -> bool {
    let rule = rule.trim_end_matches('/');
    rule.is_empty() || path.trim_end_matches('/').starts_with(rule)
}

/// Whether an Apache VirtualHost passes WebSocket upgrades on for `path`.
pub fn apache_websocket(v: &VirtualHost, path: &str) -> bool {
    let by_proxy = v.proxy_passes.iter().any(|p| {
        !p.reverse
            && covers(&p.path, path)
            && (p.url.to_ascii_lowercase().starts_with("ws")
                || p.param("upgrade")
                    .is_some_and(|u| u.eq_ignore_ascii_case("websocket")))
    });
    let by_rewrite = v.websocket_rewrites().any(|r| {
        r.checks_upgrade()
            && (covers(&rewrite_path(r.location.as_deref(), &r.pattern), path)
                || (!path.trim_end_matches('/').is_empty()
                    && r.target.contains(path.trim_end_matches('/'))))
    });
    by_proxy || by_rewrite
}

/// The front of one Apache `<VirtualHost>` of `config` (relative paths are taken from its `ServerRoot`;
/// a `*` address is the one `Listen` binds its port to, when it binds one).
pub fn apache_front(v: &VirtualHost, config: &ApacheConfig) -> Front {
    let server_root = &config.server_root;
    let mut routes: Vec<Route> = Vec::new();
    for p in v.proxy_passes.iter().filter(|p| !p.reverse && p.url != "!") {
        let upstream = parse_target(&p.url);
        let ws_url = p.url.to_ascii_lowercase().starts_with("ws");
        let rtc = rtc_like(&p.path)
            || ws_url
            || upstream
                .as_ref()
                .is_some_and(|u| u.port == 8091 || rtc_like(&u.path));
        routes.push(Route {
            source: p.source.clone(),
            path: p.path.clone(),
            regex: false,
            upstream,
            target: p.url.clone(),
            websocket: apache_websocket(v, &p.path),
            rtc,
            forwards_client: apache_forwards_client(v),
        });
    }
    for r in v.rewrites.iter().filter(|r| r.proxied()) {
        let path = rewrite_path(r.location.as_deref(), &r.pattern);
        if routes.iter().any(|x| x.path == path) {
            continue;
        }
        let upstream = parse_target(&r.target);
        routes.push(Route {
            source: r.source.clone(),
            rtc: rtc_like(&path) || r.websocket_target(),
            websocket: apache_websocket(v, &path),
            path,
            regex: false,
            upstream,
            target: r.target.clone(),
            forwards_client: apache_forwards_client(v),
        });
    }
    let address = v
        .addresses
        .first()
        .map(|(h, _)| h.clone())
        .filter(|h| h != "*" && h != "_default_")
        .or_else(|| config.bound_address(v.port()).map(str::to_owned));
    Front {
        kind: ProxyKind::Apache,
        source: v.source.clone(),
        listen_source: v.source.clone(),
        subject: v.subject(),
        names: v.names(),
        address,
        port: v.port(),
        tls: v.ssl_engine,
        certificate: v
            .certificate_file
            .clone()
            .map(|certificate| CertificateFiles {
                base: server_root.to_path_buf(),
                certificate,
                chain: v.chain_file.clone(),
                key: v.key_file.clone(),
            }),
        routes,
        redirects: front_redirects(&v.redirects),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_with_variables_and_defaults() {
        let t = parse_target("ws://127.0.0.1:8091%{REQUEST_URI}").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8091, "")
        );
        let t = parse_target("https://App.Example.test/confluence/").unwrap();
        assert_eq!((t.port, t.path.as_str()), (443, "/confluence/"));
        let t = parse_target("http://[::1]:8090").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 8090));
        assert!(parse_target("unix:/run/app.sock").is_none());
    }

    #[test]
    fn rtc_paths_are_recognised_by_word() {
        for yes in [
            "/synchrony",
            "/ws/",
            "confluence_rtc",
            "/socket.io/",
            "/Collaboration",
        ] {
            assert!(rtc_like(yes), "{yes}");
        }
        for no in ["/", "/wsdl", "/rest/api", "/rtcp-stats"] {
            assert!(!rtc_like(no), "{no}");
        }
    }

    #[test]
    fn redirect_targets_name_their_origin_or_the_name_requested() {
        let t = redirect_target("https://Login.lab.test:8443/login?target=/synchrony/$1").unwrap();
        assert_eq!(
            (t.scheme.as_str(), t.host.as_deref(), t.port),
            ("https", Some("login.lab.test"), 8443)
        );
        let t = redirect_target("https://$host$request_uri").unwrap();
        assert_eq!((t.host, t.port), (None, 443));
        let t = redirect_target("https://%{SERVER_NAME}:8443/$1").unwrap();
        assert_eq!((t.host, t.port), (None, 8443));
        let t = redirect_target("http://wiki.test").unwrap();
        assert_eq!((t.host.as_deref(), t.port), (Some("wiki.test"), 80));
        assert!(redirect_target("/login.action").is_none());
        assert!(redirect_target("$scheme://$host/").is_none());
    }

    #[test]
    fn rewrite_paths_come_from_the_location_or_the_pattern_prefix() {
        assert_eq!(rewrite_path(Some("/synchrony"), ".*"), "/synchrony");
        assert_eq!(rewrite_path(None, "^/synchrony/(.*)"), "/synchrony/");
        assert_eq!(rewrite_path(None, ".*"), "/");
    }
}
