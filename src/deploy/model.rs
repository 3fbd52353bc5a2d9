//! The deployment file: named endpoints with roles, the app JVM's truststore, the public names, session
//! cookies, the server configuration files to check offline, and per-endpoint HTTP expectations.
//!
//! Parsing is pure (text in, [`Deployment`] out); relative paths are resolved against a base directory
//! the caller gives (the file's directory). Every error names the file and, for syntax and type errors,
//! the line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::ConfigFiles;
pub use crate::endpoint_url::{EndpointUrl, Scheme};
use crate::probe::{Proxy, Target};

/// Session cookies checked on every deployment, besides those the file names.
pub const DEFAULT_SESSION_COOKIES: &[&str] = &[
    "JSESSIONID",
    "JSESSIONIDSSO",
    "crowd.token_key",
    "seraph.rememberme.cookie",
];

/// Crowd's single-sign-on cookie, checked on every deployment.
pub const SSO_COOKIE: &str = "crowd.token_key";

/// Most redirects followed from one request.
pub const MAX_REDIRECTS: usize = 10;

/// What an endpoint is in the deployment.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Role {
    /// The application's public base URL (what users and the app itself call).
    App,
    /// The reverse proxy, when checked apart from the base URL (another port or name).
    Proxy,
    /// The real-time-collaboration service (Synchrony, an RTC service) as users reach it.
    Rtc,
    /// Another WebSocket endpoint as users reach it.
    Websocket,
    /// An application node reached directly, behind the proxy (e.g. `http://127.0.0.1:8090`).
    Node,
    /// The authentication proxy or login host.
    Auth,
    /// The app's own connection out to its LDAP or Active Directory user directory (`ldaps://` or
    /// `ldap://`, upgraded with StartTLS as JNDI's `StartTlsRequest` does).
    Ldap,
    /// The app's own connection out to a mail server (`smtp://` with STARTTLS, `smtps://`, `imap://`,
    /// `imaps://`, `pop3://`, `pop3s://`).
    Mail,
    /// The app's own connection out to its database (`postgres://`, TLS after the SSLRequest).
    Db,
    /// Another connection the app makes out (`https://` through `[jvm] proxy` when one is set, or
    /// `http://`).
    Outbound,
}

impl Role {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether users' browsers reach this endpoint (everything but a node behind the proxy and the
    /// app's outbound connections).
    pub fn public(self) -> bool {
        !matches!(self, Role::Node) && !self.outbound()
    }

    /// Whether the role is one of the app's own outbound connections (judged with the app JVM's
    /// truststore and reported in their own section).
    pub fn outbound(self) -> bool {
        matches!(self, Role::Ldap | Role::Mail | Role::Db | Role::Outbound)
    }

    /// The URL schemes an outbound role takes, for messages.
    fn schemes(self) -> &'static str {
        match self {
            Role::Ldap => "ldaps:// or ldap:// (StartTLS)",
            Role::Mail => {
                "smtp:// (STARTTLS), smtps://, imap:// (STARTTLS), imaps://, pop3:// (STLS) or pop3s://"
            }
            Role::Db => "postgres:// (TLS after the SSLRequest)",
            _ => "https:// or http://",
        }
    }

    /// Whether the endpoint carries WebSockets by its role.
    pub fn websocket(self) -> bool {
        matches!(self, Role::Rtc | Role::Websocket)
    }
}

/// The product the app is, when the file names it: it adds the product's own diagnostics to `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Product {
    /// Confluence: the Synchrony interop requests and `synchrony.service.url`.
    Confluence,
    /// Jira: the RTC checks (its add-on's default port is 9093); it has no Synchrony, so `[synchrony]`
    /// is refused.
    Jira,
}

/// `[synchrony]`: how the app itself reaches Synchrony.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SynchronySpec {
    /// The app JVM's `-Dsynchrony.service.url` (`http://127.0.0.1:8091/synchrony/v1`): probed, and
    /// judged with the app JVM's truststore, as the app's own connection to Synchrony.
    pub service_url: Option<String>,
}

/// The name of the outbound connection `check` adds for `[synchrony] service_url`.
pub const SYNCHRONY_SERVICE: &str = "synchrony-service";

/// The deployment file as written (every field optional where the format allows).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    /// A label for the report.
    pub name: Option<String>,
    /// The product (`confluence`, `jira`).
    pub product: Option<Product>,
    /// How the app reaches Synchrony.
    pub synchrony: Option<SynchronySpec>,
    /// The names users type (`wiki.example.com`); each must be covered by what the public endpoints serve.
    #[serde(default)]
    pub public_names: Vec<String>,
    /// More session cookie names to check (JSESSIONID, JSESSIONIDSSO, crowd.token_key and
    /// seraph.rememberme.cookie always are).
    #[serde(default)]
    pub session_cookies: Vec<String>,
    /// Single-sign-on cookies whose `Domain` must cover every host that uses them (`crowd.token_key`
    /// always is one).
    #[serde(default)]
    pub sso_cookies: Vec<String>,
    /// The app JVM's truststore.
    pub jvm: Option<JvmSpec>,
    /// Server configuration files checked offline.
    pub configs: Option<ConfigFiles>,
    /// The endpoints, `[[endpoint]]` tables.
    #[serde(default, rename = "endpoint")]
    pub endpoints: Vec<EndpointSpec>,
}

