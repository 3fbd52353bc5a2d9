//! A real-time-collaboration service on its own port (the RTC add-ons' 9083 for Confluence, 9093 for
//! Jira): it must be laid out like the app, in the terms the add-ons use — **HTTP** (plain all the way),
//! **HTTPS** (TLS all the way to Tomcat) or **HTTP + SSL** (TLS at the proxy, HTTP behind it) — and is
//! normally served under the base URL's host. The layout of each side is what the check observed on
//! the deployment's endpoints (a TLS handshake, or a plain HTTP answer), on both sides of the proxy: the
//! app endpoint and the node behind it, the `rtc` endpoint and the node on its port; where an endpoint
//! could not be observed, its URL's scheme stands for it. Synchrony (reached under the app's own port)
//! is judged by the WebSocket and mixed-scheme checks instead. Pure.

use super::model::{Deployment, Endpoint, Role};
use super::run::DeployedEndpoint;
use crate::finding::{Code, Finding, Severity};

/// How a service is reached: TLS on the client side, and behind the proxy (`None` when no node behind
/// it is in the deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// Whether users reach it over TLS.
    pub client_tls: bool,
    /// Whether the proxy reaches the app server over TLS, when the deployment has that node.
    pub server_tls: Option<bool>,
}

impl Mode {
    /// The mode as the RTC add-ons name it.
    pub fn name(self) -> &'static str {
        match (self.client_tls, self.server_tls) {
            (false, Some(false) | None) => "HTTP",
            (true, Some(true)) => "HTTPS",
            (true, Some(false)) => "HTTP + SSL",
            (true, None) => "HTTPS or HTTP + SSL",
            (false, Some(true)) => "HTTP to the proxy, HTTPS behind it",
        }
    }
}

/// What the check saw an endpoint speak: `Some(true)` a TLS handshake, `Some(false)` plain HTTP (an
/// answer, a WebSocket upgrade, or `plaintext-http` on a TLS URL), `None` nothing to tell (unreachable).
pub fn observed_tls(e: &DeployedEndpoint) -> Option<bool> {
    if e.probe.tls.is_some() {
        return Some(true);
    }
    if e.probe
        .findings
        .iter()
        .any(|f| f.code == Code::PlaintextHttp)
    {
        return Some(false);
    }
    let answered = e
        .http
        .iter()
        .any(|o| o.hops.first().is_some_and(|h| h.status.is_some()))
        || e.websocket.as_ref().is_some_and(|w| w.status.is_some());
    (!e.url.scheme.secure() && answered).then_some(false)
}

/// The `rtc-mode-mismatch` and `rtc-host-mismatch` findings of a run, each with the index of the `rtc`
/// endpoint it is about, the layouts from what was observed of each endpoint.
pub fn findings(d: &Deployment, endpoints: &[DeployedEndpoint]) -> Vec<(usize, Finding)> {
    let observed: Vec<Option<bool>> = endpoints.iter().map(observed_tls).collect();
    judge(d, &observed)
}

/// A side of a layout: an endpoint and whether it speaks TLS, observed or (when not) as declared.
fn side(e: &Endpoint, observed: Option<bool>) -> (bool, String) {
    let tls = observed.unwrap_or(e.url.scheme.secure());
    let how = match (observed, tls) {
        (Some(_), true) => "TLS handshake",
        (Some(_), false) => "plain HTTP answer",
        (None, true) => "TLS as declared, not observed",
        (None, false) => "plain as declared, not observed",
    };
    (tls, format!("{}: {how}", e.url.text))
}

