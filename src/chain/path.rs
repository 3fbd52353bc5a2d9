//! Path building over a [`Pool`]: a depth-first search from the leaf towards any trust anchor that does not
//! trust the served order, survives loops, duplicates and cross-signed alternatives, and keeps every
//! candidate it tried with the problems that sank it. The search stops at the first path the profile
//! accepts (or, for the JDK, the first that validates: see [`Candidate::validated`]), or when the
//! [`Budget`](super::budget::Budget) is spent.
//!
//! Built for the JVM (`jdk_builder`), the search also follows `SunCertPathBuilder` and its
//! `ForwardBuilder`, whose certificate selectors decide which issuers it sees at all:
//!
//! - a trust anchor found for any certificate but the leaf must be valid at the validation time (the
//!   builder reuses one `AdaptableX509CertSelector` for every issuer lookup, and sets its
//!   certificate-valid date after matching anchors the first time: from the second lookup on, an expired
//!   or not yet valid anchor is not found; for the leaf's own issuer it is);
//! - a version 1 or 2 issuer, anchor or not, must be valid over the whole validity of the certificate it
//!   issues (`AdaptableX509CertSelector.setValidityPeriod`).

use super::budget::MAX_PATH_LEN;
use super::checks::{self, Rules, date};
use super::diagnosis::Profile;
use super::pool::Pool;
use super::problem::label;
use super::problem::{self, Problem};
use super::signature::SigCheck;
use crate::finding::Code;

/// `ForwardBuilder`: an anchor found from the second issuer lookup on must be valid at the validation time.
pub(crate) const RULE_BUILDER_ANCHOR_VALIDITY: &str =
    "ForwardBuilder: trust anchor validity (from the second issuer lookup on)";
