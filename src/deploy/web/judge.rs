//! The pure judgement of recorded HTTP and WebSocket exchanges: each problem as a [`Finding`] naming the
//! URL, what was expected, what came back and the fix (a proxy directive, a Tomcat attribute).

use crate::deploy::model::{Deployment, Endpoint, EndpointUrl, HttpCheck, Role};
use crate::finding::{Code, Finding, Severity};
use crate::probe::http::AcceptCheck;
use crate::probe::{Failure, Stage};

use super::login::{allow_prefix, login_path_segment};
use super::{Hop, HttpOutcome, WebsocketOutcome, is_redirect};

/// The nginx directives that pass a WebSocket upgrade through.
const NGINX_UPGRADE: &str = "nginx: `proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";` in the location";

/// Findings of one HTTP check: the request failing (`http-failed`), a redirect to a login host
/// (`auth-proxy-redirect`), the status and body against the check (`unexpected-status`,
/// `unexpected-body`), and session cookies without `Secure` or `HttpOnly` (`insecure-cookie`). The
/// status and body are judged on the final answer when redirects are followed, else on the first.
pub fn http_findings(
    deployment: &Deployment,
    endpoint: &Endpoint,
    check: &HttpCheck,
    outcome: &HttpOutcome,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (Some(first), Some(last)) = (outcome.hops.first(), outcome.hops.last()) else {
        return findings;
    };
    let judged = if check.follow_redirects { last } else { first };
    let request = format!("GET {}", first.url);
    let chain = chain_text(&outcome.hops);

    // A request the endpoint's deadline stopped is one `timeout` finding of the endpoint (assembled
    // with what was not made), not an HTTP failure.
    if let Some(error) = judged.error.as_ref().filter(|e| !e.deadline()) {
        findings.push(failed_finding(&request, error, &chain));
    }
    findings.extend(auth_proxy_finding(deployment, endpoint, outcome));
    if let (Some(status), None) = (judged.status, &judged.error) {
        findings.extend(status_finding(check, &request, &chain, judged, status));
        if let Some(expected) = &check.expect_body
            && !String::from_utf8_lossy(&judged.body).contains(expected.as_str())
        {
            let read = if judged.body_truncated {
                format!(
                    " (only the first {} KiB were read)",
                    crate::probe::http::MAX_BODY / 1024
                )
            } else {
                String::new()
            };
            findings.push(Finding::new(
                Code::UnexpectedBody,
                Severity::Error,
                format!(
                    "{request}{chain}: the {status} answer does not contain '{expected}'{read}; it begins: '{}'",
                    judged.body_excerpt
                ),
                "check which server answers this path (the proxy's location/ProxyPass for it, or an error page of the proxy) and the app's log",
            ));
        }
    }
    findings.extend(cookie_findings(deployment, &outcome.hops));
    findings
}

/// ` → 302 → https://b/`: each redirect's status and the URL it led to, empty without redirects.
fn chain_text(hops: &[Hop]) -> String {
    let mut out = String::new();
    for pair in hops.windows(2) {
        let status = pair[0].status.map_or("?".to_owned(), |s| s.to_string());
        out.push_str(&format!(" → {status} → {}", pair[1].url));
    }
    out
}

fn failed_finding(request: &str, error: &Failure, chain: &str) -> Finding {
    let remediation = match error {
        Failure::Timeout { .. } | Failure::Deadline { .. } => {
            "check that this port serves HTTP (not a protocol that waits for the client) and that the app is not hanging; raise --timeout for slow apps"
        }
        Failure::Failed { stage, .. } => match stage {
            Stage::Connect => {
                "check that the server listens on this address and port and that no firewall blocks it (or set `connect` on the endpoint)"
            }
            Stage::Tls => {
                "check the TLS configuration on this port (`trustpath probe` shows the handshake and the chain)"
            }
            Stage::Loop => {
                "fix the redirect: behind a TLS proxy a loop usually means the app believes it is on http (Tomcat: scheme=\"https\" secure=\"true\" proxyName and proxyPort=\"443\" on the Connector; nginx: proxy_set_header X-Forwarded-Proto $scheme)"
            }
            Stage::Redirect => {
                "fix the Location the server sends, or set follow_redirects = false for this check"
            }
            Stage::Send | Stage::Read => {
                "read the proxy's and the app's error logs: the connection was closed or the answer was not HTTP/1.1 (an HTTP/2-only or non-HTTP port?)"
            }
        },
    };
    Finding::new(
        Code::HttpFailed,
        Severity::Error,
        format!("{request}{chain} failed: {error}"),
        remediation,
    )
}

