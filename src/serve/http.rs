//! Just enough HTTP/1.1 to stand in for an application behind a proxy: a GET or HEAD gets a small page,
//! a WebSocket upgrade on any path gets `101 Switching Protocols` and an echo socket, anything else
//! `405`. One request per connection (`Connection: close`).

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::websocket;

/// Largest request head read.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a WebSocket may stay open.
pub const WEBSOCKET_LIFETIME: Duration = Duration::from_secs(300);

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

/// A parsed request head.
#[derive(Debug, Default)]
struct Head {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn header_has_token(&self, name: &str, token: &str) -> bool {
        self.header(name)
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    }
}

fn parse_head(bytes: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Head {
        method,
        path,
        headers,
    })
}

/// Reads up to the blank line ending a request head; returns the head and any bytes read after it.
async fn read_head<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        // A request starts with a method token. Anything else (a TLS ClientHello sent to this plain-HTTP
        // port, say) is answered at once with 400, as nginx and Tomcat do, rather than waited on.
        if !buf[0].is_ascii_uppercase() {
            return Ok(Some((buf, Vec::new())));
        }
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            buf.truncate(end);
            return Ok(Some((buf, rest)));
        }
        if buf.len() > MAX_HEAD {
            return Ok(None);
        }
    }
}

/// Answers one request on `stream`. `label` names what is being served on the page.
pub async fn handle<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    label: &str,
) -> std::io::Result<Outcome> {
    let (head, rest) = match tokio::time::timeout(HEAD_TIMEOUT, read_head(stream)).await {
        Ok(Ok(Some(read))) => read,
        Ok(Ok(None)) | Err(_) => return Ok(Outcome::Nothing),
        Ok(Err(e)) => return Err(e),
    };
    let Some(head) = parse_head(&head) else {
        stream
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await?;
        return Ok(Outcome::Nothing);
    };
    if let Some(key) = head
        .header("Sec-WebSocket-Key")
        .filter(|_| head.header_has_token("Upgrade", "websocket"))
    {
        let response = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
            websocket::accept_key(key)
        );
        stream.write_all(response.as_bytes()).await?;
        stream.flush().await?;
        let _ = tokio::time::timeout(WEBSOCKET_LIFETIME, websocket::echo(stream, rest)).await;
        return Ok(Outcome::WebSocket);
    }
    let (status, body) = match head.method.as_str() {
        "GET" | "HEAD" => (
            "200 OK",
            format!(
                "<!doctype html>\n<title>trustpath serve</title>\n<p>trustpath serve: {}</p>\n<p>path: {}</p>\n",
                escape(label),
                escape(&head.path)
            ),
        ),
        _ => (
            "405 Method Not Allowed",
            String::from("only GET, HEAD and WebSocket upgrades are served\n"),
        ),
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nServer: trustpath\r\n\r\n",
        body.len()
    );
    if head.method != "HEAD" {
        response.push_str(&body);
    }
    stream.write_all(response.as_bytes()).await?;
    stream.flush().await?;
    Ok(Outcome::Page)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
