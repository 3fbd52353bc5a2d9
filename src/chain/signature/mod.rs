//! Verifying that one certificate was signed by another's key, for every algorithm the JVM verifies:
//! RSA PKCS#1 v1.5 (MD5, SHA-1, SHA-2, SHA-3; keys of 512 to 16384 bits; a DigestInfo with or without
//! NULL parameters, as `RSASignature.engineVerify` accepts both), RSASSA-PSS with the parameters of the
//! signature algorithm (any hash, MGF1 hash and salt length, `RSAPSSSignature`), ECDSA on P-256, P-384 and
//! P-521 with any hash, Ed25519, and DSA (SHA-1, SHA-2, SHA-3; parameters inherited from the issuer's
//! issuer when the signing key omits them, as the JDK's `BasicChecker` does).
//!
//! aws-lc-rs verifies the common combinations; a signature it cannot check, or finds invalid, is
//! checked again as the JDK checks it (the RustCrypto `rsa` primitive, `p256`/`p384`/`p521` with
//! `ecdsa`, `dsa`; verification only), so a legacy or unusual signature is reported as weak or refused,
//! never as forged. What the JVM itself cannot verify (a curve SunEC lacks, a key type that does not fit
//! the algorithm, Ed448, MD2) stays [`SigCheck::Unsupported`], which the checks report as a refusal that
//! is not `bad-signature`.

mod digest;
mod dsa;
mod ec;
mod rsa;

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::prelude::*;
use x509_parser::signature_algorithm::RsaSsaPssParams;

use digest::Hash;

/// The outcome of one signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigCheck {
    /// The signature verifies.
    Valid,
    /// The signature does not verify with this key.
    Invalid,
    /// The algorithm (or its combination with this key) cannot be checked; the text says which.
    Unsupported(String),
    /// The certificate's signature fields are malformed (its inner and outer signature algorithms
    /// differ); the text says how.
    Malformed(String),
}

const RSA: &str = "1.2.840.113549.1.1.1";
const RSA_PSS: &str = "1.2.840.113549.1.1.10";
const EC: &str = "1.2.840.10045.2.1";
const ED25519: &str = "1.3.101.112";
const DSA: &str = "1.2.840.10040.4.1";
const DSA_OIW: &str = "1.3.14.3.2.12";

const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";
const P521: &str = "1.3.132.0.35";

/// What a signature algorithm OID asks for.
enum Scheme {
    Pkcs1(Hash),
    Pss,
    Ecdsa(Hash),
    Dsa(Hash),
    Ed25519,
}

fn scheme(sig_oid: &str) -> Option<Scheme> {
    use Hash::*;
    Some(match sig_oid {
        "1.2.840.113549.1.1.4" => Scheme::Pkcs1(Md5),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Scheme::Pkcs1(Sha1),
        "1.2.840.113549.1.1.14" => Scheme::Pkcs1(Sha224),
        "1.2.840.113549.1.1.11" => Scheme::Pkcs1(Sha256),
        "1.2.840.113549.1.1.12" => Scheme::Pkcs1(Sha384),
        "1.2.840.113549.1.1.13" => Scheme::Pkcs1(Sha512),
        "1.2.840.113549.1.1.15" => Scheme::Pkcs1(Sha512_224),
        "1.2.840.113549.1.1.16" => Scheme::Pkcs1(Sha512_256),
        "2.16.840.1.101.3.4.3.13" => Scheme::Pkcs1(Sha3_224),
        "2.16.840.1.101.3.4.3.14" => Scheme::Pkcs1(Sha3_256),
        "2.16.840.1.101.3.4.3.15" => Scheme::Pkcs1(Sha3_384),
        "2.16.840.1.101.3.4.3.16" => Scheme::Pkcs1(Sha3_512),
        "1.2.840.113549.1.1.10" => Scheme::Pss,
        "1.2.840.10045.4.1" => Scheme::Ecdsa(Sha1),
        "1.2.840.10045.4.3.1" => Scheme::Ecdsa(Sha224),
        "1.2.840.10045.4.3.2" => Scheme::Ecdsa(Sha256),
        "1.2.840.10045.4.3.3" => Scheme::Ecdsa(Sha384),
        "1.2.840.10045.4.3.4" => Scheme::Ecdsa(Sha512),
        "2.16.840.1.101.3.4.3.9" => Scheme::Ecdsa(Sha3_224),
        "2.16.840.1.101.3.4.3.10" => Scheme::Ecdsa(Sha3_256),
        "2.16.840.1.101.3.4.3.11" => Scheme::Ecdsa(Sha3_384),
        "2.16.840.1.101.3.4.3.12" => Scheme::Ecdsa(Sha3_512),
        "1.2.840.10040.4.3" | "1.3.14.3.2.27" => Scheme::Dsa(Sha1),
        "2.16.840.1.101.3.4.3.1" => Scheme::Dsa(Sha224),
        "2.16.840.1.101.3.4.3.2" => Scheme::Dsa(Sha256),
        "2.16.840.1.101.3.4.3.3" => Scheme::Dsa(Sha384),
        "2.16.840.1.101.3.4.3.4" => Scheme::Dsa(Sha512),
        "2.16.840.1.101.3.4.3.5" => Scheme::Dsa(Sha3_224),
        "2.16.840.1.101.3.4.3.6" => Scheme::Dsa(Sha3_256),
        "2.16.840.1.101.3.4.3.7" => Scheme::Dsa(Sha3_384),
        "2.16.840.1.101.3.4.3.8" => Scheme::Dsa(Sha3_512),
        "1.3.101.112" => Scheme::Ed25519,
        _ => return None,
    })
}

