//! An index of one anchor list by subject name, built once per [`TrustAnchors`] and reused by every
//! [`diagnose`](super::diagnose()) call and thread, so that a call parses only the few anchors a path from
//! its certificates can reach by name instead of every anchor of every store.
//!
//! An anchor is reachable when its subject, in either comparison form ([`NameKeys`]: the browsers'
//! [`pool::normalized`] or the JDK's `X500Principal` form), is the subject or issuer name of a served or
//! extra certificate, or the issuer name of another reachable anchor. A pool only ever looks anchors up by
//! those names in one of the two forms (issuer search, "same subject and key", a served copy of an
//! anchor), so leaving the others out changes no result; the reachable ones keep their list order.
//!
//! [`TrustAnchors`]'s fields are public and may change after a call, so the cache checks on every use that
//! the index was built from the very certificates now in the list (same DER allocation, which the index
//! keeps alive, or else equal bytes) and rebuilds it when not: a stale index cannot be used.
//!
//! [`TrustAnchors`]: super::diagnosis::TrustAnchors
//! [`pool::normalized`]: super::pool::normalized
//! [`NameKeys`]: super::names::NameKeys

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use super::anchor::Anchor;
use super::names::{NameKeys, NormName};
use super::signature::SigCheck;
use super::x500::JavaName;
use crate::cert::Certificate;

/// One anchor list, indexed by subject.
pub(crate) struct AnchorIndex {
    /// The certificates the index was built from (clones share the DER, and keep it alive so that an
    /// address match below cannot be a reused allocation).
    certs: Vec<Certificate>,
    /// Each anchor's issuer name (`None` when it does not parse).
    issuers: Vec<Option<NameKeys>>,
    /// Subject in the browsers' form → positions in the list, ascending.
    by_subject: HashMap<NormName, Vec<usize>>,
    /// Subject in the JDK's form → positions in the list, ascending.
    by_java_subject: HashMap<JavaName, Vec<usize>>,
}

impl AnchorIndex {
    /// Parses and indexes every anchor of `anchors`.
    fn build(anchors: &[Anchor]) -> Self {
        let mut issuers = Vec::with_capacity(anchors.len());
        let mut by_subject: HashMap<NormName, Vec<usize>> = HashMap::new();
        let mut by_java_subject: HashMap<JavaName, Vec<usize>> = HashMap::new();
        for (i, a) in anchors.iter().enumerate() {
            // Unparseable anchors are never pool items (`Pool::add` skips them), so they stay unindexed.
            match a.cert.parsed() {
                Ok(p) if a.cert.try_info().is_ok() => {
                    let subject = NameKeys::of(&p.tbs_certificate.subject);
                    by_subject.entry(subject.browser).or_default().push(i);
                    by_java_subject.entry(subject.java).or_default().push(i);
                    issuers.push(Some(NameKeys::of(&p.tbs_certificate.issuer)));
                }
                _ => issuers.push(None),
            }
        }
        AnchorIndex {
            certs: anchors.iter().map(|a| a.cert.clone()).collect(),
            issuers,
            by_subject,
            by_java_subject,
        }
    }

    /// Whether this index was built from exactly these certificates, in this order.
    fn is_for(&self, anchors: &[Anchor]) -> bool {
        self.certs.len() == anchors.len()
            && self.certs.iter().zip(anchors).all(|(c, a)| {
                let (x, y) = (c.der(), a.cert.der());
                (std::ptr::eq(x.as_ptr(), y.as_ptr()) && x.len() == y.len()) || x == y
            })
    }
}

