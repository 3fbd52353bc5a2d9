//! The JSON documents of `store list --json`, `store diff --json` and `store locate --json`.

use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;

use super::field::{self, SchemaVersion};

use crate::cert::Certificate;
use crate::jvm::locate::LocatedStore;
use crate::report::rfc3339;
use crate::truststore::edit::StoreDiff;
use crate::truststore::jvm_load::{self, Unparseable};
use crate::truststore::{Entry, EntryBody, TrustStore};

/// The document of `store list`: the store, its format and its entries.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ListingJson {
    /// The contract's version.
    schema_version: SchemaVersion,
    /// The store's path.
    store: String,
    /// `jks`, `jceks`, `pkcs12`, `pem`, `der` or `directory`.
    format: &'static str,
    /// Whether every certificate parses in the JVM (else keytool and the JVM fail to load the store).
    jvm_loadable: bool,
    /// Every entry, in the store's order.
    entries: Vec<EntryJson>,
}

impl ListingJson {
    /// The listing of `store` read from `path`, expiry judged at `now`.
    pub fn new(path: &Path, store: &TrustStore, now: i64) -> ListingJson {
        let bad = jvm_load::unparseable(store);
        ListingJson {
            schema_version: SchemaVersion,
            store: path.display().to_string(),
            format: store.format.name(),
            jvm_loadable: bad.is_empty(),
            entries: store
                .entries
                .iter()
                .map(|e| EntryJson::new(e, now, &bad))
                .collect(),
        }
    }
}

/// One entry.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EntryJson {
    /// Alias.
    alias: String,
    /// `trusted-cert`, `private-key` or `secret-key`.
    #[schemars(schema_with = "field::entry_kind")]
    kind: &'static str,
    /// Subject DN (of the leaf for a private-key entry); null for a secret key.
    subject: Option<String>,
    /// Issuer DN.
    issuer: Option<String>,
    /// RFC 3339.
    not_before: Option<String>,
    /// RFC 3339.
    not_after: Option<String>,
    /// Lower-case hex SHA-256 of the certificate.
    sha256: Option<String>,
    /// Whether the certificate has expired (at the time of listing).
    expired: bool,
    /// Chain length of a private-key entry (left out for other kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    chain_length: Option<usize>,
    /// Why the JVM cannot parse a certificate of this entry (`JDK 17 and 25: REASON (JDK: RULE)`), which
    /// makes the whole store fail to load in keytool and the JVM; null when it can.
    jvm_parse_error: Option<String>,
}

impl EntryJson {
    fn new(e: &Entry, now: i64, bad: &[Unparseable]) -> EntryJson {
        let cert = e.certificate();
        let info = cert.map(Certificate::info);
        EntryJson {
            alias: e.alias.clone(),
            kind: e.kind().name(),
            subject: info.map(|i| i.subject.clone()),
            issuer: info.map(|i| i.issuer.clone()),
            not_before: info.map(|i| rfc3339(i.not_before)),
            not_after: info.map(|i| rfc3339(i.not_after)),
            sha256: cert.map(Certificate::sha256_hex),
            expired: info.is_some_and(|i| i.not_after < now),
            chain_length: match &e.body {
                EntryBody::PrivateKey(k) => Some(k.chain.len()),
                _ => None,
            },
            jvm_parse_error: bad
                .iter()
                .find(|u| u.alias == e.alias)
                .map(|u| u.refusal.to_string()),
        }
    }
}

/// The document of `store diff`: certificates added, removed, changed under an alias and renamed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DiffJson {
    /// The contract's version.
    schema_version: SchemaVersion,
    /// In the new store only.
    added: Vec<AliasedJson>,
    /// In the old store only.
    removed: Vec<AliasedJson>,
    /// The same alias holding another certificate.
    changed: Vec<ChangedJson>,
    /// The same certificate under another alias.
    renamed: Vec<RenamedJson>,
}

/// A certificate under an alias.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AliasedJson {
    /// The alias.
    alias: String,
    /// Subject DN.
    subject: String,
    /// Lower-case hex SHA-256.
    sha256: String,
}

impl AliasedJson {
    fn new(alias: &str, c: &Certificate) -> AliasedJson {
        AliasedJson {
            alias: alias.to_owned(),
            subject: c.info().subject.clone(),
            sha256: c.sha256_hex(),
        }
    }
}

/// An alias whose certificate changed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChangedJson {
    /// The alias.
    alias: String,
    /// What the old store holds under it.
    old: AliasedJson,
    /// What the new store holds under it.
    new: AliasedJson,
}

/// A certificate under another alias.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RenamedJson {
    /// The alias in the old store.
    old_alias: String,
    /// The alias in the new store.
    new_alias: String,
    /// Subject DN.
    subject: String,
    /// Lower-case hex SHA-256.
    sha256: String,
}

impl From<&StoreDiff> for DiffJson {
    fn from(d: &StoreDiff) -> DiffJson {
        DiffJson {
            schema_version: SchemaVersion,
            added: d
                .added
                .iter()
                .map(|(a, c)| AliasedJson::new(a, c))
                .collect(),
            removed: d
                .removed
                .iter()
                .map(|(a, c)| AliasedJson::new(a, c))
                .collect(),
            changed: d
                .changed
                .iter()
                .map(|(a, ca, cb)| ChangedJson {
                    alias: a.clone(),
                    old: AliasedJson::new(a, ca),
                    new: AliasedJson::new(a, cb),
                })
                .collect(),
            renamed: d
                .renamed
                .iter()
                .map(|(aa, ab, c)| RenamedJson {
                    old_alias: aa.clone(),
                    new_alias: ab.clone(),
                    subject: c.info().subject.clone(),
                    sha256: c.sha256_hex(),
                })
                .collect(),
        }
    }
}

/// The document of `store locate`: every candidate `cacerts`, and what reading it gave.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LocatedJson {
    /// The contract's version.
    schema_version: SchemaVersion,
    /// The candidates, the default JVM's first.
    candidates: Vec<CandidateJson>,
}

/// One candidate `cacerts`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CandidateJson {
    /// The path found.
    path: String,
    /// The path with symbolic links resolved.
    real_path: String,
    /// How it was found (`java on PATH`, `JAVA_HOME`, …).
    origin: String,
    /// The Java home it belongs to.
    java_home: Option<String>,
    /// Whether it is the store the default JVM uses (`--cacerts`).
    default: bool,
    /// Other paths that resolve to the same file.
    also: Vec<String>,
    /// Its format; null when it could not be read.
    format: Option<&'static str>,
    /// How many entries it holds; null when it could not be read.
    entries: Option<usize>,
    /// Why it could not be read.
    error: Option<String>,
}

impl From<&[LocatedStore]> for LocatedJson {
    fn from(found: &[LocatedStore]) -> LocatedJson {
        LocatedJson {
            schema_version: SchemaVersion,
            candidates: found
                .iter()
                .map(|f| CandidateJson {
                    path: f.candidate.path.display().to_string(),
                    real_path: f.candidate.real_path.display().to_string(),
                    origin: f.candidate.origin.clone(),
                    java_home: f
                        .candidate
                        .java_home
                        .as_ref()
                        .map(|h| h.display().to_string()),
                    default: f.candidate.default,
                    also: f
                        .candidate
                        .also
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect(),
                    format: f.store.as_ref().ok().map(|s| s.format.name()),
                    entries: f.store.as_ref().ok().map(|s| s.entries.len()),
                    error: f.store.as_ref().err().cloned(),
                })
                .collect(),
        }
    }
}
