//! The certificates a path may be built from — served ones, trust anchors and (for fixes) extra ones —
//! parsed once, with issuer lookup and a cache of signature checks charged to the [`Budget`].
//!
//! Names chain by the pool's [`NameRule`]: the java pool compares them as the JDK's `X500Principal`
//! does (`x500.rs`: RDN by RDN, a multi-valued RDN is not the same attributes as separate RDNs); the
//! browser pool keeps the looser RFC 5280 7.1 comparison of [`normalized`](super::names::normalized).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use x509_parser::prelude::*;

use super::anchor::Anchor;
use super::anchor_index::AnchorSignatures;
use super::budget::Budget;
use super::names::{NormName, normalized};
use super::signature::{self, SigCheck};
use super::x500::{self, JavaName};
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
    /// Fetched from a caIssuers URL (index into `ChainInput::fetched`).
    Fetched(usize),
}

/// One certificate in the pool.
pub(crate) struct Item<'a> {
    pub cert: &'a Certificate,
    pub info: &'a CertInfo,
    pub parsed: X509Certificate<'a>,
    pub origin: Origin,
    /// The anchor record, for anchors.
    pub anchor: Option<&'a Anchor>,
    /// Subject and issuer in the pool's comparison form.
    subject_norm: PoolName,
    issuer_norm: PoolName,
}

/// How a pool compares distinguished names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    /// The JDK's `X500Principal.equals` (RFC 2253 canonical form, see `x500.rs`).
    Java,
    /// RFC 5280 7.1 as browsers apply it ([`normalized`](super::names::normalized)).
    Browser,
}

/// A name in one pool's comparison form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PoolName {
    Java(JavaName),
    Browser(NormName),
}

impl NameRule {
    fn form(self, name: &X509Name<'_>) -> PoolName {
        match self {
            NameRule::Java => PoolName::Java(x500::java_name(name)),
            NameRule::Browser => PoolName::Browser(normalized(name)),
        }
    }
}

impl Item<'_> {
    /// True for trust anchors.
    pub fn is_anchor(&self) -> bool {
        self.anchor.is_some()
    }
}

/// Signature outcomes shared by the pools of one diagnosis, keyed by the addresses and lengths of the
/// signed certificate's DER and of the issuer's subjectPublicKeyInfo. Every pool borrows its certificates
/// for the whole diagnosis, so equal addresses mean the very same bytes; each pool still charges its own
/// [`Budget`] as if it had verified, so sharing changes no outcome, only the time spent.
pub(crate) type SigMemo = Rc<RefCell<HashMap<[usize; 4], SigCheck>>>;

/// The pool with its caches.
pub(crate) struct Pool<'a> {
    pub items: Vec<Item<'a>>,
    sigs: RefCell<HashMap<(usize, usize), SigCheck>>,
    memo: SigMemo,
    anchor_sigs: Option<Arc<AnchorSignatures>>,
    rule: NameRule,
    pub budget: RefCell<Budget>,
    /// The URLs of the fetched certificates (`Origin::Fetched` indexes), for reports.
    pub fetched_urls: Vec<String>,
}

impl<'a> Pool<'a> {
    /// An empty java pool with its own signature memo.
    #[cfg(test)]
    pub fn new() -> Self {
        Self::sharing(&SigMemo::default(), None, NameRule::Java)
    }

    /// An empty pool comparing names by `rule` that shares signature outcomes with the other pools
    /// using `memo` (see [`SigMemo`]) and, for signatures under an anchor's key, with other diagnoses
    /// through `anchor_sigs`.
    pub fn sharing(
        memo: &SigMemo,
        anchor_sigs: Option<Arc<AnchorSignatures>>,
        rule: NameRule,
    ) -> Self {
        Pool {
            items: Vec::new(),
            sigs: RefCell::new(HashMap::new()),
            memo: Rc::clone(memo),
            anchor_sigs,
            rule,
            budget: RefCell::new(Budget::default()),
            fetched_urls: Vec::new(),
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
        let subject_norm = self.rule.form(&parsed.tbs_certificate.subject);
        let issuer_norm = self.rule.form(&parsed.tbs_certificate.issuer);
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

    /// Whether `issuer`'s subject is `child`'s issuer name (exact DER, or equal by the pool's
    /// [`NameRule`]).
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
        let (der, spki) = (
            self.items[child].cert.der(),
            self.items[issuer].parsed.tbs_certificate.subject_pki.raw,
        );
        let key = [
            der.as_ptr() as usize,
            der.len(),
            spki.as_ptr() as usize,
            spki.len(),
        ];
        let known = self.memo.borrow().get(&key).cloned();
        let s = known.unwrap_or_else(|| {
            let issuer_key = &self.items[issuer].parsed.tbs_certificate.subject_pki;
            // A trust anchor's key never inherits parameters (the JDK starts from it).
            let inherited = (signature::is_dsa_without_params(issuer_key)
                && !self.items[issuer].is_anchor())
            .then(|| self.inherited_dsa_params(issuer, 0))
            .flatten();
            let verify =
                || signature::verify(&self.items[child].parsed, issuer_key, inherited.as_deref());
            let s = match &self.anchor_sigs {
                Some(store) if self.items[issuer].is_anchor() => {
                    store.get_or_verify(self.items[child].cert, spki, verify)
                }
                _ => verify(),
            };
            self.memo.borrow_mut().insert(key, s.clone());
            s
        });
        self.sigs.borrow_mut().insert((child, issuer), s.clone());
        Some(s)
    }

    /// The DSA parameters a parameter-less DSA key of `item` inherits (the JDK's `BasicChecker` takes them
    /// from the key that verified it): those of a pool item named as its issuer whose DSA key has them,
    /// looking further up while the issuer's key lacks them too (at most a few levels).
    fn inherited_dsa_params(&self, item: usize, depth: usize) -> Option<Vec<u8>> {
        if depth > 4 {
            return None;
        }
        self.issuers_of(item).into_iter().find_map(|j| {
            let key = &self.items[j].parsed.tbs_certificate.subject_pki;
            match signature::dsa_params(key) {
                Some(p) => Some(p),
                None if signature::is_dsa_without_params(key) && j != item => {
                    self.inherited_dsa_params(j, depth + 1)
                }
                None => None,
            }
        })
    }

    /// Whether the certificate is self-issued and verifies with its own key.
    pub fn self_signed(&self, i: usize) -> bool {
        self.self_issued(i) && self.signature(i, i) == Some(SigCheck::Valid)
    }

    /// Whether an item's subject and issuer are the same name (RFC 5280 6.1 "self-issued"; the JDK's
    /// `X509CertImpl.isSelfIssued` compares them as `X500Principal`s).
    pub fn self_issued(&self, i: usize) -> bool {
        let item = &self.items[i];
        item.info.self_issued || item.subject_norm == item.issuer_norm
    }

    /// Whether two items have the same subject and the same public key (the JDK treats a certificate
    /// with the subject and key of a trusted one as trusted).
    pub fn same_subject_and_key(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.items[a], &self.items[b]);
        (a.info.subject_raw == b.info.subject_raw || a.subject_norm == b.subject_norm)
            && a.parsed.tbs_certificate.subject_pki.raw == b.parsed.tbs_certificate.subject_pki.raw
    }
}
