//! The server side of a WebSocket (RFC 6455): the `Sec-WebSocket-Accept` answer to an upgrade, and an
//! echo loop (text and binary echoed, ping answered, close returned) so that a real-time collaboration
//! client behind a proxy sees a working socket.

use sha1::{Digest, Sha1};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The GUID of RFC 6455 §1.3.
const WS_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// Largest frame payload echoed; larger frames close the connection (1009, message too big).
pub const MAX_FRAME: u64 = 1 << 20;

/// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
pub fn accept_key(client_key: &str) -> String {
    let mut h = Sha1::new();
    h.update(client_key.trim().as_bytes());
    h.update(WS_GUID.as_bytes());
    base64(&h.finalize())
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One server frame (never masked).
fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 10);
    out.push(0x80 | opcode);
    match payload.len() {
        n if n < 126 => out.push(n as u8),
        n if n <= usize::from(u16::MAX) => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// Reads from `stream` until `buf` holds at least `n` bytes; false on end of stream.
async fn fill<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    n: usize,
) -> std::io::Result<bool> {
    let mut chunk = [0u8; 4096];
    while buf.len() < n {
        let got = stream.read(&mut chunk).await?;
        if got == 0 {
            return Ok(false);
        }
        buf.extend_from_slice(&chunk[..got]);
    }
    Ok(true)
}

/// Echoes frames until the client closes, an error occurs, or a frame is too large. `pending` holds
/// bytes already read after the upgrade request (a client may send its first frames right away).
pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    pending: Vec<u8>,
) -> std::io::Result<()> {
    let mut buf = pending;
    loop {
        if !fill(stream, &mut buf, 2).await? {
            return Ok(());
        }
        let opcode = buf[0] & 0x0f;
        let masked = buf[1] & 0x80 != 0;
        let (len, mut at) = match buf[1] & 0x7f {
            126 => {
                if !fill(stream, &mut buf, 4).await? {
                    return Ok(());
                }
                (u64::from(u16::from_be_bytes([buf[2], buf[3]])), 4)
            }
            127 => {
                if !fill(stream, &mut buf, 10).await? {
                    return Ok(());
                }
                let mut b = [0u8; 8];
                b.copy_from_slice(&buf[2..10]);
                (u64::from_be_bytes(b), 10)
            }
            n => (u64::from(n), 2),
        };
        if len > MAX_FRAME {
            stream
                .write_all(&frame(0x8, &1009u16.to_be_bytes()))
                .await?;
            return stream.flush().await;
        }
        let mut mask = [0u8; 4];
        if masked {
            if !fill(stream, &mut buf, at + 4).await? {
                return Ok(());
            }
            mask.copy_from_slice(&buf[at..at + 4]);
            at += 4;
        }
        // len <= MAX_FRAME, so it fits in usize.
        let end = at + len as usize;
        if !fill(stream, &mut buf, end).await? {
            return Ok(());
        }
        let mut payload: Vec<u8> = buf[at..end].to_vec();
        buf.drain(..end);
        if masked {
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
        }
        match opcode {
            0x8 => {
                let code = payload.get(..2).unwrap_or(&[0x03, 0xe8]).to_vec();
                stream.write_all(&frame(0x8, &code)).await?;
                return stream.flush().await;
            }
            0x9 => stream.write_all(&frame(0xa, &payload)).await?,
            0xa => {}
            op => stream.write_all(&frame(op, &payload)).await?,
        }
        stream.flush().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_matches_rfc_6455_example() {
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn base64_pads_like_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }
}
