//! Configurations → a deployment file, as commented TOML: every endpoint says which line of which file it
//! came from, names no configuration gives are clear placeholders marked `EDIT`, and `[configs]` records
//! the files read so that `trustpath check` on the output also runs the offline checks.
//!
//! The mapping: the proxy listener users reach (TLS and named like Tomcat's `proxyName` first) is the
//! `app` endpoint and its names the `public_names`; locations proxied to Synchrony or carrying WebSocket
//! upgrades are `rtc` endpoints (`wss://NAME/synchrony/v1/bayeux-sync1`, plus Synchrony's heartbeat over
//! HTTPS); every backend the proxies pass to is a `node`, as is every Tomcat HTTP connector not already
//! covered. Without a proxy configuration, Tomcat's `proxyName`/`proxyPort`/`scheme` give the base URL,
//! else its HTTPS (or first HTTP) connector does.

mod render;

use std::collections::{HashMap, HashSet};

use super::model::{DeploymentFile, EndpointSpec, HttpSpec, Product, Role, SynchronySpec};
use crate::config::front::{self, Front, Route, Target};
use crate::config::tomcat::Connector;
use crate::config::{Configs, Source};

/// The host written where no configuration gives a name.
pub const PLACEHOLDER_HOST: &str = "replace-me.invalid";

/// Synchrony's WebSocket path under its context path.
const SYNCHRONY_WEBSOCKET: &str = "/v1/bayeux-sync1";

/// A discovered deployment.
#[derive(Debug, Clone)]
pub struct Discovered {
    /// The deployment file.
    pub file: DeploymentFile,
    /// The same, as commented TOML.
    pub text: String,
}

impl Discovered {
    /// The file as written to `path`: its header's `trustpath check` line names it, so that the line
    /// runs as written.
    pub fn written_to(mut self, path: &std::path::Path) -> Discovered {
        let named = crate::judge::shell_word(&path.display().to_string());
        self.text = self.text.replacen(
            &format!("trustpath check {}", render::THIS_FILE),
            &format!("trustpath check {named}"),
            1,
        );
        self
    }
}

/// An endpoint with the comment lines written above it and commented-out lines written after it.
pub(super) struct Planned {
    pub(super) spec: EndpointSpec,
    pub(super) comments: Vec<String>,
    pub(super) trailer: Vec<String>,
}

/// The deployment being written: its name, header notes, public names (each with where it came from)
/// and endpoints.
#[derive(Default)]
pub(super) struct Plan {
    pub(super) name: Option<String>,
    pub(super) header: Vec<String>,
    pub(super) public_names: Vec<(String, String)>,
    pub(super) endpoints: Vec<Planned>,
    /// The endpoints' names and URLs, and the next suffix to try per name: a configuration of N
    /// connectors is planned in time linear in N.
    names: HashSet<String>,
    urls: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// `[jvm]` from the app's start script and bundled JRE, when they say anything.
    pub(super) jvm: Option<JvmPlan>,
    /// `product`, and why.
    pub(super) product: Option<(Product, String)>,
    /// `[synchrony] service_url`, and where it came from.
    pub(super) synchrony_service: Option<(String, String)>,
}

/// `[jvm]` as found: each value with the line it came from, and comment lines for what the deployment
/// file does not take as a value (the password, AIA settings that fetch nothing, values naming a
/// variable).
#[derive(Debug, Default)]
pub(super) struct JvmPlan {
    /// `truststore`, and where it came from.
    pub(super) truststore: Option<(String, String)>,
    /// `java_home`, and where it came from.
    pub(super) java_home: Option<(String, String)>,
    /// `proxy` (`HOST:PORT`), and where it came from.
    pub(super) proxy: Option<(String, String)>,
    /// `non_proxy_hosts`, and where it came from.
    pub(super) non_proxy_hosts: Option<(String, String)>,
    /// `enable_aia = true`: where `-Dcom.sun.security.enableAIAcaIssuers=true` came from.
    pub(super) enable_aia: Option<String>,
    /// `aia_locations` (`-Dcom.sun.security.allowedAIALocations`), and where it came from.
    pub(super) aia_locations: Option<(String, String)>,
    /// Comment lines written after the values.
    pub(super) notes: Vec<String>,
}