fn status_finding(
    check: &HttpCheck,
    request: &str,
    chain: &str,
    judged: &Hop,
    status: u16,
) -> Option<Finding> {
    let location = judged
        .location
        .as_deref()
        .map_or(String::new(), |l| format!(" (Location: {l})"));
    let excerpt = if judged.body_excerpt.is_empty() || is_redirect(status) {
        String::new()
    } else {
        format!("; it begins: '{}'", judged.body_excerpt)
    };
    match check.expect_status {
        Some(expected) if expected != status => Some(Finding::new(
            Code::UnexpectedStatus,
            Severity::Error,
            format!(
                "{request}{chain} answered {}{location}, expected {expected}{excerpt}",
                status_text(status)
            ),
            status_remedy(status),
        )),
        None if status >= 500 => Some(Finding::new(
            Code::UnexpectedStatus,
            Severity::Warning,
            format!("{request}{chain} answered {}{excerpt}", status_text(status)),
            status_remedy(status),
        )),
        _ => None,
    }
}

/// `404 Not Found`.
fn status_text(status: u16) -> String {
    match http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

fn status_remedy(status: u16) -> &'static str {
    match status {
        502 | 504 => {
            "the proxy could not reach the app (502) or it did not answer in time (504): check the proxy_pass/ProxyPass target address and port and that the app is running"
        }
        503 => {
            "the app or the proxy's upstream is unavailable: check that the app has started and is not in maintenance"
        }
        401 | 403 => {
            "the request is refused: allow this path without authentication at the proxy, or send the credentials the check needs (headers)"
        }
        404 => {
            "nothing answers this path: check the proxy's location/ProxyPass for it and the app's context path"
        }
        s if is_redirect(s) => {
            "a redirect was not expected: check the base URL the app is configured with and the proxy's rewrites (or expect this status)"
        }
        _ => {
            "check which server answers this path (the proxy's location/ProxyPass for it) and the app's log"
        }
    }
}

/// A redirect from the deployment's own hosts to another host that shows a login page.
///
/// Own hosts are the endpoint's, every non-`auth` endpoint's and the public names: a redirect to the
/// app's canonical name and on to its own login page is normal. The login host is the first other host
/// with evidence: a login form on its page, a typical login path, or being the deployment's `auth`
/// endpoint.
fn auth_proxy_finding(
    deployment: &Deployment,
    endpoint: &Endpoint,
    outcome: &HttpOutcome,
) -> Option<Finding> {
    if endpoint.role == Role::Auth {
        return None;
    }
    let own = |host: &str| {
        host == endpoint.url.host
            || deployment.public_names.iter().any(|n| n == host)
            || deployment
                .endpoints
                .iter()
                .any(|e| e.role != Role::Auth && e.url.host == host)
    };
    // The first redirect from an own host to another.
    let (index, leaving, target) = outcome.hops.iter().enumerate().find_map(|(i, hop)| {
        if !own(&hop.url.host) || !hop.status.is_some_and(is_redirect) {
            return None;
        }
        let target = hop.url.join(hop.location.as_deref()?).ok()?;
        (!own(&target.host)).then_some((i, hop, target))
    })?;
    // Candidates: the redirect target (fetched or not), then the pages after it on other hosts.
    let mut candidates: Vec<(EndpointUrl, Option<&Hop>)> = Vec::new();
    let fetched = outcome
        .hops
        .get(index + 1)
        .filter(|h| h.url.text == target.text);
    candidates.push((target.clone(), fetched));
    for hop in outcome.hops.iter().skip(index + 2) {
        if !own(&hop.url.host) {
            candidates.push((hop.url.clone(), Some(hop)));
        }
    }
    let evidence_of = |url: &EndpointUrl, hop: Option<&Hop>| {
        let mut evidence = Vec::new();
        if let Some(auth) = deployment
            .endpoints
            .iter()
            .find(|e| e.role == Role::Auth && e.url.host == url.host)
        {
            evidence.push(format!(
                "it is the deployment's auth endpoint '{}'",
                auth.name
            ));
        }
        if let Some(segment) = login_path_segment(&url.path) {
            evidence.push(format!("its path is a typical login path ({segment})"));
        }
        if hop.is_some_and(|h| h.login_form) {
            evidence
                .push("its page holds a login form (a <form> with a password field)".to_owned());
        }
        evidence
    };
    let (login_url, evidence) = candidates.iter().find_map(|(url, hop)| {
        let evidence = evidence_of(url, *hop);
        (!evidence.is_empty()).then_some((url, evidence))
    })?;
    let login_host = login_url.host_header();
    let prefix = allow_prefix(&outcome.path);
    let status = leaving.status.unwrap_or_default();
    let base_url = outcome.path.split('?').next() == Some("/") && !endpoint.role.websocket();
    let (severity, consequence) = if base_url {
        (
            Severity::Info,
            "fine for browsers if the whole site is meant to sit behind single sign-on, but every path the app's own clients call (e.g. /synchrony/*, /rest/*, health checks) must reach the app without a login",
        )
    } else {
        (
            Severity::Error,
            "an authentication proxy intercepts this path, so clients that cannot log in interactively (the collaboration editor's XHR and WebSocket, the app calling itself, health checks) get a login page instead of the app",
        )
    };
    let first = &outcome.hops[0].url;
    let from = if leaving.url.text == first.text {
        String::new()
    } else {
        format!(" at {}", leaving.url)
    };
    let to = if target.host == login_url.host {
        format!("to {} on another host, {login_host}", target.text)
    } else {
        format!(
            "to another host ({}) and on to {} on {login_host}",
            target.text, login_url.text
        )
    };
    Some(Finding::new(
        Code::AuthProxyRedirect,
        severity,
        format!(
            "GET {first} is redirected ({status}){from} {to}, a login page: {}; {consequence}",
            evidence.join("; ")
        ),
        format!(
            "allow `{prefix}` without authentication on the authentication proxy in front of {} (its unprotected-paths/bypass rule; nginx: a `location {}` without `auth_request`), so these requests reach the app instead of the login page on {login_host}",
            endpoint.url.host_header(),
            nginx_location(&prefix)
        ),
    ))
}