/// `[jvm]`: which truststore the app's JVM uses.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct JvmSpec {
    /// The truststore file (`-Djavax.net.ssl.trustStore`), JKS, JCEKS, PKCS#12 or PEM.
    pub truststore: Option<PathBuf>,
    /// The app's Java home: its `lib/security/cacerts` (or `jre/lib/security/cacerts`) and java.security.
    pub java_home: Option<PathBuf>,
    /// The truststore password (default `changeit`; not needed for certificates in most stores).
    pub storepass: Option<String>,
    /// An environment variable holding the password.
    pub storepass_env: Option<String>,
    /// The JVM's `https.proxyHost:https.proxyPort` (`proxy.corp:3128`): the app's outbound `https://`
    /// connections are tunnelled through it with `CONNECT`, as the JVM's `HttpsURLConnection` does.
    pub proxy: Option<String>,
    /// The JVM's `http.nonProxyHosts` (`*.corp|10.*`): hosts reached directly. As in the JVM, loopback
    /// (`localhost|127.*|[::1]|0.0.0.0|[::0]`) is added to a non-empty list and is the default; an empty
    /// string excepts nothing.
    pub non_proxy_hosts: Option<String>,
    /// The JVM's `-Dcom.sun.security.enableAIAcaIssuers=true`: it fetches an issuer a server does not
    /// send from the certificate's caIssuers URL, when `com.sun.security.allowedAIALocations` allows the
    /// URL. `check` then fetches such issuers for every endpoint and outbound connection and judges them
    /// as that JVM does (`aia-fetched`).
    #[serde(default)]
    pub enable_aia: bool,
    /// The JVM's `-Dcom.sun.security.allowedAIALocations` (space-separated URL prefixes, or `any`), when
    /// set as a system property; without it, the value of the JVM's `java.security`. Only with
    /// `enable_aia = true`.
    pub aia_locations: Option<String>,
}

/// One `[[endpoint]]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// A unique name for the report.
    pub name: String,
    /// What it is.
    pub role: Role,
    /// `https://host[:port][/path]`, `http://…`, `wss://…` or `ws://…`.
    pub url: String,
    /// Connect to this address (`ADDR` or `ADDR:PORT`) instead of resolving the host; SNI, `Host` and the
    /// name check still use the URL's host.
    pub connect: Option<String>,
    /// A path to open a WebSocket on (defaults to the URL's path for `ws://`/`wss://` URLs).
    pub websocket: Option<String>,
    /// HTTP requests to make and what to expect.
    #[serde(default)]
    pub http: Vec<HttpSpec>,
}

/// One `[[endpoint.http]]`: a GET and its expectations.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {
    /// The path (and query) to GET; defaults to the URL's path.
    pub path: Option<String>,
    /// The status expected after redirects are followed (when `follow_redirects`), else of the response.
    pub expect_status: Option<u16>,
    /// Text the final body must contain.
    pub expect_body: Option<String>,
    /// Extra request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Follow redirects (default true; at most [`MAX_REDIRECTS`]).
    pub follow_redirects: Option<bool>,
}

/// A deployment, checked and with paths resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// A label for the report.
    pub name: String,
    /// The product, when named.
    pub product: Option<Product>,
    /// `[synchrony] service_url`, parsed.
    pub synchrony_service: Option<EndpointUrl>,
    /// Public names, lower-cased.
    pub public_names: Vec<String>,
    /// Session cookie names (defaults first), matched case-sensitively as browsers do.
    pub session_cookies: Vec<String>,
    /// Single-sign-on cookie names (`crowd.token_key` first).
    pub sso_cookies: Vec<String>,
    /// The app JVM's truststore, paths resolved.
    pub jvm: JvmSpec,
    /// Configuration files, paths resolved.
    pub configs: ConfigFiles,
    /// Endpoints, in file order (without the outbound connections).
    pub endpoints: Vec<Endpoint>,
    /// The app's own outbound connections (`[[endpoint]]` with role `ldap`, `mail`, `db` or
    /// `outbound`, then `[synchrony] service_url`), in file order.
    pub outbound: Vec<Outbound>,
    /// `[jvm] proxy`, parsed, with the hosts it does not apply to.
    pub proxy: Option<JvmProxy>,
}

/// One of the app's own outbound connections, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    /// Unique name.
    pub name: String,
    /// `ldap`, `mail`, `db` or `outbound`.
    pub role: Role,
    /// The URL as written.
    pub url: String,
    /// What is probed (with its STARTTLS exchange, when the URL starts in clear).
    pub target: Target,
    /// Whether the connection runs TLS (false for an `http://` URL: only reached, nothing judged).
    pub tls: bool,
    /// The address to connect to instead of resolving the host.
    pub connect: Option<std::net::SocketAddr>,
}

/// `[jvm] proxy` and `[jvm] non_proxy_hosts`: the app JVM's proxy for its outbound HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JvmProxy {
    /// The proxy (`https.proxyHost`, `https.proxyPort`).
    pub proxy: Proxy,
    /// `http.nonProxyHosts` as the JVM completes it.
    pub non_proxy_hosts: NonProxyHosts,
}

impl JvmProxy {
    /// Whether the JVM tunnels `outbound` through the proxy: an HTTPS connection (the JVM's mail,
    /// directory and database clients ignore `https.proxyHost`, and `http://` uses `http.proxyHost`)
    /// to a host `http.nonProxyHosts` does not except.
    pub fn applies_to(&self, outbound: &Outbound) -> bool {
        outbound.tls
            && outbound.target.protocol.is_none()
            && !self.non_proxy_hosts.matches(&outbound.target.host)
    }
}

/// The JVM's `http.nonProxyHosts`: `|`-separated host patterns, each with a leading and/or a trailing
/// `*`, matched case-insensitively against the URL's host (an IPv6 literal in brackets), as
/// `sun.net.spi.DefaultProxySelector` matches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonProxyHosts {
    /// The patterns, lower-cased.
    patterns: Vec<String>,
    /// The text as given (or the JVM's default).
    pub text: String,
}