/// The findings from the layouts, `observed[i]` being what was seen of endpoint `i` ([`observed_tls`]).
fn judge(d: &Deployment, observed: &[Option<bool>]) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    let app = d.app();
    let rtc: Vec<(usize, &Endpoint)> = d
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.role == Role::Rtc
                && e.url.port != app.url.port
                && !e.url.path.to_ascii_lowercase().contains("synchrony")
        })
        .collect();
    if rtc.is_empty() {
        return out;
    }
    let rtc_ports: Vec<u16> = rtc.iter().map(|(_, e)| e.url.port).collect();
    let seen = |i: usize| observed.get(i).copied().flatten();
    let app_index = d.endpoints.iter().position(|e| e.role == Role::App);
    let app_node = d.endpoints.iter().enumerate().find(|(_, e)| {
        e.role == Role::Node
            && !rtc_ports.contains(&e.url.port)
            && !e.url.path.to_ascii_lowercase().contains("synchrony")
    });
    let app_side = side(app, app_index.and_then(seen));
    let app_node_side = app_node.map(|(i, n)| side(n, seen(i)));
    let app_mode = Mode {
        client_tls: app_side.0,
        server_tls: app_node_side.as_ref().map(|s| s.0),
    };
    for (index, e) in rtc {
        let node = d
            .endpoints
            .iter()
            .enumerate()
            .find(|(_, n)| n.role == Role::Node && n.url.port == e.url.port);
        let rtc_side = side(e, seen(index));
        let node_side = node.map(|(i, n)| side(n, seen(i)));
        let mode = Mode {
            client_tls: rtc_side.0,
            // Reached directly on the app server when no node is behind it.
            server_tls: Some(node_side.as_ref().map_or(rtc_side.0, |s| s.0)),
        };
        let differs = mode.client_tls != app_mode.client_tls
            || app_mode
                .server_tls
                .is_some_and(|s| Some(s) != mode.server_tls);
        if differs {
            let behind = |n: &Option<(bool, String)>| {
                n.as_ref().map_or(String::new(), |(_, s)| format!(" → {s}"))
            };
            out.push((
                index,
                Finding::new(
                    Code::RtcModeMismatch,
                    Severity::Error,
                    format!(
                        "the RTC port is {} ({}{}) but the app is {} ({}{}): the RTC service must use the same protocol as the app, or browsers block it as mixed content and the app server cannot reach it",
                        mode.name(),
                        rtc_side.1,
                        behind(&node_side),
                        app_mode.name(),
                        app_side.1,
                        behind(&app_node_side)
                    ),
                    fix(app_mode, e),
                ),
            ));
        }
        if !e.url.host.eq_ignore_ascii_case(&app.url.host) {
            out.push((
                index,
                Finding::new(
                    Code::RtcHostMismatch,
                    Severity::Warning,
                    format!(
                        "the RTC service is reached as {} but the base URL's host is {}: the RTC add-on's server name is normally the base URL's host",
                        e.url.host, app.url.host
                    ),
                    format!(
                        "set the server name in the add-on's Real-time Collaboration Service configuration to {} and serve port {} under that name (its certificate must cover it)",
                        app.url.host, e.url.port
                    ),
                ),
            ));
        }
    }
    out
}

