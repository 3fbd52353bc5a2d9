//! Private-key protection as the JDK's JKS and JCEKS keystores do it, so that keys move between PKCS#8,
//! JKS and JCEKS without the JVM noticing who wrote them.
//!
//! Both stores hold a private key as a DER `EncryptedPrivateKeyInfo`:
//!
//! - JKS (`sun.security.provider.KeyProtector`, OID 1.3.6.1.4.1.42.2.17.1.1): a 20-byte salt, the PKCS#8
//!   bytes XORed with a SHA-1 keystream (`SHA-1(password ‖ previous digest)`, seeded with the salt), and
//!   `SHA-1(password ‖ plaintext)` as an integrity check; the password enters as UTF-16BE.
//! - JCEKS (`com.sun.crypto.provider.KeyProtector`, OID 1.3.6.1.4.1.42.2.19.1): Sun's
//!   PBEWithMD5AndTripleDES, an 8-byte salt and an iteration count (200,000 since JDK 8u301) in the
//!   parameters; the password enters as UTF-8 (JDK 17 insists on printable ASCII).
//!
//! The JCEKS engine recovers keys under either protector, so trustpath protects new keys with the JKS
//! protector for both formats; a JCEKS-protected key going into a JKS store is recovered and re-protected.
//! Functions here are pure: the salt is passed in, and [`random_salt`] is the one source of randomness.

use der::asn1::{AnyRef, OctetStringRef};
use md5::Md5;
use sha1::{Digest, Sha1};
use spki::AlgorithmIdentifierRef;

use super::StoreError;
use crate::asn1::{self, Decode, Encode, ObjectIdentifier};

/// The JKS key protector OID, `1.3.6.1.4.1.42.2.17.1.1`.
pub const JKS_KEY_PROTECTOR_OID: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.42.2.17.1.1");
/// The JCEKS key protector OID (PBEWithMD5AndTripleDES), `1.3.6.1.4.1.42.2.19.1`.
pub const JCEKS_KEY_PROTECTOR_OID: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.42.2.19.1");

/// `EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }`
/// (PKCS#8; `pkcs8`'s own type knows only the PBES1/PBES2 algorithms, not the JDK's protectors).
#[derive(der::Sequence)]
struct EncryptedPrivateKeyInfo<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    data: &'a OctetStringRef,
}

/// `PBEParameter ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER }` (PKCS#5).
#[derive(der::Sequence)]
struct PbeParameter<'a> {
    salt: &'a OctetStringRef,
    iterations: u32,
}

/// The JDK refuses PBE iteration counts above this when recovering a JCEKS key
/// (`com.sun.crypto.provider.KeyProtector.MAX_ITERATION_COUNT`); it also bounds our work.
pub const MAX_JCEKS_ITERATIONS: u32 = 5_000_000;

const SALT_LEN: usize = 20;
const DIGEST_LEN: usize = 20;

/// Which protector an `EncryptedPrivateKeyInfo` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protector {
    /// Sun's JKS key protector.
    Jks,
    /// SunJCE's PBEWithMD5AndTripleDES key protector.
    Jceks {
        /// PBE iteration count from the parameters.
        iterations: u32,
    },
    /// Anything else, by dotted OID.
    Other(String),
}

/// Names the protector of a DER `EncryptedPrivateKeyInfo`.
pub fn protector(epki: &[u8]) -> Result<Protector, StoreError> {
    Ok(parse_epki(epki)?.protector)
}

/// Protects a PKCS#8 `PrivateKeyInfo` with the JKS key protector, as `keytool` does for a JKS store, and
/// returns the DER `EncryptedPrivateKeyInfo`. The JDK draws `salt` from `SecureRandom`; see [`random_salt`].
pub fn jks_protect(pkcs8: &[u8], password: &str, salt: [u8; 20]) -> Result<Vec<u8>, StoreError> {
    let pw = asn1::utf16be(password);
    let stream = jks_keystream(&pw, &salt, pkcs8.len());
    let mut data = Vec::with_capacity(SALT_LEN + pkcs8.len() + DIGEST_LEN);
    data.extend_from_slice(&salt);
    data.extend(pkcs8.iter().zip(&stream).map(|(p, k)| p ^ k));
    let mut check = Sha1::new();
    check.update(&pw);
    check.update(pkcs8);
    data.extend_from_slice(&check.finalize());

    // AlgorithmIdentifier { OID, NULL }, exactly as the JDK's AlgorithmId encodes it.
    let encode = || {
        EncryptedPrivateKeyInfo {
            algorithm: AlgorithmIdentifierRef {
                oid: JKS_KEY_PROTECTOR_OID,
                parameters: Some(AnyRef::NULL),
            },
            data: OctetStringRef::new(&data)?,
        }
        .to_der()
    };
    encode().map_err(|e| StoreError::Unsupported(format!("cannot encode the protected key: {e}")))
}