impl NonProxyHosts {
    /// The JVM's default when `http.nonProxyHosts` is not set, and what it adds to a non-empty value.
    pub const JVM_DEFAULT: &'static str = "localhost|127.*|[::1]|0.0.0.0|[::0]";

    /// The hosts the JVM reaches directly for `-Dhttp.nonProxyHosts=VALUE` (`None`: not set): the
    /// default when not set, nothing when set empty, else the value and the default (JDK 17 and 25
    /// `DefaultProxySelector` keep loopback direct unless the property is set to an empty string).
    pub fn jvm(value: Option<&str>) -> NonProxyHosts {
        match value {
            None => NonProxyHosts::parse(NonProxyHosts::JVM_DEFAULT),
            Some(v) if v.trim().is_empty() => NonProxyHosts::parse(""),
            Some(v) => NonProxyHosts::parse(&format!("{v}|{}", NonProxyHosts::JVM_DEFAULT)),
        }
    }

    /// Parses a `|`-separated list.
    pub fn parse(text: &str) -> NonProxyHosts {
        NonProxyHosts {
            patterns: text
                .split('|')
                .map(|p| p.trim().to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
            text: text.to_owned(),
        }
    }

    /// Whether `host` (a name, or an IP literal without brackets) is reached directly.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host
        };
        self.patterns.iter().any(|p| {
            if let Some(inner) = p.strip_prefix('*').and_then(|p| p.strip_suffix('*')) {
                host.contains(inner)
            } else if let Some(suffix) = p.strip_prefix('*') {
                host.ends_with(suffix)
            } else if let Some(prefix) = p.strip_suffix('*') {
                host.starts_with(prefix)
            } else {
                host == *p
            }
        })
    }
}

/// One endpoint, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Unique name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Parsed URL.
    pub url: EndpointUrl,
    /// The address to connect to instead of resolving the host.
    pub connect: Option<std::net::SocketAddr>,
    /// The WebSocket path to upgrade, when one is checked.
    pub websocket: Option<String>,
    /// HTTP requests.
    pub http: Vec<HttpCheck>,
}

/// One HTTP request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpCheck {
    /// Path and query, starting with `/`.
    pub path: String,
    /// Expected final status.
    pub expect_status: Option<u16>,
    /// Expected body text.
    pub expect_body: Option<String>,
    /// Extra request headers, in name order.
    pub headers: Vec<(String, String)>,
    /// Whether redirects are followed.
    pub follow_redirects: bool,
}

impl Deployment {
    /// The app endpoint (validation guarantees exactly one).
    pub fn app(&self) -> &Endpoint {
        self.endpoints
            .iter()
            .find(|e| e.role == Role::App)
            .unwrap_or(&self.endpoints[0])
    }

    /// Whether `name` is a session cookie of this deployment.
    pub fn is_session_cookie(&self, name: &str) -> bool {
        self.session_cookies.iter().any(|c| c == name)
    }
}

/// Reads and validates a deployment file; relative paths in it are relative to its directory.
pub fn load(path: &Path) -> crate::error::Result<Deployment> {
    use anyhow::Context;
    let text =
        crate::input::read_text(path, &crate::input::DEPLOYMENT).context("deployment file")?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parse(&text, &path.display().to_string(), base).map_err(anyhow::Error::msg)
}

/// Parses a deployment file's text. `origin` names it in errors, with the line of the item at fault;
/// relative paths are resolved against `base`.
pub fn parse(text: &str, origin: &str, base: &Path) -> Result<Deployment, String> {
    let file: DeploymentFile = toml::from_str(text).map_err(|e| syntax_error(origin, text, &e))?;
    validate(file, base).map_err(|e| match e.at.and_then(|at| line_of(text, at)) {
        Some(line) => format!("{origin}:{line}: {}", e.message),
        None => format!("{origin}: {}", e.message),
    })
}

/// Why a deployment file is refused, and the item at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The item the error is about, when it is one item.
    pub at: Option<Place>,
    /// What is wrong, lower-case.
    pub message: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// An item of a deployment file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A top-level key (`public_names`).
    Key(&'static str),
    /// The `index`-th `[[endpoint]]` (from 0), at `key` when the error is about one of its keys
    /// (`url`, `connect`), at `http` number `check` for a `[[endpoint.http]]` key.
    Endpoint {
        /// Its index in file order.
        index: usize,
        /// The key, when one is at fault.
        key: Option<&'static str>,
        /// The `[[endpoint.http]]` index, when the key is one of its.
        check: Option<usize>,
    },
}

impl Invalid {
    fn new(at: Option<Place>, message: impl Into<String>) -> Invalid {
        Invalid {
            at,
            message: message.into(),
        }
    }
}

/// The 1-based line of `place` in the file's text (its key, else its table's header).
fn line_of(text: &str, place: Place) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let item = match place {
        Place::Key(key) => doc.get(key)?,
        Place::Endpoint { index, key, check } => {
            let table = doc.get("endpoint")?.as_array_of_tables()?.get(index)?;
            let table = match check {
                Some(i) => table.get("http")?.as_array_of_tables()?.get(i)?,
                None => table,
            };
            match key.and_then(|k| table.get(k)) {
                Some(item) => {
                    let offset = item.span().map(|s| s.start);
                    return offset.map(|o| line_at(text, o));
                }
                None => return table.span().map(|s| line_at(text, s.start)),
            }
        }
    };
    item.span().map(|s| line_at(text, s.start))
}

fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// A TOML error as the `toml` crate words it (the line, a caret under the column), unless the line is
/// too long to show (a hostile file of one 200 KiB line): then the line and column, and the message.
fn syntax_error(origin: &str, text: &str, e: &toml::de::Error) -> String {
    const LONGEST_SHOWN: usize = 240;
    let Some(span) = e.span() else {
        return format!("{origin}: {e}");
    };
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if line_end - line_start <= LONGEST_SHOWN {
        return format!("{origin}: {e}");
    }
    let line = 1 + text[..start].matches('\n').count();
    let column = 1 + text[line_start..start].chars().count();
    format!(
        "{origin}: TOML parse error at line {line}, column {column}: {} (the line, {} bytes long, is not shown)",
        e.message(),
        line_end - line_start
    )
}

/// Checks a parsed file and resolves its paths against `base`.
pub fn validate(file: DeploymentFile, base: &Path) -> Result<Deployment, Invalid> {
    if file.endpoints.is_empty() {
        return Err(Invalid::new(
            None,
            "no [[endpoint]] is defined (at least the app's base URL is needed)",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut endpoints = Vec::with_capacity(file.endpoints.len());
    let mut outbound = Vec::new();
    for (index, spec) in file.endpoints.into_iter().enumerate() {
        let place = |key: Option<&'static str>, check: Option<usize>| {
            Some(Place::Endpoint { index, key, check })
        };
        let name = spec.name.trim().to_owned();
        if name.is_empty() {
            return Err(Invalid::new(
                place(Some("name"), None),
                "an endpoint has an empty name",
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(Invalid::new(
                place(Some("name"), None),
                format!("endpoint name '{name}' is used twice"),
            ));
        }
        let at = |key: &'static str, check: Option<usize>| {
            let name = name.clone();
            move |e: String| {
                Invalid::new(place(Some(key), check), format!("endpoint '{name}': {e}"))
            }
        };
        if spec.role.outbound() {
            outbound.push(outbound_of(&name, &spec).map_err(|(key, e)| at(key, None)(e))?);
            continue;
        }
        let url = EndpointUrl::parse(spec.url.trim()).map_err(at("url", None))?;
        let connect = spec
            .connect
            .as_deref()
            .map(|c| parse_connect(c, url.port))
            .transpose()
            .map_err(at("connect", None))?;
        let websocket = match spec.websocket {
            Some(p) => Some(checked_path(&p, "websocket").map_err(at("websocket", None))?),
            None if url.scheme.websocket() => Some(url.path.clone()),
            None => None,
        };
        let mut http = Vec::with_capacity(spec.http.len());
        for (check, h) in spec.http.into_iter().enumerate() {
            let path = match h.path {
                Some(p) => checked_path(&p, "http.path").map_err(at("path", Some(check)))?,
                None => url.path.clone(),
            };
            if let Some(s) = h.expect_status
                && !(100..=599).contains(&s)
            {
                return Err(at("expect_status", Some(check))(format!(
                    "expect_status {s} is not an HTTP status"
                )));
            }
            for (k, v) in &h.headers {
                if http::HeaderName::from_bytes(k.as_bytes()).is_err()
                    || http::HeaderValue::from_str(v).is_err()
                {
                    return Err(at("headers", Some(check))(format!(
                        "header '{k}: {v}' is not a valid HTTP header"
                    )));
                }
            }
            http.push(HttpCheck {
                path,
                expect_status: h.expect_status,
                expect_body: h.expect_body,
                headers: h.headers.into_iter().collect(),
                follow_redirects: h.follow_redirects.unwrap_or(true),
            });
        }
        if url.scheme.websocket() && !http.is_empty() {
            return Err(at("url", None)(
                "a ws:// or wss:// endpoint takes no [[endpoint.http]]; add an https:// endpoint for HTTP checks"
                    .into(),
            ));
        }
        endpoints.push(Endpoint {
            name,
            role: spec.role,
            url,
            connect,
            websocket,
            http,
        });
    }
    match endpoints.iter().filter(|e| e.role == Role::App).count() {
        1 => {}
        0 => {
            return Err(Invalid::new(
                None,
                "no endpoint has role = \"app\" (the app's base URL, as users reach it)",
            ));
        }
        n => {
            let second = endpoints
                .iter()
                .enumerate()
                .filter(|(_, e)| e.role == Role::App)
                .nth(1)
                .map(|(index, _)| Place::Endpoint {
                    index,
                    key: Some("role"),
                    check: None,
                });
            return Err(Invalid::new(
                second,
                format!(
                    "{n} endpoints have role = \"app\"; there is one base URL (use \"node\" for the nodes behind the proxy)"
                ),
            ));
        }
    }
    let mut public_names = Vec::new();
    for n in file.public_names {
        let n = n.trim().trim_end_matches('.').to_ascii_lowercase();
        if n.is_empty() || n.contains(['/', ':', ' ']) {
            return Err(Invalid::new(
                Some(Place::Key("public_names")),
                format!(
                    "public name '{n}' is not a host name (write names without scheme or port)"
                ),
            ));
        }
        if !public_names.contains(&n) {
            public_names.push(n);
        }
    }
    let mut session_cookies: Vec<String> = DEFAULT_SESSION_COOKIES
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    for c in file.session_cookies {
        if !session_cookies.contains(&c) {
            session_cookies.push(c);
        }
    }
    let mut sso_cookies = vec![SSO_COOKIE.to_owned()];
    for c in file.sso_cookies {
        if !sso_cookies.contains(&c) {
            sso_cookies.push(c);
        }
    }
    let resolve = |p: Option<PathBuf>| p.map(|p| base.join(p));
    let jvm = file.jvm.unwrap_or_default();
    let jvm = JvmSpec {
        truststore: resolve(jvm.truststore),
        java_home: resolve(jvm.java_home),
        ..jvm
    };
    let configs = file.configs.unwrap_or_default();
    let configs = ConfigFiles {
        tomcat: resolve(configs.tomcat),
        nginx: resolve(configs.nginx),
        apache: resolve(configs.apache),
    };
    if file.product == Some(Product::Jira) && file.synchrony.is_some() {
        return Err(Invalid::new(
            None,
            "[synchrony] is Confluence's (its collaborative-editing service), and product = \"jira\": Jira has no Synchrony; remove [synchrony], or set product = \"confluence\"",
        ));
    }
    let synchrony_service = file
        .synchrony
        .and_then(|s| s.service_url)
        .map(|u| {
            EndpointUrl::parse(u.trim())
                .map_err(|e| Invalid::new(None, format!("[synchrony] service_url: {e}")))
        })
        .transpose()?;
    if file.product == Some(Product::Confluence) {
        confluence_profile(&mut endpoints);
    }
    if let Some(url) = &synchrony_service
        && !seen.contains(SYNCHRONY_SERVICE)
    {
        outbound.push(synchrony_service_outbound(url));
    }
    let proxy = match &jvm.proxy {
        Some(text) => Some(JvmProxy {
            proxy: jvm_proxy(text).map_err(|e| {
                // A proxy URL with credentials is never repeated.
                let shown = if text.contains('@') {
                    String::new()
                } else {
                    format!(" = '{text}'")
                };
                Invalid::new(Some(Place::Key("jvm")), format!("[jvm] proxy{shown}: {e}"))
            })?,
            non_proxy_hosts: NonProxyHosts::jvm(jvm.non_proxy_hosts.as_deref()),
        }),
        None if jvm.non_proxy_hosts.is_some() => {
            return Err(Invalid::new(
                Some(Place::Key("jvm")),
                "[jvm] non_proxy_hosts is given without [jvm] proxy (the JVM's https.proxyHost:https.proxyPort)",
            ));
        }
        None => None,
    };
    if jvm.aia_locations.is_some() && !jvm.enable_aia {
        return Err(Invalid::new(
            Some(Place::Key("jvm")),
            "[jvm] aia_locations is given without [jvm] enable_aia = true (the JVM's -Dcom.sun.security.enableAIAcaIssuers=true): without it the JVM fetches nothing",
        ));
    }
    Ok(Deployment {
        name: file.name.unwrap_or_else(|| "deployment".to_owned()),
        product: file.product,
        synchrony_service,
        public_names,
        session_cookies,
        sso_cookies,
        jvm,
        configs,
        endpoints,
        outbound,
        proxy,
    })
}

/// The paths of Confluence's Synchrony diagnostics, under the app's context path (`jwt-key` at the
/// root, where the proxy serves Synchrony).
pub mod confluence {
    /// Whether collaborative editing is on (`{"synchronyEnabled": true, …}`).
    pub const INTEROP_STATUS: &str = "/rest/synchrony-interop/status";
    /// Whether Confluence reaches Synchrony (`{"status": "running"}`).
    pub const SYNCHRONY_STATUS: &str = "/rest/synchrony-interop/synchrony-status";
    /// What the editor fetches through the proxy; an authentication proxy must let it through.
    pub const JWT_KEY: &str = "/synchrony/jwt-key";
}

/// Confluence's diagnostics: the app endpoint also GETs the Synchrony interop status and Synchrony
/// status under its context path and `/synchrony/jwt-key` through the proxy (no expected status: they are
/// judged by `deploy::synchrony`).
fn confluence_profile(endpoints: &mut [Endpoint]) {
    if let Some(app) = endpoints.iter_mut().find(|e| e.role == Role::App)
        && !app.url.scheme.websocket()
    {
        let check = |path: String| HttpCheck {
            path,
            expect_status: None,
            expect_body: None,
            headers: Vec::new(),
            follow_redirects: true,
        };
        if app.http.is_empty() {
            app.http.push(check(app.url.path.clone()));
        }
        let context = app.url.path.trim_end_matches('/').to_owned();
        for path in [
            format!("{context}{}", confluence::INTEROP_STATUS),
            format!("{context}{}", confluence::SYNCHRONY_STATUS),
            confluence::JWT_KEY.to_owned(),
        ] {
            if !app.http.iter().any(|h| h.path == path) {
                app.http.push(check(path));
            }
        }
    }
}

/// `[synchrony] service_url` as the `synchrony-service` outbound connection: the app's own connection
/// to Synchrony, judged (for `https://`) with the app JVM's truststore.
fn synchrony_service_outbound(url: &EndpointUrl) -> Outbound {
    Outbound {
        name: SYNCHRONY_SERVICE.to_owned(),
        role: Role::Outbound,
        url: url.text.clone(),
        target: Target::from(url),
        tls: url.scheme.secure(),
        connect: None,
    }
}

/// An `[[endpoint]]` with an outbound role; the error names the key at fault.
fn outbound_of(name: &str, spec: &EndpointSpec) -> Result<Outbound, (&'static str, String)> {
    if !spec.http.is_empty() || spec.websocket.is_some() {
        return Err((
            "role",
            format!(
                "an endpoint with role = \"{}\" is one of the app's outbound connections: it takes no [[endpoint.http]] or websocket",
                spec.role.name()
            ),
        ));
    }
    let text = spec.url.trim();
    let scheme = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    let (target, tls) = match scheme.as_deref() {
        Some("http" | "https") => {
            let url = EndpointUrl::parse(text).map_err(|e| ("url", e))?;
            (Target::from(&url), url.scheme.secure())
        }
        _ => (
            Target::parse(text).map_err(|e| ("url", e.to_string()))?,
            true,
        ),
    };
    let fits = match spec.role {
        Role::Ldap => target.protocol == Some(crate::probe::Protocol::Ldap),
        Role::Mail => matches!(
            target.protocol,
            Some(
                crate::probe::Protocol::Smtp
                    | crate::probe::Protocol::Imap
                    | crate::probe::Protocol::Pop3
            )
        ),
        Role::Db => target.protocol == Some(crate::probe::Protocol::Postgres),
        _ => target.protocol.is_none() && matches!(scheme.as_deref(), Some("http" | "https")),
    };
    if !fits {
        return Err((
            "url",
            format!(
                "'{text}' is not a URL for role = \"{}\" (write {})",
                spec.role.name(),
                spec.role.schemes()
            ),
        ));
    }
    let connect = spec
        .connect
        .as_deref()
        .map(|c| parse_connect(c, target.port))
        .transpose()
        .map_err(|e| ("connect", e))?;
    Ok(Outbound {
        name: name.to_owned(),
        role: spec.role,
        url: text.to_owned(),
        target,
        tls,
        connect,
    })
}

/// `[jvm] proxy`: `HOST:PORT` or `http://HOST:PORT`, the port required (the JVM's `https.proxyPort`
/// defaults to 443, not to curl's 1080, so it is written out).
fn jvm_proxy(text: &str) -> Result<Proxy, String> {
    let rest = text.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    if rest.contains('@') {
        return Err(
            "credentials are not taken here: the JVM sends none to a CONNECT proxy unless the app sets an Authenticator and enables Basic (jdk.http.auth.tunneling.disabledSchemes); write HOST:PORT"
                .to_owned(),
        );
    }
    let has_port = rest
        .trim_end_matches('/')
        .rsplit_once(':')
        .is_some_and(|(host, port)| {
            !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && (!host.contains(':') || host.ends_with(']'))
        });
    if !has_port {
        return Err("write HOST:PORT, the JVM's https.proxyHost and https.proxyPort (its default port is 443)".to_owned());
    }
    Proxy::parse(text, None)
}

fn checked_path(path: &str, field: &str) -> Result<String, String> {
    let path = path.trim();
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        return Err(format!(
            "{field} '{path}' must be a path starting with / (without spaces)"
        ));
    }
    Ok(path.to_owned())
}

/// `ADDR` or `ADDR:PORT` (IPv6 as `[ADDR]:PORT` or bare); the port defaults to the URL's.
fn parse_connect(text: &str, port: u16) -> Result<std::net::SocketAddr, String> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<std::net::SocketAddr>() {
        if addr.port() == 0 {
            return Err(format!(
                "connect = '{text}': port 0 is not a port a server listens on (write ADDR or ADDR:PORT with PORT from 1 to 65535)"
            ));
        }
        return Ok(addr);
    }
    let bare = text.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .map(|ip| std::net::SocketAddr::new(ip, port))
        .map_err(|_| {
            format!(
                "connect = '{text}' is not an IP address or ADDR:PORT (names are not resolved here)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Deployment {
        parse(text, "test.toml", Path::new("/etc/trustpath")).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(text, "test.toml", Path::new("/etc/trustpath")).unwrap_err()
    }

    #[test]
    fn a_jira_deployment_with_synchrony_settings_is_refused_with_the_way_out() {
        let app =
            "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://jira.example.test/\"\n";
        let err = parse_err(&format!(
            "product = \"jira\"\n[synchrony]\nservice_url = \"http://127.0.0.1:8091/synchrony/v1\"\n{app}"
        ));
        assert!(
            err.contains(
                "Jira has no Synchrony; remove [synchrony], or set product = \"confluence\""
            ),
            "{err}"
        );
        let d = parse_ok(&format!("product = \"jira\"\n{app}"));
        assert_eq!(d.product, Some(Product::Jira));
        assert_eq!(
            d.endpoints.len(),
            1,
            "no Confluence requests: {:?}",
            d.endpoints
        );
    }

    #[test]
    fn a_full_file_parses_with_defaults_and_resolved_paths() {
        let d = parse_ok(
            r#"
name = "confluence"
public_names = ["Wiki.Example.test."]
session_cookies = ["seraph.confluence"]
[jvm]
truststore = "cacerts"
[configs]
nginx = "/etc/nginx/nginx.conf"
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.example.test/"
connect = "127.0.0.1:8443"
  [[endpoint.http]]
  path = "/status"
  expect_status = 200
  expect_body = "RUNNING"
  headers = { Accept = "application/json" }
[[endpoint]]
name = "synchrony"
role = "rtc"
url = "wss://wiki.example.test/synchrony/v1/bayeux-sync1"
"#,
        );
        assert_eq!(d.name, "confluence");
        assert_eq!(d.public_names, ["wiki.example.test"]);
        assert!(d.is_session_cookie("JSESSIONID") && d.is_session_cookie("seraph.confluence"));
        assert_eq!(
            d.jvm.truststore.as_deref(),
            Some(Path::new("/etc/trustpath/cacerts"))
        );
        assert_eq!(
            d.configs.nginx.as_deref(),
            Some(Path::new("/etc/nginx/nginx.conf"))
        );
        let app = d.app();
        assert_eq!(app.url.port, 443);
        assert!(!app.url.explicit_port);
        assert_eq!(app.connect, Some("127.0.0.1:8443".parse().unwrap()));
        assert_eq!(app.http[0].path, "/status");
        assert!(app.http[0].follow_redirects);
        assert_eq!(
            app.http[0].headers,
            [("Accept".to_owned(), "application/json".to_owned())]
        );
        let rtc = &d.endpoints[1];
        assert_eq!(rtc.websocket.as_deref(), Some("/synchrony/v1/bayeux-sync1"));
        assert_eq!(rtc.url.scheme, Scheme::Wss);
    }

    #[test]
    fn connect_takes_the_url_port_when_it_names_none() {
        let d = parse_ok(
            "[[endpoint]]\nname='a'\nrole='app'\nurl='https://h.test:8443'\nconnect='::1'\n",
        );
        assert_eq!(d.app().connect, Some("[::1]:8443".parse().unwrap()));
        assert_eq!(d.app().url.path, "/");
        assert_eq!(d.app().url.host_header(), "h.test:8443");
    }

    #[test]
    fn a_bad_port_is_refused_with_the_line_of_its_url_and_the_reason() {
        for (port, reason) in [
            ("84430", "port '84430' is not a number from 1 to 65535"),
            ("8443x", "port '8443x' is not a number from 1 to 65535"),
            ("-1", "port '-1' is not a number from 1 to 65535"),
            ("0", "port '0' is not a number from 1 to 65535"),
        ] {
            let text = format!(
                "name = 'x'\n\n[[endpoint]]\nname = 'app'\nrole = 'app'\nurl = 'https://h.test/'\n\n[[endpoint]]\nname = 'typo'\nrole = 'rtc'\nurl = 'https://h.test:{port}/'\n"
            );
            let e = parse_err(&text);
            assert!(
                e.starts_with("test.toml:11: endpoint 'typo': 'https://h.test:"),
                "{e}"
            );
            assert!(e.ends_with(reason), "{e}");
        }
        let e = parse_err(
            "[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\n[[endpoint.http]]\npath='/a'\n[[endpoint.http]]\npath='b'\n",
        );
        assert!(
            e.starts_with("test.toml:8: endpoint 'a': http.path 'b'"),
            "{e}"
        );
        let e = parse_err(
            "public_names=['a b']\n[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\n",
        );
        assert!(e.starts_with("test.toml:1: public name"), "{e}");
    }

    #[test]
    fn bad_files_get_errors_that_say_where_and_what() {
        let e = parse_err("[[endpoint]]\nname='a'\nrole='server'\nurl='https://h'\n");
        assert!(e.contains("test.toml") && e.contains("line 3"), "{e}");
        assert!(
            parse_err("[[endpoint]]\nname='a'\nrole='node'\nurl='https://h'\n")
                .contains("role = \"app\"")
        );
        assert!(
            parse_err("[[endpoint]]\nname='a'\nrole='app'\nurl='ftp://h'\n")
                .contains("scheme must be")
        );
        assert!(
            parse_err("[[endpoint]]\nname='a'\nrole='app'\nurl='h.test'\n").contains("no scheme")
        );
        assert!(
            parse_err("[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\n[[endpoint]]\nname='a'\nrole='node'\nurl='http://n'\n")
                .contains("used twice")
        );
        assert!(
            parse_err("[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\nconnect='db.local'\n")
                .contains("not an IP address")
        );
        assert!(
            parse_err("[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\nbogus=1\n")
                .contains("unknown field")
        );
        assert!(
            parse_err("[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\n[[endpoint.http]]\nexpect_status=42\n")
                .contains("not an HTTP status")
        );
        assert!(parse_err("name='x'\n").contains("no [[endpoint]]"));
        assert!(
            parse_err(
                "[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\nconnect='10.0.0.1:0'\n"
            )
            .contains("test.toml:5: endpoint 'a': connect = '10.0.0.1:0': port 0")
        );
        assert!(
            parse_err(
                "public_names=['https://x']\n[[endpoint]]\nname='a'\nrole='app'\nurl='https://h'\n"
            )
            .contains("not a host name")
        );
    }

    #[test]
    fn the_confluence_profile_adds_the_interop_requests_under_the_context_and_the_service_node() {
        let d = parse_ok(concat!(
            "product = \"confluence\"\n[synchrony]\nservice_url = \"https://wiki.test/synchrony/v1\"\n",
            "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://wiki.test/confluence/\"\n",
            "[[endpoint.http]]\npath = \"/confluence/status\"\nexpect_status = 200\n",
        ));
        let paths: Vec<&str> = d.app().http.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/confluence/status",
                "/confluence/rest/synchrony-interop/status",
                "/confluence/rest/synchrony-interop/synchrony-status",
                "/synchrony/jwt-key"
            ]
        );
        let service = &d.outbound[0];
        assert_eq!(
            (service.name.as_str(), service.role, service.url.as_str()),
            (
                SYNCHRONY_SERVICE,
                Role::Outbound,
                "https://wiki.test/synchrony/v1"
            )
        );
        assert!(service.tls && d.endpoints.len() == 1);
        // Without the product, the app gets no interop requests; the service URL is still probed.
        let plain = parse_ok(concat!(
            "[synchrony]\nservice_url = \"http://127.0.0.1:8091/synchrony\"\n",
            "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://wiki.test/\"\n",
        ));
        assert!(plain.app().http.is_empty());
        assert_eq!(
            (plain.outbound[0].target.to_string(), plain.outbound[0].tls),
            ("127.0.0.1:8091".to_owned(), false)
        );
        assert!(
            parse_err("[synchrony]\nservice_url = \"127.0.0.1:8091\"\n[[endpoint]]\nname = \"a\"\nrole = \"app\"\nurl = \"https://w.test/\"\n")
                .contains("[synchrony] service_url")
        );
    }

    #[test]
    fn outbound_roles_take_their_protocols_urls_and_are_kept_apart_from_the_endpoints() {
        let d = parse_ok(concat!(
            "[jvm]\nproxy = \"proxy.corp:3128\"\n",
            "[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://wiki.test/\"\n",
            "[[endpoint]]\nname = \"directory\"\nrole = \"ldap\"\nurl = \"ldap://dir.corp\"\nconnect = \"::1\"\n",
            "[[endpoint]]\nname = \"smtp\"\nrole = \"mail\"\nurl = \"smtp://mail.corp:587\"\n",
            "[[endpoint]]\nname = \"db\"\nrole = \"db\"\nurl = \"postgres://db.corp\"\n",
            "[[endpoint]]\nname = \"jira\"\nrole = \"outbound\"\nurl = \"https://jira.corp/rest\"\n",
            "[[endpoint]]\nname = \"local\"\nrole = \"outbound\"\nurl = \"https://127.0.0.1:8443/\"\n",
        ));
        assert_eq!(d.endpoints.len(), 1);
        let seen: Vec<(&str, Role, String, Option<&str>)> = d
            .outbound
            .iter()
            .map(|o| {
                (
                    o.name.as_str(),
                    o.role,
                    o.target.to_string(),
                    o.target.starttls.map(crate::probe::Protocol::name),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "directory",
                    Role::Ldap,
                    "dir.corp:389".to_owned(),
                    Some("ldap")
                ),
                ("smtp", Role::Mail, "mail.corp:587".to_owned(), Some("smtp")),
                ("db", Role::Db, "db.corp:5432".to_owned(), Some("postgres")),
                ("jira", Role::Outbound, "jira.corp:443".to_owned(), None),
                ("local", Role::Outbound, "127.0.0.1:8443".to_owned(), None),
            ]
        );
        assert_eq!(d.outbound[0].connect, Some("[::1]:389".parse().unwrap()));
        let proxy = d.proxy.as_ref().unwrap();
        assert_eq!(proxy.proxy.to_string(), "proxy.corp:3128");
        // Only HTTPS goes through the JVM's proxy, and not to the hosts of its default nonProxyHosts.
        let through: Vec<bool> = d.outbound.iter().map(|o| proxy.applies_to(o)).collect();
        assert_eq!(through, [false, false, false, true, false]);
    }

    #[test]
    fn an_outbound_url_of_another_protocol_or_with_http_checks_is_refused_with_its_line() {
        let base = "[[endpoint]]\nname='app'\nrole='app'\nurl='https://w.test/'\n";
        let e = parse_err(&format!(
            "{base}[[endpoint]]\nname='d'\nrole='ldap'\nurl='smtp://m.test'\n"
        ));
        assert!(
            e.starts_with("test.toml:8: endpoint 'd': 'smtp://m.test' is not a URL for role = \"ldap\" (write ldaps:// or ldap:// (StartTLS))"),
            "{e}"
        );
        let e = parse_err(&format!(
            "{base}[[endpoint]]\nname='d'\nrole='db'\nurl='postgres://d.test'\n[[endpoint.http]]\npath='/'\n"
        ));
        assert!(e.contains("takes no [[endpoint.http]]"), "{e}");
        let e = parse_err(&format!("[jvm]\nproxy='proxy.corp'\n{base}"));
        assert!(
            e.starts_with("test.toml:1: [jvm] proxy = 'proxy.corp': write HOST:PORT"),
            "{e}"
        );
        let e = parse_err(&format!(
            "[jvm]\nproxy='http://u:p@proxy.corp:8080'\n{base}"
        ));
        assert!(
            e.contains("credentials are not taken here") && !e.contains("u:p"),
            "{e}"
        );
        let e = parse_err(&format!("[jvm]\nnon_proxy_hosts='*.corp'\n{base}"));
        assert!(e.contains("without [jvm] proxy"), "{e}");
    }

    #[test]
    fn jvm_aia_settings_are_read_and_locations_need_enable_aia() {
        let base = "[[endpoint]]\nname='app'\nrole='app'\nurl='https://a.test/'\n";
        assert!(!parse_ok(base).jvm.enable_aia);
        let d = parse_ok(&format!(
            "[jvm]\nenable_aia = true\naia_locations = 'http://pki.corp/'\n{base}"
        ));
        assert!(d.jvm.enable_aia);
        assert_eq!(d.jvm.aia_locations.as_deref(), Some("http://pki.corp/"));
        let e = parse_err(&format!(
            "[jvm]\naia_locations = 'http://pki.corp/'\n{base}"
        ));
        assert!(
            e.starts_with(
                "test.toml:1: [jvm] aia_locations is given without [jvm] enable_aia = true"
            ),
            "{e}"
        );
        let e = parse_err(&format!("[jvm]\nenable_aia = 'yes'\n{base}"));
        assert!(e.contains("enable_aia") || e.contains("boolean"), "{e}");
    }

    #[test]
    fn non_proxy_hosts_match_as_the_jvm_matches_them() {
        let default = NonProxyHosts::parse(NonProxyHosts::JVM_DEFAULT);
        for (host, direct) in [
            ("localhost", true),
            ("LOCALHOST", true),
            ("127.0.0.1", true),
            ("::1", true),
            ("0.0.0.0", true),
            ("10.0.0.1", false),
            ("wiki.corp", false),
        ] {
            assert_eq!(default.matches(host), direct, "{host}");
        }
        let list = NonProxyHosts::jvm(Some("*.corp|10.*|*intra*"));
        assert!(list.matches("jira.corp") && !list.matches("corp.example"));
        assert!(list.matches("10.1.2.3") && list.matches("my.intranet.example"));
        // As JDK 17's DefaultProxySelector: loopback stays direct unless the list is set empty.
        assert!(list.matches("127.0.0.1") && list.matches("localhost"));
        assert!(!NonProxyHosts::jvm(Some("")).matches("localhost"));
        assert!(NonProxyHosts::jvm(None).matches("127.1.2.3"));
    }
}
