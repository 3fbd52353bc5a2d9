//! The RTC add-ons' port at the proxy, offline: the port users reach the RTC service on (9083 for
//! Confluence, 9093 for Jira by default, or an `rtc` endpoint's own port) must be proxied to the same port
//! on the app server, and from `/` — even when the app itself lives under a context path such as
//! `/confluence/`.

use crate::config::front::{Front, ProxyKind};
use crate::deploy::model::{Deployment, Product, Role};
use crate::finding::{Code, Severity};

use super::Checks;

/// The RTC add-ons' default ports: Confluence's, then Jira's.
pub const DEFAULT_PORTS: [(Product, u16); 2] = [(Product::Confluence, 9083), (Product::Jira, 9093)];

impl Checks<'_> {
    /// Each front listening on an RTC port: proxied from `/`, to the same port.
    pub(super) fn rtc_port(&mut self, fronts: &[Front], deployment: Option<&Deployment>) {
        let mut ports: Vec<u16> = DEFAULT_PORTS
            .iter()
            .filter(|(p, _)| deployment.and_then(|d| d.product).is_none_or(|q| q == *p))
            .map(|(_, port)| *port)
            .collect();
        if let Some(d) = deployment {
            let app = d.app().url.port;
            ports.extend(
                d.endpoints
                    .iter()
                    .filter(|e| {
                        e.role == Role::Rtc
                            && e.url.port != app
                            && !e.url.path.to_ascii_lowercase().contains("synchrony")
                    })
                    .map(|e| e.url.port),
            );
        }
        for f in fronts.iter().filter(|f| ports.contains(&f.port)) {
            let proxied: Vec<_> = f.routes.iter().filter(|r| r.upstream.is_some()).collect();
            if proxied.is_empty() {
                continue;
            }
            let port = f.port;
            let fix = match f.kind {
                ProxyKind::Nginx => format!(
                    "proxy port {port} from / to the same port on the app server: `location / {{ proxy_pass http://APP_SERVER:{port}/; … }}` (https:// when Tomcat serves it over TLS)"
                ),
                ProxyKind::Apache => format!(
                    "proxy port {port} from / to the same port on the app server: `ProxyPass / http://APP_SERVER:{port}/` (https:// when Tomcat serves it over TLS)"
                ),
            };
            for r in &proxied {
                let Some(u) = &r.upstream else { continue };
                if u.port != port {
                    self.raise(
                        r.source.to_string(),
                        f.subject.clone(),
                        Code::RtcPortMismatch,
                        Severity::Warning,
                        format!(
                            "{} ({}) is the RTC port {port} but proxies {} to port {} ({}): the RTC add-on listens on the port users reach it on, so the proxy must forward it to that same port on the app server",
                            f.subject, f.listen_source, r.path, u.port, r.target
                        ),
                        fix.clone(),
                    );
                }
            }
            if !proxied.iter().any(|r| !r.regex && r.path == "/") {
                let paths: Vec<&str> = proxied.iter().map(|r| r.path.as_str()).collect();
                self.raise(
                    proxied[0].source.to_string(),
                    f.subject.clone(),
                    Code::RtcPortMismatch,
                    Severity::Warning,
                    format!(
                        "{} ({}) is the RTC port {port} but proxies only {}: the RTC service is reached at / on its port, whatever the app's context path",
                        f.subject,
                        f.listen_source,
                        paths.join(", ")
                    ),
                    fix,
                );
            }
        }
    }
}