/// What to do to lay the RTC port out like the app.
fn fix(app: Mode, e: &Endpoint) -> String {
    let port = e.url.port;
    match (app.client_tls, app.server_tls) {
        (true, Some(false)) => format!(
            "terminate TLS for port {port} at the proxy as for the app (nginx: `listen {port} ssl;` with the app's certificate, `proxy_pass http://APP_SERVER:{port}/;` with the WebSocket headers; Apache: a `<VirtualHost *:{port}>` with `SSLEngine on` and `ProxyPass / http://APP_SERVER:{port}/`), so the add-on shows HTTP + SSL"
        ),
        (true, _) => format!(
            "serve port {port} over TLS as the app is (the add-on reads the keystore from Tomcat's server.xml), so the add-on shows HTTPS, and have the app's JVM trust it"
        ),
        (false, _) => format!(
            "serve port {port} over plain HTTP as the app is (proxy it to the same port on the app server), so the add-on shows HTTP"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::model;

    fn parse(endpoints: &[(&str, &str, &str)]) -> Deployment {
        let mut text = String::new();
        for (name, role, url) in endpoints {
            text.push_str(&format!(
                "[[endpoint]]\nname = \"{name}\"\nrole = \"{role}\"\nurl = \"{url}\"\n"
            ));
        }
        model::parse(&text, "t", std::path::Path::new("/")).unwrap()
    }

    fn findings(d: &Deployment) -> Vec<(usize, Finding)> {
        judge(d, &[])
    }

    fn messages(d: &Deployment) -> Vec<(usize, Severity, String)> {
        findings(d)
            .into_iter()
            .map(|(i, f)| (i, f.severity, f.message))
            .collect()
    }

    #[test]
    fn the_modes_are_named_as_the_rtc_add_ons_name_them() {
        let http_ssl = Mode {
            client_tls: true,
            server_tls: Some(false),
        };
        assert_eq!(http_ssl.name(), "HTTP + SSL");
        assert_eq!(
            Mode {
                client_tls: true,
                server_tls: Some(true)
            }
            .name(),
            "HTTPS"
        );
        assert_eq!(
            Mode {
                client_tls: false,
                server_tls: None
            }
            .name(),
            "HTTP"
        );
    }

    #[test]
    fn an_rtc_port_laid_out_like_the_app_under_its_host_is_fine() {
        let d = parse(&[
            ("app", "app", "https://wiki.example.com/"),
            ("node", "node", "http://127.0.0.1:8090/"),
            ("rtc", "rtc", "wss://wiki.example.com:9083/"),
            ("rtc-node", "node", "http://127.0.0.1:9083/"),
        ]);
        assert!(messages(&d).is_empty(), "{:#?}", messages(&d));
    }

    #[test]
    fn an_https_rtc_port_beside_an_http_plus_ssl_app_is_named_with_both_modes_and_the_proxy_fix() {
        let d = parse(&[
            ("app", "app", "https://wiki.example.com/"),
            ("node", "node", "http://127.0.0.1:8090/"),
            ("rtc", "rtc", "wss://wiki.example.com:9083/"),
        ]);
        let found = findings(&d);
        assert_eq!(found.len(), 1, "{found:#?}");
        let (index, f) = &found[0];
        assert_eq!(*index, 2);
        assert_eq!(
            f.message,
            "the RTC port is HTTPS (wss://wiki.example.com:9083/: TLS as declared, not observed) but the app is HTTP + SSL (https://wiki.example.com/: TLS as declared, not observed → http://127.0.0.1:8090/: plain as declared, not observed): the RTC service must use the same protocol as the app, or browsers block it as mixed content and the app server cannot reach it"
        );
        assert!(
            f.remediation
                .starts_with("terminate TLS for port 9083 at the proxy"),
            "{f:#?}"
        );
    }

    #[test]
    fn a_plain_rtc_port_under_another_name_beside_an_https_app_gets_both_findings() {
        let d = parse(&[
            ("app", "app", "https://jira.example.com/"),
            ("rtc", "rtc", "ws://rtc.example.com:9093/"),
        ]);
        let found = messages(&d);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].2.starts_with("the RTC port is HTTP (ws://rtc.example.com:9093/: plain as declared, not observed) but the app is HTTPS or HTTP + SSL"), "{found:#?}");
        assert_eq!(found[1].1, Severity::Warning);
        assert!(
            found[1]
                .2
                .contains("reached as rtc.example.com but the base URL's host is jira.example.com"),
            "{found:#?}"
        );
    }

    #[test]
    fn what_was_observed_wins_over_the_declared_scheme() {
        // Declared as HTTP + SSL on both, but the RTC port answered in plain HTTP.
        let d = parse(&[
            ("app", "app", "https://wiki.example.com/"),
            ("node", "node", "http://127.0.0.1:8090/"),
            ("rtc", "rtc", "wss://wiki.example.com:9083/"),
            ("rtc-node", "node", "http://127.0.0.1:9083/"),
        ]);
        let found = judge(&d, &[Some(true), Some(false), Some(false), Some(false)]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].1.code, Code::RtcModeMismatch);
        assert_eq!(
            found[0].1.message,
            "the RTC port is HTTP (wss://wiki.example.com:9083/: plain HTTP answer → http://127.0.0.1:9083/: plain HTTP answer) but the app is HTTP + SSL (https://wiki.example.com/: TLS handshake → http://127.0.0.1:8090/: plain HTTP answer): the RTC service must use the same protocol as the app, or browsers block it as mixed content and the app server cannot reach it"
        );
        assert!(
            found[0]
                .1
                .remediation
                .starts_with("terminate TLS for port 9083 at the proxy")
        );
        // Observed as declared: nothing to say.
        assert!(judge(&d, &[Some(true), Some(false), Some(true), Some(false)]).is_empty());
    }

    #[test]
    fn synchrony_under_the_apps_port_is_not_an_rtc_port() {
        let d = parse(&[
            ("app", "app", "https://wiki.example.com/"),
            (
                "synchrony",
                "rtc",
                "ws://127.0.0.1:8091/synchrony/v1/bayeux-sync1",
            ),
        ]);
        assert!(messages(&d).is_empty());
    }
}
