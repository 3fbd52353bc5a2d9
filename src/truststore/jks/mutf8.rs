//! Java's "modified UTF-8" (`DataOutput.writeUTF` / `DataInput.readUTF`), the encoding of keystore aliases
//! and certificate type names: UTF-16 code units, each as 1–3 bytes, NUL as `C0 80`, supplementary
//! characters as two 3-byte surrogates, after a big-endian `u16` byte count.

use std::borrow::Cow;

/// Encodes `s` without the length prefix.
#[cfg(test)]
pub fn encode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    encode_into(s, &mut out);
    out
}

/// Appends `s`, encoded, to `out` (without the length prefix).
pub fn encode_into(s: &str, out: &mut Vec<u8>) {
    if s.bytes().all(|b| b != 0 && b < 0x80) {
        // ASCII without NUL is its own encoding: the common case (every alias trustpath makes).
        out.extend_from_slice(s.as_bytes());
        return;
    }
    for unit in s.encode_utf16() {
        match unit {
            0x0001..=0x007f => out.push(unit as u8),
            0x0000 | 0x0080..=0x07ff => {
                out.push(0xc0 | (unit >> 6) as u8);
                out.push(0x80 | (unit & 0x3f) as u8);
            }
            _ => {
                out.push(0xe0 | (unit >> 12) as u8);
                out.push(0x80 | ((unit >> 6) & 0x3f) as u8);
                out.push(0x80 | (unit & 0x3f) as u8);
            }
        }
    }
}

/// Decodes bytes (without the length prefix) as `readUTF` does, then requires the UTF-16 to be valid
/// (Java would accept a lone surrogate; a Rust `String` cannot hold one).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    decode_borrowed(bytes).map(Cow::into_owned)
}

/// [`decode`], borrowing `bytes` when they are their own UTF-8 (ASCII: every alias trustpath makes).
pub fn decode_borrowed(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if bytes.is_ascii() {
        // Every byte below 0x80 (NUL included, which readUTF accepts as U+0000) is its own character:
        // the common case, without the UTF-16 round trip.
        if let Ok(s) = std::str::from_utf8(bytes) {
            return Ok(Cow::Borrowed(s));
        }
    }
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let cont = |j: usize| -> Result<u16, String> {
            match bytes.get(j) {
                Some(&c) if c & 0xc0 == 0x80 => Ok(u16::from(c & 0x3f)),
                Some(&c) => Err(format!(
                    "malformed modified UTF-8: byte 0x{c:02x} at {j} is not a continuation"
                )),
                None => Err(format!(
                    "malformed modified UTF-8: sequence at {i} is cut short"
                )),
            }
        };
        match b >> 4 {
            0..=7 => {
                units.push(u16::from(b));
                i += 1;
            }
            12 | 13 => {
                units.push((u16::from(b & 0x1f) << 6) | cont(i + 1)?);
                i += 2;
            }
            14 => {
                units.push((u16::from(b & 0x0f) << 12) | (cont(i + 1)? << 6) | cont(i + 2)?);
                i += 3;
            }
            _ => return Err(format!("malformed modified UTF-8: byte 0x{b:02x} at {i}")),
        }
    }
    String::from_utf16(&units)
        .map(Cow::Owned)
        .map_err(|_| "alias holds an unpaired UTF-16 surrogate".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_supplementary_characters_use_the_java_forms() {
        assert_eq!(encode("a\0"), [b'a', 0xc0, 0x80]);
        assert_eq!(encode("zü"), [b'z', 0xc3, 0xbc]);
        // U+1F512 is the surrogate pair D83D DD12, each written as three bytes.
        assert_eq!(encode("🔒"), [0xed, 0xa0, 0xbd, 0xed, 0xb4, 0x92]);
        for s in ["", "plain", "zürich-ca", "a\0b", "🔒 key", "日本"] {
            assert_eq!(decode(&encode(s)).unwrap(), s);
        }
    }

    #[test]
    fn broken_sequences_are_errors() {
        assert!(decode(&[0xc3]).is_err());
        assert!(decode(&[0xe0, 0x80]).is_err());
        assert!(decode(&[0xff]).is_err());
        assert!(decode(&[0xed, 0xa0, 0xbd]).is_err());
    }
}
