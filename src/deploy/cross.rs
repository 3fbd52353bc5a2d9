//! Findings that need several endpoints at once: the app on HTTPS with its collaboration port on plain
//! HTTP (`mixed-scheme`), a public name the serving certificate does not cover (`name-not-covered`), the
//! app's own JVM refusing the chain of its public URL (`jvm-distrusts-proxy`), endpoints of one host
//! serving different certificates (`chain-differs`), and redirects or ports that disagree with the base
//! URL (`base-url-mismatch`). Also the side-by-side chain comparison and the public-name coverage table.
//!
//! Pure: it reads what the probes captured and diagnosed; it connects to nothing.

use super::model::{Deployment, Endpoint, EndpointUrl, Role, Scheme};
use crate::cert::Certificate;
use crate::chain::{CA_FILE_PLACEHOLDER, Diagnosis, STORE_PLACEHOLDER, san_covers, san_names};
use crate::finding::{Code, Finding, Severity};

/// What was seen of one endpoint, in deployment order.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    /// The endpoint.
    pub endpoint: &'a Endpoint,
    /// Whether a connection (TCP for http/ws, a TLS handshake for https/wss) was made.
    pub connected: bool,
    /// The chain served (empty for plain endpoints and failed handshakes).
    pub chain: &'a [Certificate],
    /// The diagnosis of that chain with the app JVM's truststore, when there was a chain.
    pub diagnosis: Option<&'a Diagnosis>,
    /// The redirects its HTTP requests received (followed or not).
    pub redirects: &'a [Redirect],
}

/// A redirect: the URL that answered with it and where its `Location` leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The URL requested.
    pub from: EndpointUrl,
    /// The `Location`, resolved against `from`.
    pub to: EndpointUrl,
}

/// The leaf a server presented when asked for a public name by SNI.
#[derive(Debug, Clone)]
pub struct NameProbe {
    /// The public name sent as SNI.
    pub name: String,
    /// The endpoint whose address was asked.
    pub via: String,
    /// The leaf served, when the handshake got that far.
    pub leaf: Option<Certificate>,
    /// Why no leaf was captured.
    pub error: Option<String>,
}

/// Whether a public name is covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCoverage {
    /// The public name.
    pub name: String,
    /// The endpoint that served it.
    pub endpoint: String,
    /// Whether the leaf's subjectAltNames cover it (`None` when nothing was captured).
    pub covered: Option<bool>,
    /// The names the leaf offers, or why there is no leaf.
    pub offered: String,
}

/// One row of the side-by-side chain comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    /// The endpoint.
    pub endpoint: String,
    /// The leaf's subject.
    pub leaf: String,
    /// The leaf's SHA-256, hex.
    pub leaf_sha256: String,
    /// The leaf's issuer.
    pub issuer: String,
    /// How many certificates were served.
    pub served: usize,
    /// The leaf's notAfter (Unix seconds).
    pub not_after: i64,
    /// The earliest notAfter of the served certificates (Unix seconds).
    pub chain_not_after: i64,
    /// The first endpoint (in deployment order) serving the same leaf, when it is another one.
    pub same_leaf_as: Option<String>,
    /// Whether this chain is the first of the deployment to expire.
    pub expires_first: bool,
}

/// Everything this module derives.
#[derive(Debug, Clone, Default)]
pub struct Cross {
    /// Findings per endpoint, in deployment order.
    pub per_endpoint: Vec<Vec<Finding>>,
    /// Public-name coverage, by name.
    pub names: Vec<NameCoverage>,
    /// The chains side by side, for endpoints that served one.
    pub chains: Vec<ChainRow>,
}

