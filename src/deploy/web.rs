//! HTTP and WebSocket checks of a deployment's endpoints: the exchanges ([`run_http`] follows and
//! records redirects, [`run_websocket`] attempts an RFC 6455 upgrade) and their pure judgement
//! ([`http_findings`], [`websocket_findings`]): a path redirected to a login host
//! (`auth-proxy-redirect`), session cookies without `Secure`/`HttpOnly` (`insecure-cookie`), statuses
//! and bodies against expectations, requests that could not be made (`http-failed`) and failed upgrades
//! (`websocket-upgrade-failed`).
//!
//! Connections come from an [`Opener`] the caller supplies (TLS with capture-only verification for
//! `https`/`wss`, TCP for `http`/`ws`, honouring `connect` overrides), so this module does no name
//! resolution or TLS of its own and tests can map host names to loopback servers.

pub mod cookie;
mod judge;
pub mod login;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::deploy::model::{Endpoint, EndpointUrl, HttpCheck, MAX_REDIRECTS};
use crate::probe::http::{self as client, AcceptCheck};
use crate::probe::{BoxIo, Failure, Stage};

pub use cookie::{SetCookie, parse_set_cookie};
pub use judge::{http_findings, websocket_findings};

/// Opens a connection to a URL's host and port (TLS for `https`/`wss`), ready for HTTP, or says at which
/// stage (connect, TLS) it could not.
pub type Opener = dyn Fn(EndpointUrl) -> Pin<Box<dyn Future<Output = Result<BoxIo, Failure>> + Send>>
    + Send
    + Sync;

/// One request of a redirect chain and what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The URL requested.
    pub url: EndpointUrl,
    /// The status, when a response was read.
    pub status: Option<u16>,
    /// The `Location` header, as sent.
    pub location: Option<String>,
    /// The cookies set (names and attributes, never values).
    pub set_cookies: Vec<SetCookie>,
    /// Whether the body holds a login form (a `<form>` with a password input).
    pub login_form: bool,
    /// The start of the body as one line of text.
    pub body_excerpt: String,
    /// Why the request failed or the chain stopped here (`connect: …`, `timeout: …`, `redirect loop: …`).
    pub error: Option<Failure>,
    /// The body read (at most `probe::http::MAX_BODY` bytes), kept for the body expectation.
    pub body: Vec<u8>,
    /// Whether the body was longer than what was read.
    pub body_truncated: bool,
}

impl Hop {
    fn failed(url: &EndpointUrl, error: Failure) -> Hop {
        Hop {
            url: url.clone(),
            status: None,
            location: None,
            set_cookies: Vec::new(),
            login_form: false,
            body_excerpt: String::new(),
            error: Some(error),
            body: Vec::new(),
            body_truncated: false,
        }
    }

    fn answered(url: &EndpointUrl, response: client::Response) -> Hop {
        Hop {
            url: url.clone(),
            status: Some(response.status),
            location: response.header("location").map(str::to_owned),
            set_cookies: response
                .header_all("set-cookie")
                .filter_map(parse_set_cookie)
                .collect(),
            login_form: login::has_login_form(&response.body),
            body_excerpt: client::excerpt(&response.body, client::EXCERPT_CHARS),
            error: None,
            body: response.body,
            body_truncated: response.body_truncated,
        }
    }
}

/// The requests made for one [`HttpCheck`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOutcome {
    /// The path checked.
    pub path: String,
    /// Every request made, in order; the last is the final answer.
    pub hops: Vec<Hop>,
}

impl HttpOutcome {
    /// Whether the endpoint's deadline stopped these requests.
    pub fn stopped_by_deadline(&self) -> bool {
        self.hops
            .iter()
            .any(|h| h.error.as_ref().is_some_and(Failure::deadline))
    }
}

/// The check made on an endpoint that names no `[[endpoint.http]]`: a GET of the URL's path, redirects
/// followed, no expectation (only a final 5xx is reported, as a warning).
pub fn implicit_check(endpoint: &Endpoint) -> HttpCheck {
    HttpCheck {
        path: endpoint.url.path.clone(),
        expect_status: None,
        expect_body: None,
        headers: Vec::new(),
        follow_redirects: true,
    }
}

/// Whether two URLs have the same origin: scheme, host and port (a `ws://` URL is requested over
/// `http://`, so it shares its origin).
pub fn same_origin(a: &EndpointUrl, b: &EndpointUrl) -> bool {
    a.scheme.web() == b.scheme.web() && a.host == b.host && a.port == b.port
}

