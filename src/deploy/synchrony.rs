//! Confluence's own Synchrony diagnostics, judged: what `/rest/synchrony-interop/status` and
//! `/rest/synchrony-interop/synchrony-status` answered on the app endpoint (the requests the
//! `product = "confluence"` profile adds, see [`super::model`]), read together with what the rest of the
//! check saw — `/synchrony/jwt-key` through the proxy, the `synchrony-service` outbound connection (the
//! app JVM's `synchrony.service.url`, judged with its truststore), Synchrony's heartbeats — so that "stopped" while
//! the heartbeat answers names the likely causes in the order support works through them. Pure.

use super::model::{Deployment, Product, Role, SYNCHRONY_SERVICE, confluence};
use super::run::{DeployedEndpoint, OutboundConnection};
use super::web::HttpOutcome;
use crate::finding::{Code, Finding, Severity};

/// The fix when an authentication proxy intercepts Synchrony.
const ALLOW_SYNCHRONY: &str = "allow `/synchrony/*` without authentication on the authentication proxy in front of the app (its unprotected-paths/bypass rule; nginx: a `location /synchrony/` without `auth_request`)";

/// The Synchrony findings of a Confluence deployment, for its app endpoint: `synchrony-stopped` when
/// Confluence reports Synchrony not running, `synchrony-disabled` when collaborative editing is off.
/// Nothing for another product, or when the interop requests got no JSON answer (their statuses are
/// judged as every request's are).
pub fn findings(
    d: &Deployment,
    endpoints: &[DeployedEndpoint],
    outbound: &[OutboundConnection],
) -> Vec<Finding> {
    let mut out = Vec::new();
    if d.product != Some(Product::Confluence) {
        return out;
    }
    let Some(app) = endpoints.iter().find(|e| e.role == Role::App) else {
        return out;
    };
    if let Some((url, json)) = answer(app, confluence::INTEROP_STATUS)
        && json.get("synchronyEnabled").and_then(|v| v.as_bool()) == Some(false)
    {
        out.push(Finding::new(
            Code::SynchronyDisabled,
            Severity::Warning,
            format!(
                "GET {url} says synchronyEnabled false: collaborative editing is off, so Confluence does not use Synchrony"
            ),
            "turn collaborative editing on (Confluence administration → Collaborative editing) if users are meant to edit together",
        ));
    }
    if let Some((url, json)) = answer(app, confluence::SYNCHRONY_STATUS)
        && let Some(status) = json.get("status").and_then(|v| v.as_str())
        && status != "running"
    {
        out.push(stopped(d, endpoints, outbound, app, &url, status));
    }
    out
}

/// The URL and JSON body of the app's 200 answer to the interop request ending in `path`.
fn answer(app: &DeployedEndpoint, path: &str) -> Option<(String, serde_json::Value)> {
    let outcome = app
        .http
        .iter()
        .find(|o| o.path.split('?').next().is_some_and(|p| p.ends_with(path)))?;
    let last = outcome.hops.last()?;
    if last.status != Some(200) || last.error.is_some() {
        return None;
    }
    let json = serde_json::from_slice(&last.body).ok()?;
    Some((outcome.hops.first()?.url.text.clone(), json))
}

/// One cause of a stopped Synchrony: what it is, what the check saw of it, whether that shows it at
/// fault, and its fix.
struct Cause {
    what: &'static str,
    seen: String,
    at_fault: bool,
    fix: String,
}

fn stopped(
    d: &Deployment,
    endpoints: &[DeployedEndpoint],
    outbound: &[OutboundConnection],
    app: &DeployedEndpoint,
    url: &str,
    status: &str,
) -> Finding {
    let causes = [
        auth_proxy(endpoints, app),
        service_url(d, outbound),
        heartbeat(endpoints),
    ];
    let heartbeat_ok = !causes[2].at_fault && !causes[2].seen.starts_with("no ");
    let mut message = format!(
        "GET {url} says Synchrony is \"{status}\" (\"running\" expected): Confluence cannot reach Synchrony{}. Likely causes, in order:",
        if heartbeat_ok {
            " although Synchrony answers its heartbeat"
        } else {
            ""
        }
    );
    for (i, c) in causes.iter().enumerate() {
        let mark = if c.at_fault { " ← seen failing" } else { "" };
        message.push_str(&format!(" ({}) {}: {}{mark};", i + 1, c.what, c.seen));
    }
    message.pop();
    let remediation = match causes.iter().find(|c| c.at_fault) {
        Some(c) => c.fix.clone(),
        None => format!(
            "in this order: {ALLOW_SYNCHRONY}; {}; {}; then read Confluence's log (atlassian-confluence.log, lines with 'synchrony') for why it cannot connect",
            causes[1].fix, causes[2].fix
        ),
    };
    Finding::new(
        Code::SynchronyStopped,
        Severity::Error,
        message,
        remediation,
    )
}