impl JvmPlan {
    /// `[jvm]` from the JVM settings, or `None` when they give nothing to write.
    fn from_settings(s: &crate::config::setenv::JvmSettings) -> Option<JvmPlan> {
        let mut plan = JvmPlan::default();
        let at = |p: &crate::config::setenv::Property| format!("{} -D{}", p.source, p.name);
        if let Some(p) = s.get("javax.net.ssl.trustStore") {
            if p.unresolved {
                plan.notes.push(format!(
                    "EDIT: {} is {}, which names a variable the script does not set: write the file as truststore = \"…\"",
                    at(p),
                    p.value
                ));
            } else {
                plan.truststore = Some((p.value.clone(), at(p)));
            }
        }
        match (&s.java_home, &s.bundled_jre) {
            (Some((home, source)), _) => {
                plan.java_home = Some((home.clone(), format!("{source} JRE_HOME/JAVA_HOME")));
            }
            (None, Some(jre)) => {
                plan.java_home = Some((
                    jre.display().to_string(),
                    "the JRE bundled with the install (jre/ beside bin/ and conf/), as no start script names another".to_owned(),
                ));
            }
            (None, None) => {}
        }
        if let Some(p) = s.get("javax.net.ssl.trustStoreType") {
            plan.notes.push(format!(
                "{}: the truststore's type is {} (trustpath reads the type from the file)",
                at(p),
                p.value
            ));
        }
        if let Some(p) = s.get("javax.net.ssl.trustStorePassword") {
            plan.notes.push(format!(
                "{}: the truststore's password is set there (not copied here); certificates are read without it, or export it and uncomment:",
                at(p)
            ));
            plan.notes
                .push("storepass_env = \"TRUSTSTORE_PASSWORD\"".to_owned());
        }
        let host = s.get("https.proxyHost");
        let port = s.get("https.proxyPort");
        if let Some(h) = host {
            let (port_value, where_port) = match port {
                Some(p) => (p.value.clone(), format!(", {}", at(p))),
                None => (
                    "443".to_owned(),
                    " (no https.proxyPort: the JVM uses 443)".to_owned(),
                ),
            };
            let numeric = port_value.parse::<u16>().is_ok_and(|p| p > 0);
            let host_text = if h.value.contains(':') && !h.value.starts_with('[') {
                format!("[{}]", h.value)
            } else {
                h.value.clone()
            };
            if h.unresolved || port.is_some_and(|p| p.unresolved) || !numeric {
                plan.notes.push(format!(
                    "EDIT: {}{where_port}: the app's outbound HTTPS goes through the proxy {}:{port_value}, which names a variable or is not HOST:PORT: write it as proxy = \"HOST:PORT\"",
                    at(h),
                    h.value
                ));
            } else {
                plan.proxy = Some((
                    format!("{host_text}:{port_value}"),
                    format!(
                        "{}{where_port}: the app's outbound HTTPS goes through this proxy",
                        at(h)
                    ),
                ));
                if let Some(n) = s.get("http.nonProxyHosts") {
                    if n.unresolved {
                        plan.notes.push(format!(
                            "EDIT: {} is {}, which names a variable the script does not set: write it as non_proxy_hosts = \"…\"",
                            at(n),
                            n.value
                        ));
                    } else {
                        plan.non_proxy_hosts = Some((
                            n.value.clone(),
                            format!(
                                "{}: hosts the JVM reaches directly (with loopback, as the JVM adds it)",
                                at(n)
                            ),
                        ));
                    }
                }
            }
        }
        plan.aia(s);
        for p in s.with_prefix("synchrony.") {
            plan.notes.push(format!("{}: {}", at(p), p.value));
        }
        plan.notes.extend(s.notes.iter().cloned());
        (plan.truststore.is_some()
            || plan.java_home.is_some()
            || plan.proxy.is_some()
            || plan.enable_aia.is_some()
            || !plan.notes.is_empty())
        .then_some(plan)
    }

    /// `enable_aia` and `aia_locations` from `-Dcom.sun.security.enableAIAcaIssuers` (true as the JVM's
    /// `Boolean.getBoolean` reads it: `true` in any case) and `-Dcom.sun.security.allowedAIALocations`.
    fn aia(&mut self, s: &crate::config::setenv::JvmSettings) {
        let at = |p: &crate::config::setenv::Property| format!("{} -D{}", p.source, p.name);
        let enable = s.get("com.sun.security.enableAIAcaIssuers");
        let locations = s.get("com.sun.security.allowedAIALocations");
        match enable {
            Some(p) if p.unresolved => self.notes.push(format!(
                "EDIT: {} is {}, which names a variable the script does not set: write enable_aia = true when it is true",
                at(p),
                p.value
            )),
            Some(p) if p.value.trim().eq_ignore_ascii_case("true") => {
                self.enable_aia = Some(format!(
                    "{}: the JVM fetches a missing intermediate from the certificate's caIssuers URL (when com.sun.security.allowedAIALocations allows it)",
                    at(p)
                ));
            }
            Some(p) => self.notes.push(format!(
                "{}: {} (the JVM fetches no missing intermediate: only true turns it on)",
                at(p),
                p.value
            )),
            None => {}
        }
        let Some(p) = locations else { return };
        if self.enable_aia.is_none() {
            self.notes.push(format!(
                "{}: {} (used only with enableAIAcaIssuers=true)",
                at(p),
                p.value
            ));
        } else if p.unresolved {
            self.notes.push(format!(
                "EDIT: {} is {}, which names a variable the script does not set: write it as aia_locations = \"…\"",
                at(p),
                p.value
            ));
        } else {
            self.aia_locations = Some((
                p.value.clone(),
                format!(
                    "{}: the caIssuers URLs the JVM fetches from (instead of java.security's)",
                    at(p)
                ),
            ));
        }
    }
}

impl Plan {
    /// `base`, or `base-2`, `base-3`, … the first no endpoint has; records it.
    fn unique(&mut self, base: &str) -> String {
        if self.names.insert(base.to_owned()) {
            return base.to_owned();
        }
        let mut n = self.next_suffix.get(base).copied().unwrap_or(2);
        loop {
            let candidate = format!("{base}-{n}");
            n += 1;
            if self.names.insert(candidate.clone()) {
                self.next_suffix.insert(base.to_owned(), n);
                return candidate;
            }
        }
    }

    fn has_url(&self, url: &str) -> bool {
        self.urls.contains(url)
    }