/// The anchors of each of `lists` that certificates with the names `seeds` (subjects and issuers) can
/// reach through subject/issuer names in either comparison form, following anchors' issuers across all
/// lists; per list, ascending positions.
pub(crate) fn reachable<const N: usize>(
    seeds: &[NameKeys],
    lists: [&AnchorIndex; N],
) -> [Vec<usize>; N] {
    let mut taken: [Vec<bool>; N] = lists.map(|l| vec![false; l.certs.len()]);
    let mut todo: Vec<&NameKeys> = seeds.iter().collect();
    while let Some(name) = todo.pop() {
        for (list, taken) in lists.iter().zip(taken.iter_mut()) {
            let by_browser = list.by_subject.get(&name.browser).map(Vec::as_slice);
            let by_java = list.by_java_subject.get(&name.java).map(Vec::as_slice);
            for &i in by_browser
                .unwrap_or_default()
                .iter()
                .chain(by_java.unwrap_or_default())
            {
                if !taken[i] {
                    taken[i] = true;
                    if let Some(issuer) = &list.issuers[i] {
                        todo.push(issuer);
                    }
                }
            }
        }
    }
    taken.map(|t| (0..t.len()).filter(|&i| t[i]).collect())
}

/// The cached indexes of a [`TrustAnchors`](super::diagnosis::TrustAnchors): one per anchor list, each
/// checked against the list on every use, and the outcomes of signatures checked with anchors' keys.
/// Cloning shares what was built.
#[derive(Default)]
pub(crate) struct AnchorCache {
    java: Slot,
    browser: Slot,
    signatures: Arc<AnchorSignatures>,
}

/// How many signature outcomes [`AnchorSignatures`] keeps (a few hundred bytes each); later ones are
/// verified every time.
const MAX_ANCHOR_SIGNATURES: usize = 4096;

/// Outcomes of signatures verified with an anchor's key, kept across diagnoses: endpoints share their
/// intermediates, and an anchor-signed intermediate would otherwise be verified once per endpoint. Keyed
/// by content (the signed certificate and the key's subjectPublicKeyInfo), on which the outcome alone
/// depends, so it is never stale whatever happens to the anchor lists.
#[derive(Default)]
pub(crate) struct AnchorSignatures(Mutex<HashMap<(Certificate, Vec<u8>), SigCheck>>);

impl AnchorSignatures {
    /// The outcome for `signed` under the key `spki`, from the cache or from `verify` (run unlocked).
    pub fn get_or_verify(
        &self,
        signed: &Certificate,
        spki: &[u8],
        verify: impl FnOnce() -> SigCheck,
    ) -> SigCheck {
        let key = (signed.clone(), spki.to_vec());
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = lock().get(&key) {
            return s.clone();
        }
        let s = verify();
        let mut map = lock();
        if map.len() < MAX_ANCHOR_SIGNATURES {
            map.insert(key, s.clone());
        }
        s
    }
}

impl AnchorCache {
    /// The signature outcomes cache (see [`AnchorSignatures`]).
    pub fn signatures(&self) -> &Arc<AnchorSignatures> {
        &self.signatures
    }

    /// The index of the java anchors, built now if absent or stale.
    pub fn java(&self, anchors: &[Anchor]) -> Arc<AnchorIndex> {
        self.java.get(anchors)
    }

    /// The index of the browser anchors, built now if absent or stale.
    pub fn browser(&self, anchors: &[Anchor]) -> Arc<AnchorIndex> {
        self.browser.get(anchors)
    }
}

impl Clone for AnchorCache {
    fn clone(&self) -> Self {
        AnchorCache {
            java: self.java.clone(),
            browser: self.browser.clone(),
            signatures: Arc::clone(&self.signatures),
        }
    }
}

impl fmt::Debug for AnchorCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AnchorCache")
    }
}

/// One lazily built index. A lock poisoned by a panicking thread still holds a whole index or none (the
/// index is built outside the lock and swapped in), so poisoning is ignored.
#[derive(Default)]
struct Slot(RwLock<Option<Arc<AnchorIndex>>>);

impl Slot {
    fn get(&self, anchors: &[Anchor]) -> Arc<AnchorIndex> {
        if let Some(index) = self
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            && index.is_for(anchors)
        {
            return Arc::clone(index);
        }
        let index = Arc::new(AnchorIndex::build(anchors));
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&index));
        index
    }
}

