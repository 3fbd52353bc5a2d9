//! Re-signing an rcgen-made certificate with SHA-1: rcgen writes only modern signature algorithms, so the
//! `sha1` scenario takes its output, swaps the signature AlgorithmIdentifier inside the TBS for
//! sha1WithRSAEncryption, and signs the new TBS with the issuer's RSA key (see [`super::legacy_rsa`]).

use super::PkiError;
use super::der::{self, BIT_STRING, SEQUENCE};
use super::legacy_rsa::{LegacyDigest, LegacyRsaKey};
use crate::cert::Certificate;

/// DER of the AlgorithmIdentifier sha1WithRSAEncryption (1.2.840.113549.1.1.5) with NULL parameters.
pub const SHA1_WITH_RSA_ALG: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
];

/// Re-signs `cert` (issued by the holder of `issuer_key_pkcs8`, an RSA key) with SHA-1.
pub fn resign_sha1(cert: &Certificate, issuer_key_pkcs8: &[u8]) -> Result<Certificate, PkiError> {
    let key = LegacyRsaKey::from_pkcs8(issuer_key_pkcs8)?;
    let outer = der::read_exact(cert.der(), SEQUENCE)?;
    let parts = der::children(outer.content)?;
    let tbs = parts
        .first()
        .ok_or_else(|| PkiError::Legacy("certificate without a TBS".into()))?;
    let fields = der::children(tbs.content)?;
    // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, … }
    let alg_index = if fields.first().is_some_and(|f| f.tag == 0xa0) {
        2
    } else {
        1
    };
    if fields.len() <= alg_index {
        return Err(PkiError::Legacy("TBS has too few fields".into()));
    }
    let mut new_tbs_content = Vec::with_capacity(tbs.content.len());
    for (i, field) in fields.iter().enumerate() {
        if i == alg_index {
            new_tbs_content.extend_from_slice(SHA1_WITH_RSA_ALG);
        } else {
            new_tbs_content.extend_from_slice(field.raw);
        }
    }
    let new_tbs = der::write(SEQUENCE, &new_tbs_content);
    let signature = key.sign_with(LegacyDigest::Sha1, &new_tbs)?;
    let mut bits = Vec::with_capacity(signature.len() + 1);
    bits.push(0); // no unused bits
    bits.extend_from_slice(&signature);
    let mut body = new_tbs;
    body.extend_from_slice(SHA1_WITH_RSA_ALG);
    body.extend(der::write(BIT_STRING, &bits));
    Certificate::from_der(der::write(SEQUENCE, &body))
        .map_err(|e| PkiError::Legacy(format!("re-signed certificate does not parse: {e}")))
}