/// `/synchrony/*` → `/synchrony/`, `/status` → `= /status`, `/*` → `/`.
fn nginx_location(prefix: &str) -> String {
    match prefix.strip_suffix('*') {
        Some(stem) => stem.to_owned(),
        None => format!("= {prefix}"),
    }
}

/// One finding per session cookie, host and missing attribute (naming the first URL that set it so).
fn cookie_findings(deployment: &Deployment, hops: &[Hop]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen: Vec<(String, String, &str)> = Vec::new();
    for hop in hops {
        let url = &hop.url;
        for cookie in &hop.set_cookies {
            if cookie.cleared || !deployment.is_session_cookie(&cookie.name) {
                continue;
            }
            let mut missing = Vec::new();
            if url.scheme.secure() && !cookie.secure {
                missing.push("Secure");
            }
            if !cookie.http_only {
                missing.push("HttpOnly");
            }
            for attribute in missing {
                if seen
                    .iter()
                    .any(|(n, h, a)| *n == cookie.name && *h == url.host && *a == attribute)
                {
                    continue;
                }
                seen.push((cookie.name.clone(), url.host.clone(), attribute));
                findings.push(cookie_finding(&cookie.name, &hop.url.text, attribute));
            }
        }
    }
    findings
}

fn cookie_finding(name: &str, url: &str, attribute: &str) -> Finding {
    let (risk, fix) = if attribute == "Secure" {
        (
            "the browser would also send it over plain HTTP, where anyone on the path can read the session",
            "mark it Secure: Tomcat: secure=\"true\" on the Connector (behind a TLS proxy with scheme=\"https\" proxyPort=\"443\") or <cookie-config><secure>true</secure></cookie-config> in web.xml; nginx: proxy_cookie_flags ~ secure httponly; Apache: Header edit Set-Cookie \"^(.*)$\" \"$1; Secure\"",
        )
    } else {
        (
            "scripts in the page can read it, so a cross-site-scripting bug can steal the session",
            "mark it HttpOnly: Tomcat: <cookie-config><http-only>true</http-only></cookie-config> in web.xml (or useHttpOnly=\"true\" on the Context); nginx: proxy_cookie_flags ~ secure httponly; Apache: Header edit Set-Cookie \"^(.*)$\" \"$1; HttpOnly\"",
        )
    };
    Finding::new(
        Code::InsecureCookie,
        Severity::Warning,
        format!("session cookie {name} is set without {attribute} by {url}: {risk}"),
        fix,
    )
}

