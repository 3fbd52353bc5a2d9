//! Path building over a [`Pool`]: a depth-first search from the leaf towards any trust anchor that does not
//! trust the served order, survives loops, duplicates and cross-signed alternatives, and keeps every
//! candidate it tried with the problems that sank it. The search stops at the first path the profile
//! accepts, or when the [`Budget`](super::budget::Budget) is spent.

use super::budget::MAX_PATH_LEN;
use super::checks::{self, Rules};
use super::pool::Pool;
use super::problem::{self, Problem};
use super::signature::SigCheck;

/// One path tried.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Pool indices, leaf first; the last is an anchor when `anchored`.
    pub path: Vec<usize>,
    /// Whether the path reaches a trust anchor.
    pub anchored: bool,
    /// What the profile found on it, most specific first.
    pub problems: Vec<Problem>,
}

impl Candidate {
    /// Evaluates `path` with the profile's rules.
    pub fn evaluate(pool: &Pool<'_>, path: Vec<usize>, rules: &Rules<'_>) -> Candidate {
        let anchored = path.last().is_some_and(|&l| pool.items[l].is_anchor());
        let problems = checks::check_path(pool, &path, rules);
        Candidate {
            path,
            anchored,
            problems,
        }
    }

    /// Whether the profile accepts this path.
    pub fn ok(&self) -> bool {
        !self.problems.iter().any(|p| p.fatal)
    }

    fn score(&self) -> (bool, bool, u32, std::cmp::Reverse<usize>) {
        let top = self
            .problems
            .iter()
            .find(|p| p.fatal)
            .map_or(u32::MAX, |p| problem::rank(p.code));
        let fatal = self.problems.iter().filter(|p| p.fatal).count();
        (self.ok(), self.anchored, top, std::cmp::Reverse(fatal))
    }
}

/// The result of a search.
#[derive(Debug, Clone, Default)]
pub(crate) struct Search {
    /// Every candidate tried, in the order tried.
    pub candidates: Vec<Candidate>,
    /// Whether the budget ran out before the search finished.
    pub exhausted: bool,
}

impl Search {
    /// The accepted candidate, else the most informative failing one: anchored before not, then the one
    /// whose first problem is most specific.
    pub fn best(&self) -> Option<&Candidate> {
        let mut best: Option<&Candidate> = None;
        for c in &self.candidates {
            if best.is_none_or(|b| c.score() > b.score()) {
                best = Some(c);
            }
        }
        best
    }
}

/// Searches for a path from `leaf`.
pub(crate) fn build(pool: &Pool<'_>, leaf: usize, rules: &Rules<'_>) -> Search {
    let mut search = Search::default();
    let mut path = vec![leaf];
    walk(pool, &mut path, rules, &mut search);
    search
}

/// Returns true to stop the search (found, or out of budget).
fn walk(pool: &Pool<'_>, path: &mut Vec<usize>, rules: &Rules<'_>, out: &mut Search) -> bool {
    if !pool.budget.borrow_mut().take_call() || pool.budget.borrow().signatures == 0 {
        out.exhausted = true;
        return true;
    }
    let Some(&cur) = path.last() else {
        return true;
    };
    let issuers: Vec<usize> = pool
        .issuers_of(cur)
        .into_iter()
        .filter(|&j| {
            !path
                .iter()
                .any(|&p| p == j || pool.same_subject_and_key(p, j))
        })
        .collect();
    if issuers.is_empty() {
        out.candidates
            .push(Candidate::evaluate(pool, path.clone(), rules));
        return false;
    }
    for j in issuers {
        path.push(j);
        let stop = if pool.items[j].is_anchor() || path.len() > MAX_PATH_LEN || pool.self_signed(j)
        {
            let c = Candidate::evaluate(pool, path.clone(), rules);
            let ok = c.ok();
            out.candidates.push(c);
            ok
        } else if pool.signature(cur, j) != Some(SigCheck::Valid) {
            // A link whose signature fails goes no further; it stays as a candidate for the report.
            out.candidates
                .push(Candidate::evaluate(pool, path.clone(), rules));
            false
        } else {
            walk(pool, path, rules, out)
        };
        path.pop();
        if pool.budget.borrow().signatures == 0 {
            out.exhausted = true;
        }
        if stop || out.exhausted {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::Certificate;
    use crate::chain::algorithms::DisabledAlgorithms;
    use crate::chain::diagnosis::Profile;
    use crate::chain::pool::Origin;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    fn params(cn: &str, ca: bool) -> CertificateParams {
        let mut p = CertificateParams::new(vec!["www.example.test".to_owned()]).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2035, 1, 1);
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        p
    }

    #[test]
    fn a_mesh_of_cross_signed_cas_exhausts_the_budget_instead_of_running_for_ever() {
        // Eight keys under one CA name, each certified by every other: n! paths, none to an anchor.
        let keys: Vec<KeyPair> = (0..8).map(|_| KeyPair::generate().unwrap()).collect();
        let mut certs = Vec::new();
        for (i, subject_key) in keys.iter().enumerate() {
            for (j, issuer_key) in keys.iter().enumerate() {
                if i != j {
                    let issuer = Issuer::new(params("Mesh CA", true), issuer_key);
                    let der = params("Mesh CA", true)
                        .signed_by(subject_key, &issuer)
                        .unwrap();
                    certs.push(Certificate::from_der(der.der().to_vec()).unwrap());
                }
            }
        }
        let leaf_key = KeyPair::generate().unwrap();
        let issuer = Issuer::new(params("Mesh CA", true), &keys[0]);
        let leaf = params("leaf", false).signed_by(&leaf_key, &issuer).unwrap();
        let leaf = Certificate::from_der(leaf.der().to_vec()).unwrap();
        let mut pool = Pool::new();
        let l = pool.add(&leaf, Origin::Served(0), None).unwrap();
        for (i, c) in certs.iter().enumerate() {
            pool.add(c, Origin::Served(i + 1), None);
        }
        let disabled = DisabledAlgorithms::jdk17_default();
        let rules = Rules {
            profile: Profile::Java,
            now: 1_767_225_600,
            disabled: &disabled,
        };
        let search = build(&pool, l, &rules);
        assert!(search.exhausted);
        assert!(!search.best().unwrap().ok());
    }
}