impl Clone for Slot {
    fn clone(&self) -> Self {
        Slot(RwLock::new(
            self.0
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

    fn root(cn: &str) -> Anchor {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let der = p.self_signed(&key).unwrap().der().to_vec();
        Anchor {
            cert: Certificate::from_der(der).unwrap(),
            store: "test".to_owned(),
            alias: cn.to_owned(),
            jdk_bundled: false,
        }
    }

    fn subject(a: &Anchor) -> NameKeys {
        NameKeys::of(&a.cert.parsed().unwrap().tbs_certificate.subject)
    }

    #[test]
    fn an_index_is_rebuilt_when_the_anchor_list_changes_after_use() {
        let (a, b) = (root("A Root"), root("B Root"));
        let cache = AnchorCache::default();
        let mut list = vec![a.clone()];
        let first = cache.java(&list);
        assert!(
            Arc::ptr_eq(&first, &cache.java(&list)),
            "reused while unchanged"
        );
        assert_eq!(reachable(&[subject(&b)], [&*first]), [Vec::<usize>::new()]);
        list[0] = b.clone();
        let second = cache.java(&list);
        assert!(!Arc::ptr_eq(&first, &second));
        assert_eq!(reachable(&[subject(&b)], [&*second]), [vec![0]]);
        list.push(a.clone());
        assert_eq!(reachable(&[subject(&a)], [&*cache.java(&list)]), [vec![1]]);
    }

    #[test]
    fn reachable_anchors_follow_issuers_across_lists_and_keep_list_order() {
        let key_a = KeyPair::generate().unwrap();
        let mut pa = CertificateParams::new(Vec::<String>::new()).unwrap();
        pa.distinguished_name.push(DnType::CommonName, "A Root");
        pa.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let a_der = pa.clone().self_signed(&key_a).unwrap().der().to_vec();
        let mut pb = CertificateParams::new(Vec::<String>::new()).unwrap();
        pb.distinguished_name.push(DnType::CommonName, "B Root");
        pb.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cross = pb
            .signed_by(
                &KeyPair::generate().unwrap(),
                &rcgen::Issuer::new(pa, &key_a),
            )
            .unwrap();
        let anchor = |der: Vec<u8>| Anchor {
            cert: Certificate::from_der(der).unwrap(),
            ..root("unused")
        };
        let java = vec![root("Other Root"), anchor(a_der)];
        let browser = vec![anchor(cross.der().to_vec()), root("Third Root")];
        let cache = AnchorCache::default();
        let (j, b) = (cache.java(&java), cache.browser(&browser));
        // A certificate issued by "B Root" reaches the cross-signed B (browser list) and, through its
        // issuer, A (java list); the unrelated roots stay out.
        assert_eq!(
            reachable(&[subject(&browser[0])], [&*j, &*b]),
            [vec![1], vec![0]]
        );
        assert_eq!(
            reachable(&[subject(&browser[0])], [&*j]),
            [Vec::<usize>::new()]
        );
    }

    #[test]
    fn an_anchor_signature_is_verified_once_per_signed_certificate_and_key() {
        let (a, b) = (root("A Root"), root("B Root"));
        let store = AnchorSignatures::default();
        let spki = |x: &Anchor| {
            x.cert
                .parsed()
                .unwrap()
                .tbs_certificate
                .subject_pki
                .raw
                .to_vec()
        };
        let mut runs = 0;
        for _ in 0..3 {
            let s = store.get_or_verify(&a.cert, &spki(&a), || {
                runs += 1;
                SigCheck::Valid
            });
            assert_eq!(s, SigCheck::Valid);
        }
        let other = store.get_or_verify(&a.cert, &spki(&b), || {
            runs += 1;
            SigCheck::Invalid
        });
        assert_eq!((other, runs), (SigCheck::Invalid, 2));
    }

    #[test]
    fn equal_bytes_in_a_new_allocation_reuse_the_index() {
        let a = root("A Root");
        let cache = AnchorCache::default();
        let first = cache.browser(std::slice::from_ref(&a));
        let copy = Anchor {
            cert: Certificate::from_der(a.cert.der().to_vec()).unwrap(),
            ..a
        };
        assert!(Arc::ptr_eq(&first, &cache.browser(&[copy])));
    }
}
