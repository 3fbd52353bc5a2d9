//! Tomcat behind a proxy that forwards the client's address, offline: Tomcat only puts the address of
//! `X-Forwarded-For` where the app reads the client (`request.getRemoteAddr()`, the access log's `%a`,
//! address-based rules) when a `RemoteIpValve` is configured and the request comes from an address its
//! `internalProxies` or `trustedProxies` matches; without one, every request seems to come from the
//! proxy (info: what reads the header itself, as Crowd SSO does, still sees the client; a warning when a
//! valve is there but does not match the proxy, so the forwarding meant for Tomcat is silently ignored).
//! Judged for each Connector a proxy route that passes `X-Forwarded-For` reaches; the proxy's
//! own address is known when it forwards over the loopback (127.0.0.1), and only then are the valve's
//! patterns matched against it (as Java's `Pattern.matcher(address).matches()` does: the whole address).

use crate::config::front::Front;
use crate::config::tomcat::{Connector, ServerXml};
use crate::finding::{Code, Severity};

use super::Checks;
use super::proxy::reaches;

/// The valve to add, for a proxy Tomcat's default `internalProxies` covers (loopback and private
/// addresses).
const VALVE: &str = r#"<Valve className="org.apache.catalina.valves.RemoteIpValve" remoteIpHeader="X-Forwarded-For" protocolHeader="X-Forwarded-Proto"/>"#;

impl Checks<'_> {
    /// A Connector reached by a proxy that forwards the client's address, without a valve that reads it.
    pub(super) fn remote_ip_valve(&mut self, x: &ServerXml, c: &Connector, fronts: &[Front]) {
        if c.is_ajp() {
            // AJP passes the client's address itself.
            return;
        }
        let Some((front, route)) = fronts.iter().find_map(|f| {
            f.routes
                .iter()
                .find(|r| r.forwards_client && !r.rtc && reaches(r, c))
                .map(|r| (f, r))
        }) else {
            return;
        };
        let by = format!("{} ({})", front.subject, route.source);
        let loopback = route.upstream.as_ref().is_some_and(|u| u.loopback());
        if x.remote_ip_valves.is_empty() {
            let public = if loopback {
                String::new()
            } else {
                " (Tomcat's default internalProxies covers loopback and private addresses; for a proxy on another address add internalProxies=\"ITS_ADDRESS\" with the dots escaped, e.g. internalProxies=\"203\\.0\\.113\\.7\")".to_owned()
            };
            self.raise(
                c.source.to_string(),
                c.subject(),
                Code::RemoteIpValveMissing,
                Severity::Info,
                format!(
                    "{by} forwards the client's address in X-Forwarded-For to {}, but server.xml has no RemoteIpValve to read it: request.getRemoteAddr(), Tomcat's access log and any address-based rule see the proxy's address as every client's (what reads X-Forwarded-For itself is not affected: Crowd SSO does, once the proxy is among Crowd's trusted proxy servers)",
                    c.subject()
                ),
                format!("add inside <Engine> (or the <Host>) of server.xml: {VALVE}{public}"),
            );
            return;
        }
        if !loopback {
            return;
        }
        // The proxy reaches Tomcat from the loopback: is that address one the valves trust?
        let candidates = ["127.0.0.1", "0:0:0:0:0:0:0:1"];
        let mut judged = Vec::new();
        for v in &x.remote_ip_valves {
            // Without internalProxies, Tomcat's default covers 127.x and ::1.
            let Some(internal) = v.internal_proxies.as_deref() else {
                return;
            };
            // A pattern Rust's regex does not read as Java does is not judged.
            let Some(internal) = matcher(internal) else {
                return;
            };
            let trusted = match v.trusted_proxies.as_deref() {
                None => None,
                Some(t) => match matcher(t) {
                    Some(t) => Some(t),
                    None => return,
                },
            };
            if candidates
                .iter()
                .any(|a| internal.is_match(a) || trusted.as_ref().is_some_and(|t| t.is_match(a)))
            {
                return;
            }
            judged.push(v);
        }
        let Some(v) = judged.first() else { return };
        let patterns = match &v.trusted_proxies {
            Some(t) => format!(
                "internalProxies=\"{}\" and trustedProxies=\"{t}\"",
                v.internal_proxies.as_deref().unwrap_or_default()
            ),
            None => format!(
                "internalProxies=\"{}\"",
                v.internal_proxies.as_deref().unwrap_or_default()
            ),
        };
        self.raise(
            v.source.to_string(),
            format!("RemoteIpValve in <{}>", v.container),
            Code::RemoteIpValveMissing,
            Severity::Warning,
            format!(
                "{by} reaches {} from 127.0.0.1, which the RemoteIpValve's {patterns} do not match: the valve ignores its X-Forwarded-For, so the app sees the proxy's address as every client's",
                c.subject()
            ),
            format!(
                "add the loopback to the valve's internalProxies: internalProxies=\"{}|127\\.0\\.0\\.1\"",
                v.internal_proxies.as_deref().unwrap_or_default()
            ),
        );
    }
}

/// A whole-address matcher for a Java pattern, when Rust's regex reads it (`None` for syntax it does not
/// read, such as `\p{XDigit}`).
fn matcher(pattern: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{pattern})$")).ok()
}
