//! Re-signing an rcgen-made certificate with SHA-1: rcgen writes only modern signature algorithms, so the
//! `sha1` scenario takes its output, swaps the signature AlgorithmIdentifier inside the TBS for
//! sha1WithRSAEncryption, and signs the new TBS with the issuer's RSA key (see [`super::legacy_rsa`]).

use super::PkiError;
use super::legacy_rsa::{LegacyDigest, LegacyRsaKey};
use crate::asn1::{self, ObjectIdentifier, Tag};
use crate::cert::Certificate;

/// sha1WithRSAEncryption.
pub const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");

/// Re-signs `cert` (issued by the holder of `issuer_key_pkcs8`, an RSA key) with SHA-1.
pub fn resign_sha1(cert: &Certificate, issuer_key_pkcs8: &[u8]) -> Result<Certificate, PkiError> {
    let key = LegacyRsaKey::from_pkcs8(issuer_key_pkcs8)?;
    let bad = |e: asn1::Error| PkiError::Legacy(format!("malformed DER: {e}"));
    // AlgorithmIdentifier { sha1WithRSAEncryption, NULL }, as RFC 4055 writes RSA signature algorithms.
    let sha1_with_rsa =
        asn1::seq(&[&asn1::oid(&SHA1_WITH_RSA).map_err(bad)?, asn1::NULL]).map_err(bad)?;
    let parts = asn1::sequence_members(cert.der()).map_err(bad)?;
    let tbs = parts
        .first()
        .ok_or_else(|| PkiError::Legacy("certificate without a TBS".into()))?;
    let mut fields = asn1::sequence_members(tbs).map_err(bad)?;
    // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, … }
    let alg_index = if fields.first().is_some_and(|f| f.first() == Some(&0xa0)) {
        2
    } else {
        1
    };
    if fields.len() <= alg_index {
        return Err(PkiError::Legacy("TBS has too few fields".into()));
    }
    fields[alg_index] = &sha1_with_rsa;
    let new_tbs = asn1::seq(&fields).map_err(bad)?;
    let signature = key.sign_with(LegacyDigest::Sha1, &new_tbs)?;
    let mut bits = Vec::with_capacity(signature.len() + 1);
    bits.push(0); // no unused bits
    bits.extend_from_slice(&signature);
    let signature = asn1::tlv(Tag::BitString, &bits).map_err(bad)?;
    let der = asn1::seq(&[&new_tbs, &sha1_with_rsa, &signature]).map_err(bad)?;
    Certificate::from_der(der)
        .map_err(|e| PkiError::Legacy(format!("re-signed certificate does not parse: {e}")))
}
