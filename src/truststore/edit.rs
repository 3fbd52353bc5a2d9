//! Edits of a store in memory, planned before anything is written: which certificates an import adds
//! (idempotent, deduplicated, aliases chosen as keytool would) and what it warns about; what differs
//! between two stores; and a store made ready for another format (`store convert`). The file side
//! (locking, backups, atomic replace) is `crate::storefile`.

use std::collections::HashSet;

use anyhow::{Context, bail};

use super::{Entry, EntryBody, KeyMaterial, Pkcs12Protection, StoreFormat, TrustStore, pem_bundle};
use crate::cert::Certificate;
use crate::error::Result;

/// What `store import` decided for one certificate.
#[derive(Debug, Clone)]
pub enum ImportAction {
    /// Added under this alias.
    Added {
        /// The alias written.
        alias: String,
        /// The certificate.
        cert: Certificate,
    },
    /// Already trusted under this alias; nothing added.
    AlreadyPresent {
        /// The existing alias.
        alias: String,
        /// The certificate.
        cert: Certificate,
    },
}

/// A warning about something the user asked to import.
#[derive(Debug, Clone)]
pub struct ImportWarning {
    /// The certificate concerned.
    pub cert: Certificate,
    /// What is wrong and what to do instead.
    pub message: String,
}