/// Whether `status` is a redirect that carries a `Location` to follow.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// When one endpoint's whole check (its connection, every request and redirect, the WebSocket upgrade)
/// must have finished: `check --deadline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The instant.
    pub at: tokio::time::Instant,
    /// Its length, for messages.
    pub total: Duration,
}

impl Deadline {
    /// A deadline `total` from now.
    pub fn after(total: Duration) -> Deadline {
        Deadline {
            at: tokio::time::Instant::now() + total,
            total,
        }
    }

    /// `work`, or a [`Failure::Deadline`] at `stage` when the deadline passes first.
    pub async fn bound<T>(
        &self,
        stage: Stage,
        work: impl Future<Output = Result<T, Failure>>,
    ) -> Result<T, Failure> {
        tokio::time::timeout_at(self.at, work)
            .await
            .unwrap_or(Err(Failure::Deadline {
                stage,
                after: self.total,
            }))
    }
}

/// How long an exchange may take: each step (`--timeout`) and the endpoint's whole check (its
/// [`Deadline`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Each connection, handshake, request and response read.
    pub step: Duration,
    /// The endpoint's deadline.
    pub deadline: Deadline,
}

impl Limits {
    /// Steps of `step`, the whole check within `deadline` from now.
    pub fn new(step: Duration, deadline: Duration) -> Limits {
        Limits {
            step,
            deadline: Deadline::after(deadline),
        }
    }
}

/// Opens a connection through `open` within the step timeout and the deadline.
async fn open_within(open: &Opener, url: &EndpointUrl, limits: Limits) -> Result<BoxIo, Failure> {
    let step = async {
        tokio::time::timeout(limits.step, open(url.clone()))
            .await
            .unwrap_or(Err(Failure::Timeout {
                stage: Stage::Connect,
                after: limits.step,
            }))
    };
    limits.deadline.bound(Stage::Connect, step).await
}

/// Makes `check`'s request on `endpoint`, over `first` when the caller already has a connection to it,
/// and follows redirects (when the check says so) through new connections from `open`, up to
/// [`MAX_REDIRECTS`], stopping at a loop. Every step is bounded by `limits.step`, the whole by its
/// deadline (the hop it stops at records a [`Failure::Deadline`]); failures are recorded on the hop,
/// never returned.
pub async fn run_http(
    open: &Opener,
    first: Option<BoxIo>,
    endpoint: &Endpoint,
    check: &HttpCheck,
    limits: Limits,
) -> HttpOutcome {
    let mut hops: Vec<Hop> = Vec::new();
    let mut url = endpoint.url.at_path(&check.path);
    let origin = url.clone();
    let mut first = first;
    loop {
        // The check's headers (credentials, cookies) go only to the origin they were configured for:
        // the same scheme, host and port, as curl sends them after a redirect.
        let headers: &[(String, String)] = if same_origin(&url, &origin) {
            &check.headers
        } else {
            &[]
        };
        let io = match first.take() {
            Some(io) => Ok(io),
            None => open_within(open, &url, limits).await,
        };
        let response = match io {
            Ok(io) => {
                let get = client::get(io, &url, &url.path, headers, limits.step);
                limits.deadline.bound(Stage::Read, get).await
            }
            Err(e) => Err(e),
        };
        let mut hop = match response {
            Ok(response) => Hop::answered(&url, response),
            Err(e) => {
                hops.push(Hop::failed(&url, e));
                break;
            }
        };
        let next = match (&hop.location, hop.status) {
            (Some(location), Some(status)) if check.follow_redirects && is_redirect(status) => {
                url.join(location)
            }
            _ => {
                hops.push(hop);
                break;
            }
        };
        match next {
            Err(e) => hop.error = Some(Failure::failed(Stage::Redirect, e)),
            Ok(next) if next.text == url.text || hops.iter().any(|h| h.url.text == next.text) => {
                hop.error = Some(Failure::failed(
                    Stage::Loop,
                    format!("{} was already requested", next.text),
                ));
            }
            Ok(_) if hops.len() >= MAX_REDIRECTS => {
                hop.error = Some(Failure::failed(
                    Stage::Redirect,
                    format!("more than {MAX_REDIRECTS} redirects, not followed further"),
                ));
            }
            Ok(next) => {
                hops.push(hop);
                url = next;
                continue;
            }
        }
        hops.push(hop);
        break;
    }
    HttpOutcome {
        path: check.path.clone(),
        hops,
    }
}

