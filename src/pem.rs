//! PEM text, through the `pem` crate (the one PEM stack: rcgen uses it too): finding every block in a
//! file (text between blocks is ignored, as in `openssl s_client` output pasted into a file), picking the
//! private key out of them, and writing blocks the way openssl does (64 columns, LF).

use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

/// One PEM block: its label (`CERTIFICATE`, `PRIVATE KEY`, …) and decoded contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The label between `BEGIN ` and `-----`.
    pub label: String,
    /// The base64-decoded body.
    pub contents: Vec<u8>,
}

/// Why PEM text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    /// A block's base64 or framing is broken.
    #[error("PEM block {index}: {reason}")]
    Block {
        /// 0-based index of the block in the file.
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// A `-----BEGIN` line with no matching `-----END`.
    #[error("PEM block {index} has a BEGIN line but no END line (truncated file?)")]
    Unterminated {
        /// 0-based index of the block in the file.
        index: usize,
    },
    /// No block holds a private key.
    #[error("no PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block")]
    NoPrivateKey,
}

/// Whether the bytes look like PEM text (contain a `-----BEGIN ` marker).
pub fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every PEM block in `text`, in order.
pub fn parse_all(text: &[u8]) -> Result<Vec<Block>, PemError> {
    let begins = count(text, b"-----BEGIN ");
    let blocks: Vec<Block> = pem::parse_many(text)
        .map_err(|e| PemError::Block {
            index: 0,
            reason: e.to_string(),
        })?
        .into_iter()
        .map(|section| Block {
            label: section.tag().to_owned(),
            contents: section.into_contents(),
        })
        .collect();
    if blocks.len() < begins {
        return Err(PemError::Unterminated {
            index: blocks.len(),
        });
    }
    Ok(blocks)
}

/// The first private key in `text`: a `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or `RSA PRIVATE KEY`
/// (PKCS#1) block; other blocks (certificates, encrypted keys) are passed over.
pub fn private_key(text: &[u8]) -> Result<PrivateKeyDer<'static>, PemError> {
    parse_all(text)?
        .into_iter()
        .find_map(|block| match block.label.as_str() {
            "PRIVATE KEY" => Some(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                block.contents,
            ))),
            "EC PRIVATE KEY" => Some(PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(block.contents))),
            "RSA PRIVATE KEY" => Some(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(
                block.contents,
            ))),
            _ => None,
        })
        .ok_or(PemError::NoPrivateKey)
}

/// For each block of `text` (each `-----BEGIN ` line, in order), the line right before it when that line
/// is a `#` comment (as trustpath's PEM bundles name each certificate's alias), without the `# `.
pub fn comments_before_blocks(text: &[u8]) -> Vec<Option<String>> {
    let marker = b"-----BEGIN ";
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&text[from..], marker) {
        let begin = from + at;
        let before = &text[..begin];
        let trimmed_len = before
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let line_start = before[..trimmed_len]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = &before[line_start..trimmed_len];
        // Only a comment on the line just before this BEGIN (after blank lines at most) names it.
        let adjacent = before[trimmed_len..]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            <= 2;
        out.push(
            line.strip_prefix(b"# ")
                .filter(|_| adjacent)
                .and_then(|c| std::str::from_utf8(c).ok())
                .map(str::to_owned),
        );
        from = begin + marker.len();
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// Encodes one block with LF line endings and 64-column lines.
pub fn encode(label: &str, contents: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(label, contents),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_private_key_of_any_kind_is_found_among_other_blocks() {
        let text = [
            encode("CERTIFICATE", b"cert"),
            encode("ENCRYPTED PRIVATE KEY", b"sealed"),
            encode("EC PRIVATE KEY", b"sec1"),
            encode("PRIVATE KEY", b"pkcs8"),
        ]
        .concat();
        assert_eq!(
            private_key(text.as_bytes()).unwrap(),
            PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(b"sec1".to_vec()))
        );
        let rsa = encode("RSA PRIVATE KEY", b"pkcs1");
        assert!(matches!(
            private_key(rsa.as_bytes()).unwrap(),
            PrivateKeyDer::Pkcs1(_)
        ));
        let none = encode("CERTIFICATE", b"cert");
        assert_eq!(private_key(none.as_bytes()), Err(PemError::NoPrivateKey));
    }

    #[test]
    fn the_comment_line_before_each_block_is_found() {
        let text = format!(
            "# a: CN=A\n{}{}\n# c: CN=C\n\n{}",
            encode("CERTIFICATE", b"a"),
            encode("CERTIFICATE", b"b"),
            encode("CERTIFICATE", b"c")
        );
        assert_eq!(
            comments_before_blocks(text.as_bytes()),
            [Some("a: CN=A".to_owned()), None, Some("c: CN=C".to_owned())]
        );
    }

    #[test]
    fn a_block_without_its_end_line_is_reported() {
        let mut text = encode("CERTIFICATE", b"one");
        text.push_str("-----BEGIN CERTIFICATE-----\nb25l\n");
        assert_eq!(
            parse_all(text.as_bytes()),
            Err(PemError::Unterminated { index: 1 })
        );
    }
}