    fn push(&mut self, base: &str, role: Role, url: String, comments: Vec<String>) -> usize {
        let name = self.unique(base);
        self.urls.insert(url.clone());
        self.endpoints.push(Planned {
            spec: EndpointSpec {
                name,
                role,
                url,
                connect: None,
                websocket: None,
                http: Vec::new(),
            },
            comments,
            trailer: Vec::new(),
        });
        self.endpoints.len() - 1
    }

    fn add_name(&mut self, name: &str, why: String) {
        if name != PLACEHOLDER_HOST && !self.public_names.iter().any(|(n, _)| n == name) {
            self.public_names.push((name.to_owned(), why));
        }
    }
}

/// Builds the deployment file the configurations describe.
pub fn discover(configs: &Configs) -> Discovered {
    let fronts = front::fronts(configs);
    let connectors: Vec<&Connector> = configs
        .tomcat
        .iter()
        .flat_map(|t| t.connectors.iter())
        .collect();
    let mut plan = Plan::default();
    for c in connectors.iter().filter(|c| c.is_ajp()) {
        plan.header.push(format!(
            "{} {} is AJP ({}): not checked",
            c.source,
            c.subject(),
            c.protocol.as_deref().unwrap_or("AJP")
        ));
    }
    let http_connectors: Vec<&Connector> =
        connectors.iter().copied().filter(|c| !c.is_ajp()).collect();
    let mut used_connectors: HashSet<usize> = HashSet::new();

    match primary_front(&fronts, &http_connectors) {
        Some(primary) => from_fronts(
            &mut plan,
            &fronts,
            primary,
            &http_connectors,
            &mut used_connectors,
        ),
        None => from_tomcat(&mut plan, &http_connectors, &mut used_connectors),
    }

    // Tomcat connectors not yet covered are nodes.
    let app_host = plan
        .endpoints
        .first()
        .and_then(|e| crate::deploy::EndpointUrl::parse(&e.spec.url).ok())
        .map(|u| u.host);
    for (i, c) in http_connectors.iter().enumerate() {
        if used_connectors.contains(&i) {
            continue;
        }
        let addr = connector_ip(c);
        let mut comments = vec![format!(
            "{} {}{}",
            c.source,
            c.subject(),
            connector_notes(c)
        )];
        let url = if c.ssl_enabled {
            let host = c
                .tls_host_name()
                .or_else(|| app_host.clone())
                .unwrap_or_else(|| PLACEHOLDER_HOST.to_owned());
            if host == PLACEHOLDER_HOST {
                comments.push(edit_line());
            }
            format!("https://{host}:{}/", c.port)
        } else {
            format!("http://{addr}:{}/", c.port)
        };
        if plan.has_url(&url) {
            continue;
        }
        let idx = plan.push(&format!("node-{}", c.port), Role::Node, url, comments);
        if c.ssl_enabled {
            plan.endpoints[idx].spec.connect = Some(addr);
        }
    }

    plan.jvm = configs.jvm.as_ref().and_then(JvmPlan::from_settings);
    confluence(&mut plan, configs, &fronts);
    render(plan, configs)
}

/// Confluence, when the app JVM has `-Dsynchrony.*` settings or a proxy routes to Synchrony; its
/// `synchrony.service.url`, when set and with no variable left in it.
fn confluence(plan: &mut Plan, configs: &Configs, fronts: &[Front]) {
    let settings = configs.jvm.as_ref();
    let synchrony = settings.and_then(|s| s.with_prefix("synchrony.").first().copied());
    let route = fronts
        .iter()
        .flat_map(|f| f.routes.iter())
        .find(|r| r.synchrony());
    plan.product = match (synchrony, route) {
        (Some(p), _) => Some((
            Product::Confluence,
            format!("{} sets -D{} (Confluence's Synchrony)", p.source, p.name),
        )),
        (None, Some(r)) => Some((
            Product::Confluence,
            format!("{} proxies {} to Synchrony", r.source, r.path),
        )),
        (None, None) => None,
    };
    if let Some(p) = settings.and_then(|s| s.get("synchrony.service.url"))
        && !p.unresolved
        && crate::deploy::EndpointUrl::parse(&p.value).is_ok()
    {
        plan.synchrony_service = Some((
            p.value.clone(),
            format!(
                "{} -Dsynchrony.service.url: the URL Confluence itself calls Synchrony at, checked with the app JVM's truststore as the outbound connection synchrony-service",
                p.source
            ),
        ));
    }
}

/// A commented `/status` check, for the app endpoint.
fn status_trailer() -> Vec<String> {
    vec![
        "Confluence and Jira answer GET /status with {\"state\":\"RUNNING\"}:".to_owned(),
        "[[endpoint.http]]".to_owned(),
        "path = \"/status\"".to_owned(),
        "expect_status = 200".to_owned(),
    ]
}

fn edit_line() -> String {
    format!(
        "EDIT: {PLACEHOLDER_HOST} is a placeholder: write the name users type (the certificate must cover it)"
    )
}

/// The address a connector is reached at from this host.
fn connector_ip(c: &Connector) -> String {
    match c.address.as_deref() {
        Some(a) if !c.binds_all() => a.trim_start_matches('[').trim_end_matches(']').to_owned(),
        _ => "127.0.0.1".to_owned(),
    }
}