/// Recovers the PKCS#8 `PrivateKeyInfo` from a JKS- or JCEKS-protected `EncryptedPrivateKeyInfo`. A wrong
/// password, an unknown protector or a damaged blob is an error that says which.
pub fn recover(epki: &[u8], password: &str) -> Result<Vec<u8>, StoreError> {
    let parsed = parse_epki(epki)?;
    match parsed.protector {
        Protector::Jks => jks_recover(parsed.data, password),
        Protector::Jceks { iterations } => {
            jceks_recover(parsed.data, parsed.salt, iterations, password)
        }
        Protector::Other(oid) => Err(StoreError::Unsupported(format!(
            "private key protected with algorithm {oid}, which neither jks nor jceks uses"
        ))),
    }
}

/// 20 random bytes for [`jks_protect`], from the operating system's secure random source (through the
/// aws-lc-rs provider rustls uses).
pub fn random_salt() -> Result<[u8; 20], StoreError> {
    let mut salt = [0u8; 20];
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut salt)
        .map_err(|_| {
            StoreError::Unsupported("no secure random source for a key salt".to_owned())
        })?;
    Ok(salt)
}

fn jks_recover(data: &[u8], password: &str) -> Result<Vec<u8>, StoreError> {
    if data.len() < SALT_LEN + DIGEST_LEN + 1 {
        return Err(StoreError::malformed(format!(
            "jks-protected key of {} bytes is shorter than salt and check digest",
            data.len()
        )));
    }
    let (salt, rest) = data.split_at(SALT_LEN);
    let (encrypted, check) = rest.split_at(rest.len() - DIGEST_LEN);
    let pw = asn1::utf16be(password);
    let stream = jks_keystream(&pw, salt, encrypted.len());
    let plain: Vec<u8> = encrypted.iter().zip(&stream).map(|(c, k)| c ^ k).collect();
    let mut md = Sha1::new();
    md.update(&pw);
    md.update(&plain);
    if md.finalize().as_slice() != check {
        return Err(wrong_key_password());
    }
    Ok(plain)
}

fn wrong_key_password() -> StoreError {
    StoreError::Unsupported(
        "cannot recover the private key: its key password is not the one given (keytool calls this \
         \"Cannot recover key\")"
            .to_owned(),
    )
}

/// The XOR keystream of the JKS protector: SHA-1(password ‖ salt), SHA-1(password ‖ that), …
fn jks_keystream(pw: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + DIGEST_LEN);
    let mut digest: Vec<u8> = salt.to_vec();
    while out.len() < len {
        let mut md = Sha1::new();
        md.update(pw);
        md.update(&digest);
        digest = md.finalize().to_vec();
        out.extend_from_slice(&digest);
    }
    out.truncate(len);
    out
}

fn jceks_recover(
    data: &[u8],
    salt: &[u8],
    iterations: u32,
    password: &str,
) -> Result<Vec<u8>, StoreError> {
    let plain = pbe_md5_tripledes_decrypt(data, salt, iterations, password, "jceks-protected key")?
        .ok_or_else(wrong_key_password)?;
    // The plaintext must be exactly one DER SEQUENCE (a PrivateKeyInfo).
    if asn1::is_one(&plain, asn1::Tag::Sequence) {
        Ok(plain)
    } else {
        Err(wrong_key_password())
    }
}

/// Decrypts with Sun's PBEWithMD5AndTripleDES (the JCEKS key protector and key sealer): `Ok(None)` when
/// the padding is wrong, which almost always means a wrong password. `what` names the data in errors.
pub(crate) fn pbe_md5_tripledes_decrypt(
    data: &[u8],
    salt: &[u8],
    iterations: u32,
    password: &str,
    what: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    use des::TdesEde3;
    use des::cipher::{BlockCipherDecrypt, KeyInit};

    if salt.len() != 8 {
        return Err(StoreError::malformed(format!(
            "{what} has a {}-byte salt (PBEWithMD5AndTripleDES uses 8)",
            salt.len()
        )));
    }
    if iterations == 0 || iterations > MAX_JCEKS_ITERATIONS {
        return Err(StoreError::malformed(format!(
            "{what} has iteration count {iterations} (the JDK accepts 1 to {MAX_JCEKS_ITERATIONS})"
        )));
    }
    if data.is_empty() || !data.len().is_multiple_of(8) {
        return Err(StoreError::malformed(format!(
            "{what} of {} bytes is not a whole number of 8-byte blocks",
            data.len()
        )));
    }
    let derived = pbe_md5_tripledes_key(password.as_bytes(), salt, iterations);
    let cipher = TdesEde3::new_from_slice(&derived[..24])
        .map_err(|_| StoreError::malformed("bad triple-des key length"))?;
    let mut prev: [u8; 8] = [0; 8];
    prev.copy_from_slice(&derived[24..32]);
    let mut plain = Vec::with_capacity(data.len());
    for block in data.chunks_exact(8) {
        let mut b = des::cipher::Block::<TdesEde3>::default();
        b.copy_from_slice(block);
        cipher.decrypt_block(&mut b);
        plain.extend(b.iter().zip(&prev).map(|(x, y)| x ^ y));
        prev.copy_from_slice(block);
    }
    // PKCS#5 padding: 1 to 8 bytes, each holding the pad length.
    let pad = usize::from(plain[plain.len() - 1]);
    if pad == 0
        || pad > 8
        || plain[plain.len() - pad..]
            .iter()
            .any(|&p| usize::from(p) != pad)
    {
        return Ok(None);
    }
    plain.truncate(plain.len() - pad);
    Ok(Some(plain))
}

