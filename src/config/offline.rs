//! Offline checks of the configurations, before anything is probed: Tomcat keystores (open with the
//! configured password and type, hold the key alias, carry a complete chain for the public name), the
//! proxies' certificate files (a fullchain in order, the key belongs to the leaf), WebSocket locations
//! (upgrade headers, idle timeout) and Tomcat's proxy attributes against what the proxy listens on.
//!
//! Chains are judged with [`crate::chain::diagnose`] at the given instant with the caller's anchors;
//! files are read through [`super::material`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::cert::Certificate;
use crate::chain::{ChainInput, Policy, TrustAnchors};
use crate::deploy::Deployment;
use crate::finding::{Code, Finding, Severity};
use crate::truststore::{EntryBody, KeyMaterial, StoreFormat};

use super::apache::VirtualHost;
use super::front::{self, Front};
use super::loader::Located;
use super::material::{self, KeystoreProblem};
use super::nginx::{Location, NginxConfig};
use super::tomcat::{Connector, Keystore, ServerXml};
use super::{ConfigFinding, Configs};

/// WebSocket connections idle longer than this are normal (Synchrony, RTC services): shorter proxy read
/// timeouts cut them.
pub const MIN_WEBSOCKET_IDLE_SECS: u64 = 60;

/// Runs every offline check. `deployment` gives the public name when a configuration does not; `now`
/// is seconds since the epoch.
pub fn check_offline(
    configs: &Configs,
    deployment: Option<&Deployment>,
    anchors: &TrustAnchors,
    policy: &Policy,
    now: i64,
) -> Vec<ConfigFinding> {
    let mut cx = Checks {
        anchors,
        policy,
        now,
        public_name: deployment.and_then(|d| {
            d.public_names
                .first()
                .cloned()
                .or_else(|| Some(d.app().url.host.clone()))
        }),
        seen: HashSet::new(),
        out: Vec::new(),
    };
    if let Some(x) = &configs.tomcat {
        cx.tomcat(x);
    }
    if let Some(n) = &configs.nginx {
        cx.nginx(n);
    }
    if let Some(a) = &configs.apache {
        for v in &a.vhosts {
            cx.apache(&a.server_root, v);
        }
    }
    let fronts = front::fronts(configs);
    if let Some(x) = &configs.tomcat {
        for c in &x.connectors {
            cx.proxy_mismatch(c, &fronts);
        }
    }
    cx.out
}

struct Checks<'a> {
    anchors: &'a TrustAnchors,
    policy: &'a Policy,
    now: i64,
    public_name: Option<String>,
    seen: HashSet<(PathBuf, Option<String>)>,
    out: Vec<ConfigFinding>,
}

/// One PEM certificate configuration to check (nginx, Apache or Tomcat PEM form).
struct PemConfig<'a> {
    subject: String,
    base: &'a Path,
    cert_directive: &'a str,
    cert: &'a Located<String>,
    chain_directive: &'a str,
    chain: Option<&'a Located<String>>,
    key_directive: &'a str,
    key: Option<&'a Located<String>>,
    host: Option<String>,
}

