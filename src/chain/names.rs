//! A certificate name in both comparison forms ([`NameKeys`]): the JDK's (`X500Principal` equality, see
//! `x500.rs`) and the browsers' looser RFC 5280 7.1 form ([`normalized`]), the keys by which the pool and
//! the anchor index look issuers up.

use x509_parser::prelude::*;

use super::x500::{self, JavaName};
use crate::cert::Certificate;

/// A name in the browsers' comparison form: (attribute OID, normalized value) pairs in encoded order.
pub(crate) type NormName = Vec<(String, String)>;

/// A name in both comparison forms, for looking anchors up whatever the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameKeys {
    /// The browser pool's form.
    pub browser: NormName,
    /// The java pool's form.
    pub java: JavaName,
}

impl NameKeys {
    /// Both forms of `name`.
    pub fn of(name: &X509Name<'_>) -> Self {
        NameKeys {
            browser: normalized(name),
            java: x500::java_name(name),
        }
    }
}

/// The subject and issuer of `cert` in both comparison forms, or `None` when it does not parse (such a
/// certificate never becomes a pool item).
pub(crate) fn names_of(cert: &Certificate) -> Option<[NameKeys; 2]> {
    cert.try_info().ok()?;
    let parsed = cert.parsed().ok()?;
    Some([
        NameKeys::of(&parsed.tbs_certificate.subject),
        NameKeys::of(&parsed.tbs_certificate.issuer),
    ])
}

/// A name as (attribute OID, value) pairs with values case-folded, trimmed and inner whitespace collapsed
/// (RFC 5280 7.1 via RFC 4518, as browsers compare names), so that names differing only in case, spacing
/// or string type chain.
pub(crate) fn normalized(name: &X509Name<'_>) -> NormName {
    name.iter_attributes()
        .map(|a| {
            let value = match a.as_str() {
                Ok(s) => s
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
                Err(_) => hex::encode(a.attr_value().data),
            };
            (a.attr_type().to_id_string(), value)
        })
        .collect()
}
