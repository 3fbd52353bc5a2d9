//! HTTP/1.1 over an already-open stream: a `GET` with its response (status, headers, a capped body) and
//! a WebSocket upgrade (RFC 6455 handshake, `Sec-WebSocket-Accept` checked) whose answer is kept whatever
//! it is, so that a proxy's `200` page, a redirect to a login host or a wrong accept key can be named.
//!
//! The stream is whatever the caller opened (TCP for `http://`/`ws://`, TLS with capture-only
//! verification for `https://`/`wss://`): this module only speaks HTTP over it, with hyper's client
//! connection API. Every step (sending the request and reading the head, reading the body) is bounded by
//! the timeout it is given, and bodies by [`MAX_BODY`]. Nothing here judges the answers (that is
//! `deploy::web`).

use std::time::Duration;

use bytes::Bytes;
use http::header::{HOST, HeaderName, HeaderValue};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::{client::generate_key, derive_accept_key};

use super::connect::BoxIo;
use super::failure::{Failure, Stage};
use crate::endpoint_url::EndpointUrl;

/// Most body bytes kept from one response; the rest is not read (`body_truncated`).
pub const MAX_BODY: usize = 256 * 1024;
/// Most body bytes read from the answer to a WebSocket upgrade that was not `101`.
pub const MAX_UPGRADE_BODY: usize = 8 * 1024;
/// Characters kept in a body excerpt.
pub const EXCERPT_CHARS: usize = 160;
/// The `User-Agent` sent.
pub const USER_AGENT: &str = concat!("trustpath/", env!("CARGO_PKG_VERSION"));

/// A hyper error while sending the request or reading the response head, as the stage it failed at.
fn exchange_failure(error: &hyper::Error) -> Failure {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
        Failure::failed(
            Stage::Read,
            format!("the server closed the connection without a complete response ({message})"),
        )
    } else if error.is_parse() {
        Failure::failed(
            Stage::Read,
            format!("the answer is not an HTTP/1.1 response ({message})"),
        )
    } else {
        Failure::failed(Stage::Send, message)
    }
}

/// A response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names (lower-case) and values, one entry per value (repeated `Set-Cookie` kept apart).
    pub headers: Vec<(String, String)>,
    /// The body, at most [`MAX_BODY`] bytes.
    pub body: Vec<u8>,
    /// Whether the body was longer than what was kept.
    pub body_truncated: bool,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Every value of header `name` (case-insensitive), in order.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The first value of header `name` (case-insensitive) in `headers`.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What the `Sec-WebSocket-Accept` of an answer was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptCheck {
    /// It matched the key sent.
    Valid,
    /// There was none.
    Missing,
    /// It did not match.
    Wrong {
        /// What came back.
        got: String,
        /// What RFC 6455 requires for the key sent.
        expected: String,
    },
}

/// The answer to a WebSocket upgrade request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    /// The status (`101` when the upgrade was accepted).
    pub status: u16,
    /// Header names (lower-case) and values.
    pub headers: Vec<(String, String)>,
    /// The start of the body of an answer other than `101`, as text ([`excerpt`]).
    pub body_excerpt: String,
    /// The `Sec-WebSocket-Accept` check.
    pub accept: AcceptCheck,
}

/// Sends `GET path` on `io` with `Host` taken from `url` and `headers` added (a header named there
/// replaces the default of the same name), and reads the response with its body capped at [`MAX_BODY`].
pub async fn get(
    io: BoxIo,
    url: &EndpointUrl,
    path: &str,
    headers: &[(String, String)],
    timeout: Duration,
) -> Result<Response, Failure> {
    let mut request = request(url, path)?;
    request
        .headers_mut()
        .insert(http::header::ACCEPT, HeaderValue::from_static("*/*"));
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Failure::failed(Stage::Send, format!("bad header name '{name}'")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| Failure::failed(Stage::Send, format!("bad value for header {name}")))?;
        request.headers_mut().insert(name, value);
    }
    let (response, connection) = exchange(io, request, timeout).await?;
    let status = response.status().as_u16();
    let headers = header_list(response.headers());
    let body = read_body(response.into_body(), MAX_BODY, timeout).await;
    connection.abort();
    let (body, body_truncated) = body?;
    Ok(Response {
        status,
        headers,
        body,
        body_truncated,
    })
}

