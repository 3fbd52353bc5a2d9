//! The server side of a WebSocket (RFC 6455) through tungstenite: the `Sec-WebSocket-Accept` answer to an
//! upgrade, and an echo loop (text and binary echoed, ping answered, close returned) so that a real-time
//! collaboration client behind a proxy sees a working socket.

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::Error;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, handshake};

/// Largest frame or message echoed; a larger one closes the connection (1009, message too big).
pub const MAX_FRAME: usize = 1 << 20;

/// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
pub fn accept_key(client_key: &[u8]) -> String {
    handshake::derive_accept_key(client_key.trim_ascii())
}

/// Echoes messages on the upgraded `stream` until the client closes, an error occurs, or a message is
/// too large; then closes the stream (a TLS stream with its close_notify).
pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(stream: S) {
    let config = WebSocketConfig::default()
        .max_frame_size(Some(MAX_FRAME))
        .max_message_size(Some(MAX_FRAME));
    let mut socket = WebSocketStream::from_raw_socket(stream, Role::Server, Some(config)).await;
    while let Some(received) = socket.next().await {
        match received {
            Ok(message @ (Message::Text(_) | Message::Binary(_))) => {
                if socket.send(message).await.is_err() {
                    break;
                }
            }
            // tungstenite answers a ping and returns a close by itself (on the next read); pongs are
            // ignored.
            Ok(_) => {}
            Err(Error::Capacity(_)) => {
                let too_big = CloseFrame {
                    code: CloseCode::Size,
                    reason: "".into(),
                };
                let _ = socket.close(Some(too_big)).await;
                break;
            }
            Err(_) => break,
        }
    }
    let _ = socket.into_inner().shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_matches_rfc_6455_example() {
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    /// One masked client frame.
    fn client_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [1u8, 2, 3, 4];
        let mut out = vec![0x80 | opcode];
        match payload.len() {
            n if n < 126 => out.push(0x80 | n as u8),
            n => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        out
    }

    async fn exchange(frames: &[u8]) -> Vec<u8> {
        use tokio::io::AsyncReadExt;
        let (mut client, server) = tokio::io::duplex(4 << 20);
        let echo = tokio::spawn(echo(server));
        client.write_all(frames).await.unwrap();
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.unwrap();
        echo.await.unwrap();
        out
    }

    #[tokio::test]
    async fn text_is_echoed_a_ping_answered_and_a_close_returned() {
        let mut frames = client_frame(0x1, b"hi");
        frames.extend(client_frame(0x9, b"p"));
        frames.extend(client_frame(0x2, &[0, 1, 2]));
        frames.extend(client_frame(0x8, &1000u16.to_be_bytes()));
        let out = exchange(&frames).await;
        assert_eq!(
            out,
            [
                &[0x81, 0x02, b'h', b'i'][..],
                &[0x8a, 0x01, b'p'],
                &[0x82, 0x03, 0, 1, 2],
                &[0x88, 0x02, 0x03, 0xe8],
            ]
            .concat()
        );
    }

    #[tokio::test]
    async fn a_message_over_the_limit_is_refused_with_1009() {
        let frames = client_frame(0x2, &vec![7u8; MAX_FRAME + 1]);
        let out = exchange(&frames).await;
        assert_eq!(out, [0x88, 0x02, 0x03, 0xf1]);
    }
}
