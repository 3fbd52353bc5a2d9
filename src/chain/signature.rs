//! Verifying that one certificate was signed by another's key, with aws-lc-rs's primitives, including the
//! legacy algorithms the JVM still accepts (SHA-1 RSA, RSA 1024) so that a weak chain is reported as weak
//! rather than as forged.

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::prelude::*;

/// The outcome of one signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigCheck {
    /// The signature verifies.
    Valid,
    /// The signature does not verify with this key.
    Invalid,
    /// The algorithm (or its combination with this key) cannot be checked; the text says which.
    Unsupported(String),
}

const RSA: &str = "1.2.840.113549.1.1.1";
const EC: &str = "1.2.840.10045.2.1";
const ED25519: &str = "1.3.101.112";

/// Checks `cert`'s signature with the public key in `issuer_spki`.
pub(crate) fn verify(
    cert: &X509Certificate<'_>,
    issuer_spki: &SubjectPublicKeyInfo<'_>,
) -> SigCheck {
    let sig_oid = cert.signature_algorithm.algorithm.to_id_string();
    // The outer and the TBS signature algorithms must agree (RFC 5280 4.1.1.2).
    if cert.signature_algorithm.algorithm != cert.tbs_certificate.signature.algorithm {
        return SigCheck::Invalid;
    }
    let key_oid = issuer_spki.algorithm.algorithm.to_id_string();
    let curve = issuer_spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.to_id_string())
        .unwrap_or_default();
    let alg: &'static dyn VerificationAlgorithm = match (key_oid.as_str(), sig_oid.as_str()) {
        (RSA, "1.2.840.113549.1.1.5") => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (RSA, "1.2.840.113549.1.1.11") => {
            &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
        }
        (RSA, "1.2.840.113549.1.1.12") => &signature::RSA_PKCS1_2048_8192_SHA384,
        (RSA, "1.2.840.113549.1.1.13") => {
            &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
        }
        (RSA, "1.2.840.113549.1.1.10") | ("1.2.840.113549.1.1.10", "1.2.840.113549.1.1.10") => {
            match pss_hash(cert) {
                Some("2.16.840.1.101.3.4.2.1") => &signature::RSA_PSS_2048_8192_SHA256,
                Some("2.16.840.1.101.3.4.2.2") => &signature::RSA_PSS_2048_8192_SHA384,
                Some("2.16.840.1.101.3.4.2.3") => &signature::RSA_PSS_2048_8192_SHA512,
                _ => return SigCheck::Unsupported("RSASSA-PSS with these parameters".into()),
            }
        }
        (EC, s) => match (curve.as_str(), s) {
            ("1.2.840.10045.3.1.7", "1.2.840.10045.4.1") => &signature::ECDSA_P256_SHA1_ASN1,
            ("1.2.840.10045.3.1.7", "1.2.840.10045.4.3.2") => &signature::ECDSA_P256_SHA256_ASN1,
            ("1.2.840.10045.3.1.7", "1.2.840.10045.4.3.3") => &signature::ECDSA_P256_SHA384_ASN1,
            ("1.2.840.10045.3.1.7", "1.2.840.10045.4.3.4") => &signature::ECDSA_P256_SHA512_ASN1,
            ("1.3.132.0.34", "1.2.840.10045.4.3.2") => &signature::ECDSA_P384_SHA256_ASN1,
            ("1.3.132.0.34", "1.2.840.10045.4.3.3") => &signature::ECDSA_P384_SHA384_ASN1,
            ("1.3.132.0.34", "1.2.840.10045.4.3.4") => &signature::ECDSA_P384_SHA512_ASN1,
            ("1.3.132.0.35", "1.2.840.10045.4.1") => &signature::ECDSA_P521_SHA1_ASN1,
            ("1.3.132.0.35", "1.2.840.10045.4.3.1") => &signature::ECDSA_P521_SHA224_ASN1,
            ("1.3.132.0.35", "1.2.840.10045.4.3.2") => &signature::ECDSA_P521_SHA256_ASN1,
            ("1.3.132.0.35", "1.2.840.10045.4.3.3") => &signature::ECDSA_P521_SHA384_ASN1,
            ("1.3.132.0.35", "1.2.840.10045.4.3.4") => &signature::ECDSA_P521_SHA512_ASN1,
            _ => {
                return SigCheck::Unsupported(format!(
                    "signature {sig_oid} with an EC key on curve {curve}"
                ));
            }
        },
        (ED25519, ED25519) => &signature::ED25519,
        (k, s) if k == RSA && (s == "1.2.840.113549.1.1.4" || s == "1.2.840.113549.1.1.2") => {
            return SigCheck::Unsupported("MD5/MD2 signatures".into());
        }
        (k, s) => {
            return SigCheck::Unsupported(format!("signature {s} with a {k} key"));
        }
    };
    // Signatures with algorithm parameters that do not fit (webpki: SignatureAlgorithmMismatch) are
    // treated as not verifying.
    let key = UnparsedPublicKey::new(alg, issuer_spki.subject_public_key.data.as_ref());
    let tbs: &[u8] = cert.tbs_certificate.as_ref();
    match key.verify(tbs, cert.signature_value.data.as_ref()) {
        Ok(()) => SigCheck::Valid,
        Err(_) => SigCheck::Invalid,
    }
}

/// The hash OID of an RSASSA-PSS signature's parameters (SHA-1 when absent, per RFC 4055).
fn pss_hash(cert: &X509Certificate<'_>) -> Option<&'static str> {
    let params = cert.signature_algorithm.parameters.as_ref()?;
    let der = params.as_bytes();
    // Find the first hash OID inside the parameters; the mask generation hash must match and is not
    // checked separately here.
    for (needle, name) in [
        (
            &[0x60u8, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01][..],
            "2.16.840.1.101.3.4.2.1",
        ),
        (
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02][..],
            "2.16.840.1.101.3.4.2.2",
        ),
        (
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03][..],
            "2.16.840.1.101.3.4.2.3",
        ),
    ] {
        if der.windows(needle.len()).any(|w| w == needle) {
            return Some(name);
        }
    }
    None
}