/// `AdaptableX509CertSelector.setValidityPeriod`: a version 1 or 2 issuer must cover its subject's validity.
pub(crate) const RULE_BUILDER_V1_VALIDITY: &str =
    "ForwardBuilder: version 1/2 issuer validity period";

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

    /// Whether the path validates but for the checks the JDK makes on the anchor once a path has
    /// validated ([`checks::after_validation`]): the JVM stops its search at such a path, and refuses it.
    /// For the browser profile, the same as [`Candidate::ok`].
    pub fn validated(&self) -> bool {
        !self
            .problems
            .iter()
            .any(|p| p.fatal && !checks::after_validation(p))
    }

    fn score(&self) -> (bool, bool, bool, u32, std::cmp::Reverse<usize>) {
        let top = self
            .problems
            .iter()
            .find(|p| p.fatal)
            .map_or(u32::MAX, |p| problem::rank(p.code));
        let fatal = self.problems.iter().filter(|p| p.fatal).count();
        (
            self.ok(),
            self.validated(),
            self.anchored,
            top,
            std::cmp::Reverse(fatal),
        )
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
    /// The accepted candidate, else the one the search settled on ([`Candidate::validated`]), else the
    /// most informative failing one: anchored before not, then the one whose first problem is most
    /// specific.
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

/// Searches for a path from `leaf`; `jdk_builder` adds the JVM path builder's own rules (see the module
/// documentation) for the java profile.
pub(crate) fn build(pool: &Pool<'_>, leaf: usize, rules: &Rules<'_>, jdk_builder: bool) -> Search {
    let mut search = Search::default();
    let mut path = vec![leaf];
    let jdk_builder = jdk_builder && rules.profile == Profile::Java;
    walk(pool, &mut path, rules, jdk_builder, &mut search);
    search
}

/// Why the JDK's builder does not find `issuer` as the issuer of `child` (the last of `path`), if so.
fn builder_skips(
    pool: &Pool<'_>,
    path: &[usize],
    issuer: usize,
    rules: &Rules<'_>,
) -> Option<Problem> {
    let child = *path.last()?;
    let pos = path.len();
    let (it, c) = (&pool.items[issuer], pool.items[child].info);
    let info = it.info;
    if it.is_anchor()
        && path.len() >= 2
        && (rules.now < info.not_before || rules.now > info.not_after)
    {
        let alias = it.anchor.map(|a| a.alias.as_str()).unwrap_or_default();
        let (code, when) = if rules.now > info.not_after {
            (
                Code::ExpiredAnchor,
                format!("expired on {}", date(info.not_after)),
            )
        } else {
            (
                Code::NotYetValid,
                format!("is not valid before {}", date(info.not_before)),
            )
        };
        return Some(
            Problem::fatal(
                code,
                pos,
                format!(
                    "the trust anchor {} (alias '{alias}') {when}: the JVM accepts it for a chain served in order, but this one is not (it is out of order, or has extra or duplicate certificates), so the JVM builds the path, and its path builder does not use an anchor outside its validity above an intermediate",
                    label(info)
                ),
            )
            .by(RULE_BUILDER_ANCHOR_VALIDITY),
        );
    }
    if info.version < 3
        && (c.not_before < info.not_before
            || c.not_after > info.not_after
            || c.not_before > info.not_after
            || c.not_after < info.not_before)
    {
        return Some(
            Problem::fatal(
                Code::InvalidChain,
                pos,
                format!(
                    "{} is an X.509 v{} certificate valid from {} to {}, which does not cover the validity of {} ({} to {}): the JVM's path builder does not use such an issuer",
                    label(info),
                    info.version,
                    date(info.not_before),
                    date(info.not_after),
                    label(c),
                    date(c.not_before),
                    date(c.not_after)
                ),
            )
            .by(RULE_BUILDER_V1_VALIDITY),
        );
    }
    None
}

/// Returns true to stop the search (found, or out of budget).
fn walk(
    pool: &Pool<'_>,
    path: &mut Vec<usize>,
    rules: &Rules<'_>,
    jdk_builder: bool,
    out: &mut Search,
) -> bool {
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
        let skipped = if jdk_builder {
            builder_skips(pool, path, j, rules)
        } else {
            None
        };
        path.push(j);
        let stop = if let Some(why) = skipped {
            // The JDK never sees this issuer; the path stays as a candidate that names why.
            let mut c = Candidate::evaluate(pool, path.clone(), rules);
            c.problems.push(why);
            problem::sort(&mut c.problems);
            out.candidates.push(c);
            false
        } else if pool.items[j].is_anchor() || path.len() > MAX_PATH_LEN || pool.self_signed(j) {
            let c = Candidate::evaluate(pool, path.clone(), rules);
            let done = c.validated();
            out.candidates.push(c);
            done
        } else if pool.signature(cur, j) != Some(SigCheck::Valid) {
            // A link whose signature fails goes no further; it stays as a candidate for the report.
            out.candidates
                .push(Candidate::evaluate(pool, path.clone(), rules));
            false
        } else {
            walk(pool, path, rules, jdk_builder, out)
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

    use crate::chain::testkit::{self, RawCert, judge};

    /// An expired root, an intermediate it issues and a leaf below: (root, intermediate, leaf, a leaf
    /// the root issues directly).
    fn expired_root_chain() -> (Certificate, Certificate, Certificate, Certificate) {
        let rk = KeyPair::generate().unwrap();
        let mut rp = testkit::ca_params("Root");
        rp.not_before = rcgen::date_time_ymd(2015, 1, 1);
        rp.not_after = rcgen::date_time_ymd(2025, 6, 1);
        let root = testkit::self_signed(&rp, &rk);
        let ik = KeyPair::generate().unwrap();
        let ip = testkit::ca_params("Inter");
        let inter = testkit::issued(&ip, &ik, &rp, &rk);
        let lp = testkit::leaf_params(&["www.example.test"]);
        let leaf = testkit::issued(&lp, &KeyPair::generate().unwrap(), &ip, &ik);
        let direct = testkit::issued(&lp, &KeyPair::generate().unwrap(), &rp, &rk);
        (root, inter, leaf, direct)
    }

    #[test]
    fn an_expired_anchor_above_an_intermediate_is_used_only_for_a_chain_served_in_order() {
        let (root, inter, leaf, _) = expired_root_chain();
        let anchors = std::slice::from_ref(&root);
        let in_order = judge(&[leaf.clone(), inter.clone()], anchors, None, 17);
        assert!(in_order.trusted);
        assert!(
            in_order
                .findings
                .iter()
                .any(|f| f.code == Code::ExpiredAnchor
                    && f.severity == crate::finding::Severity::Warning)
        );
        // Served with the root, still in order: validated as served.
        assert!(
            judge(
                &[leaf.clone(), inter.clone(), root.clone()],
                anchors,
                None,
                17
            )
            .trusted
        );
        // A duplicate puts the chain out of order: the JVM builds the path, and its builder skips the anchor.
        for major in [17, 25] {
            let d = judge(
                &[leaf.clone(), inter.clone(), inter.clone()],
                anchors,
                None,
                major,
            );
            assert!(!d.trusted);
            let reason = d.java.reason.clone().unwrap_or_default();
            assert!(
                reason.ends_with(&format!("(JDK: {RULE_BUILDER_ANCHOR_VALIDITY})")),
                "{reason}"
            );
            let errors: Vec<_> = d
                .findings
                .iter()
                .filter(|f| f.code == Code::ExpiredAnchor)
                .map(|f| f.severity)
                .collect();
            assert_eq!(errors, [crate::finding::Severity::Error]);
        }
    }

    #[test]
    fn an_expired_anchor_that_issues_the_leaf_itself_is_found_by_the_builder() {
        let (root, _, _, direct) = expired_root_chain();
        let stranger =
            testkit::self_signed(&testkit::params("Stranger"), &KeyPair::generate().unwrap());
        assert!(judge(&[direct, stranger], &[root], None, 17).trusted);
    }

    #[test]
    fn the_builder_skips_a_version_1_issuer_whose_validity_does_not_cover_its_subject() {
        let rk = KeyPair::generate().unwrap();
        let v1 = RawCert {
            version: 1,
            validity: ("250101000000Z", "270101000000Z"),
            ..RawCert::new(testkit::cn_name("V1 Root"), testkit::cn_name("V1 Root"))
        }
        .sign(&rk, &rk);
        let ik = KeyPair::generate().unwrap();
        let ip = testkit::ca_params("Inter");
        let inter = testkit::issued(&ip, &ik, &testkit::params("V1 Root"), &rk);
        let leaf = testkit::issued(
            &testkit::leaf_params(&["www.example.test"]),
            &KeyPair::generate().unwrap(),
            &ip,
            &ik,
        );
        let anchors = std::slice::from_ref(&v1);
        // In order the validator takes the anchor as it is.
        assert!(judge(&[leaf.clone(), inter.clone()], anchors, None, 17).trusted);
        let d = judge(&[leaf.clone(), leaf, inter], anchors, None, 17);
        assert!(!d.trusted);
        assert!(
            d.java
                .reason
                .unwrap_or_default()
                .ends_with(&format!("(JDK: {RULE_BUILDER_V1_VALIDITY})"))
        );
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
            java: crate::cert::jdk::JavaVersion::newest(17),
            tls: (crate::chain::TlsVersion::Tls13, true),
        };
        let search = build(&pool, l, &rules, true);
        assert!(search.exhausted);
        assert!(!search.best().unwrap().ok());
    }
}
