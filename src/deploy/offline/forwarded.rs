//! The client's address through the proxy, offline: Crowd SSO validates the client's IP (its "require
//! consistent client IP address" setting), and behind a proxy the app only knows that address when the
//! proxy forwards it in `X-Forwarded-For` (and Crowd lists the proxy as trusted). nginx sends it only
//! when told (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`); Apache's mod_proxy adds it
//! unless `ProxyAddHeaders Off`. Locations carrying WebSockets only (Synchrony, RTC) are not the app's
//! requests and are left to the WebSocket checks.

use crate::config::apache::VirtualHost;
use crate::config::front;
use crate::config::nginx::Location;
use crate::finding::{Code, Severity};

use super::Checks;

/// What the finding says the missing address breaks.
pub(crate) const CONSEQUENCE: &str = "the app sees the proxy's address as every client's: Crowd SSO's client-IP validation (crowd.token_key) fails or must be switched off, and the app's logs and rate limits see one client";

impl Checks<'_> {
    /// An nginx location proxying to the app without `X-Forwarded-For`.
    pub(super) fn nginx_forwarded_for(&mut self, subject: &str, l: &Location) {
        let Some(pass) = &l.proxy_pass else { return };
        if front::rtc_like(&l.path) || front::rtc_like(&pass.value) || pass.value.contains(":8091")
        {
            return;
        }
        let forwarded = l.header("X-Forwarded-For").is_some_and(|h| {
            let v = h.value.1.to_ascii_lowercase();
            v.contains("$proxy_add_x_forwarded_for") || v.contains("$remote_addr")
        });
        if forwarded {
            return;
        }
        self.raise(
            l.source.to_string(),
            format!("{subject} location {}", l.path),
            Code::ForwardedForMissing,
            Severity::Warning,
            format!(
                "location {} proxies to {} without passing the client's address (no `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;` in effect there): {CONSEQUENCE}",
                l.path, pass.value
            ),
            format!(
                "add to location {} {{ … }}: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; (a location that sets any proxy_set_header inherits none from outer levels), and list this proxy's address among Crowd's trusted proxy servers",
                l.path
            ),
        );
    }

    /// An Apache VirtualHost proxying with `ProxyAddHeaders Off`.
    pub(super) fn apache_forwarded_for(&mut self, v: &VirtualHost) {
        let Some(off) = v
            .proxy_add_headers
            .as_ref()
            .filter(|h| h.value.eq_ignore_ascii_case("off"))
        else {
            return;
        };
        if !v.proxy_passes.iter().any(|p| !p.reverse && p.url != "!") {
            return;
        }
        self.raise(
            off.source.to_string(),
            v.subject(),
            Code::ForwardedForMissing,
            Severity::Warning,
            format!(
                "ProxyAddHeaders Off: mod_proxy does not add X-Forwarded-For to what {} proxies to the app: {CONSEQUENCE}",
                v.subject()
            ),
            format!(
                "remove `ProxyAddHeaders Off` at {} (mod_proxy then adds X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Server), and list this proxy's address among Crowd's trusted proxy servers",
                off.source
            ),
        );
    }
}
