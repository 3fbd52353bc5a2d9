//! Certificates as PEM bundles and single DER files: a bundle reads as one trusted-certificate entry per
//! `CERTIFICATE` block; other block kinds are skipped. Aliases: the one the bundle's comment before the
//! block names (`# ALIAS: SUBJECT`, as trustpath writes them, so a store converted to PEM and back keeps
//! its aliases), else one derived from the subject, made unique in time linear in the number of
//! certificates ([`Aliases`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::{Entry, EntryBody, StoreError, StoreFormat, TrustStore};
use crate::cert::Certificate;

/// Reads every `CERTIFICATE` (and `TRUSTED CERTIFICATE`, as the DER certificate it starts with) block.
pub fn read_pem(bytes: &[u8]) -> Result<TrustStore, StoreError> {
    let blocks = crate::pem::parse_all(bytes).map_err(|e| StoreError::malformed(e.to_string()))?;
    let comments = crate::pem::comments_before_blocks(bytes);
    let mut store = TrustStore::new(StoreFormat::Pem);
    let mut aliases = Aliases::default();
    let mut cert_index = 0;
    for (i, block) in blocks.iter().enumerate() {
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
        let named = comments
            .get(i)
            .and_then(Option::as_deref)
            .and_then(|c| commented_alias(c, &cert))
            .filter(|a| !aliases.contains(a));
        let alias = match named {
            Some(a) => {
                aliases.insert(&a);
                a
            }
            None => aliases.unique(&alias_for(&cert)),
        };
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

/// The alias a `# ALIAS: SUBJECT` comment names for `cert` (the subject must be the certificate's).
fn commented_alias(comment: &str, cert: &Certificate) -> Option<String> {
    let info = cert.try_info().ok()?;
    let alias = comment.strip_suffix(&format!(": {}", info.subject))?;
    (!alias.is_empty() && valid_comment_alias(alias)).then(|| alias.to_owned())
}

/// Whether an alias can be written in a one-line comment and read back as it is.
fn valid_comment_alias(alias: &str) -> bool {
    !alias.chars().any(char::is_control) && alias.trim() == alias
}

/// Whether `text` is an empty PEM bundle: nothing but blank lines and `#` comments (what trustpath
/// writes when the last certificate of a bundle is removed). An empty file is not one.
pub fn is_empty_bundle(text: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(text) else {
        return false;
    };
    !text.trim().is_empty()
        && text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// The text trustpath writes for a PEM bundle without certificates.
pub const EMPTY_BUNDLE: &str = "# an empty PEM bundle: no certificates\n";

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
    if let Some(e) = store
        .entries
        .iter()
        .find(|e| !valid_comment_alias(&e.alias))
    {
        return Err(StoreError::Unsupported(format!(
            "alias '{}' has a line break, a control character or surrounding spaces, which a PEM bundle's \
             alias comment cannot carry; convert to jks or pkcs12 to keep it",
            e.alias.escape_debug()
        )));
    }
    if store.entries.is_empty() {
        return Ok(EMPTY_BUNDLE.as_bytes().to_vec());
    }
    let mut out = String::new();
    for (alias, cert) in store.anchors() {
        out.push_str("# ");
        out.push_str(alias);
        out.push_str(": ");
        out.push_str(&cert.info().subject);
        out.push('\n');
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

/// An alias's case-folded form (`String.toLowerCase`, as the JDK folds JKS aliases): ASCII, the common
/// case, without the Unicode tables.
fn fold(alias: &str) -> Cow<'_, str> {
    if !alias.is_ascii() {
        Cow::Owned(alias.to_lowercase())
    } else if alias.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(alias.to_ascii_lowercase())
    } else {
        Cow::Borrowed(alias)
    }
}

/// The aliases of a store being built, compared case-insensitively as the JDK does, and the next suffix
/// to try for each base: naming N certificates that share a common name takes time linear in N. The
/// aliases of a store it was made [`Aliases::of`] are borrowed when already lower-case (as a JKS store's
/// are), so that importing into a 10,000-entry store does not copy 10,000 aliases.
#[derive(Debug, Clone, Default)]
pub struct Aliases<'a> {
    taken: HashSet<Cow<'a, str>>,
    next: HashMap<String, usize>,
}

impl<'a> Aliases<'a> {
    /// The aliases already used by `aliases`.
    pub fn of(aliases: impl IntoIterator<Item = &'a str>) -> Aliases<'a> {
        let aliases = aliases.into_iter();
        let mut out = Aliases {
            taken: HashSet::with_capacity(aliases.size_hint().0),
            next: HashMap::new(),
        };
        for a in aliases {
            out.taken.insert(fold(a));
        }
        out
    }

    /// Whether `alias` is taken (case-insensitively).
    pub fn contains(&self, alias: &str) -> bool {
        self.taken.contains(&*fold(alias))
    }

    /// Records `alias` as taken.
    pub fn insert(&mut self, alias: &str) {
        self.taken.insert(Cow::Owned(fold(alias).into_owned()));
    }

    /// `base`, or `base-2`, `base-3`, … the first not yet taken; records it.
    pub fn unique(&mut self, base: &str) -> String {
        let key = fold(base).into_owned();
        if self.taken.insert(Cow::Owned(key.clone())) {
            return base.to_owned();
        }
        // Every suffix below `next` is taken (nothing is ever removed), so the search resumes there.
        let mut n = self.next.get(&key).copied().unwrap_or(2);
        loop {
            let candidate = format!("{base}-{n}");
            n += 1;
            if self.taken.insert(Cow::Owned(fold(&candidate).into_owned())) {
                self.next.insert(key, n);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_aliases_count_up_past_names_already_taken() {
        let mut a = Aliases::of(["corp-ca", "Corp-CA-3"]);
        assert_eq!(a.unique("Corp-CA"), "Corp-CA-2");
        assert_eq!(a.unique("corp-ca"), "corp-ca-4");
        assert_eq!(a.unique("other"), "other");
        let names: Vec<String> = (0..5).map(|_| a.unique("x")).collect();
        assert_eq!(names, ["x", "x-2", "x-3", "x-4", "x-5"]);
    }

    #[test]
    fn an_empty_bundle_is_comments_only_and_never_an_empty_file() {
        assert!(is_empty_bundle(EMPTY_BUNDLE.as_bytes()));
        assert!(is_empty_bundle(b"\n# note\n\n"));
        assert!(!is_empty_bundle(b""));
        assert!(!is_empty_bundle(b"# note\nnot a comment\n"));
    }
}
