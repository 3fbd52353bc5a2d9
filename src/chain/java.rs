//! The java profile: how the JVM (JDK 17+, `sun.security.validator.PKIXValidator` behind the default
//! `X509TrustManager`) picks the path it validates.
//!
//! 1. A leaf that is itself a trusted entry (or has the subject and key of one) is accepted at once.
//! 2. If the served chain is in order (each subject is the previous issuer), the first served certificate
//!    that is trusted (same rule) ends the path, which is validated as served, with no second chance.
//! 3. If the last served certificate is signed by a trusted certificate, the served chain is validated as
//!    is, again with no second chance.
//! 4. Otherwise `SunCertPathBuilder` searches the served certificates and the anchors for any valid path
//!    (modelled by [`path::build`]). The JVM never fetches AIA URLs.

use super::checks::Rules;
use super::path::{self, Candidate, Search};
use super::pool::Pool;
use super::signature::SigCheck;

/// The anchor the JDK would treat `item` as: the item itself when it is an anchor, or an anchor with the
/// same subject and public key.
pub(crate) fn trusted_as(pool: &Pool<'_>, item: usize) -> Option<usize> {
    if pool.items[item].is_anchor() {
        return Some(item);
    }
    (0..pool.items.len()).find(|&a| pool.items[a].is_anchor() && pool.same_subject_and_key(item, a))
}

/// The JVM's search. `served` maps served positions to pool indices (`None` = did not parse).
pub(crate) fn search(pool: &Pool<'_>, served: &[Option<usize>], rules: &Rules<'_>) -> Search {
    let Some(Some(leaf)) = served.first().copied() else {
        return Search::default();
    };
    let single = |path: Vec<usize>| Search {
        candidates: vec![Candidate::evaluate(pool, path, rules)],
        exhausted: false,
    };
    if let Some(a) = trusted_as(pool, leaf) {
        return single(vec![a]);
    }
    let mut in_order = true;
    for i in 1..served.len() {
        let (Some(prev), Some(cur)) = (served[i - 1], served[i]) else {
            in_order = false;
            break;
        };
        if !pool.names_chain(prev, cur) {
            in_order = false;
            break;
        }
        if let Some(a) = trusted_as(pool, cur) {
            let mut p: Vec<usize> = served[..i].iter().flatten().copied().collect();
            p.push(a);
            return single(p);
        }
    }
    if in_order {
        let chain: Vec<usize> = served.iter().flatten().copied().collect();
        if let Some(&last) = chain.last() {
            let anchors: Vec<usize> = (0..pool.items.len())
                .filter(|&a| {
                    pool.items[a].is_anchor()
                        && pool.names_chain(last, a)
                        && pool.signature(last, a) == Some(SigCheck::Valid)
                })
                .collect();
            if !anchors.is_empty() {
                let mut tried = Search::default();
                for a in anchors {
                    let mut p = chain.clone();
                    p.push(a);
                    let c = Candidate::evaluate(pool, p, rules);
                    let ok = c.ok();
                    tried.candidates.push(c);
                    if ok {
                        break;
                    }
                }
                return tried;
            }
        }
    }
    path::build(pool, leaf, rules)
}