impl Checks<'_> {
    fn push(&mut self, source: impl Into<String>, subject: impl Into<String>, finding: Finding) {
        self.out.push(ConfigFinding {
            source: source.into(),
            subject: subject.into(),
            finding,
        });
    }

    fn diagnose(
        &mut self,
        source: &str,
        subject: &str,
        chain: Vec<Certificate>,
        host: Option<String>,
    ) {
        let input = ChainInput {
            served: chain,
            host,
            extra: Vec::new(),
            tls_version: None,
        };
        let d = crate::chain::diagnose(&input, self.anchors, self.policy, self.now);
        for f in d.findings {
            self.push(source, subject, f);
        }
    }

    // ---- Tomcat ----

    fn tomcat(&mut self, x: &ServerXml) {
        for c in &x.connectors {
            for k in &c.keystores {
                self.keystore(x, c, k);
            }
            for p in &c.pem_certificates {
                let host = c
                    .proxy_name
                    .clone()
                    .or_else(|| p.host_name.clone().filter(|h| h != "_default_"))
                    .or_else(|| self.public_name.clone());
                let cert = Located {
                    value: x.resolve(&p.certificate_file).display().to_string(),
                    source: p.source.clone(),
                };
                let key = p.key_file.as_ref().map(|k| Located {
                    value: x.resolve(k).display().to_string(),
                    source: p.source.clone(),
                });
                let chain = p.chain_file.as_ref().map(|k| Located {
                    value: x.resolve(k).display().to_string(),
                    source: p.source.clone(),
                });
                self.pem(PemConfig {
                    subject: c.subject(),
                    base: &x.catalina_base,
                    cert_directive: "certificateFile",
                    cert: &cert,
                    chain_directive: "certificateChainFile",
                    chain: chain.as_ref(),
                    key_directive: "certificateKeyFile",
                    key: key.as_ref(),
                    host,
                });
            }
        }
    }

    fn keystore(&mut self, x: &ServerXml, c: &Connector, k: &Keystore) {
        let [file_attr, pass_attr, type_attr, alias_attr] = k.attribute_names();
        let subject = match &k.host_name {
            Some(h) => format!("{} SSLHostConfig {h}", c.subject()),
            None => c.subject(),
        };
        let at = k.source.to_string();
        let Some(file) = &k.file else {
            self.push(
                at,
                subject,
                Finding::new(
                    Code::KeystoreUnreadable,
                    Severity::Error,
                    format!(
                        "TLS is enabled but {file_attr} is not set: Tomcat then reads ${{user.home}}/.keystore of the user it runs as"
                    ),
                    format!("set {file_attr} to the keystore that holds the server's key and chain"),
                ),
            );
            return;
        };
        let path = x.resolve(file);
        let password = k.password.as_deref().unwrap_or("changeit");
        let declared = k
            .store_type
            .as_deref()
            .unwrap_or("JKS")
            .to_ascii_uppercase();
        let opened = match material::open_keystore(&path, password) {
            Ok(o) => o,
            Err(problem) => {
                let (message, fix) = match problem {
                    KeystoreProblem::Unreadable(e) => (
                        format!("{file_attr}=\"{file}\" cannot be read: {e}"),
                        format!(
                            "point {file_attr} at the keystore file (relative paths and ${{catalina.base}} are taken from {})",
                            x.catalina_base.display()
                        ),
                    ),
                    KeystoreProblem::Format(e) => (
                        format!("{} is not a keystore Tomcat can open: {e}", path.display()),
                        format!(
                            "point {file_attr} at a JKS or PKCS#12 keystore holding the key and its chain"
                        ),
                    ),
                    KeystoreProblem::Password(e) => (
                        format!(
                            "{} does not open with the {pass_attr} {}: {e}",
                            path.display(),
                            if k.password.is_some() {
                                "given"
                            } else {
                                "default (changeit; none is set)"
                            }
                        ),
                        format!(
                            "set {pass_attr} to the keystore's password (check it with: keytool -list -keystore {})",
                            path.display()
                        ),
                    ),
                };
                self.push(
                    at,
                    subject,
                    Finding::new(Code::KeystoreUnreadable, Severity::Error, message, fix),
                );
                return;
            }
        };
        let compatible = match declared.as_str() {
            "JKS" | "PKCS12" => matches!(opened.format, StoreFormat::Jks | StoreFormat::Pkcs12),
            "JCEKS" => matches!(opened.format, StoreFormat::Jceks | StoreFormat::Jks),
            _ => true,
        };
        if !compatible {
            let actual = match opened.format {
                StoreFormat::Jceks => "JCEKS",
                StoreFormat::Pkcs12 => "PKCS12",
                _ => "JKS",
            };
            self.push(
                at.clone(),
                subject.clone(),
                Finding::new(
                    Code::KeystoreUnreadable,
                    Severity::Error,
                    format!(
                        "{type_attr}=\"{declared}\" but {} is a {actual} keystore: the JVM cannot load it as {declared}",
                        path.display()
                    ),
                    format!("set {type_attr}=\"{actual}\""),
                ),
            );
        }
        let keys: Vec<&str> = opened
            .store
            .entries
            .iter()
            .filter(|e| matches!(e.body, EntryBody::PrivateKey(_)))
            .map(|e| e.alias.as_str())
            .collect();
        let entry = match &k.alias {
            Some(a) => opened
                .store
                .entries
                .iter()
                .find(|e| e.alias.eq_ignore_ascii_case(a)),
            None => opened
                .store
                .entries
                .iter()
                .find(|e| matches!(e.body, EntryBody::PrivateKey(_))),
        };
        let key_entry = entry.and_then(|e| match &e.body {
            EntryBody::PrivateKey(p) => Some((e.alias.clone(), p)),
            _ => None,
        });
        let Some((alias, key)) = key_entry else {
            let what = match (&k.alias, entry) {
                (Some(a), Some(e)) => format!(
                    "{alias_attr}=\"{a}\" in {} is a {} entry, not a private key",
                    path.display(),
                    e.kind().name()
                ),
                (Some(a), None) => format!("{} has no entry {alias_attr}=\"{a}\"", path.display()),
                (None, _) => format!("{} holds no private-key entry", path.display()),
            };
            let holders = if keys.is_empty() {
                "; it holds no private key at all".to_owned()
            } else {
                format!("; entries holding keys: {}", keys.join(", "))
            };
            let fix = match keys.first() {
                Some(first) => format!("set {alias_attr}=\"{first}\" (or the alias of the key made for this server)"),
                None => "import the server's key with its chain (keytool -importkeystore from the .p12 the CA's files were bundled into)".to_owned(),
            };
            self.push(
                at,
                subject,
                Finding::new(
                    Code::KeyAliasMissing,
                    Severity::Error,
                    format!("{what}{holders}"),
                    fix,
                ),
            );
            return;
        };
        if let KeyMaterial::JavaProtected(epki) = &key.key {
            let key_pass = k.key_password.as_deref().unwrap_or(password);
            if crate::truststore::keyprotect::recover(epki, key_pass).is_err() {
                let attr = match k.form {
                    super::tomcat::KeystoreForm::ConnectorAttributes => "keyPass",
                    super::tomcat::KeystoreForm::SslHostConfig => "certificateKeyPassword",
                };
                self.push(
                    at.clone(),
                    subject.clone(),
                    Finding::new(
                        Code::KeystoreUnreadable,
                        Severity::Error,
                        format!(
                            "the key of alias \"{alias}\" in {} does not open with {}",
                            path.display(),
                            if k.key_password.is_some() {
                                format!("the {attr} given")
                            } else {
                                format!("the keystore password ({attr} is not set)")
                            }
                        ),
                        format!("set {attr} to the key's password"),
                    ),
                );
            }
        }
        let host = c
            .proxy_name
            .clone()
            .or_else(|| k.host_name.clone().filter(|h| h != "_default_"))
            .or_else(|| self.public_name.clone());
        let source = path.display().to_string();
        self.diagnose(
            &source,
            &format!("{subject} alias {alias}"),
            key.chain.clone(),
            host,
        );
    }

    // ---- certificates named by proxies ----

    fn pem(&mut self, p: PemConfig<'_>) {
        if p.cert.value.contains('$') {
            return;
        }
        let path = p.base.join(&p.cert.value);
        if !self.seen.insert((path.clone(), p.host.clone())) {
            return;
        }
        let at = p.cert.source.to_string();
        let subject = format!("{} {} {}", p.subject, p.cert_directive, p.cert.value);
        let mut certs = match material::read_certificates(&path) {
            Ok(c) => c,
            Err(e) => {
                self.push(
                    at,
                    subject,
                    unreadable(
                        p.cert_directive,
                        &p.cert.value,
                        &e,
                        "a PEM file holding the leaf, then its intermediates",
                    ),
                );
                return;
            }
        };
        if let Some(chain) = p.chain {
            let chain_path = p.base.join(&chain.value);
            match material::read_certificates(&chain_path) {
                Ok(more) => certs.extend(more),
                Err(e) => self.push(
                    chain.source.to_string(),
                    subject.clone(),
                    unreadable(
                        p.chain_directive,
                        &chain.value,
                        &e,
                        "a PEM file of the intermediates",
                    ),
                ),
            }
        }
        match p.key {
            Some(key) if !key.value.contains('$') => {
                let key_path = p.base.join(&key.value);
                match material::read_key_bits(&key_path) {
                    Ok(bits) => {
                        let label = format!("{} {}", p.key_directive, key.value);
                        if let Some(f) = crate::keypair::key_mismatch(&label, &bits, &certs) {
                            self.push(key.source.to_string(), subject.clone(), f);
                        }
                    }
                    Err(e) => self.push(
                        key.source.to_string(),
                        subject.clone(),
                        unreadable(
                            p.key_directive,
                            &key.value,
                            &e,
                            "the PEM private key made with the certificate's CSR",
                        ),
                    ),
                }
            }
            Some(_) => {}
            None => {
                // Apache allows the key in the certificate file.
                if let Ok(bytes) = std::fs::read(&path)
                    && let Ok(bits) = crate::keypair::pem_key_bits(&bytes)
                {
                    let label = format!("the private key in {} {}", p.cert_directive, p.cert.value);
                    if let Some(f) = crate::keypair::key_mismatch(&label, &bits, &certs) {
                        self.push(at.clone(), subject.clone(), f);
                    }
                }
            }
        }
        self.diagnose(&at, &subject, certs, p.host);
    }

    // ---- nginx ----

    fn nginx(&mut self, n: &NginxConfig) {
        let base = n.file.parent().unwrap_or(Path::new(".")).to_path_buf();
        for s in &n.servers {
            if s.ssl_certificate.is_none()
                && let Some(listen) = s.listens.iter().find(|l| l.ssl)
            {
                self.push(
                    listen.source.to_string(),
                    s.subject(),
                    Finding::new(
                        Code::ConfigUnreadable,
                        Severity::Error,
                        format!(
                            "listen {} ssl but no ssl_certificate is defined for this server or its http block: nginx refuses to start",
                            listen.port
                        ),
                        "add ssl_certificate (the fullchain: leaf, then intermediates) and ssl_certificate_key",
                    ),
                );
            }
            if s.tls()
                && let Some(cert) = &s.ssl_certificate
            {
                let host = s
                    .host_names()
                    .first()
                    .cloned()
                    .or_else(|| self.public_name.clone());
                self.pem(PemConfig {
                    subject: s.subject(),
                    base: &base,
                    cert_directive: "ssl_certificate",
                    cert,
                    chain_directive: "",
                    chain: None,
                    key_directive: "ssl_certificate_key",
                    key: s.ssl_certificate_key.as_ref(),
                    host,
                });
            }
            for l in &s.locations {
                self.nginx_websocket(n, &s.subject(), l);
            }
        }
    }

    fn nginx_websocket(&mut self, n: &NginxConfig, subject: &str, l: &Location) {
        let Some(pass) = &l.proxy_pass else { return };
        let target = front::parse_target(&pass.value);
        let via = target
            .as_ref()
            .and_then(|t| n.upstreams.iter().find(|u| u.name == t.host));
        let port = match (via, &target) {
            (Some(u), _) => u
                .servers
                .first()
                .and_then(|s| front::split_host_port(s, 80))
                .map(|(_, p)| p),
            (None, Some(t)) => Some(t.port),
            (None, None) => None,
        };
        let upgrade_attempted = l.header("Upgrade").is_some()
            || l.header("Connection")
                .is_some_and(|h| h.value.1.to_ascii_lowercase().contains("upgrade"));
        let why = if front::rtc_like(&l.path) {
            format!("the path {} is a WebSocket/RTC path", l.path)
        } else if via.is_some_and(|u| front::rtc_like(&u.name)) {
            format!(
                "its upstream is named {}",
                via.map_or("", |u| u.name.as_str())
            )
        } else if port == Some(8091) {
            "it proxies to port 8091 (Synchrony)".to_owned()
        } else if upgrade_attempted {
            "it sets some of the upgrade headers".to_owned()
        } else {
            return;
        };
        let at = l.source.to_string();
        let subject = format!("{subject} location {}", l.path);
        let mut missing = Vec::new();
        if l.http_version.as_ref().is_none_or(|v| v.value != "1.1") {
            missing.push("proxy_http_version 1.1;");
        }
        if !l.header("Upgrade").is_some_and(|h| {
            let v = h.value.1.to_ascii_lowercase();
            v.contains("$http_upgrade") || v.contains("websocket")
        }) {
            missing.push("proxy_set_header Upgrade $http_upgrade;");
        }
        if !l
            .header("Connection")
            .is_some_and(|h| h.value.1.to_ascii_lowercase().contains("upgrade"))
        {
            missing.push("proxy_set_header Connection \"upgrade\";");
        }
        if !missing.is_empty() {
            self.push(
                at.clone(),
                subject.clone(),
                Finding::new(
                    Code::WebsocketHeadersMissing,
                    Severity::Error,
                    format!(
                        "location {} proxies to {} and carries WebSockets ({why}) but lacks `{}`: the upgrade request reaches the backend as plain HTTP and the WebSocket fails",
                        l.path,
                        pass.value,
                        missing.join(" ")
                    ),
                    format!("add to location {} {{ … }}: {}", l.path, missing.join(" ")),
                ),
            );
        }
        if let Some(t) = &l.read_timeout
            && t.value < MIN_WEBSOCKET_IDLE_SECS
        {
            self.push(
                t.source.to_string(),
                subject,
                idle_timeout(
                    &format!("proxy_read_timeout {}s", t.value),
                    &l.path,
                    &format!("set proxy_read_timeout 3600s; in location {}", l.path),
                ),
            );
        }
    }

    // ---- Apache ----

    fn apache(&mut self, base: &Path, v: &VirtualHost) {
        if v.ssl_engine && v.certificate_file.is_none() {
            self.push(
                v.source.to_string(),
                v.subject(),
                Finding::new(
                    Code::ConfigUnreadable,
                    Severity::Error,
                    "SSLEngine on but no SSLCertificateFile in this VirtualHost: httpd refuses to start",
                    "add SSLCertificateFile (leaf and intermediates), SSLCertificateKeyFile",
                ),
            );
        }
        if v.ssl_engine
            && let Some(cert) = &v.certificate_file
        {
            let host = v
                .names()
                .first()
                .cloned()
                .or_else(|| self.public_name.clone());
            self.pem(PemConfig {
                subject: v.subject(),
                base,
                cert_directive: "SSLCertificateFile",
                cert,
                chain_directive: "SSLCertificateChainFile",
                chain: v.chain_file.as_ref(),
                key_directive: "SSLCertificateKeyFile",
                key: v.key_file.as_ref(),
                host,
            });
        }
        let mut done: Vec<String> = Vec::new();
        let candidates: Vec<(String, String, crate::config::Source, Option<String>)> = v
            .proxy_passes
            .iter()
            .filter(|p| !p.reverse && p.url != "!")
            .filter(|p| {
                front::rtc_like(&p.path)
                    || p.url.to_ascii_lowercase().starts_with("ws")
                    || front::parse_target(&p.url).is_some_and(|t| t.port == 8091)
            })
            .map(|p| {
                (
                    p.path.clone(),
                    p.url.clone(),
                    p.source.clone(),
                    p.param("timeout").map(str::to_owned),
                )
            })
            .chain(v.websocket_rewrites().map(|r| {
                (
                    front::rewrite_path(r.location.as_deref(), &r.pattern),
                    r.target.clone(),
                    r.source.clone(),
                    None,
                )
            }))
            .collect();
        for (path, url, source, timeout) in candidates {
            let key = path.trim_end_matches('/').to_owned();
            if done.contains(&key) {
                continue;
            }
            done.push(key);
            let subject = format!("{} {path}", v.subject());
            if !front::apache_websocket(v, &path) {
                let unguarded = v.websocket_rewrites().find(|r| {
                    !r.checks_upgrade()
                        && front::rewrite_path(r.location.as_deref(), &r.pattern)
                            .trim_end_matches('/')
                            == path.trim_end_matches('/')
                });
                let backend = front::parse_target(&url)
                    .map(|t| format!("{}:{}", t.host, t.port))
                    .unwrap_or_else(|| "BACKEND:PORT".to_owned());
                let p = path.trim_end_matches('/');
                let fix = format!(
                    "add: RewriteEngine on / RewriteCond %{{HTTP:Upgrade}} websocket [NC] / RewriteRule ^{p}/(.*) ws://{backend}{p}/$1 [P,L] (Apache 2.4.47+: ProxyPass {p} {url} upgrade=websocket)"
                );
                let message = match unguarded {
                    Some(r) => format!(
                        "RewriteRule {} {} [P] at {} has no RewriteCond on %{{HTTP:Upgrade}}: every request under {path} goes to the WebSocket backend, not only upgrades",
                        r.pattern, r.target, r.source
                    ),
                    None => format!(
                        "{path} is proxied to {url} and carries WebSockets, but no ws:// ProxyPass, upgrade=websocket or RewriteRule … ws://… [P] guarded by a RewriteCond on %{{HTTP:Upgrade}} passes the upgrade on: the WebSocket fails"
                    ),
                };
                self.push(
                    source.to_string(),
                    subject.clone(),
                    Finding::new(Code::WebsocketHeadersMissing, Severity::Error, message, fix),
                );
            }
            let effective = match timeout.and_then(|t| t.parse::<u64>().ok()) {
                Some(t) => Some((t, source.to_string(), "timeout=")),
                None => v
                    .proxy_timeout
                    .as_ref()
                    .map(|t| (t.value, t.source.to_string(), "ProxyTimeout "))
                    .or_else(|| {
                        v.timeout
                            .as_ref()
                            .map(|t| (t.value, t.source.to_string(), "Timeout "))
                    }),
            };
            if let Some((secs, at, what)) = effective
                && secs < MIN_WEBSOCKET_IDLE_SECS
            {
                self.push(
                    at,
                    subject,
                    idle_timeout(
                        &format!("{what}{secs}"),
                        &path,
                        "set ProxyTimeout 3600 in the VirtualHost (or timeout=3600 on the ProxyPass)",
                    ),
                );
            }
        }
    }

    // ---- Tomcat against the proxy ----

    fn proxy_mismatch(&mut self, c: &Connector, fronts: &[Front]) {
        if c.is_ajp() {
            return;
        }
        let at = c.source.to_string();
        let subject = c.subject();
        let scheme = c.scheme();
        if scheme == "https" && c.secure != Some(true) {
            self.push(
                at.clone(),
                subject.clone(),
                Finding::new(
                    Code::ProxyMismatch,
                    Severity::Warning,
                    "scheme=\"https\" without secure=\"true\": the app sees requests as not secure (request.isSecure() is false), so it may set session cookies without Secure and redirect to http",
                    "add secure=\"true\" to the Connector",
                ),
            );
        }
        if scheme == "http" && c.secure == Some(true) && !c.ssl_enabled {
            self.push(
                at.clone(),
                subject.clone(),
                Finding::new(
                    Code::ProxyMismatch,
                    Severity::Warning,
                    "secure=\"true\" with scheme=\"http\": the app builds http:// links while calling requests secure",
                    "set scheme=\"https\" when the proxy terminates TLS, else remove secure=\"true\"",
                ),
            );
        }
        let routes_here = |f: &Front| {
            f.routes.iter().any(|r| {
                r.upstream.as_ref().is_some_and(|u| {
                    u.port == c.port
                        && ((u.loopback()
                            && (c.binds_all()
                                || c.address
                                    .as_deref()
                                    .is_some_and(|a| a.starts_with("127.") || a == "localhost")))
                            || c.address
                                .as_deref()
                                .is_some_and(|a| a.eq_ignore_ascii_case(&u.host))
                            || !u.loopback() && c.binds_all())
                })
            })
        };
        let named = |f: &Front| {
            c.proxy_name
                .as_deref()
                .is_some_and(|n| f.names.iter().any(|x| x == n))
        };
        let mut best: Option<&Front> = None;
        for f in fronts.iter().filter(|f| routes_here(f)) {
            let score = |f: &Front| (named(f), f.tls);
            if best.is_none_or(|b| score(f) > score(b)) {
                best = Some(f);
            }
        }
        let Some(f) = best else { return };
        let side = format!(
            "{} ({}) listens on port {}{}",
            f.subject,
            f.listen_source,
            f.port,
            if f.tls { " with TLS" } else { " without TLS" }
        );
        match &c.proxy_name {
            Some(n) if !f.names.is_empty() && !named(f) => self.push(
                at.clone(),
                subject.clone(),
                Finding::new(
                    Code::ProxyMismatch,
                    Severity::Error,
                    format!(
                        "proxyName=\"{n}\" but the proxy that forwards here, {side}, answers to {}: the app builds links and redirects for {n}",
                        f.names.join(", ")
                    ),
                    format!("set proxyName=\"{}\" (or add {n} to the proxy's names)", f.names[0]),
                ),
            ),
            _ => {}
        }
        if c.proxy_name.is_some() || c.proxy_port.is_some() {
            let port = c.proxy_port.unwrap_or(c.port);
            if port != f.port {
                let said = match c.proxy_port {
                    Some(p) => format!("proxyPort=\"{p}\""),
                    None => format!(
                        "proxyPort is not set, so Tomcat reports its own port {}",
                        c.port
                    ),
                };
                self.push(
                    at.clone(),
                    subject.clone(),
                    Finding::new(
                        Code::ProxyMismatch,
                        Severity::Error,
                        format!(
                            "{said} but {side}: the app builds links and redirects to port {port}"
                        ),
                        format!("set proxyPort=\"{}\"", f.port),
                    ),
                );
            }
        }
        let none_set = c.proxy_name.is_none() && c.proxy_port.is_none() && c.scheme.is_none();
        if none_set && f.tls && !c.ssl_enabled {
            self.push(
                    at,
                    subject,
                    Finding::new(
                        Code::ProxyMismatch,
                        Severity::Warning,
                        format!(
                            "the Connector sets none of proxyName, proxyPort and scheme, but {side}: the app sees http requests for port {} and may build http:// links and redirects",
                            c.port
                        ),
                        format!(
                            "add proxyName=\"{}\" proxyPort=\"{}\" scheme=\"https\" secure=\"true\" to the Connector",
                            f.names.first().map_or("PUBLIC_NAME", String::as_str),
                            f.port
                        ),
                    ),
                );
        } else if !none_set && f.tls && scheme != "https" {
            self.push(
                    at,
                    subject,
                    Finding::new(
                        Code::ProxyMismatch,
                        Severity::Error,
                        format!(
                            "scheme=\"{scheme}\" but {side}: the app builds http:// links behind an HTTPS proxy (mixed content, redirect loops)"
                        ),
                        "set scheme=\"https\" secure=\"true\" on the Connector",
                    ),
                );
        } else if !none_set && !f.tls && scheme == "https" && !c.ssl_enabled {
            self.push(
                    at,
                    subject,
                    Finding::new(
                        Code::ProxyMismatch,
                        Severity::Error,
                        format!("scheme=\"https\" but {side}: the app builds https:// links the proxy does not serve"),
                        "set scheme=\"http\" (and remove secure=\"true\"), or terminate TLS at the proxy",
                    ),
                );
        }
    }
}

fn unreadable(directive: &str, value: &str, error: &str, expected: &str) -> Finding {
    Finding::new(
        Code::ConfigUnreadable,
        Severity::Error,
        format!("{directive} {value} cannot be used: {error}"),
        format!("point {directive} at {expected}"),
    )
}

fn idle_timeout(what: &str, path: &str, fix: &str) -> Finding {
    Finding::new(
        Code::WebsocketIdleTimeout,
        Severity::Warning,
        format!(
            "{what} on {path}: the proxy closes WebSocket connections idle for that long (under {MIN_WEBSOCKET_IDLE_SECS}s), and editors reconnect again and again"
        ),
        fix.to_owned(),
    )
}