fn connector_notes(c: &Connector) -> String {
    let mut notes = Vec::new();
    if let Some(a) = &c.address {
        notes.push(format!("address {a}"));
    }
    if c.ssl_enabled {
        notes.push("SSLEnabled".to_owned());
    }
    for k in &c.keystores {
        let file = k.file.as_deref().unwrap_or("${user.home}/.keystore");
        match &k.alias {
            Some(a) => notes.push(format!("keystore {file} alias {a}")),
            None => notes.push(format!("keystore {file}")),
        }
    }
    for p in &c.pem_certificates {
        notes.push(format!("certificate {}", p.certificate_file));
    }
    if let Some(n) = &c.proxy_name {
        notes.push(format!("proxyName {n}"));
    }
    if let Some(p) = c.proxy_port {
        notes.push(format!("proxyPort {p}"));
    }
    if let Some(s) = &c.scheme {
        notes.push(format!("scheme {s}"));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    }
}

/// The front users reach: named like Tomcat's proxyName, TLS, proxying to a Tomcat port, named.
fn primary_front<'a>(fronts: &'a [Front], connectors: &[&Connector]) -> Option<&'a Front> {
    let proxy_names: Vec<&str> = connectors
        .iter()
        .filter_map(|c| c.proxy_name.as_deref())
        .collect();
    let score = |f: &Front| {
        let named = f.names.iter().any(|n| proxy_names.contains(&n.as_str()));
        let to_tomcat = f.routes.iter().any(|r| {
            r.upstream
                .as_ref()
                .is_some_and(|u| connectors.iter().any(|c| c.port == u.port))
        });
        let app_route = f.routes.iter().any(|r| !r.rtc);
        (
            !f.routes.is_empty(),
            named,
            f.tls,
            to_tomcat,
            app_route,
            !f.names.is_empty(),
        )
    };
    let mut best: Option<&Front> = None;
    for f in fronts {
        if best.is_none_or(|b| score(f) > score(b)) {
            best = Some(f);
        }
    }
    best
}

fn origin(scheme: &str, host: &str, port: u16) -> String {
    let default = if matches!(scheme, "https" | "wss") {
        443
    } else {
        80
    };
    if port == default {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}:{port}")
    }
}

fn front_line(f: &Front) -> String {
    let on = f
        .address
        .as_deref()
        .map(|a| format!(" on {a}"))
        .unwrap_or_default();
    let (proxy, port, tls) = match f.kind {
        front::ProxyKind::Nginx => ("nginx", "listen", " ssl"),
        front::ProxyKind::Apache => ("apache", "port", ", SSLEngine on"),
    };
    format!(
        "{} {} ({proxy}{on}, {port} {}{})",
        f.source,
        f.subject,
        f.port,
        if f.tls { tls } else { "" }
    )
}

/// A path usable in a URL (prefix locations only).
fn url_path(route: &Route) -> Option<String> {
    if route.regex || !route.path.starts_with('/') || route.path.contains(char::is_whitespace) {
        return None;
    }
    Some(route.path.clone())
}

/// The ports of the app's backends: every Tomcat HTTP connector and every backend the primary front
/// proxies to.
fn app_ports(primary: &Front, connectors: &[&Connector]) -> Vec<u16> {
    let mut ports: Vec<u16> = connectors.iter().map(|c| c.port).collect();
    ports.extend(
        primary
            .routes
            .iter()
            .filter_map(|r| r.upstream.as_ref().map(|u| u.port)),
    );
    ports
}

/// Whether a front proxies anything to the app (one of `app_ports`).
fn serves_app(f: &Front, app_ports: &[u16]) -> bool {
    f.routes.iter().any(|r| {
        r.upstream
            .as_ref()
            .is_some_and(|u| app_ports.contains(&u.port))
    })
}

/// `connect` for an endpoint reached through `f`: its address, when it is bound to one.
fn connect_of(f: &Front) -> Option<String> {
    f.bound_ip().map(str::to_owned)
}