/// Cause 1: an authentication proxy intercepting `/synchrony/*` (seen on `jwt-key` or any Synchrony
/// endpoint as `auth-proxy-redirect`).
fn auth_proxy(endpoints: &[DeployedEndpoint], app: &DeployedEndpoint) -> Cause {
    let jwt = app
        .http
        .iter()
        .zip(&app.http_findings)
        .find(|(o, _)| o.path == confluence::JWT_KEY);
    let redirected = endpoints
        .iter()
        .flat_map(|e| e.http.iter().zip(&e.http_findings))
        .filter(|(o, _)| o.path.contains("/synchrony"))
        .find_map(|(o, f)| {
            f.iter()
                .find(|f| f.code == Code::AuthProxyRedirect)
                .map(|_| o)
        });
    let seen = match (redirected, jwt) {
        (Some(o), _) => format!(
            "GET {} is redirected to a login page (auth-proxy-redirect)",
            first_url(o)
        ),
        (None, Some((o, _))) => format!("GET {} {}", first_url(o), final_status(o)),
        (None, None) => format!("{} was not requested", confluence::JWT_KEY),
    };
    Cause {
        what: "an authentication proxy blocking /synchrony/*",
        seen,
        at_fault: redirected.is_some(),
        fix: ALLOW_SYNCHRONY.to_owned(),
    }
}

/// Cause 2: `synchrony.service.url` unreachable or untrusted from the app's JVM (the
/// `synchrony-service` outbound connection's errors).
fn service_url(d: &Deployment, outbound: &[OutboundConnection]) -> Cause {
    let what = "synchrony.service.url unreachable or untrusted from the app's JVM";
    let Some(url) = &d.synchrony_service else {
        return Cause {
            what,
            seen: "not known to this check (add [synchrony] service_url, the app JVM's -Dsynchrony.service.url; `trustpath discover` reads it from bin/setenv.sh)".to_owned(),
            at_fault: false,
            fix: "check that the app's host reaches synchrony.service.url and that the app JVM's truststore trusts what it serves".to_owned(),
        };
    };
    let connection = outbound.iter().find(|o| o.name == SYNCHRONY_SERVICE);
    let error =
        connection.and_then(|o| o.findings().iter().find(|f| f.severity == Severity::Error));
    let seen = match (connection, error) {
        (_, Some(f)) => format!(
            "{} ({}): {} {}",
            url.text,
            SYNCHRONY_SERVICE,
            f.code.name(),
            f.message
        ),
        (Some(o), None) => format!(
            "{}: reached{}",
            url.text,
            if o.tls {
                ", its chain trusted by the app JVM's truststore"
            } else {
                ""
            }
        ),
        (None, None) => format!("{} was not checked", url.text),
    };
    let fix = match error {
        Some(f) => format!(
            "make synchrony.service.url ({}) reachable from the app's host and trusted by its JVM: {}",
            url.text, f.remediation
        ),
        None => format!(
            "check that the app's host reaches synchrony.service.url ({}) and that the app JVM's truststore trusts it",
            url.text
        ),
    };
    Cause {
        what,
        seen,
        at_fault: error.is_some(),
        fix,
    }
}

/// Cause 3: Synchrony's heartbeat (on the node's own port and through the proxy) failing.
fn heartbeat(endpoints: &[DeployedEndpoint]) -> Cause {
    let beats: Vec<&DeployedEndpoint> = endpoints
        .iter()
        .filter(|e| e.url.path.ends_with("/heartbeat"))
        .collect();
    let failing: Vec<String> = beats
        .iter()
        .filter_map(|e| {
            e.findings
                .iter()
                .find(|f| f.severity == Severity::Error)
                .map(|f| format!("{} {}: {}", e.name, e.url, f.code.name()))
        })
        .collect();
    let seen = if beats.is_empty() {
        "no heartbeat endpoint in the deployment (discover adds Synchrony's /synchrony/heartbeat on the node and through the proxy)".to_owned()
    } else if failing.is_empty() {
        let answered: Vec<String> = beats
            .iter()
            .map(|e| {
                let status = e.http.first().map(final_status).unwrap_or_default();
                format!("{} {status}", e.url.text)
            })
            .collect();
        answered.join(", ")
    } else {
        failing.join(", ")
    };
    Cause {
        what: "the heartbeat path",
        seen,
        at_fault: !failing.is_empty(),
        fix: "start Synchrony, and proxy /synchrony/ to its port (8091) so /synchrony/heartbeat answers 200 on the node and through the proxy".to_owned(),
    }
}

fn first_url(o: &HttpOutcome) -> &str {
    o.hops.first().map_or("", |h| h.url.text.as_str())
}

/// `answered 200`, `failed` for the final hop.
fn final_status(o: &HttpOutcome) -> String {
    match o.hops.last() {
        Some(h) if h.error.is_some() => "failed".to_owned(),
        Some(h) => h
            .status
            .map_or("got no answer".to_owned(), |s| format!("answered {s}")),
        None => "was not made".to_owned(),
    }
}
