//! Does a private key belong to a certificate? The public half of a PEM or PKCS#8 private key
//! (PKCS#8, SEC1 EC or PKCS#1 RSA), compared with a chain's leaf; a mismatch is a `key-mismatch` finding
//! that says which certificate the key does belong to when it is elsewhere in the chain.

use std::path::Path;

use anyhow::Context;
use rustls::pki_types::PrivateKeyDer;
use x509_parser::prelude::FromDer;

use crate::cert::Certificate;
use crate::error::Result;
use crate::finding::{Code, Finding, Severity};

/// Reads a PEM private key (PKCS#8, SEC1 or PKCS#1) and returns a label (the path) and its public-key
/// bits. `context` prefixes the path in errors (`--key `, or nothing).
pub fn read_key(path: &Path, context: &str) -> Result<(String, Vec<u8>)> {
    let bytes = crate::input::read(path, &crate::input::KEY_FILE)
        .with_context(|| context.trim_end().to_owned())?;
    let bits = pem_key_bits(&bytes).with_context(|| format!("{context}{}", path.display()))?;
    Ok((path.display().to_string(), bits))
}

/// The public-key bits of the first PEM private key in `bytes`.
pub fn pem_key_bits(bytes: &[u8]) -> Result<Vec<u8>> {
    let key = crate::pem::private_key(bytes)
        .map_err(|e| anyhow::anyhow!("no PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA): {e}"))?;
    public_key_bits(&key)
}

/// The subjectPublicKey bits of a private key's public half.
pub fn public_key_bits(key: &PrivateKeyDer<'_>) -> Result<Vec<u8>> {
    let signer = rustls::crypto::aws_lc_rs::sign::any_supported_type(key)
        .map_err(|e| anyhow::anyhow!("unsupported private key: {e}"))?;
    let spki = signer
        .public_key()
        .ok_or_else(|| anyhow::anyhow!("cannot derive the public key of this private key"))?;
    let (_, parsed) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki.as_ref())
        .map_err(|e| anyhow::anyhow!("cannot parse the derived public key: {e}"))?;
    Ok(parsed.subject_public_key.data.to_vec())
}

/// A `key-mismatch` finding when the key with public-key `bits` (called `label`) is not the leaf's.
pub fn key_mismatch(label: &str, bits: &[u8], chain: &[Certificate]) -> Option<Finding> {
    let leaf = chain.first()?;
    let parsed = leaf.parsed().ok()?;
    if parsed
        .tbs_certificate
        .subject_pki
        .subject_public_key
        .data
        .as_ref()
        == bits
    {
        return None;
    }
    let other = chain[1..].iter().position(|c| {
        c.parsed().is_ok_and(|p| {
            p.tbs_certificate
                .subject_pki
                .subject_public_key
                .data
                .as_ref()
                == bits
        })
    });
    let hint = match other {
        Some(i) => format!(
            "; it belongs to certificate [{}] ({}) — is the chain out of order?",
            i + 1,
            chain[i + 1].info().subject
        ),
        None => String::new(),
    };
    Some(
        Finding::new(
            Code::KeyMismatch,
            Severity::Error,
            format!(
                "{label} does not belong to the leaf {} ({} key){hint}",
                leaf.info().subject,
                leaf.info().key_description()
            ),
            "configure the key generated with this certificate's CSR, or the certificate issued for this key",
        )
        .at(0),
    )
}