fn from_fronts(
    plan: &mut Plan,
    fronts: &[Front],
    primary: &Front,
    connectors: &[&Connector],
    used: &mut HashSet<usize>,
) {
    let scheme = if primary.tls { "https" } else { "http" };
    let host = primary
        .names
        .first()
        .cloned()
        .unwrap_or_else(|| PLACEHOLDER_HOST.to_owned());
    let app_path = primary
        .routes
        .iter()
        .find(|r| r.path == "/")
        .or_else(|| {
            primary
                .routes
                .iter()
                .find(|r| !r.rtc && url_path(r).is_some())
        })
        .and_then(url_path)
        .unwrap_or_else(|| "/".to_owned());
    let mut comments = vec![front_line(primary)];
    if host == PLACEHOLDER_HOST {
        comments.push(edit_line());
    }
    let base = origin(scheme, &host, primary.port);
    let idx = plan.push("app", Role::App, format!("{base}{app_path}"), comments);
    plan.endpoints[idx].spec.connect = connect_of(primary);
    plan.endpoints[idx].trailer = status_trailer();
    plan.name = Some(host.clone());

    // The app's fronts: the primary and every listener that proxies to the app's backends. A listener
    // that proxies nothing to the app (an identity provider's login page, a default site) is not one of
    // the app's names.
    let ports = app_ports(primary, connectors);
    let is_primary = |f: &Front| std::ptr::eq(f, primary);
    let app_fronts: Vec<&Front> = fronts
        .iter()
        .filter(|f| is_primary(f) || serves_app(f, &ports))
        .collect();
    for f in std::iter::once(primary).chain(
        app_fronts
            .iter()
            .copied()
            .filter(|f| !is_primary(f) && f.tls == primary.tls),
    ) {
        for n in &f.names {
            plan.add_name(n, format!("{} {}", f.source, f.subject));
        }
    }
    let app_names: Vec<String> = plan.public_names.iter().map(|(n, _)| n.clone()).collect();
    let is_app_name = |h: &str| h == host || app_names.iter().any(|n| n == h);

    // WebSocket/RTC routes, redirected Synchrony paths, then plain proxies.
    for f in &app_fronts {
        let f_host = f.names.first().cloned().unwrap_or_else(|| host.clone());
        for r in f.routes.iter().filter(|r| r.rtc || r.websocket) {
            let Some(path) = url_path(r) else { continue };
            let line = format!(
                "{} {} location {}{}",
                r.source,
                f.subject,
                r.path,
                if r.websocket {
                    " (WebSocket upgrade headers set)"
                } else {
                    " (no WebSocket upgrade headers: see the offline check)"
                }
            );
            if r.synchrony() {
                synchrony(plan, f, &f_host, &path, &r.source, line);
            } else {
                let ws = if f.tls { "wss" } else { "ws" };
                let url = format!("{}{path}", origin(ws, &f_host, f.port));
                if !plan.has_url(&url) {
                    let role = if r.rtc { Role::Rtc } else { Role::Websocket };
                    let base = if r.rtc { "rtc" } else { "websocket" };
                    let i = plan.push(base, role, url, vec![line]);
                    plan.endpoints[i].spec.connect = connect_of(f);
                }
            }
        }
        for r in &f.redirects {
            let path = &r.rule.path;
            if !path.to_ascii_lowercase().contains("synchrony")
                || path.contains(char::is_whitespace)
            {
                continue;
            }
            let line = format!(
                "{} {} redirects {} to {} ({}): checked as users reach it",
                r.rule.source, f.subject, path, r.rule.target, r.rule.status
            );
            synchrony(plan, f, &f_host, path, &r.rule.source, line);
        }
        if !is_primary(f)
            && f.routes.iter().any(|r| !r.rtc && !r.websocket)
            && !(f.port == primary.port && f.names == primary.names)
        {
            let scheme = if f.tls { "https" } else { "http" };
            let url = format!("{}/", origin(scheme, &f_host, f.port));
            if !plan.has_url(&url) {
                let i = plan.push("proxy", Role::Proxy, url, vec![front_line(f)]);
                plan.endpoints[i].spec.connect = connect_of(f);
            }
        }
    }

    // Listeners that only redirect to the app (the port-80 listener users type): their redirect is
    // checked, not followed, and must lead to the base URL's scheme and port (base-url-mismatch).
    let index_of = |f: &Front| fronts.iter().position(|g| std::ptr::eq(g, f));
    let mut placed: Vec<usize> = app_fronts.iter().filter_map(|f| index_of(f)).collect();
    for (index, f) in fronts
        .iter()
        .enumerate()
        .filter(|(_, f)| f.routes.is_empty())
    {
        let Some(r) = f.redirects.iter().find(|r| {
            r.rule.path == "/"
                && r.to
                    .as_ref()
                    .is_some_and(|t| t.host.as_deref().is_none_or(is_app_name))
        }) else {
            continue;
        };
        let name = f
            .names
            .iter()
            .find(|n| is_app_name(n))
            .or(f.names.first())
            .cloned()
            .unwrap_or_else(|| host.clone());
        let scheme = if f.tls { "https" } else { "http" };
        let url = format!("{}/", origin(scheme, &name, f.port));
        placed.push(index);
        if plan.has_url(&url) {
            continue;
        }
        let i = plan.push(
            "redirect",
            Role::Proxy,
            url,
            vec![
                front_line(f),
                format!(
                    "{} redirects / to {} ({}): checked, not followed; it must lead to {base}/",
                    r.rule.source, r.rule.target, r.rule.status
                ),
            ],
        );
        let e = &mut plan.endpoints[i].spec;
        e.connect = connect_of(f);
        e.http.push(HttpSpec {
            expect_status: Some(r.rule.status),
            follow_redirects: Some(false),
            ..HttpSpec::default()
        });
    }

    // Listeners other redirects send users to, on other names (a login page): `auth` endpoints.
    for f in fronts {
        for r in &f.redirects {
            let Some(t) = &r.to else { continue };
            let Some(h) = t.host.as_deref().filter(|h| !is_app_name(h)) else {
                continue;
            };
            let Some((index, target)) = fronts.iter().enumerate().find(|(_, g)| {
                g.port == t.port && g.names.iter().any(|n| n == h) && g.tls == (t.scheme == "https")
            }) else {
                continue;
            };
            if placed.contains(&index) {
                continue;
            }
            placed.push(index);
            let url = format!("{}/", origin(&t.scheme, h, t.port));
            let i = plan.push(
                "login",
                Role::Auth,
                url,
                vec![
                    front_line(target),
                    format!(
                        "the target of {} ({} {} → {}): where users are sent to log in",
                        r.rule.source, f.subject, r.rule.path, r.rule.target
                    ),
                ],
            );
            plan.endpoints[i].spec.connect = connect_of(target);
        }
    }

    // What is left proxies nothing to the app and is no login target: said, not checked.
    for (index, f) in fronts.iter().enumerate() {
        if !placed.contains(&index) {
            plan.header.push(format!(
                "{} {} proxies nothing to the app: not an endpoint, its names are not the app's",
                f.source, f.subject
            ));
        }
    }

    // Backends of the app's fronts.
    let mut seen: Vec<(String, u16)> = Vec::new();
    for f in &app_fronts {
        for r in &f.routes {
            let Some(t) = &r.upstream else { continue };
            let key = (t.host.clone(), t.port);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            node_for(plan, r, t, connectors, used);
        }
    }
}