/// Checks `cert`'s signature with the public key in `issuer_spki`. `inherited_dsa_params` are the DSA
/// parameters (the DER of `Dss-Parms`) the signing key inherits when its own SPKI omits them.
pub(crate) fn verify(
    cert: &X509Certificate<'_>,
    issuer_spki: &SubjectPublicKeyInfo<'_>,
    inherited_dsa_params: Option<&[u8]>,
) -> SigCheck {
    let sig_oid = cert.signature_algorithm.algorithm.to_id_string();
    // The outer and the TBS signature algorithms must agree (RFC 5280 4.1.1.2; the JDK refuses to parse
    // the certificate otherwise: X509CertImpl "Signature algorithm mismatch").
    if cert.signature_algorithm.algorithm != cert.tbs_certificate.signature.algorithm {
        return SigCheck::Malformed(format!(
            "its signature algorithm {sig_oid} differs from the one inside the signed part ({})",
            cert.tbs_certificate.signature.algorithm.to_id_string()
        ));
    }
    let key_oid = issuer_spki.algorithm.algorithm.to_id_string();
    let tbs: &[u8] = cert.tbs_certificate.as_ref();
    let sig: &[u8] = cert.signature_value.data.as_ref();
    let key: &[u8] = issuer_spki.subject_public_key.data.as_ref();
    let Some(scheme) = scheme(&sig_oid) else {
        return SigCheck::Unsupported(match sig_oid.as_str() {
            "1.2.840.113549.1.1.2" => {
                "MD2withRSA (not verified here; disabled in every JDK)".into()
            }
            "1.3.101.113" => "Ed448 (not verified here)".into(),
            _ => format!("signature algorithm {sig_oid}"),
        });
    };
    let mismatch = || SigCheck::Unsupported(format!("signature {sig_oid} with a {key_oid} key"));
    match scheme {
        Scheme::Pkcs1(hash) => {
            if key_oid != RSA {
                return mismatch();
            }
            let fast = aws_pkcs1(hash, key.len()).map(|alg| aws_verify(alg, key, tbs, sig));
            match fast {
                Some(SigCheck::Valid) => SigCheck::Valid,
                _ => rsa::verify_pkcs1(key, hash, tbs, sig),
            }
        }
        Scheme::Pss => {
            if key_oid != RSA && key_oid != RSA_PSS {
                return mismatch();
            }
            match cert.signature_algorithm.parameters.as_ref() {
                Some(p) => match RsaSsaPssParams::try_from(p.clone()) {
                    Ok(params) => rsa::verify_pss(key, &params, tbs, sig),
                    Err(_) => SigCheck::Unsupported("RSASSA-PSS with malformed parameters".into()),
                },
                None => rsa::verify_pss_default(key, tbs, sig),
            }
        }
        Scheme::Ecdsa(hash) => {
            if key_oid != EC {
                return mismatch();
            }
            let curve = crate::cert::named_curve_oid(issuer_spki);
            let fast = aws_ecdsa(&curve, hash).map(|alg| aws_verify(alg, key, tbs, sig));
            match fast {
                Some(SigCheck::Valid) => SigCheck::Valid,
                _ => ec::verify(&curve, key, hash, tbs, sig),
            }
        }
        Scheme::Dsa(hash) => {
            if key_oid != DSA && key_oid != DSA_OIW {
                return mismatch();
            }
            let own = issuer_spki
                .algorithm
                .parameters
                .as_ref()
                .filter(|p| p.tag() != x509_parser::der_parser::asn1_rs::Tag::Null)
                .map(|p| p.as_bytes());
            let params = match (own, inherited_dsa_params) {
                (Some(raw), _) => rewrap_sequence(raw),
                (None, Some(inherited)) => Some(inherited.to_vec()),
                (None, None) => {
                    return SigCheck::Unsupported(
                        "a DSA key without parameters, and none to inherit from its issuer".into(),
                    );
                }
            };
            match params {
                Some(p) => dsa::verify(&p, key, hash, tbs, sig),
                None => SigCheck::Unsupported("DSA parameters that do not parse".into()),
            }
        }
        Scheme::Ed25519 => {
            if key_oid != ED25519 {
                return mismatch();
            }
            aws_verify(&signature::ED25519, key, tbs, sig)
        }
    }
}