/// Findings of a WebSocket upgrade: anything but a `101` with a valid `Sec-WebSocket-Accept` is
/// `websocket-upgrade-failed`, saying what came back and how to fix the proxy.
pub fn websocket_findings(endpoint: &Endpoint, outcome: &WebsocketOutcome) -> Vec<Finding> {
    // An upgrade the endpoint's deadline stopped is the endpoint's `timeout` finding.
    if outcome.upgraded() || outcome.error.as_ref().is_some_and(Failure::deadline) {
        return Vec::new();
    }
    let path = outcome.url.path.clone();
    let proxy_fix = proxy_fix(&path);
    let upgrade = format!("the WebSocket upgrade of {}", outcome.url);
    let (message, remediation) = match (outcome.status, &outcome.accept, &outcome.error) {
        (_, _, Some(error)) => {
            let (what, fix) = match (error.timed_out(), error.stage()) {
                (false, Stage::Read) => (
                    "the connection was closed without a complete answer (a proxy that drops upgrade requests, or a backend that is not a WebSocket endpoint)".to_owned(),
                    proxy_fix.clone(),
                ),
                (true, _) => (
                    format!("{error} (a proxy waiting on a backend that never answers, or one that buffers the upgrade)"),
                    format!("check that the WebSocket backend runs and answers on the proxy's upstream address; {proxy_fix}"),
                ),
                _ => (
                    error.to_string(),
                    "check that the endpoint is reachable (`trustpath probe` shows the TCP and TLS steps)".to_owned(),
                ),
            };
            (format!("{upgrade} failed: {what}"), fix)
        }
        (Some(101), Some(AcceptCheck::Missing), None) => (
            format!(
                "{upgrade} got 101 Switching Protocols without Sec-WebSocket-Accept: browsers close such a connection at once (a proxy or middlebox that rewrites the handshake)"
            ),
            format!("let the proxy pass the handshake through unchanged; {proxy_fix}"),
        ),
        (Some(101), Some(AcceptCheck::Wrong { got, expected }), None) => (
            format!(
                "{upgrade} got 101 Switching Protocols with Sec-WebSocket-Accept '{got}' where RFC 6455 requires '{expected}' for the key sent: browsers close such a connection at once (a proxy that answers the upgrade itself or rewrites Sec-WebSocket-Key)"
            ),
            format!("let the proxy pass the handshake through unchanged; {proxy_fix}"),
        ),
        (Some(status), _, None) => {
            let (what, fix) = upgrade_answer(endpoint, outcome, status, &path, &proxy_fix);
            let excerpt = if outcome.body_excerpt.is_empty() {
                String::new()
            } else {
                format!("; the body begins: '{}'", outcome.body_excerpt)
            };
            (
                format!(
                    "{upgrade} got {} instead of 101 Switching Protocols: {what}{excerpt}",
                    status_text(status)
                ),
                fix,
            )
        }
        (None, _, None) => (format!("{upgrade} got no answer"), proxy_fix.clone()),
    };
    vec![Finding::new(
        Code::WebsocketUpgradeFailed,
        Severity::Error,
        message,
        remediation,
    )]
}

/// What a non-101 answer to an upgrade means, and its fix.
fn upgrade_answer(
    endpoint: &Endpoint,
    outcome: &WebsocketOutcome,
    status: u16,
    path: &str,
    proxy_fix: &str,
) -> (String, String) {
    let location = outcome
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.as_str());
    match status {
        200..=299 => (
            "a plain page: the proxy forwarded the request without its Upgrade and Connection headers, so the backend answered it as an ordinary GET".to_owned(),
            proxy_fix.to_owned(),
        ),
        s if is_redirect(s) => {
            let base = endpoint.url.at_path(path);
            let target = location.and_then(|l| base.join(l).ok());
            match (location, target) {
                (Some(l), Some(t)) if t.host != endpoint.url.host => {
                    let login = login_path_segment(&t.path)
                        .map(|s| format!(", a typical login path ({s})"))
                        .unwrap_or_default();
                    (
                        format!(
                            "a redirect to another host, {} ({l}{login}): an authentication proxy intercepts the WebSocket path, and browsers do not follow redirects on upgrades",
                            t.host_header()
                        ),
                        format!(
                            "allow `{}` without authentication on the authentication proxy in front of {}; {proxy_fix}",
                            allow_prefix(path),
                            endpoint.url.host_header()
                        ),
                    )
                }
                (Some(l), _) => (
                    format!(
                        "a redirect to {l}: browsers do not follow redirects on WebSocket upgrades"
                    ),
                    format!(
                        "point the client at the final URL (a redirect from ws:// to https:// means the endpoint should be wss://), or route the path to the WebSocket backend without a redirect; {proxy_fix}"
                    ),
                ),
                (None, _) => (
                    "a redirect without a Location".to_owned(),
                    proxy_fix.to_owned(),
                ),
            }
        }
        400 => (
            "the backend or the proxy rejected the upgrade (typically the Upgrade/Connection headers did not reach the backend, or the Origin is not allowed)".to_owned(),
            proxy_fix.to_owned(),
        ),
        401 | 403 => (
            "authentication or an Origin check refused the upgrade".to_owned(),
            format!(
                "allow `{}` without authentication at the proxy, and check the app's allowed origins (its base URL must match the public URL); {proxy_fix}",
                allow_prefix(path)
            ),
        ),
        404 => (
            "nothing is routed at this path".to_owned(),
            format!(
                "check the proxy's location/ProxyPass for `{}` and the WebSocket service's context path; {proxy_fix}",
                allow_prefix(path)
            ),
        ),
        426 => (
            "the backend wants a WebSocket upgrade but the Upgrade header did not reach it".to_owned(),
            proxy_fix.to_owned(),
        ),
        502..=504 => (
            "the proxy could not get an answer from the WebSocket backend".to_owned(),
            format!(
                "check the upstream address of the proxy's location for `{}` and that the WebSocket service runs; {proxy_fix}",
                allow_prefix(path)
            ),
        ),
        _ => ("an answer that is not an upgrade".to_owned(), proxy_fix.to_owned()),
    }
}

