//! PEM text: finding every block in a file (text between blocks is ignored, as in `openssl s_client`
//! output pasted into a file) and writing blocks the way openssl does (64 columns, LF).

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
}

/// Whether the bytes look like PEM text (contain a `-----BEGIN ` marker).
pub fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every PEM block in `text`, in order.
pub fn parse_all(text: &[u8]) -> Result<Vec<Block>, PemError> {
    let begins = count(text, b"-----BEGIN ");
    let mut blocks = Vec::new();
    for (index, section) in pem::parse_many(text)
        .map_err(|e| PemError::Block {
            index: 0,
            reason: e.to_string(),
        })?
        .into_iter()
        .enumerate()
    {
        blocks.push(Block {
            label: section.tag().to_owned(),
            contents: section.into_contents(),
        });
        let _ = index;
    }
    if blocks.len() < begins {
        return Err(PemError::Unterminated {
            index: blocks.len(),
        });
    }
    Ok(blocks)
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
