//! Certificates as PEM bundles and single DER files: a bundle reads as one trusted-certificate entry per
//! `CERTIFICATE` block, with aliases derived from the subjects; other block kinds are skipped.

use std::collections::HashSet;

use super::{Entry, EntryBody, StoreError, StoreFormat, TrustStore};
use crate::cert::Certificate;

/// Reads every `CERTIFICATE` (and `TRUSTED CERTIFICATE`, as the DER certificate it starts with) block.
pub fn read_pem(bytes: &[u8]) -> Result<TrustStore, StoreError> {
    let blocks = crate::pem::parse_all(bytes).map_err(|e| StoreError::malformed(e.to_string()))?;
    let mut store = TrustStore::new(StoreFormat::Pem);
    let mut aliases = HashSet::new();
    let mut cert_index = 0;
    for block in blocks.iter() {
        if block.label != "CERTIFICATE" && block.label != "X509 CERTIFICATE" {
            continue;
        }
        if store.entries.len() >= super::MAX_ENTRIES {
            return Err(StoreError::malformed(format!(
                "more than {} certificates",
                super::MAX_ENTRIES
            )));
        }
        let cert = Certificate::from_der(block.contents.clone())
            .map_err(|e| StoreError::in_entry(cert_index, e.to_string()))?;
        let alias = unique_alias(&alias_for(&cert), &mut aliases);
        store.entries.push(Entry::trusted(alias, cert, None));
        cert_index += 1;
    }
    if store.entries.is_empty() {
        return Err(StoreError::malformed(
            "no CERTIFICATE block in this PEM text",
        ));
    }
    Ok(store)
}

/// Reads one DER certificate.
pub fn read_der(bytes: &[u8]) -> Result<TrustStore, StoreError> {
    let cert = Certificate::from_der(bytes.to_vec())
        .map_err(|e| StoreError::in_entry(0, e.to_string()))?;
    let mut store = TrustStore::new(StoreFormat::Der);
    store
        .entries
        .push(Entry::trusted(alias_for(&cert), cert, None));
    Ok(store)
}

/// Writes the certificates of trusted-certificate entries as a PEM bundle, each preceded by a comment
/// naming its alias and subject (text between blocks, which every PEM reader skips). Refuses a store that
/// holds keys: a PEM bundle would silently drop them.
pub fn write_pem(store: &TrustStore) -> Result<Vec<u8>, StoreError> {
    if let Some(e) = store
        .entries
        .iter()
        .find(|e| !matches!(e.body, EntryBody::TrustedCert(_)))
    {
        return Err(StoreError::Unsupported(format!(
            "entry '{}' is a {} entry and a PEM bundle holds certificates only; convert to jks or pkcs12 to keep it",
            e.alias,
            e.kind().name()
        )));
    }
    let mut out = String::new();
    for (alias, cert) in store.anchors() {
        out.push_str(&format!("# {alias}: {}\n", cert.info().subject));
        out.push_str(&cert.to_pem());
    }
    Ok(out.into_bytes())
}

/// A keytool-valid alias derived from a certificate's subject: the common name (or the first attribute)
/// lower-cased, with anything outside `[a-z0-9._-]` turned into `-`.
pub fn alias_for(cert: &Certificate) -> String {
    let info = cert.info();
    let base = info
        .common_name
        .clone()
        .or_else(|| info.subject.split(',').next().map(|s| s.trim().to_owned()))
        .unwrap_or_default();
    let mut alias = String::new();
    for ch in base.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() || ch == '.' || ch == '_' || ch == '-' {
            alias.push(ch);
        } else if !alias.ends_with('-') {
            alias.push('-');
        }
    }
    let alias = alias.trim_matches('-').to_owned();
    let alias: String = alias.chars().take(64).collect();
    if alias.is_empty() {
        format!("cert-{}", &cert.sha256_hex()[..12])
    } else {
        alias
    }
}

/// `base`, or `base-2`, `base-3`, … whichever is not yet in `taken` (compared case-insensitively, as the
/// JDK does); records the result in `taken`.
pub fn unique_alias(base: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while taken.contains(&candidate.to_lowercase()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.to_lowercase());
    candidate
}