/// Decides the entries to add for `certs` (deduplicated, idempotent against the store) and warnings.
pub fn plan_import(
    store: &TrustStore,
    certs: &[Certificate],
    alias: Option<&str>,
    now: i64,
) -> Result<(Vec<ImportAction>, Vec<ImportWarning>)> {
    let mut taken = pem_bundle::Aliases::of(store.entries.iter().map(|e| e.alias.as_str()));
    let mut seen = HashSet::new();
    let mut actions = Vec::new();
    let mut warnings = Vec::new();
    let fold = |s: &str| {
        if matches!(store.format, StoreFormat::Jks | StoreFormat::Jceks) {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let mut n_new = 0;
    for cert in certs {
        if !seen.insert(cert.sha256()) {
            continue;
        }
        if let Some(existing) = store.find_cert(cert) {
            actions.push(ImportAction::AlreadyPresent {
                alias: existing.alias.clone(),
                cert: cert.clone(),
            });
            continue;
        }
        let info = cert.try_info().map_err(|e| anyhow::anyhow!("{e}"))?;
        if !info.is_ca && !info.self_issued {
            warnings.push(ImportWarning {
                cert: cert.clone(),
                message: format!(
                    "'{}' is not a CA certificate: trusting a server's own certificate breaks at its next renewal; \
                     import its issuing CA instead ({})",
                    info.subject, info.issuer
                ),
            });
        }
        if info.not_after < now {
            warnings.push(ImportWarning {
                cert: cert.clone(),
                message: format!("'{}' has expired: the JVM still uses an expired anchor, but the CA has likely been replaced", info.subject),
            });
        }
        n_new += 1;
        let alias = match alias {
            Some(a) => {
                let wanted = if n_new == 1 {
                    a.to_owned()
                } else {
                    format!("{a}-{n_new}")
                };
                let wanted = fold(&wanted);
                if taken.contains(&wanted) {
                    bail!(
                        "alias '{wanted}' already exists in the store with another certificate; choose another \
                         --alias or remove the old entry first"
                    );
                }
                taken.insert(&wanted);
                wanted
            }
            None => taken.unique(&fold(&pem_bundle::alias_for(cert))),
        };
        actions.push(ImportAction::Added {
            alias,
            cert: cert.clone(),
        });
    }
    Ok((actions, warnings))
}

/// Adds the certificates `actions` add to `store`, as trusted entries created at `now` (seconds); returns
/// how many were added.
pub fn apply_import(store: &mut TrustStore, actions: &[ImportAction], now: i64) -> usize {
    let mut added = 0;
    for action in actions {
        if let ImportAction::Added { alias, cert } = action {
            store.entries.push(Entry::trusted(
                alias.clone(),
                cert.clone(),
                Some(now * 1000),
            ));
            added += 1;
        }
    }
    added
}

/// The differences between two stores, by fingerprint.
#[derive(Debug, Clone, Default)]
pub struct StoreDiff {
    /// Certificates only in B: (alias in B, cert).
    pub added: Vec<(String, Certificate)>,
    /// Certificates only in A: (alias in A, cert).
    pub removed: Vec<(String, Certificate)>,
    /// Same alias, different certificate: (alias, cert in A, cert in B).
    pub changed: Vec<(String, Certificate, Certificate)>,
    /// Same certificate under another alias: (alias in A, alias in B, cert).
    pub renamed: Vec<(String, String, Certificate)>,
}

impl StoreDiff {
    /// Whether the stores hold the same certificates under the same aliases.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.renamed.is_empty()
    }
}

fn certs_by_alias(store: &TrustStore) -> Vec<(String, Certificate)> {
    store
        .entries
        .iter()
        .filter_map(|e| e.certificate().map(|c| (e.alias.to_lowercase(), c.clone())))
        .collect()
}

/// Compares two stores: a certificate present in both (under any alias) is unchanged or renamed; an alias
/// present in both with different certificates is changed; the rest is added or removed.
pub fn diff_stores(a: &TrustStore, b: &TrustStore) -> StoreDiff {
    let ea = certs_by_alias(a);
    let eb = certs_by_alias(b);
    let fa: HashSet<[u8; 32]> = ea.iter().map(|(_, c)| c.sha256()).collect();
    let fb: HashSet<[u8; 32]> = eb.iter().map(|(_, c)| c.sha256()).collect();
    let mut d = StoreDiff::default();
    for (alias, cert) in &ea {
        let fp = cert.sha256();
        if fb.contains(&fp) {
            let kept_alias = eb.iter().any(|(ba, bc)| ba == alias && bc.sha256() == fp);
            if let (false, Some((b_alias, _))) = (
                kept_alias,
                eb.iter().find(|(ba, bc)| bc.sha256() == fp && ba != alias),
            ) {
                d.renamed
                    .push((alias.clone(), b_alias.clone(), cert.clone()));
            }
            continue;
        }
        match eb.iter().find(|(ba, _)| ba == alias) {
            Some((_, bc)) if !fa.contains(&bc.sha256()) => {
                d.changed.push((alias.clone(), cert.clone(), bc.clone()))
            }
            _ => d.removed.push((alias.clone(), cert.clone())),
        }
    }
    for (alias, cert) in &eb {
        let fp = cert.sha256();
        if fa.contains(&fp) {
            continue;
        }
        if d.changed
            .iter()
            .any(|(ca, _, cb)| ca == alias && cb.sha256() == fp)
        {
            continue;
        }
        d.added.push((alias.clone(), cert.clone()));
    }
    d
}

/// How `store convert` writes the new store.
#[derive(Debug, Clone)]
pub struct ConvertTo {
    /// The format written.
    pub format: StoreFormat,
    /// The source store's password.
    pub password: String,
    /// The new store's password.
    pub dest_password: String,
    /// PKCS#12 only: write the password-less form.
    pub password_less: bool,
}

/// Makes `store` (read from `source`, named in errors) ready to be written as `to`: refused when it
/// holds a certificate the JVM cannot parse ([`super::jvm_load`]), the PKCS#12 protection kept only
/// PKCS#12 to PKCS#12, keys kept in JKS/JCEKS protection re-protected when the
/// password changes, and refusals for what the format cannot hold (aliases differing only in case in
/// JKS, keys in a PEM bundle).
pub fn convert(mut store: TrustStore, source: &str, to: &ConvertTo) -> Result<TrustStore> {
    super::jvm_load::refuse_unparseable_store(&store)?;
    let format = to.format;
    let password = &to.password;
    if format != StoreFormat::Pkcs12 || store.format != StoreFormat::Pkcs12 {
        store.pkcs12_protection = None;
    }
    if to.password_less {
        store.pkcs12_protection = Some(Pkcs12Protection::PasswordLess);
    }
    if to.dest_password != *password {
        // Keys kept in their JKS/JCEKS protection would stay under the old password, which a JVM given the
        // new store password cannot open: take them out with the old one so the writer protects them anew.
        for e in &mut store.entries {
            if let EntryBody::PrivateKey(k) = &mut e.body
                && let KeyMaterial::JavaProtected(blob) = &k.key
            {
                let pkcs8 = super::keyprotect::recover(blob, password).with_context(|| {
                    format!(
                        "cannot re-protect the key of '{}' under the new password",
                        e.alias
                    )
                })?;
                k.key = KeyMaterial::Pkcs8(pkcs8);
            }
        }
    }
    if format == StoreFormat::Jks {
        let mut seen = HashSet::new();
        for e in &store.entries {
            if !seen.insert(e.alias.to_lowercase()) {
                bail!(
                    "aliases differing only in case ('{}') cannot both live in a JKS store, whose aliases the JDK \
                     folds to lower case",
                    e.alias
                );
            }
        }
    }
    if format == StoreFormat::Pem && store.has_keys() {
        let e = store
            .entries
            .iter()
            .find(|e| !matches!(e.body, EntryBody::TrustedCert(_)));
        bail!(
            "{source} holds key entries ({}) and a PEM bundle holds certificates only; convert to jks or pkcs12 to keep them",
            e.map(|e| e.alias.as_str()).unwrap_or("")
        );
    }
    store.format = format;
    Ok(store)
}