/// Sends a WebSocket upgrade request (`GET path`, a random `Sec-WebSocket-Key`, version 13, an `Origin`
/// of the URL's `https://` or `http://` origin, as a browser does) and reads the answer: for `101` the
/// headers and the accept-key check, for anything else also the start of the body.
pub async fn websocket(
    io: BoxIo,
    url: &EndpointUrl,
    path: &str,
    timeout: Duration,
) -> Result<Upgrade, Failure> {
    let key = generate_key();
    let origin = url.origin_with(url.scheme.web());
    let mut request = request(url, path)?;
    let h = request.headers_mut();
    h.insert(http::header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(
        http::header::CONNECTION,
        HeaderValue::from_static("Upgrade"),
    );
    h.insert(
        http::header::SEC_WEBSOCKET_VERSION,
        HeaderValue::from_static("13"),
    );
    let key_value = HeaderValue::from_str(&key)
        .map_err(|_| Failure::failed(Stage::Send, "the generated key is not a header value"))?;
    h.insert(http::header::SEC_WEBSOCKET_KEY, key_value);
    let origin = HeaderValue::from_str(&origin)
        .map_err(|_| Failure::failed(Stage::Send, format!("bad origin '{origin}'")))?;
    h.insert(http::header::ORIGIN, origin);

    let (response, connection) = exchange(io, request, timeout).await?;
    let status = response.status().as_u16();
    let headers = header_list(response.headers());
    let expected = derive_accept_key(key.as_bytes());
    let accept = match header(&headers, "sec-websocket-accept") {
        None => AcceptCheck::Missing,
        Some(got) if got.trim() == expected => AcceptCheck::Valid,
        Some(got) => AcceptCheck::Wrong {
            got: got.to_owned(),
            expected,
        },
    };
    let body_excerpt = if status == 101 {
        String::new()
    } else {
        // A body that cannot be read completely still gives an excerpt of what came.
        match read_body(response.into_body(), MAX_UPGRADE_BODY, timeout).await {
            Ok((body, _)) => excerpt(&body, EXCERPT_CHARS),
            Err(_) => String::new(),
        }
    };
    connection.abort();
    Ok(Upgrade {
        status,
        headers,
        body_excerpt,
        accept,
    })
}

/// A `GET path` request with `Host`, `User-Agent` and `Connection: close`.
fn request(url: &EndpointUrl, path: &str) -> Result<http::Request<Empty<Bytes>>, Failure> {
    let host = HeaderValue::from_str(&url.host_header())
        .map_err(|_| Failure::failed(Stage::Send, format!("bad host '{}'", url.host)))?;
    http::Request::builder()
        .method(http::Method::GET)
        .uri(path)
        .header(HOST, host)
        .header(http::header::USER_AGENT, USER_AGENT)
        .header(http::header::CONNECTION, "close")
        .body(Empty::new())
        .map_err(|e| Failure::failed(Stage::Send, format!("bad request path '{path}': {e}")))
}

/// Runs the HTTP/1.1 handshake on `io`, sends `request` and reads the response head, within `timeout`.
/// The returned task drives the connection; abort it when done.
async fn exchange(
    io: BoxIo,
    request: http::Request<Empty<Bytes>>,
    timeout: Duration,
) -> Result<(http::Response<Incoming>, tokio::task::JoinHandle<()>), Failure> {
    let work = async {
        let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
            .title_case_headers(true)
            .handshake::<_, Empty<Bytes>>(TokioIo::new(io))
            .await
            .map_err(|e| exchange_failure(&e))?;
        // The connection's own error is the one `send_request` reports; its result adds nothing.
        let task = tokio::spawn(async move {
            let _ = connection.with_upgrades().await;
        });
        match sender.send_request(request).await {
            Ok(response) => Ok((response, task)),
            Err(e) => {
                task.abort();
                Err(exchange_failure(&e))
            }
        }
    };
    reading_within(timeout, work).await
}

/// `work` (reading an answer), or a `read` timeout when it takes longer than `timeout`.
async fn reading_within<T>(
    timeout: Duration,
    work: impl Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| Failure::Timeout {
            stage: Stage::Read,
            after: timeout,
        })?
}

/// Reads at most `cap` body bytes within `timeout`; the flag says whether more was sent.
async fn read_body(
    mut body: Incoming,
    cap: usize,
    timeout: Duration,
) -> Result<(Vec<u8>, bool), Failure> {
    let work = async {
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                Failure::failed(Stage::Read, format!("the body could not be read: {e}"))
            })?;
            if let Ok(data) = frame.into_data() {
                let room = cap - out.len();
                if data.len() > room {
                    out.extend_from_slice(&data[..room]);
                    return Ok((out, true));
                }
                out.extend_from_slice(&data);
            }
        }
        Ok((out, false))
    };
    reading_within(timeout, work).await
}

fn header_list(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The start of a body as one line of text: tags removed (when that leaves any text), whitespace
/// collapsed, control characters dropped, at most `max_chars` characters (then `…`).
pub fn excerpt(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let stripped = strip_tags(&text);
    let source = if stripped.trim().is_empty() {
        text.as_ref()
    } else {
        stripped.as_str()
    };
    let mut out = String::new();
    let mut count = 0;
    for word in source
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= max_chars {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

/// Text outside `<…>` tags, with `<script>` and `<style>` contents dropped.
fn strip_tags(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(open) = lower[at..].find('<').map(|i| at + i) {
        out.push_str(&text[at..open]);
        out.push(' ');
        let Some(close) = lower[open..].find('>').map(|i| open + i + 1) else {
            return out;
        };
        at = close;
        for element in ["script", "style"] {
            if lower[open + 1..].starts_with(element) {
                let end_tag = format!("</{element}");
                at = lower[close..]
                    .find(&end_tag)
                    .map_or(lower.len(), |i| close + i);
            }
        }
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_drops_tags_and_collapses_whitespace() {
        let page = b"<!doctype html>\n<title>Log in</title>\n<style>p{}</style><p>Welcome,\n\n  please   log in</p>";
        assert_eq!(excerpt(page, 100), "Log in Welcome, please log in");
    }

    #[test]
    fn excerpt_is_cut_at_the_character_limit() {
        assert_eq!(excerpt(b"abcdef ghi", 5), "abcde…");
        assert_eq!(excerpt("ééé".as_bytes(), 2), "éé…");
        assert_eq!(excerpt(b"", 5), "");
    }

    #[test]
    fn excerpt_of_a_body_that_is_only_tags_keeps_the_markup() {
        assert_eq!(excerpt(b"<br/>", 10), "<br/>");
    }
}
