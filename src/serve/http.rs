//! HTTP/1.1 through hyper's server, enough to stand in for an application behind a proxy: a GET or HEAD
//! gets a small page, a WebSocket upgrade on any path gets `101 Switching Protocols` and an echo socket
//! (see [`super::websocket`]), anything else `405`. One request per connection (`Connection: close`).
//! Bytes that are not HTTP (a TLS ClientHello sent to a plain port, say) get hyper's `400 Bad Request`
//! at once, as nginx and Tomcat answer them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};

use super::echo::escape;
use super::websocket;

/// Largest request head read (hyper answers a larger one with `431`).
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a WebSocket may stay open.
pub const WEBSOCKET_LIFETIME: Duration = Duration::from_secs(300);

/// What the served page says: its label, and whether it lists the request headers received
/// ([`super::echo`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// What is being served (`trustpath serve: LABEL`).
    pub label: String,
    /// Whether the request headers received are listed.
    pub echo_headers: bool,
}

/// What was done with a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A page was served.
    Page,
    /// The connection was upgraded to a WebSocket.
    WebSocket,
    /// The client sent nothing usable (or closed early).
    Nothing,
}

/// What the one request of a connection led to: a page, or an upgrade still to be completed.
#[derive(Default)]
enum Answered {
    #[default]
    Nothing,
    Page,
    Upgrade(OnUpgrade),
}

/// Answers one request on `stream`, then closes it, with `page`.
pub async fn handle<S>(stream: S, page: Arc<Page>) -> Outcome
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let answered = Arc::new(Mutex::new(Answered::Nothing));
    let service = {
        let answered = Arc::clone(&answered);
        hyper::service::service_fn(move |request| {
            let (response, outcome) = respond(request, &page);
            // A poisoned lock only means another request of this connection panicked; keep its state.
            *answered.lock().unwrap_or_else(|e| e.into_inner()) = outcome;
            std::future::ready(Ok::<_, std::convert::Infallible>(response))
        })
    };
    // One request per connection: every page says `Connection: close`, which hyper obeys (turning
    // keep-alive off instead would also add `close` to the 101 of an upgrade).
    let served = hyper::server::conn::http1::Builder::new()
        .title_case_headers(true)
        .auto_date_header(false)
        .max_buf_size(MAX_HEAD)
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await;
    let answered = std::mem::take(&mut *answered.lock().unwrap_or_else(|e| e.into_inner()));
    match answered {
        Answered::Nothing => Outcome::Nothing,
        Answered::Page => Outcome::Page,
        Answered::Upgrade(_) if served.is_err() => Outcome::Nothing,
        Answered::Upgrade(upgrade) => match upgrade.await {
            Ok(upgraded) => {
                let socket = websocket::echo(TokioIo::new(upgraded));
                let _ = tokio::time::timeout(WEBSOCKET_LIFETIME, socket).await;
                Outcome::WebSocket
            }
            Err(_) => Outcome::Nothing,
        },
    }
}