/// Synchrony as users reach it through `f` at `path`: its WebSocket and its heartbeat (expecting 200).
fn synchrony(plan: &mut Plan, f: &Front, f_host: &str, path: &str, source: &Source, line: String) {
    let (ws, http) = if f.tls {
        ("wss", "https")
    } else {
        ("ws", "http")
    };
    let base = path.trim_end_matches('/');
    let url = format!("{}{base}{SYNCHRONY_WEBSOCKET}", origin(ws, f_host, f.port));
    if plan.has_url(&url) {
        return;
    }
    let i = plan.push("synchrony", Role::Rtc, url, vec![line]);
    plan.endpoints[i].spec.connect = connect_of(f);
    let hb = format!("{}{base}/heartbeat", origin(http, f_host, f.port));
    let i = plan.push(
        "synchrony-heartbeat",
        Role::Rtc,
        hb,
        vec![format!(
            "Synchrony answers its heartbeat with 200 OK through the proxy ({source})"
        )],
    );
    plan.endpoints[i].spec.connect = connect_of(f);
    plan.endpoints[i].spec.http.push(HttpSpec {
        expect_status: Some(200),
        ..HttpSpec::default()
    });
}

fn node_for(
    plan: &mut Plan,
    r: &Route,
    t: &Target,
    connectors: &[&Connector],
    used: &mut HashSet<usize>,
) {
    let scheme = t.http_scheme();
    let mut comments = vec![format!(
        "{} proxies {} to {}{}",
        r.source,
        r.path,
        r.target,
        t.via
            .as_deref()
            .map(|v| format!(" (upstream {v})"))
            .unwrap_or_default()
    )];
    for (i, c) in connectors.iter().enumerate() {
        let same_host = t.loopback() && c.binds_all()
            || c.address
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(&t.host))
            || (t.loopback()
                && c.address
                    .as_deref()
                    .is_some_and(|a| a.starts_with("127.") || a == "localhost"));
        if c.port == t.port && same_host {
            used.insert(i);
            comments.push(format!(
                "{} {}{}",
                c.source,
                c.subject(),
                connector_notes(c)
            ));
        }
    }
    let host = if t.host.contains(':') {
        format!("[{}]", t.host)
    } else {
        t.host.clone()
    };
    if r.synchrony() {
        let base = url_path(r).unwrap_or_else(|| "/synchrony".to_owned());
        let url = format!(
            "{scheme}://{host}:{}{}/heartbeat",
            t.port,
            base.trim_end_matches('/')
        );
        let i = plan.push("synchrony-node", Role::Node, url, comments);
        plan.endpoints[i].spec.http.push(HttpSpec {
            expect_status: Some(200),
            ..HttpSpec::default()
        });
        return;
    }
    let path = if t.path.starts_with('/') {
        t.path.clone()
    } else {
        url_path(r).unwrap_or_else(|| "/".to_owned())
    };
    let url = format!("{scheme}://{host}:{}{path}", t.port);
    if !plan.has_url(&url) {
        plan.push(&format!("node-{}", t.port), Role::Node, url, comments);
    }
}

fn from_tomcat(plan: &mut Plan, connectors: &[&Connector], used: &mut HashSet<usize>) {
    let host_name = |c: &Connector| c.tls_host_name();
    let pick = connectors
        .iter()
        .position(|c| c.proxy_name.is_some())
        .or_else(|| {
            connectors
                .iter()
                .position(|c| c.ssl_enabled && host_name(c).is_some())
        })
        .or_else(|| connectors.iter().position(|c| c.ssl_enabled))
        .or_else(|| (!connectors.is_empty()).then_some(0));
    let Some(i) = pick else {
        plan.header
            .push("no HTTP connector or proxy listener was found".to_owned());
        let idx = plan.push(
            "app",
            Role::App,
            format!("https://{PLACEHOLDER_HOST}/"),
            vec![edit_line()],
        );
        plan.endpoints[idx]
            .comments
            .push("EDIT: no configuration gave the app's base URL".to_owned());
        return;
    };
    let c = connectors[i];
    let line = format!("{} {}{}", c.source, c.subject(), connector_notes(c));
    if let Some(name) = &c.proxy_name {
        let scheme = c.scheme();
        let scheme = if scheme == "https" { "https" } else { "http" };
        let port = c.proxy_port.unwrap_or(c.port);
        let idx = plan.push(
            "app",
            Role::App,
            format!("{}/", origin(scheme, name, port)),
            vec![
                line,
                "proxyName/proxyPort/scheme say users reach the app here, through a proxy not given to discover".to_owned(),
            ],
        );
        plan.endpoints[idx].trailer = status_trailer();
        plan.add_name(name, format!("{} proxyName", c.source));
        plan.name = Some(name.clone());
        return;
    }
    used.insert(i);
    let addr = connector_ip(c);
    let (scheme, host) = if c.ssl_enabled {
        (
            "https",
            host_name(c).unwrap_or_else(|| PLACEHOLDER_HOST.to_owned()),
        )
    } else {
        ("http", PLACEHOLDER_HOST.to_owned())
    };
    let mut comments = vec![line];
    if host == PLACEHOLDER_HOST {
        comments.push(edit_line());
    } else {
        plan.add_name(&host, format!("{} SSLHostConfig hostName", c.source));
        plan.name = Some(host.clone());
    }
    comments.push(format!(
        "connect = \"{addr}\" reaches the connector directly; remove it to resolve the name instead"
    ));
    let idx = plan.push(
        "app",
        Role::App,
        format!("{}/", origin(scheme, &host, c.port)),
        comments,
    );
    plan.endpoints[idx].spec.connect = Some(addr);
    plan.endpoints[idx].trailer = status_trailer();
}

