//! The certificates a path may be built from — served ones, trust anchors and (for fixes) extra ones —
//! parsed once, with issuer lookup and a cache of signature checks charged to the [`Budget`].

use std::cell::RefCell;
use std::collections::HashMap;

use x509_parser::prelude::*;

use super::budget::Budget;
use super::diagnosis::Anchor;
use super::signature::{self, SigCheck};
use crate::cert::{CertInfo, Certificate};

/// Where a pool certificate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Served, at this index.
    Served(usize),
    /// A trust anchor (index into the profile's anchor list).
    Anchor(usize),
    /// From the caller's extra certificates (or another profile's anchors), usable only for fixes.
    Extra(usize),
}

/// One certificate in the pool.
pub(crate) struct Item<'a> {
    pub cert: &'a Certificate,
    pub info: &'a CertInfo,
    pub parsed: X509Certificate<'a>,
    pub origin: Origin,
    /// The anchor record, for anchors.
    pub anchor: Option<&'a Anchor>,
    /// Subject and issuer in the RFC 5280 7.1 / `X500Principal` comparison form.
    subject_norm: Vec<(String, String)>,
    issuer_norm: Vec<(String, String)>,
}

impl Item<'_> {
    /// True for trust anchors.
    pub fn is_anchor(&self) -> bool {
        self.anchor.is_some()
    }
}

/// The pool with its caches.
pub(crate) struct Pool<'a> {
    pub items: Vec<Item<'a>>,
    sigs: RefCell<HashMap<(usize, usize), SigCheck>>,
    pub budget: RefCell<Budget>,
}

impl<'a> Pool<'a> {
    /// An empty pool.
    pub fn new() -> Self {
        Pool {
            items: Vec::new(),
            sigs: RefCell::new(HashMap::new()),
            budget: RefCell::new(Budget::default()),
        }
    }

    /// Adds a certificate unless the same DER is already there (a served copy of an anchor is the anchor).
    /// Returns its index, or `None` when it does not parse.
    pub fn add(
        &mut self,
        cert: &'a Certificate,
        origin: Origin,
        anchor: Option<&'a Anchor>,
    ) -> Option<usize> {
        self.add_inner(cert, origin, anchor, true)
    }

    /// Adds a certificate as its own item even when an anchor has the same DER (the browser profile's
    /// leaf: browsers do not accept an end entity because it is also a root).
    pub fn add_distinct(&mut self, cert: &'a Certificate, origin: Origin) -> Option<usize> {
        self.add_inner(cert, origin, None, false)
    }

    fn add_inner(
        &mut self,
        cert: &'a Certificate,
        origin: Origin,
        anchor: Option<&'a Anchor>,
        dedupe: bool,
    ) -> Option<usize> {
        if let Some(i) = self.items.iter().position(|it| dedupe && it.cert == cert) {
            if anchor.is_some() && self.items[i].anchor.is_none() {
                self.items[i].anchor = anchor;
                self.items[i].origin = origin;
            }
            return Some(i);
        }
        let info = cert.try_info().ok()?;
        let parsed = cert.parsed().ok()?;
        let subject_norm = normalized(&parsed.tbs_certificate.subject);
        let issuer_norm = normalized(&parsed.tbs_certificate.issuer);
        self.items.push(Item {
            cert,
            info,
            parsed,
            origin,
            anchor,
            subject_norm,
            issuer_norm,
        });
        Some(self.items.len() - 1)
    }

    /// Whether `issuer`'s subject is `child`'s issuer name (exact DER, or equal ignoring case as the JDK's
    /// `X500Principal` canonical form does).
    pub fn names_chain(&self, child: usize, issuer: usize) -> bool {
        let c = self.items[child].info;
        let i = self.items[issuer].info;
        c.issuer_raw == i.subject_raw
            || self.items[child].issuer_norm == self.items[issuer].subject_norm
    }

    /// Pool items named as `child`'s issuer: anchors first, then those whose subjectKeyIdentifier matches
    /// the child's authorityKeyIdentifier, then the rest in pool order.
    pub fn issuers_of(&self, child: usize) -> Vec<usize> {
        let aki = self.items[child].info.authority_key_id.as_deref();
        let mut found: Vec<usize> = (0..self.items.len())
            .filter(|&j| j != child && self.names_chain(child, j))
            .collect();
        found.sort_by_key(|&j| {
            let it = &self.items[j];
            let key_match = aki.is_some() && it.info.subject_key_id.as_deref() == aki;
            (!it.is_anchor(), !key_match)
        });
        found
    }

    /// Whether `issuer`'s key verifies `child`'s signature (cached; `None` when the budget is spent).
    pub fn signature(&self, child: usize, issuer: usize) -> Option<SigCheck> {
        if let Some(s) = self.sigs.borrow().get(&(child, issuer)) {
            return Some(s.clone());
        }
        if !self.budget.borrow_mut().take_signature() {
            return None;
        }
        let s = signature::verify(
            &self.items[child].parsed,
            &self.items[issuer].parsed.tbs_certificate.subject_pki,
        );
        self.sigs.borrow_mut().insert((child, issuer), s.clone());
        Some(s)
    }

    /// Whether the certificate is self-issued and verifies with its own key.
    pub fn self_signed(&self, i: usize) -> bool {
        self.items[i].info.self_issued && self.signature(i, i) == Some(SigCheck::Valid)
    }

    /// Whether two items have the same subject and the same public key (the JDK treats a certificate
    /// with the subject and key of a trusted one as trusted).
    pub fn same_subject_and_key(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.items[a], &self.items[b]);
        (a.info.subject_raw == b.info.subject_raw || a.subject_norm == b.subject_norm)
            && a.parsed.tbs_certificate.subject_pki.raw == b.parsed.tbs_certificate.subject_pki.raw
    }
}

/// A name as (attribute OID, value) pairs with values case-folded, trimmed and inner whitespace collapsed
/// (RFC 5280 7.1 via RFC 4518; the JDK's canonical `X500Principal` form does the same), so that names
/// differing only in case, spacing or string type chain.
pub(crate) fn normalized(name: &X509Name<'_>) -> Vec<(String, String)> {
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