/// Parses DER `PBEParameter ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER }`.
pub(crate) fn parse_pbe_params(der: &[u8]) -> Option<(&[u8], u32)> {
    let params = PbeParameter::from_der(der).ok()?;
    Some((params.salt.as_bytes(), params.iterations))
}

/// Sun's PBEWithMD5AndTripleDES key derivation (`com.sun.crypto.provider.PBES1Core.deriveCipherKey`):
/// each salt half is hashed with the password `iterations` times; 24 key bytes then 8 IV bytes.
fn pbe_md5_tripledes_key(pw: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut salt: [u8; 8] = [
        salt[0], salt[1], salt[2], salt[3], salt[4], salt[5], salt[6], salt[7],
    ];
    if salt[..4] == salt[4..] {
        // "if the 2 salt halves are the same, invert one of them" (the JDK reverses the first half)
        salt[..4].reverse();
    }
    let mut out = [0u8; 32];
    // Each round hashes digest ‖ password; one buffer serves every round.
    let mut input = Vec::with_capacity(16 + pw.len());
    for half in 0..2 {
        input.clear();
        input.extend_from_slice(&salt[half * 4..half * 4 + 4]);
        input.extend_from_slice(pw);
        let mut digest = Md5::digest(&input);
        input.clear();
        input.extend_from_slice(&digest);
        input.extend_from_slice(pw);
        for _ in 1..iterations {
            digest = Md5::digest(&input);
            input[..16].copy_from_slice(&digest);
        }
        out[half * 16..half * 16 + 16].copy_from_slice(&digest);
    }
    out
}

struct Epki<'a> {
    protector: Protector,
    salt: &'a [u8],
    data: &'a [u8],
}

fn parse_epki(epki: &[u8]) -> Result<Epki<'_>, StoreError> {
    let bad = |what: &str| StoreError::malformed(format!("protected private key: {what}"));
    let info = EncryptedPrivateKeyInfo::from_der(epki)
        .map_err(|e| bad(&format!("not one DER EncryptedPrivateKeyInfo ({e})")))?;
    let oid = info.algorithm.oid;
    let (protector, salt) = if oid == JKS_KEY_PROTECTOR_OID {
        (Protector::Jks, &[][..])
    } else if oid == JCEKS_KEY_PROTECTOR_OID {
        let params = info
            .algorithm
            .parameters
            .ok_or_else(|| bad("no PBE parameters"))?
            .decode_as::<PbeParameter<'_>>()
            .map_err(|_| bad("malformed PBE parameters"))?;
        (
            Protector::Jceks {
                iterations: params.iterations,
            },
            params.salt.as_bytes(),
        )
    } else {
        (Protector::Other(oid.to_string()), &[][..])
    };
    Ok(Epki {
        protector,
        salt,
        data: info.data.as_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jks_protection_round_trips_and_refuses_another_password() {
        let pkcs8 = asn1::tlv(
            asn1::Tag::Sequence,
            &[0x02, 0x01, 0x00, 0x04, 0x03, 1, 2, 3],
        )
        .unwrap();
        let epki = jks_protect(&pkcs8, "pässwörd", [7; 20]).unwrap();
        assert_eq!(protector(&epki).unwrap(), Protector::Jks);
        assert_eq!(recover(&epki, "pässwörd").unwrap(), pkcs8);
        assert!(recover(&epki, "password").is_err());
    }

    #[test]
    fn the_jks_envelope_is_the_jdks_algorithm_id_encoding() {
        let pkcs8 = asn1::seq(&[&asn1::uint(0).unwrap()]).unwrap();
        let epki = jks_protect(&pkcs8, "changeit", [7; 20]).unwrap();
        // SEQUENCE { SEQUENCE { OID 1.3.6.1.4.1.42.2.17.1.1, NULL }, OCTET STRING salt ‖ data ‖ check }
        let data_len = 20 + pkcs8.len() + 20;
        let mut expected = vec![0x30, (16 + 2 + data_len) as u8, 0x30, 0x0e, 0x06, 0x0a];
        expected.extend_from_slice(&[0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01]);
        expected.extend_from_slice(&[0x05, 0x00, 0x04, data_len as u8]);
        assert_eq!(&epki[..expected.len()], expected.as_slice());
        assert_eq!(epki.len(), expected.len() + data_len);
    }

    #[test]
    fn an_unknown_protector_is_named_by_its_oid() {
        let pbes2 = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
        let alg = asn1::seq(&[&asn1::oid(&pbes2).unwrap(), asn1::NULL]).unwrap();
        let epki = asn1::seq(&[&alg, &asn1::octets(&[0; 16]).unwrap()]).unwrap();
        let err = recover(&epki, "x").unwrap_err().to_string();
        assert!(err.contains("1.2.840.113549.1.5.13"), "{err}");
    }
}