/// Drops endpoints whose URL would not parse (a backend named by a variable, say), saying so; the app
/// endpoint falls back to the placeholder.
fn checked(mut plan: Plan) -> Plan {
    let mut kept = Vec::with_capacity(plan.endpoints.len());
    for mut e in std::mem::take(&mut plan.endpoints) {
        if let Err(err) = crate::deploy::EndpointUrl::parse(&e.spec.url) {
            if e.spec.role == Role::App {
                e.comments.push(format!(
                    "EDIT: the URL found ({}) is not usable: {err}",
                    e.spec.url
                ));
                e.spec.url = format!("https://{PLACEHOLDER_HOST}/");
                e.spec.connect = None;
            } else {
                plan.header
                    .push(format!("skipped endpoint {}: {err}", e.spec.name));
                continue;
            }
        }
        kept.push(e);
    }
    plan.endpoints = kept;
    plan
}

fn render(plan: Plan, configs: &Configs) -> Discovered {
    let plan = checked(plan);
    let spec = configs.files();
    let name = plan.name.clone().unwrap_or_else(|| "deployment".to_owned());
    let text = render::text(&plan, &name, &spec);
    let file = DeploymentFile {
        name: Some(name),
        product: plan.product.as_ref().map(|(p, _)| *p),
        synchrony: plan.synchrony_service.as_ref().map(|(u, _)| SynchronySpec {
            service_url: Some(u.clone()),
        }),
        public_names: plan.public_names.iter().map(|(n, _)| n.clone()).collect(),
        session_cookies: Vec::new(),
        sso_cookies: Vec::new(),
        jvm: plan.jvm.as_ref().map(|j| super::model::JvmSpec {
            truststore: j.truststore.as_ref().map(|(t, _)| t.into()),
            java_home: j.java_home.as_ref().map(|(h, _)| h.into()),
            enable_aia: j.enable_aia.is_some(),
            aia_locations: j.aia_locations.as_ref().map(|(l, _)| l.clone()),
            ..super::model::JvmSpec::default()
        }),
        configs: Some(spec),
        endpoints: plan.endpoints.into_iter().map(|e| e.spec).collect(),
    };
    Discovered { file, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Debian-style Apache in front of Tomcat: a port-80 listener that only redirects, the app's TLS
    /// host, and an identity provider's host on the same port that proxies nothing; `/synchrony/` is
    /// redirected to its login page when `auth` is set.
    fn apache_lab(auth: bool) -> Discovered {
        use crate::config::ConfigFiles;
        use crate::config::loader::MemLoader;
        let synchrony = if auth {
            "ProxyPass /synchrony !\nRedirectMatch 302 ^/synchrony/(.*)$ https://login.lab.test:8443/login?to=/synchrony/$1\n"
        } else {
            "ProxyPass /synchrony http://127.0.0.1:8090/synchrony upgrade=websocket\n"
        };
        let mem = MemLoader::new()
            .with(
                "/etc/apache2/apache2.conf",
                "Include ports.conf\nIncludeOptional sites-enabled/*.conf\n",
            )
            .with(
                "/etc/apache2/ports.conf",
                "Listen 127.0.0.1:8080\n<IfModule ssl_module>\n  Listen 127.0.0.1:8443\n</IfModule>\n",
            )
            .with(
                "/etc/apache2/sites-enabled/app.conf",
                format!(
                    "<VirtualHost *:8080>\nServerName app.lab.test\nRedirect permanent / https://app.lab.test:8443/\n</VirtualHost>\n\
                     <VirtualHost *:8443>\nServerName app.lab.test\nSSLEngine on\n{synchrony}ProxyPass / http://127.0.0.1:8090/\n</VirtualHost>\n\
                     <VirtualHost *:8443>\nServerName login.lab.test\nSSLEngine on\nDocumentRoot /srv/login\n</VirtualHost>\n"
                ),
            )
            .with(
                "/opt/tomcat/conf/server.xml",
                "<Server><Service><Connector port=\"8090\" address=\"127.0.0.1\" proxyName=\"app.lab.test\" proxyPort=\"8443\" scheme=\"https\" secure=\"true\"/></Service></Server>",
            );
        let spec = ConfigFiles {
            tomcat: Some("/opt/tomcat/conf/server.xml".into()),
            apache: Some("/etc/apache2/apache2.conf".into()),
            ..ConfigFiles::default()
        };
        discover(&crate::config::load_with(&mem, &spec).unwrap())
    }

    fn endpoints(d: &Discovered) -> Vec<(&str, Role, &str, Option<&str>)> {
        d.file
            .endpoints
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.role,
                    e.url.as_str(),
                    e.connect.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn aia_settings_become_enable_aia_and_aia_locations_only_when_the_jvm_fetches() {
        let plan = |script: &str| {
            let s = crate::config::setenv::parse(
                script,
                std::path::Path::new("/opt/app/bin/setenv.sh"),
                std::path::Path::new("/opt/app"),
                crate::config::setenv::Form::Shell,
            );
            JvmPlan::from_settings(&s).unwrap()
        };
        let p = plan(
            "CATALINA_OPTS=\"-Dcom.sun.security.enableAIAcaIssuers=TRUE -Dcom.sun.security.allowedAIALocations=http://pki.corp/\"",
        );
        assert!(p.enable_aia.is_some(), "{p:?}");
        assert_eq!(
            p.aia_locations.as_ref().map(|(l, _)| l.as_str()),
            Some("http://pki.corp/")
        );
        // Not true: the JVM fetches nothing, and the locations alone are only a note (the file refuses
        // aia_locations without enable_aia).
        let p = plan(
            "CATALINA_OPTS=\"-Dcom.sun.security.enableAIAcaIssuers=false -Dcom.sun.security.allowedAIALocations=any\"",
        );
        assert!(p.enable_aia.is_none() && p.aia_locations.is_none(), "{p:?}");
        assert_eq!(p.notes.len(), 2, "{p:?}");
        let p = plan("CATALINA_OPTS=\"-Dcom.sun.security.enableAIAcaIssuers=$AIA\"");
        assert!(p.enable_aia.is_none(), "{p:?}");
        assert!(p.notes[0].starts_with("EDIT: "), "{p:?}");
    }

    #[test]
    fn a_host_that_proxies_nothing_to_the_app_is_not_one_of_its_names() {
        let d = apache_lab(false);
        assert_eq!(d.file.public_names, ["app.lab.test"]);
        assert!(
            d.text
                .contains("VirtualHost login.lab.test:8443 proxies nothing to the app"),
            "{}",
            d.text
        );
        assert!(!endpoints(&d).iter().any(|e| e.2.contains("login")));
    }

    #[test]
    fn every_endpoint_of_a_listener_bound_to_one_address_connects_there() {
        let d = apache_lab(false);
        assert_eq!(
            endpoints(&d),
            [
                (
                    "app",
                    Role::App,
                    "https://app.lab.test:8443/",
                    Some("127.0.0.1")
                ),
                (
                    "synchrony",
                    Role::Rtc,
                    "wss://app.lab.test:8443/synchrony/v1/bayeux-sync1",
                    Some("127.0.0.1")
                ),
                (
                    "synchrony-heartbeat",
                    Role::Rtc,
                    "https://app.lab.test:8443/synchrony/heartbeat",
                    Some("127.0.0.1")
                ),
                (
                    "redirect",
                    Role::Proxy,
                    "http://app.lab.test:8080/",
                    Some("127.0.0.1")
                ),
                (
                    "synchrony-node",
                    Role::Node,
                    "http://127.0.0.1:8090/synchrony/heartbeat",
                    None
                ),
            ]
        );
        let redirect = &d.file.endpoints[3].http[0];
        assert_eq!(
            (redirect.expect_status, redirect.follow_redirects),
            (Some(301), Some(false))
        );
    }

    #[test]
    fn the_target_of_a_login_redirect_becomes_the_auth_endpoint() {
        let d = apache_lab(true);
        assert_eq!(d.file.public_names, ["app.lab.test"]);
        let found = endpoints(&d);
        assert!(
            found.contains(&(
                "login",
                Role::Auth,
                "https://login.lab.test:8443/",
                Some("127.0.0.1")
            )),
            "{found:?}"
        );
        // The redirected Synchrony path is still checked as users reach it.
        assert!(
            found
                .iter()
                .any(|e| e.2 == "https://app.lab.test:8443/synchrony/heartbeat"),
            "{found:?}"
        );
        let parsed = crate::deploy::model::parse(&d.text, "t", std::path::Path::new("/")).unwrap();
        assert_eq!(parsed.endpoints.len(), found.len());
    }

    #[test]
    fn a_backend_named_by_a_variable_gives_no_node_and_the_file_stays_valid() {
        use crate::config::ConfigFiles;
        use crate::config::loader::MemLoader;
        let mem = MemLoader::new().with(
            "/n/nginx.conf",
            "http { server { listen 443 ssl; server_name w.test; location / { proxy_pass http://$backend; } } }\n",
        );
        let spec = ConfigFiles {
            nginx: Some("/n/nginx.conf".into()),
            ..ConfigFiles::default()
        };
        let configs = crate::config::load_with(&mem, &spec).unwrap();
        let d = discover(&configs);
        let parsed = crate::deploy::model::parse(&d.text, "t", std::path::Path::new("/")).unwrap();
        assert_eq!(parsed.app().url.text, "https://w.test/");
        assert_eq!(parsed.endpoints.len(), 1);
    }
}