/// The nginx and Apache directives that proxy WebSockets for the first segment of `path`.
fn proxy_fix(path: &str) -> String {
    let prefix = allow_prefix(path);
    let segment = prefix.trim_end_matches('*').trim_end_matches('/');
    format!(
        "{NGINX_UPGRADE}; Apache: `RewriteEngine on`, `RewriteCond %{{HTTP:Upgrade}} websocket [NC]`, `RewriteRule ^{segment}/(.*) ws://HOST:PORT{segment}/$1 [P]` (or `ProxyPass {segment}/ ws://HOST:PORT{segment}/`), HOST:PORT being the WebSocket backend"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::model;
    use crate::deploy::web::parse_set_cookie;
    use std::path::Path;

    fn deployment() -> Deployment {
        model::parse(
            r#"
session_cookies = ["seraph.confluence"]
[[endpoint]]
name = "app"
role = "app"
url = "https://wiki.example.test/"
[[endpoint]]
name = "synchrony"
role = "rtc"
url = "wss://wiki.example.test/synchrony/v1/bayeux-sync1"
[[endpoint]]
name = "sso"
role = "auth"
url = "https://sso.example.test/"
"#,
            "test.toml",
            Path::new("/"),
        )
        .unwrap()
    }

    fn check(path: &str, expect_status: Option<u16>) -> HttpCheck {
        HttpCheck {
            path: path.to_owned(),
            expect_status,
            expect_body: None,
            headers: Vec::new(),
            follow_redirects: true,
        }
    }

    fn hop(url: &str, status: u16, location: Option<&str>, body: &str) -> Hop {
        Hop {
            url: EndpointUrl::parse(url).unwrap(),
            status: Some(status),
            location: location.map(str::to_owned),
            set_cookies: Vec::new(),
            login_form: crate::deploy::web::login::has_login_form(body.as_bytes()),
            body_excerpt: crate::probe::http::excerpt(body.as_bytes(), 160),
            error: None,
            body: body.as_bytes().to_vec(),
            body_truncated: false,
        }
    }

    fn outcome(path: &str, hops: Vec<Hop>) -> HttpOutcome {
        HttpOutcome {
            path: path.to_owned(),
            hops,
        }
    }

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code.name()).collect()
    }

    const LOGIN_PAGE: &str =
        "<html><form method=post><input name=user><input type=password name=pw></form>";

    #[test]
    fn a_redirect_to_a_login_host_names_the_host_and_the_prefix_to_allow() {
        let d = deployment();
        let app = d.app();
        let o = outcome(
            "/synchrony/heartbeat",
            vec![
                hop(
                    "https://wiki.example.test/synchrony/heartbeat",
                    302,
                    Some("https://sso.example.test/login?return=/synchrony/heartbeat"),
                    "",
                ),
                hop(
                    "https://sso.example.test/login?return=/synchrony/heartbeat",
                    200,
                    None,
                    LOGIN_PAGE,
                ),
            ],
        );
        let f = http_findings(&d, app, &check("/synchrony/heartbeat", Some(200)), &o);
        assert_eq!(codes(&f), ["auth-proxy-redirect"]);
        let a = &f[0];
        assert_eq!(a.severity, Severity::Error);
        assert!(a.message.contains("sso.example.test"), "{}", a.message);
        assert!(
            a.message.contains("typical login path (login)"),
            "{}",
            a.message
        );
        assert!(a.message.contains("holds a login form"), "{}", a.message);
        assert!(
            a.remediation.contains("allow `/synchrony/*`"),
            "{}",
            a.remediation
        );
        assert!(
            a.remediation.contains("location /synchrony/"),
            "{}",
            a.remediation
        );
    }

    #[test]
    fn a_login_form_alone_on_another_host_is_enough_evidence() {
        let d = deployment();
        let o = outcome(
            "/rest/api/space",
            vec![
                hop(
                    "https://wiki.example.test/rest/api/space",
                    307,
                    Some("https://gate.example.test/"),
                    "",
                ),
                hop("https://gate.example.test/", 200, None, LOGIN_PAGE),
            ],
        );
        let f = http_findings(&d, d.app(), &check("/rest/api/space", None), &o);
        assert_eq!(codes(&f), ["auth-proxy-redirect"]);
        assert!(!f[0].message.contains("typical login path"));
        assert!(f[0].remediation.contains("`/rest/*`"));
    }

    #[test]
    fn a_redirect_not_followed_is_judged_by_the_target_path() {
        let d = deployment();
        let mut c = check("/synchrony/heartbeat", Some(200));
        c.follow_redirects = false;
        let o = outcome(
            "/synchrony/heartbeat",
            vec![hop(
                "https://wiki.example.test/synchrony/heartbeat",
                302,
                Some("https://sso.example.test/adfs/ls/?wa=wsignin1.0"),
                "",
            )],
        );
        let f = http_findings(&d, d.app(), &c, &o);
        assert_eq!(codes(&f), ["auth-proxy-redirect", "unexpected-status"]);
        assert!(f[1].message.contains("302 Found"), "{}", f[1].message);
        assert!(f[1].message.contains("expected 200"), "{}", f[1].message);
    }

    #[test]
    fn a_same_host_login_redirect_and_a_plain_cross_host_redirect_are_not_auth_proxies() {
        let d = deployment();
        let same = outcome(
            "/",
            vec![
                hop(
                    "https://wiki.example.test/",
                    302,
                    Some("/login.action?os_destination=%2F"),
                    "",
                ),
                hop(
                    "https://wiki.example.test/login.action?os_destination=%2F",
                    200,
                    None,
                    LOGIN_PAGE,
                ),
            ],
        );
        assert!(http_findings(&d, d.app(), &check("/", Some(200)), &same).is_empty());
        let moved = outcome(
            "/docs/",
            vec![
                hop(
                    "https://wiki.example.test/docs/",
                    301,
                    Some("https://docs.example.test/"),
                    "",
                ),
                hop("https://docs.example.test/", 200, None, "<p>docs</p>"),
            ],
        );
        assert!(http_findings(&d, d.app(), &check("/docs/", None), &moved).is_empty());
    }

    #[test]
    fn a_redirect_to_the_apps_canonical_name_and_its_own_login_page_is_normal() {
        let mut d = deployment();
        d.public_names = vec!["confluence.example.test".into()];
        let o = outcome(
            "/rest/api/space",
            vec![
                hop(
                    "https://wiki.example.test/rest/api/space",
                    301,
                    Some("https://confluence.example.test/rest/api/space"),
                    "",
                ),
                hop(
                    "https://confluence.example.test/rest/api/space",
                    302,
                    Some("/login.action"),
                    "",
                ),
                hop(
                    "https://confluence.example.test/login.action",
                    200,
                    None,
                    LOGIN_PAGE,
                ),
            ],
        );
        assert!(http_findings(&d, d.app(), &check("/rest/api/space", None), &o).is_empty());
    }

    #[test]
    fn a_redirect_to_the_auth_endpoint_is_evidence_enough() {
        let d = deployment();
        let mut c = check("/synchrony/heartbeat", None);
        c.follow_redirects = false;
        let o = outcome(
            "/synchrony/heartbeat",
            vec![hop(
                "https://wiki.example.test/synchrony/heartbeat",
                303,
                Some("https://sso.example.test/"),
                "",
            )],
        );
        let f = http_findings(&d, d.app(), &c, &o);
        assert_eq!(codes(&f), ["auth-proxy-redirect"]);
        assert!(
            f[0].message
                .contains("on another host, sso.example.test, a login page: it is the deployment's auth endpoint 'sso'"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_login_page_two_hosts_away_is_named_as_the_login_host() {
        let d = deployment();
        let o = outcome(
            "/synchrony/heartbeat",
            vec![
                hop(
                    "https://wiki.example.test/synchrony/heartbeat",
                    302,
                    Some("https://gate.example.test/check"),
                    "",
                ),
                hop(
                    "https://gate.example.test/check",
                    302,
                    Some("https://idp.example.test/u/"),
                    "",
                ),
                hop("https://idp.example.test/u/", 200, None, LOGIN_PAGE),
            ],
        );
        let f = http_findings(&d, d.app(), &check("/synchrony/heartbeat", None), &o);
        assert_eq!(codes(&f), ["auth-proxy-redirect"]);
        assert!(
            f[0].message.contains(
                "to another host (https://gate.example.test/check) and on to https://idp.example.test/u/ on idp.example.test, a login page"
            ),
            "{}",
            f[0].message
        );
        assert!(f[0].remediation.contains("login page on idp.example.test"));
    }

    #[test]
    fn the_base_url_behind_single_sign_on_is_only_information() {
        let d = deployment();
        let o = outcome(
            "/",
            vec![
                hop(
                    "https://wiki.example.test/",
                    302,
                    Some("https://sso.example.test/login"),
                    "",
                ),
                hop("https://sso.example.test/login", 200, None, LOGIN_PAGE),
            ],
        );
        let f = http_findings(&d, d.app(), &check("/", None), &o);
        assert_eq!(codes(&f), ["auth-proxy-redirect"]);
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn the_auth_endpoint_itself_is_never_an_auth_proxy_finding() {
        let d = deployment();
        let sso = &d.endpoints[2];
        let o = outcome(
            "/",
            vec![
                hop(
                    "https://sso.example.test/",
                    302,
                    Some("https://idp.example.test/login"),
                    "",
                ),
                hop("https://idp.example.test/login", 200, None, LOGIN_PAGE),
            ],
        );
        assert!(http_findings(&d, sso, &check("/", None), &o).is_empty());
    }

    #[test]
    fn session_cookies_without_secure_or_http_only_get_one_finding_each() {
        let d = deployment();
        let mut h = hop("https://wiki.example.test/", 200, None, "ok");
        h.set_cookies = [
            "JSESSIONID=abc; Path=/",
            "seraph.confluence=1; Path=/; Secure",
            "crowd.token_key=x; Secure; HttpOnly",
            "theme=dark; Path=/",
            "JSESSIONIDSSO=; Max-Age=0",
        ]
        .iter()
        .filter_map(|c| parse_set_cookie(c))
        .collect();
        let mut again = h.clone();
        again.url = EndpointUrl::parse("https://wiki.example.test/again").unwrap();
        let f = http_findings(
            &d,
            d.app(),
            &check("/", None),
            &outcome("/", vec![h, again]),
        );
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(codes(&f), ["insecure-cookie"; 3], "{messages:#?}");
        assert!(messages[0].starts_with(
            "session cookie JSESSIONID is set without Secure by https://wiki.example.test/"
        ));
        assert!(messages[1].starts_with("session cookie JSESSIONID is set without HttpOnly"));
        assert!(
            messages[2].starts_with("session cookie seraph.confluence is set without HttpOnly")
        );
        assert!(f[0].remediation.contains("secure=\"true\""));
        assert!(
            f[0].remediation
                .contains("proxy_cookie_flags ~ secure httponly")
        );
        assert!(f[1].remediation.contains("<http-only>true</http-only>"));
        assert!(f.iter().all(|f| f.severity == Severity::Warning));
    }

    #[test]
    fn secure_is_not_required_on_plain_http() {
        let d = deployment();
        let mut h = hop("http://127.0.0.1:8090/", 200, None, "ok");
        h.set_cookies = vec![parse_set_cookie("JSESSIONID=abc; HttpOnly").unwrap()];
        assert!(http_findings(&d, d.app(), &check("/", None), &outcome("/", vec![h])).is_empty());
    }

    #[test]
    fn statuses_and_bodies_are_judged_on_the_final_answer() {
        let d = deployment();
        let mut c = check("/status", Some(200));
        c.expect_body = Some("RUNNING".into());
        let o = outcome(
            "/status",
            vec![
                hop(
                    "http://wiki.example.test/status",
                    301,
                    Some("https://wiki.example.test/status"),
                    "",
                ),
                hop(
                    "https://wiki.example.test/status",
                    200,
                    None,
                    "{\"state\":\"STARTING\"}",
                ),
            ],
        );
        let f = http_findings(&d, d.app(), &c, &o);
        assert_eq!(codes(&f), ["unexpected-body"]);
        assert!(f[0].message.contains("'RUNNING'"), "{}", f[0].message);
        assert!(f[0].message.contains("STARTING"), "{}", f[0].message);
        assert!(
            f[0].message.contains("GET http://wiki.example.test/status → 301 → https://wiki.example.test/status: the 200 answer"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn an_implicit_check_warns_only_on_a_server_error() {
        let d = deployment();
        let c = crate::deploy::web::implicit_check(d.app());
        let ok = outcome("/", vec![hop("https://wiki.example.test/", 404, None, "")]);
        assert!(http_findings(&d, d.app(), &c, &ok).is_empty());
        let bad = outcome(
            "/",
            vec![hop(
                "https://wiki.example.test/",
                502,
                None,
                "<h1>Bad Gateway</h1>",
            )],
        );
        let f = http_findings(&d, d.app(), &c, &bad);
        assert_eq!(codes(&f), ["unexpected-status"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.contains("502 Bad Gateway"));
        assert!(f[0].remediation.contains("proxy_pass"));
    }

    #[test]
    fn a_failed_request_names_its_stage_and_skips_the_expectations() {
        let d = deployment();
        let mut h = hop("https://wiki.example.test/", 0, None, "");
        h.status = None;
        h.error = Some(Failure::Timeout {
            stage: Stage::Read,
            after: std::time::Duration::from_secs(2),
        });
        let f = http_findings(&d, d.app(), &check("/", Some(200)), &outcome("/", vec![h]));
        assert_eq!(codes(&f), ["http-failed"]);
        assert!(
            f[0].message
                .contains("timeout: no complete response within 2 s")
        );
        assert!(f[0].remediation.contains("--timeout"));
    }

    #[test]
    fn a_redirect_loop_is_a_failure_with_the_scheme_fix() {
        let d = deployment();
        let mut second = hop(
            "http://wiki.example.test/",
            302,
            Some("https://wiki.example.test/"),
            "",
        );
        second.error = Some(Failure::failed(
            Stage::Loop,
            "https://wiki.example.test/ was already requested",
        ));
        let o = outcome(
            "/",
            vec![
                hop(
                    "https://wiki.example.test/",
                    302,
                    Some("http://wiki.example.test/"),
                    "",
                ),
                second,
            ],
        );
        let f = http_findings(&d, d.app(), &check("/", Some(200)), &o);
        assert_eq!(codes(&f), ["http-failed"]);
        assert!(f[0].message.contains("redirect loop"), "{}", f[0].message);
        assert!(f[0].remediation.contains("scheme=\"https\""));
    }

    fn ws_outcome(status: Option<u16>, accept: Option<AcceptCheck>) -> WebsocketOutcome {
        WebsocketOutcome {
            url: EndpointUrl::parse("wss://wiki.example.test/synchrony/v1/bayeux-sync1").unwrap(),
            status,
            accept,
            headers: Vec::new(),
            body_excerpt: String::new(),
            error: None,
        }
    }

    #[test]
    fn a_valid_101_has_no_finding() {
        let d = deployment();
        let o = ws_outcome(Some(101), Some(AcceptCheck::Valid));
        assert!(websocket_findings(&d.endpoints[1], &o).is_empty());
    }

    #[test]
    fn a_page_instead_of_101_names_the_dropped_headers_and_both_proxy_fixes() {
        let d = deployment();
        let mut o = ws_outcome(Some(200), Some(AcceptCheck::Missing));
        o.body_excerpt = "Synchrony is running".into();
        let f = websocket_findings(&d.endpoints[1], &o);
        assert_eq!(codes(&f), ["websocket-upgrade-failed"]);
        assert!(
            f[0].message.contains("200 OK instead of 101"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("Upgrade and Connection headers"));
        assert!(f[0].message.contains("'Synchrony is running'"));
        assert!(f[0].remediation.contains("proxy_http_version 1.1"));
        assert!(
            f[0].remediation
                .contains("proxy_set_header Connection \"upgrade\"")
        );
        assert!(
            f[0].remediation
                .contains("RewriteRule ^/synchrony/(.*) ws://HOST:PORT/synchrony/$1 [P]"),
            "{}",
            f[0].remediation
        );
    }

    #[test]
    fn a_redirect_of_the_upgrade_to_a_login_host_names_it() {
        let d = deployment();
        let mut o = ws_outcome(Some(302), Some(AcceptCheck::Missing));
        o.headers = vec![("location".into(), "https://sso.example.test/login".into())];
        let f = websocket_findings(&d.endpoints[1], &o);
        assert!(f[0].message.contains("302 Found"), "{}", f[0].message);
        assert!(f[0].message.contains("another host, sso.example.test"));
        assert!(f[0].remediation.contains("allow `/synchrony/*`"));
    }

    #[test]
    fn a_101_with_a_wrong_or_missing_accept_is_a_broken_proxy() {
        let d = deployment();
        let wrong = ws_outcome(
            Some(101),
            Some(AcceptCheck::Wrong {
                got: "bogus".into(),
                expected: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into(),
            }),
        );
        let f = websocket_findings(&d.endpoints[1], &wrong);
        assert_eq!(codes(&f), ["websocket-upgrade-failed"]);
        assert!(f[0].message.contains("'bogus'") && f[0].message.contains("s3pPLMBi"));
        let missing = ws_outcome(Some(101), Some(AcceptCheck::Missing));
        let f = websocket_findings(&d.endpoints[1], &missing);
        assert!(f[0].message.contains("without Sec-WebSocket-Accept"));
    }

    #[test]
    fn gateway_errors_and_closed_connections_say_what_came_back() {
        let d = deployment();
        let f = websocket_findings(&d.endpoints[1], &ws_outcome(Some(502), None));
        assert!(f[0].message.contains("502 Bad Gateway"));
        assert!(f[0].remediation.contains("upstream address"));
        let mut closed = ws_outcome(None, None);
        closed.error = Some(Failure::failed(
            Stage::Read,
            "the server closed the connection without a complete response",
        ));
        let f = websocket_findings(&d.endpoints[1], &closed);
        assert!(
            f[0].message.contains("connection was closed"),
            "{}",
            f[0].message
        );
        assert!(f[0].remediation.contains("proxy_http_version 1.1"));
    }

    #[test]
    fn the_apache_rule_for_a_root_path_rewrites_everything() {
        assert!(proxy_fix("/").contains("RewriteRule ^/(.*) ws://HOST:PORT/$1 [P]"));
        assert_eq!(nginx_location("/status"), "= /status");
    }
}