/// Derives the cross-endpoint findings. `store` names the app JVM's truststore in messages.
pub fn check(
    deployment: &Deployment,
    seen: &[Seen<'_>],
    names: &[NameProbe],
    store: &str,
) -> Cross {
    let mut per_endpoint = vec![Vec::new(); seen.len()];
    let app = seen.iter().position(|s| s.endpoint.role == Role::App);

    if let Some(a) = app {
        let app_seen = seen[a];
        for (i, s) in seen.iter().enumerate() {
            per_endpoint[i].extend(mixed_scheme(app_seen, s));
            per_endpoint[i].extend(port_scheme(app_seen.endpoint, s.endpoint));
        }
        for (i, s) in seen.iter().enumerate() {
            if matches!(s.endpoint.role, Role::App | Role::Proxy) {
                per_endpoint[i].extend(jvm_distrusts(s, store));
            }
            per_endpoint[i].extend(redirect_mismatch(deployment, app_seen.endpoint, s));
        }
    }

    let coverage = coverage(deployment, seen, names);
    for c in &coverage {
        let Some(i) = seen.iter().position(|s| s.endpoint.name == c.endpoint) else {
            continue;
        };
        // The endpoint's own host name is already judged by its diagnosis (hostname-mismatch).
        let own_host_reported = seen[i].endpoint.url.host == c.name
            && seen[i]
                .diagnosis
                .is_some_and(|d| d.findings.iter().any(|f| f.code == Code::HostnameMismatch));
        if c.covered == Some(false) && !own_host_reported {
            per_endpoint[i].push(Finding::new(
                Code::NameNotCovered,
                Severity::Error,
                format!(
                    "public name {} is not covered by the certificate {} serves for it (it offers {})",
                    c.name, c.endpoint, c.offered
                ),
                format!(
                    "reissue the certificate with {} in its subjectAltName, or remove the name from public_names",
                    c.name
                ),
            ));
        }
    }

    let chains = chains(seen);
    for (i, s) in seen.iter().enumerate() {
        per_endpoint[i].extend(chain_differs(seen, s, &chains));
    }
    Cross {
        per_endpoint,
        names: coverage,
        chains,
    }
}

/// An HTTPS app with a collaboration or WebSocket endpoint on plain HTTP, or secured with a chain
/// browsers refuse while the app's is accepted.
fn mixed_scheme(app: Seen<'_>, s: &Seen<'_>) -> Option<Finding> {
    let e = s.endpoint;
    if !e.role.websocket() || !app.endpoint.url.scheme.secure() {
        return None;
    }
    if !e.url.scheme.secure() {
        let secure = if e.url.scheme == Scheme::Ws {
            "wss"
        } else {
            "https"
        };
        return Some(Finding::new(
            Code::MixedScheme,
            Severity::Error,
            format!(
                "the app is served over HTTPS ({}) but {} is {}: browsers block {}:// connections from an HTTPS page as mixed content",
                app.endpoint.url.text,
                e.name,
                e.url.text,
                e.url.scheme.name()
            ),
            format!(
                "serve {} over TLS ({secure}://, e.g. through the same proxy as the app) and point the app's collaboration URL at it",
                e.name
            ),
        ));
    }
    let browser_ok = |s: &Seen<'_>| s.diagnosis.map(|d| d.browser.trusted);
    if browser_ok(&app) == Some(true) && browser_ok(s) == Some(false) {
        return Some(Finding::new(
            Code::MixedScheme,
            Severity::Error,
            format!(
                "browsers accept the app's chain but not the one {} serves ({}): the page loads and its collaboration connection fails",
                e.name,
                s.diagnosis
                    .and_then(|d| d.browser.reason.clone())
                    .unwrap_or_else(|| "refused".to_owned())
            ),
            format!(
                "serve {} with the same certificate chain as the app, or through the same proxy",
                e.name
            ),
        ));
    }
    None
}

/// Scheme and port that contradict each other, or a public endpoint on the app's host that the base
/// URL does not explain.
fn port_scheme(app: &Endpoint, e: &Endpoint) -> Option<Finding> {
    let url = &e.url;
    let swapped =
        (url.scheme.secure() && url.port == 80) || (!url.scheme.secure() && url.port == 443);
    if swapped {
        return Some(Finding::new(
            Code::BaseUrlMismatch,
            Severity::Warning,
            format!(
                "{} uses {}:// on port {}, the usual port of {}",
                e.name,
                url.scheme.name(),
                url.port,
                if url.port == 443 {
                    "HTTPS"
                } else {
                    "plain HTTP"
                }
            ),
            "check the scheme and port of the URL, and of proxyPort/scheme in Tomcat's Connector",
        ));
    }
    if e.role == Role::Proxy
        && e.url.host == app.url.host
        && e.url.scheme.secure() == app.url.scheme.secure()
        && e.url.port != app.url.port
    {
        return Some(Finding::new(
            Code::BaseUrlMismatch,
            Severity::Warning,
            format!(
                "the proxy {} listens on port {} but the base URL {} names port {}",
                e.url.text, e.url.port, app.url.text, app.url.port
            ),
            "make the base URL and Tomcat's proxyPort name the port users reach the proxy on",
        ));
    }
    None
}

/// The app's JVM refuses the chain served at the app's (or proxy's) public URL.
fn jvm_distrusts(s: &Seen<'_>, store: &str) -> Option<Finding> {
    let d = s.diagnosis?;
    if d.trusted || !s.endpoint.url.scheme.secure() {
        return None;
    }
    let reason = d
        .java
        .reason
        .clone()
        .unwrap_or_else(|| "the chain is refused".to_owned());
    let import = d.fix.as_ref().map_or(0, |f| f.import.len());
    let remediation = if import > 0 {
        format!(
            "fix the chain the proxy serves, as the findings above say, or import the missing CA into the app's truststore: trustpath store import {STORE_PLACEHOLDER} {CA_FILE_PLACEHOLDER}"
        )
    } else {
        "make the proxy serve a chain the app's truststore accepts (see the findings above), then restart the app".to_owned()
    };
    Some(Finding::new(
        Code::JvmDistrustsProxy,
        Severity::Error,
        format!(
            "the app's JVM ({store}) does not trust the chain {} serves ({reason}): the app calls itself through this URL (gadgets, application links, Synchrony) and fails with \"PKIX path building failed\"",
            s.endpoint.url.text
        ),
        remediation,
    ))
}

/// A redirect that leaves the origin requested (scheme, host and port) for one of the app's names
/// (its base URL's host or a public name) on another scheme or port than the base URL's: users are sent
/// where the app is not served. A redirect within the origin requested (a direct HTTPS connector sending
/// `/` to `/login.action` on itself) is no mismatch, and one to another site is left to
/// `auth-proxy-redirect`. The fix names Tomcat's proxy attributes when the app made the redirect (from the
/// base URL's origin or a node), and the redirect directive too when another listener of the app's names
/// did (a port-80 listener that only redirects).
fn redirect_mismatch(d: &Deployment, app: &Endpoint, s: &Seen<'_>) -> Vec<Finding> {
    let own = |host: &str| host == app.url.host || d.public_names.iter().any(|n| n == host);
    let base_scheme = app.url.scheme.web();
    let base = app.url.origin_with(base_scheme);
    let mut out = Vec::new();
    let mut reported = std::collections::HashSet::new();
    // A plain-HTTP proxy endpoint on the app's names (the listener users type, which should only
    // redirect): its redirect must also stay on the app's names (a login host is the auth endpoint's).
    let redirect_listener = s.endpoint.role == Role::Proxy
        && !s.endpoint.url.scheme.secure()
        && own(&s.endpoint.url.host);
    let auth = |host: &str| {
        d.endpoints
            .iter()
            .any(|e| e.role == Role::Auth && e.url.host == host)
    };
    for r in s.redirects {
        if same_origin(&r.from, &r.to) {
            continue;
        }
        if !own(&r.to.host) {
            let from_listener = redirect_listener && same_origin(&r.from, &s.endpoint.url);
            if from_listener
                && !auth(&r.to.host)
                && reported.insert((r.from.text.clone(), r.to.host.clone()))
            {
                out.push(Finding::new(
                    Code::BaseUrlMismatch,
                    Severity::Error,
                    format!(
                        "{} redirects {} to {}, off the app's names: users who type {} never reach the base URL {}",
                        s.endpoint.name,
                        r.from,
                        r.to,
                        s.endpoint.url.host,
                        app.url
                    ),
                    format!(
                        "point its redirect at the base URL (Apache: `Redirect permanent / {base}/`; nginx: `return 301 {base}$request_uri;`)"
                    ),
                ));
            }
            continue;
        }
        if r.to.scheme == base_scheme && r.to.port == app.url.port {
            continue;
        }
        let from = r.from.origin_with(r.from.scheme.web());
        let to = r.to.origin_with(r.to.scheme);
        if !reported.insert((from.clone(), to.clone())) {
            continue;
        }
        let tomcat = format!(
            "set proxyName=\"{}\" proxyPort=\"{}\" scheme=\"{}\" secure=\"{}\" on Tomcat's Connector (and the app's base URL to {base})",
            app.url.host,
            app.url.port,
            base_scheme.name(),
            base_scheme.secure()
        );
        let app_made_it = from == base || s.endpoint.role == Role::Node || !own(&r.from.host);
        let remediation = if app_made_it {
            tomcat
        } else {
            format!(
                "if {from} only redirects, point its redirect at the base URL (Apache: `Redirect permanent / {base}/`; nginx: `return 301 {base}$request_uri;`); if it proxies to the app, {tomcat}"
            )
        };
        out.push(Finding::new(
            Code::BaseUrlMismatch,
            Severity::Error,
            format!(
                "{} redirects {} to {}: the redirect leaves {from} for {to}, but the base URL {} says users reach the app at {base}",
                s.endpoint.name, r.from, r.to, app.url
            ),
            remediation,
        ));
    }
    out
}

/// Whether two URLs have the same origin (scheme, host, port).
fn same_origin(a: &EndpointUrl, b: &EndpointUrl) -> bool {
    super::web::same_origin(a, b)
}

/// Every public name, checked against the leaf served for it: the endpoint whose URL host it is, else
/// the app asked by SNI.
fn coverage(d: &Deployment, seen: &[Seen<'_>], names: &[NameProbe]) -> Vec<NameCoverage> {
    let mut out = Vec::new();
    for name in &d.public_names {
        let direct = seen.iter().find(|s| {
            s.endpoint.url.host == *name
                && s.endpoint.url.scheme.secure()
                && s.endpoint.role.public()
        });
        let (endpoint, leaf, why_none) = match direct {
            Some(s) => (&s.endpoint.name, s.chain.first(), None),
            None => match names.iter().find(|p| p.name == *name) {
                Some(p) => (&p.via, p.leaf.as_ref(), p.error.clone()),
                None => continue,
            },
        };
        let info = leaf.and_then(|c| c.try_info().ok());
        out.push(NameCoverage {
            name: name.clone(),
            endpoint: endpoint.clone(),
            covered: info.map(|i| san_covers(i, name)),
            offered: match info {
                Some(i) => san_names(i),
                None => why_none.unwrap_or_else(|| "no chain captured".to_owned()),
            },
        });
    }
    out
}

/// The comparison rows.
fn chains(seen: &[Seen<'_>]) -> Vec<ChainRow> {
    let mut rows: Vec<ChainRow> = Vec::new();
    for s in seen {
        let Some(leaf) = s.chain.first() else {
            continue;
        };
        let Ok(info) = leaf.try_info() else {
            continue;
        };
        let sha = leaf.sha256_hex();
        let same_leaf_as = rows
            .iter()
            .find(|r| r.leaf_sha256 == sha)
            .map(|r| r.endpoint.clone());
        let chain_not_after = s
            .chain
            .iter()
            .filter_map(|c| c.try_info().ok().map(|i| i.not_after))
            .min()
            .unwrap_or(info.not_after);
        rows.push(ChainRow {
            endpoint: s.endpoint.name.clone(),
            leaf: info.subject.clone(),
            leaf_sha256: sha,
            issuer: info.issuer.clone(),
            served: s.chain.len(),
            not_after: info.not_after,
            chain_not_after,
            same_leaf_as,
            expires_first: false,
        });
    }
    let min = rows.iter().map(|r| r.chain_not_after).min();
    let max = rows.iter().map(|r| r.chain_not_after).max();
    if let (Some(min), Some(max)) = (min, max)
        && min < max
    {
        for r in &mut rows {
            r.expires_first = r.chain_not_after == min;
        }
    }
    rows
}

/// Public endpoints on the same host serving different leaves (a renewal applied to one of them only).
fn chain_differs(seen: &[Seen<'_>], s: &Seen<'_>, rows: &[ChainRow]) -> Option<Finding> {
    let me = rows.iter().find(|r| r.endpoint == s.endpoint.name)?;
    if !s.endpoint.role.public() {
        return None;
    }
    let first = seen.iter().find(|o| {
        o.endpoint.role.public()
            && o.endpoint.url.host == s.endpoint.url.host
            && rows.iter().any(|r| r.endpoint == o.endpoint.name)
    })?;
    if first.endpoint.name == s.endpoint.name {
        return None;
    }
    let other = rows.iter().find(|r| r.endpoint == first.endpoint.name)?;
    if other.leaf_sha256 == me.leaf_sha256 {
        return None;
    }
    let expiry = if me.not_after < other.not_after {
        format!("{}'s leaf expires first", s.endpoint.name)
    } else if me.not_after > other.not_after {
        format!("{}'s leaf expires first", first.endpoint.name)
    } else {
        "both expire at the same time".to_owned()
    };
    Some(Finding::new(
        Code::ChainDiffers,
        Severity::Info,
        format!(
            "{} and {} are both {} but serve different leaves ({} issued by {}; {} issued by {}); {expiry}",
            first.endpoint.name,
            s.endpoint.name,
            s.endpoint.url.host,
            other.leaf,
            other.issuer,
            me.leaf,
            me.issuer
        ),
        "when renewing, install the new certificate on every endpoint of the host",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::model::parse;
    use crate::pki::SubjectName;
    use crate::pki::lab::{self, LabSpec};
    use std::path::Path;
    use time::OffsetDateTime;

    const NOW: i64 = 1_795_000_000;

    fn deployment(text: &str) -> Deployment {
        parse(text, "t.toml", Path::new("/")).unwrap()
    }

    fn leaf(names: &[&str]) -> Vec<Certificate> {
        let names = SubjectName::parse_all(names).unwrap();
        let lab = lab::generate(
            &LabSpec::new(names),
            OffsetDateTime::from_unix_timestamp(NOW).unwrap(),
        )
        .unwrap();
        vec![lab.leaf.cert.clone(), lab.intermediate.clone().unwrap()]
    }

    fn seen<'a>(
        d: &'a Deployment,
        chains: &'a [Vec<Certificate>],
        redirects: &'a [Redirect],
    ) -> Vec<Seen<'a>> {
        d.endpoints
            .iter()
            .zip(chains)
            .map(|(e, c)| Seen {
                endpoint: e,
                connected: true,
                chain: c,
                diagnosis: None,
                redirects,
            })
            .collect()
    }

    fn codes(c: &Cross, i: usize) -> Vec<&'static str> {
        c.per_endpoint[i].iter().map(|f| f.code.name()).collect()
    }

    const TWO: &str = r#"
public_names = ["wiki.lab.test", "www.lab.test"]
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.lab.test/"
[[endpoint]]
name = "synchrony"
role = "rtc"
url = "ws://wiki.lab.test:8091/synchrony"
"#;

    #[test]
    fn an_rtc_endpoint_on_plain_ws_beside_an_https_app_is_mixed_scheme() {
        let d = deployment(TWO);
        let chains = [leaf(&["wiki.lab.test"]), Vec::new()];
        let c = check(&d, &seen(&d, &chains, &[]), &[], "cacerts");
        assert_eq!(codes(&c, 1), ["mixed-scheme"]);
        assert!(c.per_endpoint[1][0].remediation.contains("wss://"));
        assert!(codes(&c, 0).is_empty());
    }

    #[test]
    fn a_public_name_the_leaf_lacks_is_name_not_covered_on_the_endpoint_that_served_it() {
        let d = deployment(TWO);
        let chains = [leaf(&["wiki.lab.test"]), Vec::new()];
        let probe = NameProbe {
            name: "www.lab.test".into(),
            via: "app".into(),
            leaf: Some(chains[0][0].clone()),
            error: None,
        };
        let c = check(&d, &seen(&d, &chains, &[]), &[probe], "cacerts");
        assert!(
            codes(&c, 0).contains(&"name-not-covered"),
            "{:?}",
            codes(&c, 0)
        );
        assert_eq!(c.names.len(), 2);
        assert_eq!(c.names[0].covered, Some(true));
        assert_eq!(c.names[1].covered, Some(false));
        assert!(c.names[1].offered.contains("wiki.lab.test"));
    }

    fn redirect(from: &str, to: &str) -> Redirect {
        Redirect {
            from: EndpointUrl::parse(from).unwrap(),
            to: EndpointUrl::parse(to).unwrap(),
        }
    }

    fn mismatches(d: &Deployment, redirects: &[Redirect]) -> Vec<Finding> {
        let chains = vec![Vec::new(); d.endpoints.len()];
        let c = check(d, &seen(d, &chains, redirects), &[], "cacerts");
        c.per_endpoint[0]
            .iter()
            .filter(|f| f.code == Code::BaseUrlMismatch)
            .cloned()
            .collect()
    }

    #[test]
    fn a_redirect_leaving_for_another_port_of_the_public_host_is_base_url_mismatch() {
        let d = deployment(TWO);
        let found = mismatches(
            &d,
            &[redirect(
                "https://wiki.lab.test/",
                "http://wiki.lab.test:8090/login.action",
            )],
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].remediation.contains("proxyPort=\"443\""),
            "{}",
            found[0].remediation
        );
        assert!(
            found[0]
                .message
                .contains("leaves https://wiki.lab.test for http://wiki.lab.test:8090")
        );
        // A redirect that keeps the base URL's scheme and port is fine, as is one to another site.
        for fine in [
            redirect(
                "https://wiki.lab.test/",
                "https://wiki.lab.test/login.action",
            ),
            redirect("https://wiki.lab.test/", "https://www.lab.test/"),
            redirect(
                "https://wiki.lab.test/x",
                "https://sso.corp.test:8443/login",
            ),
            redirect(
                "http://127.0.0.1:8090/",
                "https://wiki.lab.test/login.action",
            ),
        ] {
            assert!(
                mismatches(&d, std::slice::from_ref(&fine)).is_empty(),
                "{fine:?}"
            );
        }
    }

    #[test]
    fn a_redirect_within_the_origin_requested_is_no_mismatch() {
        // Tomcat's direct HTTPS connector sends / to /login.action on itself: the client stays where it
        // was; proxyName/proxyPort there would break direct access.
        let d = deployment(TWO);
        let same = redirect(
            "https://wiki.lab.test:8443/",
            "https://wiki.lab.test:8443/login.action",
        );
        assert!(mismatches(&d, &[same]).is_empty());
    }

    #[test]
    fn a_port_80_redirect_must_land_on_the_base_urls_scheme_and_port() {
        let d = deployment(
            r#"
public_names = ["wiki.lab.test"]
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.lab.test:8443/"
"#,
        );
        let good = redirect("http://wiki.lab.test/", "https://wiki.lab.test:8443/");
        assert!(mismatches(&d, &[good]).is_empty());
        let wrong_port = redirect("http://wiki.lab.test/", "https://wiki.lab.test/");
        let found = mismatches(&d, std::slice::from_ref(&wrong_port));
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .remediation
                .contains("Redirect permanent / https://wiki.lab.test:8443/"),
            "{}",
            found[0].remediation
        );
    }

    #[test]
    fn the_listener_users_type_must_redirect_to_the_apps_names() {
        let d = deployment(
            r#"
public_names = ["wiki.lab.test", "www.lab.test"]
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.lab.test/"
[[endpoint]]
name = "redirect"
role = "proxy"
url = "http://www.lab.test/"
[[endpoint]]
name = "login"
role = "auth"
url = "https://sso.lab.test/"
"#,
        );
        let chains = vec![Vec::new(); 3];
        let off = [redirect(
            "http://www.lab.test/",
            "https://parked.example.test/",
        )];
        let c = check(&d, &seen(&d, &chains, &off), &[], "cacerts");
        let found: Vec<&Finding> = c.per_endpoint[1]
            .iter()
            .filter(|f| f.code == Code::BaseUrlMismatch)
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("off the app's names"),
            "{}",
            found[0].message
        );
        // To the canonical name, or to the deployment's login host, is fine.
        for fine in [
            redirect("http://www.lab.test/", "https://wiki.lab.test/"),
            redirect("http://www.lab.test/", "https://sso.lab.test/login"),
        ] {
            let c = check(
                &d,
                &seen(&d, &chains, std::slice::from_ref(&fine)),
                &[],
                "cacerts",
            );
            assert!(
                !c.per_endpoint[1]
                    .iter()
                    .any(|f| f.code == Code::BaseUrlMismatch),
                "{fine:?}: {:?}",
                c.per_endpoint[1]
            );
        }
    }

    #[test]
    fn two_endpoints_of_one_host_with_different_leaves_are_compared() {
        let d = deployment(
            r#"
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.lab.test/"
[[endpoint]]
name = "synchrony"
role = "rtc"
url = "wss://wiki.lab.test:8091/synchrony"
"#,
        );
        let chains = [leaf(&["wiki.lab.test"]), leaf(&["wiki.lab.test"])];
        let c = check(&d, &seen(&d, &chains, &[]), &[], "cacerts");
        assert_eq!(codes(&c, 1), ["chain-differs"]);
        assert_eq!(c.chains.len(), 2);
        assert!(c.chains[1].same_leaf_as.is_none());
        let same = [chains[0].clone(), chains[0].clone()];
        let c = check(&d, &seen(&d, &same, &[]), &[], "cacerts");
        assert!(codes(&c, 1).is_empty());
        assert_eq!(c.chains[1].same_leaf_as.as_deref(), Some("app"));
    }
}
