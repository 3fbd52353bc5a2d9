//! A TCP stream wrapper that remembers the first bytes a server sent (to recognise a plain-HTTP answer
//! after a failed handshake) and caps the bytes read during a probe (a hostile server cannot make the
//! probe read without end).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How many leading bytes are kept.
pub const PEEK_LEN: usize = 64;

/// The first bytes received, shared with the caller, which keeps it after the stream is dropped.
#[derive(Debug, Default)]
pub struct Peek {
    /// Up to [`PEEK_LEN`] first bytes.
    pub head: Vec<u8>,
    /// Bytes received in total.
    pub total: usize,
}

/// Wraps a stream, recording the first bytes read and failing reads past `limit` bytes.
#[derive(Debug)]
pub struct Recorder<S> {
    inner: S,
    peek: Arc<Mutex<Peek>>,
    limit: usize,
}

impl<S> Recorder<S> {
    /// Wraps `inner`; reads past `limit` bytes in total fail.
    pub fn new(inner: S, limit: usize) -> (Recorder<S>, Arc<Mutex<Peek>>) {
        let peek = Arc::new(Mutex::new(Peek::default()));
        (
            Recorder {
                inner,
                peek: Arc::clone(&peek),
                limit,
            },
            peek,
        )
    }
}

impl<S> Recorder<S> {
    /// Sets the most bytes that may be read in total (raised once a handshake is done and the
    /// connection is kept for HTTP).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recorder<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let fresh = &buf.filled()[before..];
            if let Ok(mut peek) = self.peek.lock() {
                let room = PEEK_LEN.saturating_sub(peek.head.len());
                peek.head.extend_from_slice(&fresh[..fresh.len().min(room)]);
                peek.total += fresh.len();
                if peek.total > self.limit {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "the server sent more than {} bytes on this connection",
                            self.limit
                        ),
                    )));
                }
            }
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recorder<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
