//! The little DER a lab needs beyond rcgen: walking a certificate's top-level structure to re-sign it,
//! and reading an RSA `PrivateKeyInfo`. Single-byte tags and definite lengths only (DER has nothing
//! else); every length is checked against the input.

use super::PkiError;

/// One DER element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag byte.
    pub tag: u8,
    /// The contents (without tag and length).
    pub content: &'a [u8],
    /// The whole element (tag, length and contents).
    pub raw: &'a [u8],
}

fn bad(what: &str) -> PkiError {
    PkiError::Legacy(format!("malformed DER: {what}"))
}

/// Reads one element from the front of `input`, returning it and the rest.
pub fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), PkiError> {
    let tag = *input
        .first()
        .ok_or_else(|| bad("unexpected end of input"))?;
    if tag & 0x1f == 0x1f {
        return Err(bad("multi-byte tags are not expected here"));
    }
    let first = *input.get(1).ok_or_else(|| bad("missing length"))?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return Err(bad("unsupported length form"));
        }
        let bytes = input.get(2..2 + n).ok_or_else(|| bad("truncated length"))?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + n)
    };
    let end = header
        .checked_add(len)
        .filter(|end| *end <= input.len())
        .ok_or_else(|| bad("element longer than its input"))?;
    Ok((
        Tlv {
            tag,
            content: &input[header..end],
            raw: &input[..end],
        },
        &input[end..],
    ))
}

/// Reads exactly one element spanning all of `input`, with the given tag.
pub fn read_exact(input: &[u8], tag: u8) -> Result<Tlv<'_>, PkiError> {
    let (tlv, rest) = read(input)?;
    if tlv.tag != tag {
        return Err(bad(&format!(
            "expected tag 0x{tag:02x}, found 0x{:02x}",
            tlv.tag
        )));
    }
    if !rest.is_empty() {
        return Err(bad("trailing bytes"));
    }
    Ok(tlv)
}

/// The elements inside a constructed element's contents.
pub fn children(content: &[u8]) -> Result<Vec<Tlv<'_>>, PkiError> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (tlv, next) = read(rest)?;
        out.push(tlv);
        rest = next;
    }
    Ok(out)
}

/// Encodes one element.
pub fn write(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = Vec::with_capacity(len + 6);
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// The SEQUENCE tag.
pub const SEQUENCE: u8 = 0x30;
/// The INTEGER tag.
pub const INTEGER: u8 = 0x02;
/// The OCTET STRING tag.
pub const OCTET_STRING: u8 = 0x04;
/// The BIT STRING tag.
pub const BIT_STRING: u8 = 0x03;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 70_000] {
            let content = vec![7u8; len];
            let enc = write(SEQUENCE, &content);
            let tlv = read_exact(&enc, SEQUENCE).unwrap();
            assert_eq!(tlv.content.len(), len);
            assert_eq!(tlv.raw, enc.as_slice());
        }
    }

    #[test]
    fn truncated_input_is_refused() {
        let enc = write(SEQUENCE, &[1, 2, 3]);
        assert!(read(&enc[..enc.len() - 1]).is_err());
        assert!(read(&[]).is_err());
    }
}