/// The DSA parameters of an SPKI (the `Dss-Parms` SEQUENCE re-encoded), for a key that signs keys
/// which omit theirs.
pub(crate) fn dsa_params(spki: &SubjectPublicKeyInfo<'_>) -> Option<Vec<u8>> {
    let oid = spki.algorithm.algorithm.to_id_string();
    if oid != DSA && oid != DSA_OIW {
        return None;
    }
    let p = spki.algorithm.parameters.as_ref()?;
    if p.tag() == x509_parser::der_parser::asn1_rs::Tag::Null {
        return None;
    }
    rewrap_sequence(p.as_bytes())
}

/// Whether the SPKI is a DSA key without parameters (which inherits its issuer's).
pub(crate) fn is_dsa_without_params(spki: &SubjectPublicKeyInfo<'_>) -> bool {
    let oid = spki.algorithm.algorithm.to_id_string();
    (oid == DSA || oid == DSA_OIW)
        && spki
            .algorithm
            .parameters
            .as_ref()
            .is_none_or(|p| p.tag() == x509_parser::der_parser::asn1_rs::Tag::Null)
}

/// x509-parser hands the content of a parameters SEQUENCE; the DSA reader wants the whole SEQUENCE.
fn rewrap_sequence(content: &[u8]) -> Option<Vec<u8>> {
    crate::asn1::tlv(crate::asn1::Tag::Sequence, content).ok()
}

fn aws_verify(
    alg: &'static dyn VerificationAlgorithm,
    key: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> SigCheck {
    match UnparsedPublicKey::new(alg, key).verify(msg, sig) {
        Ok(()) => SigCheck::Valid,
        Err(_) => SigCheck::Invalid,
    }
}

/// aws-lc's RSA PKCS#1 verifiers, for the key sizes they take (1024–8192 bits; SHA-384 from 2048).
fn aws_pkcs1(hash: Hash, key_len: usize) -> Option<&'static dyn VerificationAlgorithm> {
    // The RSAPublicKey DER is a few bytes longer than the modulus: a rough size is enough here, aws-lc
    // checks the exact bounds and the fallback covers what it refuses.
    let bits = key_len.saturating_sub(14) * 8;
    Some(match hash {
        Hash::Sha1 => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        Hash::Sha256 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        Hash::Sha384 if bits >= 2048 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Hash::Sha512 => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        _ => return None,
    })
}

/// aws-lc's ECDSA verifiers for a curve and hash, where it has one.
fn aws_ecdsa(curve: &str, hash: Hash) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match (curve, hash) {
        (P256, Hash::Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
        (P256, Hash::Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
        (P384, Hash::Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
        (P384, Hash::Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
        (P521, Hash::Sha256) => &signature::ECDSA_P521_SHA256_ASN1,
        (P521, Hash::Sha384) => &signature::ECDSA_P521_SHA384_ASN1,
        (P521, Hash::Sha512) => &signature::ECDSA_P521_SHA512_ASN1,
        _ => return None,
    })
}

/// Reads `SEQUENCE { INTEGER r, INTEGER s }` as the JDK's ECDSA and DSA verifiers do (a DER reader with
/// BER off: minimal lengths, no redundant leading zero, nothing after), returning the magnitudes of r
/// and s (a negative INTEGER is read as its unsigned magnitude, as `getPositiveBigInteger` does).
pub(crate) fn der_r_s(sig: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = b.split_first()?;
        let (&l, rest) = rest.split_first()?;
        let (len, rest) = if l < 0x80 {
            (usize::from(l), rest)
        } else {
            let n = usize::from(l & 0x7f);
            if n == 0 || n > 4 || rest.len() < n || rest[0] == 0 {
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |a, &x| (a << 8) | usize::from(x));
            if len < 0x80 {
                return None;
            }
            (len, &rest[n..])
        };
        if rest.len() < len {
            return None;
        }
        Some((tag, &rest[..len], &rest[len..]))
    }
    let (tag, body, rest) = tlv(sig)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let int = |b: &[u8]| -> Option<(Vec<u8>, usize)> {
        let (tag, v, rest) = tlv(b)?;
        if tag != 0x02 || v.is_empty() || (v.len() > 1 && v[0] == 0 && v[1] & 0x80 == 0) {
            return None;
        }
        let mag: Vec<u8> = v.iter().copied().skip_while(|&x| x == 0).collect();
        Some((mag, b.len() - rest.len()))
    };
    let (r, used) = int(body)?;
    let (s, used2) = int(&body[used..])?;
    if used + used2 != body.len() {
        return None;
    }
    Some((r, s))
}

#[cfg(test)]
mod tests {
    use super::der_r_s;

    #[test]
    fn ecdsa_and_dsa_signatures_are_read_strictly_with_unsigned_r_and_s() {
        // r = 0x80 encoded without its leading zero (negative in DER) is read as 0x80, as the JDK does.
        assert_eq!(
            der_r_s(&[0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x05]),
            Some((vec![0x80], vec![0x05]))
        );
        // A redundant leading zero, trailing bytes or a long-form length for a short value: refused.
        assert_eq!(
            der_r_s(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x05]),
            None
        );
        assert_eq!(
            der_r_s(&[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x05, 0x00]),
            None
        );
        assert_eq!(
            der_r_s(&[0x30, 0x81, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x05]),
            None
        );
    }
}
