//! WebSocket proxying, offline: a location or path that carries WebSockets (Synchrony, an RTC port, a
//! WebSocket path) must pass the upgrade on (nginx: HTTP/1.1 and the Upgrade and Connection headers;
//! Apache: a `ws://` ProxyPass, `upgrade=websocket`, or a `ws://` `[P]` rewrite guarded by an Upgrade
//! condition) and must not close idle connections within a minute.

use crate::config::apache::VirtualHost;
use crate::config::front;
use crate::config::nginx::{Location, NginxConfig};
use crate::finding::{Code, Finding, Severity};

use super::Checks;

/// WebSocket connections idle longer than this are normal (Synchrony, RTC services): shorter proxy read
/// timeouts cut them.
pub const MIN_WEBSOCKET_IDLE_SECS: u64 = 60;

impl Checks<'_> {
    /// The WebSocket checks of one nginx location.
    pub(super) fn nginx_websocket(&mut self, n: &NginxConfig, subject: &str, l: &Location) {
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
            self.raise(at.clone(), subject.clone(), Code::WebsocketHeadersMissing, Severity::Error, format!(
                        "location {} proxies to {} and carries WebSockets ({why}) but lacks `{}`: the upgrade request reaches the backend as plain HTTP and the WebSocket fails",
                        l.path,
                        pass.value,
                        missing.join(" ")
                    ), format!("add to location {} {{ … }}: {}", l.path, missing.join(" ")));
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

    /// The WebSocket checks of one Apache `<VirtualHost>`.
    pub(super) fn apache_websocket(&mut self, v: &VirtualHost) {
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
                self.raise(
                    source.to_string(),
                    subject.clone(),
                    Code::WebsocketHeadersMissing,
                    Severity::Error,
                    message,
                    fix,
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
