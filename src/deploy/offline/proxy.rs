//! Tomcat against the proxy in front of it, offline: `proxyName`, `proxyPort`, `scheme` and `secure` on
//! a Connector must agree with what the proxy that forwards to it listens on.

use crate::config::front::{Front, Route};
use crate::config::tomcat::Connector;
use crate::finding::{Code, Severity};

use super::Checks;

impl Checks<'_> {
    /// Compares one Connector with the front that forwards to it.
    pub(super) fn proxy_mismatch(&mut self, c: &Connector, fronts: &[Front]) {
        if c.is_ajp() {
            return;
        }
        let at = c.source.to_string();
        let subject = c.subject();
        let scheme = c.scheme();
        if scheme == "https" && c.secure != Some(true) {
            self.raise(at.clone(), subject.clone(), Code::ProxyMismatch, Severity::Warning, "scheme=\"https\" without secure=\"true\": the app sees requests as not secure (request.isSecure() is false), so it may set session cookies without Secure and redirect to http", "add secure=\"true\" to the Connector");
        }
        if scheme == "http" && c.secure == Some(true) && !c.ssl_enabled {
            self.raise(at.clone(), subject.clone(), Code::ProxyMismatch, Severity::Warning, "secure=\"true\" with scheme=\"http\": the app builds http:// links while calling requests secure", "set scheme=\"https\" when the proxy terminates TLS, else remove secure=\"true\"");
        }
        let routes_here = |f: &Front| f.routes.iter().any(|r| reaches(r, c));
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
            Some(n) if !f.names.is_empty() && !named(f) => self.raise(at.clone(), subject.clone(), Code::ProxyMismatch, Severity::Error, format!(
                        "proxyName=\"{n}\" but the proxy that forwards here, {side}, answers to {}: the app builds links and redirects for {n}",
                        f.names.join(", ")
                    ), format!("set proxyName=\"{}\" (or add {n} to the proxy's names)", f.names[0])),
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
                self.raise(
                    at.clone(),
                    subject.clone(),
                    Code::ProxyMismatch,
                    Severity::Error,
                    format!("{said} but {side}: the app builds links and redirects to port {port}"),
                    format!("set proxyPort=\"{}\"", f.port),
                );
            }
        }
        let none_set = c.proxy_name.is_none() && c.proxy_port.is_none() && c.scheme.is_none();
        if none_set && f.tls && !c.ssl_enabled {
            self.raise(at, subject, Code::ProxyMismatch, Severity::Warning, format!(
                            "the Connector sets none of proxyName, proxyPort and scheme, but {side}: the app sees http requests for port {} and may build http:// links and redirects",
                            c.port
                        ), format!(
                            "add proxyName=\"{}\" proxyPort=\"{}\" scheme=\"https\" secure=\"true\" to the Connector",
                            f.names.first().map_or("PUBLIC_NAME", String::as_str),
                            f.port
                        ));
        } else if !none_set && f.tls && scheme != "https" {
            self.raise(at, subject, Code::ProxyMismatch, Severity::Error, format!(
                            "scheme=\"{scheme}\" but {side}: the app builds http:// links behind an HTTPS proxy (mixed content, redirect loops)"
                        ), "set scheme=\"https\" secure=\"true\" on the Connector");
        } else if !none_set && !f.tls && scheme == "https" && !c.ssl_enabled {
            self.raise(at, subject, Code::ProxyMismatch, Severity::Error, format!("scheme=\"https\" but {side}: the app builds https:// links the proxy does not serve"), "set scheme=\"http\" (and remove secure=\"true\"), or terminate TLS at the proxy");
        }
    }
}

/// Whether the proxy route `r` forwards to Connector `c` (same port, and an address the connector
/// listens on).
pub(super) fn reaches(r: &Route, c: &Connector) -> bool {
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
}