/// The response to `request`, and what it amounts to.
fn respond(mut request: Request<Incoming>, page: &Page) -> (Response<Full<Bytes>>, Answered) {
    let headers = request.headers();
    let upgrade_to_websocket = headers
        .get_all(header::UPGRADE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("websocket"));
    if let Some(key) = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .filter(|_| upgrade_to_websocket)
    {
        let accept = websocket::accept_key(key.as_bytes());
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let h = response.headers_mut();
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
        // The accept key is base64: always a valid header value.
        if let Ok(accept) = HeaderValue::from_str(&accept) {
            h.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
        }
        let upgrade = hyper::upgrade::on(&mut request);
        return (response, Answered::Upgrade(upgrade));
    }
    let (status, body) = match *request.method() {
        Method::GET | Method::HEAD => (
            StatusCode::OK,
            format!(
                "<!doctype html>\n<title>trustpath serve</title>\n<p>trustpath serve: {}</p>\n<p>path: {}</p>\n{}",
                escape(&page.label),
                escape(&request.uri().to_string()),
                if page.echo_headers {
                    super::echo::render(
                        request
                            .headers()
                            .iter()
                            .map(|(name, value)| (name.as_str(), value.as_bytes())),
                    )
                } else {
                    String::new()
                }
            ),
        ),
        _ => (
            StatusCode::METHOD_NOT_ALLOWED,
            String::from("only GET, HEAD and WebSocket upgrades are served\n"),
        ),
    };
    let length = body.len();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    h.insert(header::SERVER, HeaderValue::from_static("trustpath"));
    (response, Answered::Page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Sends `request` to [`handle`] and returns the whole answer (as text) and the outcome.
    async fn exchange(request: &[u8]) -> (String, Outcome) {
        let (bytes, outcome) = exchange_bytes(request, false).await;
        (String::from_utf8_lossy(&bytes).into_owned(), outcome)
    }

    /// Sends `request` to [`handle`] and returns the whole answer and the outcome.
    async fn exchange_bytes(request: &[u8], echo: bool) -> (Vec<u8>, Outcome) {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let served = tokio::spawn(handle(server, Arc::new(page("lab <x>", echo))));
        client.write_all(request).await.unwrap();
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.unwrap();
        (out, served.await.unwrap())
    }

    fn page(label: &str, echo_headers: bool) -> Page {
        Page {
            label: label.to_owned(),
            echo_headers,
        }
    }

    #[tokio::test]
    async fn with_echo_headers_the_page_lists_the_request_headers_received() {
        let request =
            b"GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 192.0.2.7\r\nCookie: s=1\r\n\r\n";
        let (bytes, _) = exchange_bytes(request, true).await;
        let body = &bytes[bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
        let headers = crate::serve::echo::parse(body).unwrap();
        assert_eq!(
            headers,
            [
                ("host".to_owned(), "h".to_owned()),
                ("x-forwarded-for".to_owned(), "192.0.2.7".to_owned()),
                ("cookie".to_owned(), "(3 bytes, not shown)".to_owned()),
            ]
        );
        let (plain, _) = exchange(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").await;
        assert!(!plain.contains("request headers received"), "{plain}");
    }

    #[tokio::test]
    async fn a_get_gets_the_labelled_page_and_the_connection_closes() {
        let (reply, outcome) = exchange(b"GET /wiki/x?a=1 HTTP/1.1\r\nHost: h\r\n\r\n").await;
        assert_eq!(outcome, Outcome::Page);
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert!(reply.contains("\r\nConnection: close\r\n"), "{reply}");
        assert!(reply.contains("\r\nServer: trustpath\r\n"), "{reply}");
        assert!(
            reply.contains("<p>trustpath serve: lab &lt;x&gt;</p>\n<p>path: /wiki/x?a=1</p>"),
            "{reply}"
        );
    }

    #[tokio::test]
    async fn a_head_gets_the_length_without_the_body_and_a_post_gets_405() {
        let (head, _) = exchange(b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").await;
        let (get, _) = exchange(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").await;
        let length = |reply: &str| {
            reply
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .map(str::to_owned)
        };
        assert!(head.ends_with("\r\n\r\n"), "{head}");
        assert_eq!(length(&head), length(&get));
        let (post, outcome) =
            exchange(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").await;
        assert!(
            post.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{post}"
        );
        assert_eq!(outcome, Outcome::Page);
    }

    #[tokio::test]
    async fn a_tls_client_hello_on_a_plain_port_gets_400_at_once() {
        // The start of a ClientHello record; the client keeps the connection open, as a TLS client does.
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let served = tokio::spawn(handle(server, Arc::new(page("plain", false))));
        client
            .write_all(&[
                0x16, 0x03, 0x01, 0x00, 0xf4, 0x01, 0x00, 0x00, 0xf0, 0x03, 0x03,
            ])
            .await
            .unwrap();
        let mut first = [0u8; 24];
        tokio::time::timeout(Duration::from_secs(5), client.read_exact(&mut first))
            .await
            .expect("an answer before the client sends more")
            .unwrap();
        assert_eq!(&first, b"HTTP/1.1 400 Bad Request");
        assert_eq!(served.await.unwrap(), Outcome::Nothing);
    }

    #[tokio::test]
    async fn an_upgrade_on_any_path_switches_to_an_echoing_websocket() {
        let mut request = b"GET /synchrony/v1/bayeux-sync1 HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            .to_vec();
        // A masked close frame (1000) sent right behind the request.
        request.extend_from_slice(&[0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xe8 ^ 2]);
        let (bytes, outcome) = exchange_bytes(&request, false).await;
        let reply = String::from_utf8_lossy(&bytes);
        assert_eq!(outcome, Outcome::WebSocket);
        assert!(
            reply.starts_with("HTTP/1.1 101 Switching Protocols\r\n"),
            "{reply}"
        );
        assert!(
            reply.contains("\r\nSec-Websocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            "{reply}"
        );
        assert!(
            reply.contains("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"),
            "{reply}"
        );
        // The close frame comes back after the head.
        assert!(bytes.ends_with(b"\r\n\r\n\x88\x02\x03\xe8"), "{reply:?}");
    }
}