/// A WebSocket upgrade attempt and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebsocketOutcome {
    /// The URL the upgrade was requested on.
    pub url: EndpointUrl,
    /// The status, when an answer was read.
    pub status: Option<u16>,
    /// The `Sec-WebSocket-Accept` check, when an answer was read.
    pub accept: Option<AcceptCheck>,
    /// The answer's headers (cookie values replaced by `…`).
    pub headers: Vec<(String, String)>,
    /// The start of the body of an answer other than 101.
    pub body_excerpt: String,
    /// Why no answer was read (`connect: …`, `read: the server closed the connection …`, `timeout: …`).
    pub error: Option<Failure>,
}

impl WebsocketOutcome {
    /// Whether the upgrade got a `101` with a valid accept key.
    pub fn upgraded(&self) -> bool {
        self.status == Some(101) && self.accept == Some(AcceptCheck::Valid)
    }

    /// One line for reports: `URL → 101 upgraded`, `URL → 101, Sec-WebSocket-Accept wrong`,
    /// `URL → 200, not upgraded` or `URL failed: …`.
    pub fn summary(&self) -> String {
        match (self.status, &self.accept, &self.error) {
            (_, _, Some(error)) => format!("{} failed: {error}", self.url),
            (Some(101), Some(AcceptCheck::Valid), None) => format!("{} → 101 upgraded", self.url),
            (Some(101), Some(AcceptCheck::Wrong { .. }), None) => {
                format!("{} → 101, Sec-WebSocket-Accept wrong", self.url)
            }
            (Some(101), _, None) => format!("{} → 101, Sec-WebSocket-Accept missing", self.url),
            (Some(status), _, None) => format!("{} → {status}, not upgraded", self.url),
            (None, _, None) => format!("{} → no answer", self.url),
        }
    }
}

/// Requests a WebSocket upgrade of `path` on `endpoint` over `first` when the caller has an unused
/// connection to it (opened for HTTP/1.1 only), else through a new one from `open` (redirects are not followed: browsers do not follow them for WebSockets either). Every step is bounded by
/// `limits.step`, the whole by its deadline.
pub async fn run_websocket(
    open: &Opener,
    first: Option<BoxIo>,
    endpoint: &Endpoint,
    path: &str,
    limits: Limits,
) -> WebsocketOutcome {
    let url = endpoint.url.at_path(path);
    let io = match first {
        Some(io) => Ok(io),
        None => open_within(open, &url, limits).await,
    };
    let answer = match io {
        Ok(io) => {
            let upgrade = client::websocket(io, &url, path, limits.step);
            limits.deadline.bound(Stage::Read, upgrade).await
        }
        Err(e) => Err(e),
    };
    match answer {
        Ok(upgrade) => WebsocketOutcome {
            url,
            status: Some(upgrade.status),
            accept: Some(upgrade.accept),
            headers: redact_cookies(upgrade.headers),
            body_excerpt: upgrade.body_excerpt,
            error: None,
        },
        Err(e) => WebsocketOutcome {
            url,
            status: None,
            accept: None,
            headers: Vec::new(),
            body_excerpt: String::new(),
            error: Some(e),
        },
    }
}

/// Headers with `Set-Cookie` values reduced to the cookie name and attributes.
fn redact_cookies(headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(name, value)| {
            if name.eq_ignore_ascii_case("set-cookie") {
                let redacted = match value.split_once('=') {
                    Some((cookie, rest)) => {
                        let attributes = rest.split_once(';').map_or("", |(_, a)| a);
                        if attributes.is_empty() {
                            format!("{cookie}=…")
                        } else {
                            format!("{cookie}=…;{attributes}")
                        }
                    }
                    None => "…".to_owned(),
                };
                (name, redacted)
            } else {
                (name, value)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values_are_redacted_from_recorded_headers() {
        let h = redact_cookies(vec![
            (
                "set-cookie".into(),
                "JSESSIONID=secret; Path=/; HttpOnly".into(),
            ),
            ("set-cookie".into(), "a=b".into()),
            ("server".into(), "nginx".into()),
        ]);
        assert_eq!(h[0].1, "JSESSIONID=…; Path=/; HttpOnly");
        assert_eq!(h[1].1, "a=…");
        assert_eq!(h[2].1, "nginx");
    }

    #[test]
    fn only_the_five_redirect_statuses_are_followed() {
        for s in [301, 302, 303, 307, 308] {
            assert!(is_redirect(s));
        }
        for s in [200, 300, 304, 305, 400] {
            assert!(!is_redirect(s));
        }
    }
}
