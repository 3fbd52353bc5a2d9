//! [`diagnose`]: the one entry point. Builds the java and browser pools, runs both searches, checks the
//! host name, and turns the outcome into verdicts, findings (most important first) and a fix.

use std::sync::Arc;

use super::algorithms::DisabledAlgorithms;
use super::anchor_index::{AnchorIndex, reachable};
use super::checks::{self, Rules};
use super::diagnosis::{
    ChainInput, Diagnosis, Fix, PathSource, PathStep, Policy, Profile, TrustAnchors, Verdict,
};
use super::findings;
use super::hostname::{self, Host};
use super::names::{NameKeys, names_of};
use super::path::{Candidate, Search};
use super::pool::{NameRule, Origin, Pool, SigMemo};
use super::problem::label;
use super::{browser, fix, java, jvm_parse, x500};
use crate::cert::jdk::Jdk;
use crate::cert::{CertInfo, Certificate};
use crate::finding::{self, Code, Finding, Severity};

/// Judges a served chain for the JVM (the verdict `trusted`) and for a browser, at `now_unix` (seconds
/// since the Unix epoch).
pub fn diagnose(
    input: &ChainInput,
    anchors: &TrustAnchors,
    policy: &Policy,
    now_unix: i64,
) -> Diagnosis {
    let disabled = policy
        .java_disabled_algorithms
        .as_deref()
        .map(DisabledAlgorithms::parse)
        .unwrap_or_else(DisabledAlgorithms::jdk17_default);
    let java = policy.java();
    let java_major = java.feature;
    let tls = (
        input.tls_version.unwrap_or_default(),
        input.tls_version.is_none(),
    );
    let java_rules = Rules {
        profile: Profile::Java,
        now: now_unix,
        disabled: &disabled,
        java,
        tls,
    };
    let browser_rules = Rules {
        profile: Profile::Browser,
        now: now_unix,
        disabled: &disabled,
        java,
        tls,
    };
    let host = input.host.as_deref().map(Host::parse);
    // The JVM parses every served certificate, and its truststore, before any path (jvm_parse.rs).
    let mut gate = jvm_parse::gate(&input.served, anchors, Jdk::for_version(Some(java)));
    let mut found: Vec<Finding> = std::mem::take(&mut gate.findings);

    for (i, c) in input.served.iter().enumerate() {
        if let Err(e) = c.try_info() {
            found.push(
                Finding::new(
                    Code::InvalidChain,
                    Severity::Error,
                    format!("served certificate {i} cannot be parsed: {e}"),
                    "serve well-formed DER certificates",
                )
                .at(i),
            );
        }
    }

    // Only the anchors a path from the served certificates can reach by name join a pool (see
    // `anchor_index.rs`); the indexes are built once per `TrustAnchors`.
    let java_index = anchors.cache().java(&anchors.java);
    let browser_index = anchors.cache().browser(&anchors.browser);
    let served_names: Vec<NameKeys> = input
        .served
        .iter()
        .chain(input.fetched.iter().map(|f| &f.cert))
        .filter_map(names_of)
        .flatten()
        .collect();

    // The java pool: anchors first, then the served certificates.
    let memo = SigMemo::default();
    let mut jpool = Pool::sharing(
        &memo,
        Some(Arc::clone(anchors.cache().signatures())),
        NameRule::Java,
    );
    let [java_reach] = reachable(&served_names, [&*java_index]);
    for &i in &java_reach {
        let a = &anchors.java[i];
        jpool.add(&a.cert, Origin::Anchor(i), Some(a));
    }
    let jserved: Vec<Option<usize>> = input
        .served
        .iter()
        .enumerate()
        .map(|(i, c)| jpool.add(c, Origin::Served(i), None))
        .collect();
    // Issuers fetched from caIssuers URLs join after the served certificates, as the JDK's builder asks
    // the URL only when no certificate it holds matches (ForwardBuilder.getMatchingCACerts).
    jpool.fetched_urls = input.fetched.iter().map(|f| f.url.clone()).collect();
    for (i, f) in input.fetched.iter().enumerate() {
        if f.java {
            jpool.add(&f.cert, Origin::Fetched(i), None);
        }
    }
    let jsearch = java::search(&jpool, &jserved, &java_rules);

    let mut bpool = Pool::sharing(
        &memo,
        Some(Arc::clone(anchors.cache().signatures())),
        NameRule::Browser,
    );
    let [browser_reach] = reachable(&served_names, [&*browser_index]);
    for &i in &browser_reach {
        let a = &anchors.browser[i];
        bpool.add(&a.cert, Origin::Anchor(i), Some(a));
    }
    let bserved: Vec<Option<usize>> = input
        .served
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                bpool.add_distinct(c, Origin::Served(i))
            } else {
                bpool.add(c, Origin::Served(i), None)
            }
        })
        .collect();
    bpool.fetched_urls = jpool.fetched_urls.clone();
    for (i, f) in input.fetched.iter().enumerate() {
        bpool.add(&f.cert, Origin::Fetched(i), None);
    }
    let bsearch = browser::search(&bpool, bserved.first().copied().flatten(), &browser_rules);

    let leaf_info: Option<&CertInfo> = input.served.first().and_then(|c| c.try_info().ok());
    let jbest = jsearch.best();
    let public_ca = jbest
        .filter(|c| c.anchored)
        .and_then(|c| c.path.last())
        .and_then(|&l| jpool.items[l].anchor)
        .is_some_and(|a| a.jdk_bundled);

    // Host name (the JVM checks it after the path, whatever the path).
    let mut java_host_error: Option<String> = None;
    let mut browser_host_error: Option<String> = None;
    if let (Some(host), Some(leaf)) = (&host, leaf_info) {
        let cn = jserved
            .first()
            .copied()
            .flatten()
            .and_then(|l| most_specific_cn(&jpool, l));
        let names = hostname::offered_names(leaf, true);
        let leftmost_only = java_major >= 25;
        // A subjectAltName the JDK could not decode (non-critical, set aside by its parser): JDK 17's
        // `getSubjectAlternativeNames` returns null (the CN is used), JDK 25's throws.
        let san_ignored = input
            .served
            .first()
            .and_then(|c| java_rules.jdk_ignores(c, checks::SUBJECT_ALT_NAME));
        let no_san;
        let (leaf_names, dns) = match san_ignored {
            Some(_) => {
                no_san = CertInfo {
                    dns_names: Vec::new(),
                    ip_addresses: Vec::new(),
                    ..leaf.clone()
                };
                (&no_san, Vec::new())
            }
            None => (
                leaf,
                jserved
                    .first()
                    .copied()
                    .flatten()
                    .map(|l| hostname::java_dns_names(&jpool.items[l].parsed))
                    .unwrap_or_default(),
            ),
        };
        let shown = input.host.as_deref().unwrap_or_default();
        // The java reason names the JDK rule; the finding's message does not (as for path problems).
        let refused = hostname::java_refuses_host(host).map(|why| {
            let msg = format!(
                "the JVM refuses the host name '{shown}' before comparing it with the certificate: {why}"
            );
            let remediation =
                "connect with a host name of letters, digits and hyphens that the certificate covers"
                    .to_owned();
            (msg, "HostnameChecker: new SNIHostName(host)", remediation)
        });
        let mismatch = || {
            (
                format!("{} does not cover '{shown}': it names {names}", label(leaf)),
                "HostnameChecker: match",
                format!(
                    "reissue the certificate with subjectAltName DNS:{shown} (or connect with a name it covers)"
                ),
            )
        };
        let unreadable = san_ignored.filter(|_| java_major >= 25).map(|bad| {
            (
                format!(
                    "the JVM (JDK {java_major}) cannot read the subjectAltName of {} (CertificateParsingException: {}), so its host-name check fails before comparing any name",
                    label(leaf),
                    bad.reason
                ),
                "X509CertImpl.getSubjectAlternativeNames (JDK 25: an undecodable extension throws)",
                format!(
                    "reissue the certificate with a well-formed subjectAltName DNS:{shown}"
                ),
            )
        });
        let java_failure = refused.or(unreadable).or_else(|| {
            (!hostname::java_matches(
                host,
                leaf_names,
                &dns,
                cn.as_deref(),
                public_ca,
                leftmost_only,
            ))
            .then(mismatch)
        });
        if let Some((msg, rule, remediation)) = java_failure {
            java_host_error = Some(format!("{msg} (JDK: {rule})"));
            found.push(
                Finding::new(Code::HostnameMismatch, Severity::Error, msg, remediation).at(0),
            );
        }
        if !hostname::browser_matches(host, leaf) {
            let msg = format!(
                "{} does not cover '{}' for browsers (subjectAltName only, whole left-most wildcard label): it names {}",
                label(leaf),
                input.host.as_deref().unwrap_or_default(),
                hostname::offered_names(leaf, false)
            );
            browser_host_error = Some(msg.clone());
            if java_host_error.is_none() {
                found.push(
                    Finding::new(
                        Code::HostnameMismatch,
                        Severity::Warning,
                        format!("{msg}; the JVM accepts it"),
                        format!(
                            "reissue the certificate with subjectAltName DNS:{}",
                            input.host.as_deref().unwrap_or_default()
                        ),
                    )
                    .at(0),
                );
            }
        }
    }

    let store = findings::store_label(anchors);
    let extras_for_help = |info: &CertInfo| -> Option<String> {
        let hit = input
            .extra
            .iter()
            .chain(anchors.browser.iter().map(|a| &a.cert))
            .find(|c| c.try_info().is_ok_and(|i| i.subject_raw == info.issuer_raw))?;
        Some(format!(
            "a certificate with that subject is known: SHA-256 {}",
            hit.sha256_colons()
        ))
    };

    let mut java_verdict = verdict(
        Profile::Java,
        &jpool,
        &jsearch,
        java_host_error.as_deref(),
        input.served.is_empty(),
    );
    gate.apply(&mut java_verdict);
    let browser_verdict = verdict(
        Profile::Browser,
        &bpool,
        &bsearch,
        browser_host_error.as_deref(),
        input.served.is_empty(),
    );

    if let Some(best) = jbest {
        let mut f = findings::from_problems(&jpool, &input.served, best, &extras_for_help, &store);
        found.append(&mut f);
        if best.anchored {
            found.append(&mut findings::deployment(&jpool, &input.served, best));
        }
        found.append(&mut validity_notes(
            &jpool,
            &input.served,
            best,
            policy,
            now_unix,
        ));
    }
    if jsearch.exhausted {
        found.push(Finding::new(
            Code::InvalidChain,
            Severity::Error,
            "path building gave up: the budget of signature checks or build steps was spent",
            "serve only the leaf and its intermediates",
        ));
    }
    found.append(&mut findings::duplicates(&input.served));
    found.extend(fetched_finding(
        input,
        [
            (&jpool, jbest, java_verdict.trusted),
            (&bpool, bsearch.best(), browser_verdict.trusted),
        ],
    ));
    // What browsers refuse and the JVM accepts, when the JVM path did not already say so.
    if java_verdict.trusted
        && !browser_verdict.trusted
        && let Some(best) = bsearch.best()
    {
        for p in best.problems.iter().filter(|p| p.fatal) {
            let dup = found.iter().any(|f| f.code == p.code);
            let relevant = matches!(p.code, Code::WeakSignature | Code::WeakKey | Code::BadEku);
            if !dup && relevant {
                let mut f = Finding::new(
                    p.code,
                    Severity::Warning,
                    format!("{}: browsers refuse this, the JVM accepts it", p.message),
                    "fix it for browsers too (see the message)",
                );
                if let Some(i) = findings::served_index(&bpool, &input.served, best.path[p.pos]) {
                    f = f.at(i);
                }
                found.push(f);
            }
        }
    }
    if input.served.is_empty() {
        found.push(Finding::new(
            Code::InvalidChain,
            Severity::Error,
            "no certificate was served",
            "configure the server with its certificate chain",
        ));
    }
    finding::sort(&mut found);

    let indexes = [&*java_index, &*browser_index];
    let fix = compute_fix(
        input,
        anchors,
        &indexes,
        &memo,
        &java_rules,
        &found,
        java_verdict.trusted,
    );
    Diagnosis {
        trusted: java_verdict.trusted,
        java: java_verdict,
        browser: browser_verdict,
        findings: found,
        fix,
    }
}

/// The URL a fetched pool item came from.
fn input_url(pool: &Pool<'_>, index: usize) -> String {
    pool.fetched_urls.get(index).cloned().unwrap_or_default()
}

/// `aia-fetched`: a path (java or browser) that goes through an issuer fetched from a caIssuers URL,
/// naming it and the URL; a warning when the JVM's own path depends on it (the server still sends an
/// incomplete chain), info when only browsers use it (`missing-intermediate` then says the rest).
fn fetched_finding(
    input: &ChainInput,
    searches: [(&Pool<'_>, Option<&Candidate>, bool); 2],
) -> Option<Finding> {
    let used = |(pool, best, _): &(&Pool<'_>, Option<&Candidate>, bool)| -> Vec<usize> {
        best.map(|c| {
            c.path
                .iter()
                .filter_map(|&i| match pool.items[i].origin {
                    Origin::Fetched(f) => Some(f),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let [java, browser] = &searches;
    let (java_used, browser_used) = (used(java), used(browser));
    let first = java_used.first().or(browser_used.first())?;
    let f = input.fetched.get(*first)?;
    let named = format!(
        "the server does not send {}: it was fetched from its caIssuers URL {}",
        label(f.cert.info()),
        f.url
    );
    Some(if !java_used.is_empty() {
        Finding::new(
            Code::AiaFetched,
            Severity::Warning,
            format!(
                "{named}; the app's JVM fetches it too (com.sun.security.enableAIAcaIssuers=true), so the path is complete{}",
                if java.2 {
                    ""
                } else {
                    " (the verdict has other reasons)"
                }
            ),
            "serve the full chain anyway: other clients, and this JVM when the URL is slow or down, do not fetch it",
        )
    } else {
        Finding::new(
            Code::AiaFetched,
            Severity::Info,
            format!(
                "{named}; browsers fetch it, the app's JVM does not (com.sun.security.enableAIAcaIssuers is not true, or com.sun.security.allowedAIALocations does not allow the URL)"
            ),
            "serve the full chain (the fetched certificate completes the --write-fixes fullchain)",
        )
    })
}

/// The subject's most specific CN in any string type (`X500Name.findMostSpecificAttribute`, then
/// `DerValue.getAsString`), as the JDK's `HostnameChecker` reads it.
fn most_specific_cn(pool: &Pool<'_>, item: usize) -> Option<String> {
    x500::most_specific(
        &pool.items[item].parsed.tbs_certificate.subject,
        x500::COMMON_NAME,
    )
}

fn verdict(
    profile: Profile,
    pool: &Pool<'_>,
    search: &Search,
    host_error: Option<&str>,
    empty: bool,
) -> Verdict {
    let best = search.best();
    let path = best.map(|c| steps(pool, c)).unwrap_or_default();
    let path_ok = best.is_some_and(Candidate::ok) && !search.exhausted;
    let reason = if empty {
        Some("no certificate was served".to_owned())
    } else if let Some((c, p)) = best.and_then(|c| Some((c, c.problems.iter().find(|p| p.fatal)?)))
    {
        let urls = &pool.items[c.path[p.pos]].info.ca_issuers_urls;
        match (profile, p.code, urls.first()) {
            (Profile::Browser, Code::MissingIntermediate, Some(url)) => Some(format!(
                "{}; a browser would fetch it from the AIA URL {url} (the JVM does not)",
                p.message
            )),
            (Profile::Java, _, _) => Some(match p.rule {
                Some(rule) => format!("{} (JDK: {rule})", p.message),
                None => p.message.clone(),
            }),
            _ => Some(p.message.clone()),
        }
    } else if search.exhausted {
        Some("path building gave up: budget spent".to_owned())
    } else if best.is_none() {
        Some("the leaf cannot be parsed".to_owned())
    } else {
        host_error.map(str::to_owned)
    };
    Verdict {
        profile,
        trusted: path_ok && host_error.is_none(),
        path,
        reason,
    }
}

fn steps(pool: &Pool<'_>, c: &Candidate) -> Vec<PathStep> {
    c.path
        .iter()
        .map(|&i| {
            let item = &pool.items[i];
            let source = match (item.anchor, item.origin) {
                (Some(a), _) => PathSource::Anchor {
                    store: a.store.clone(),
                    alias: a.alias.clone(),
                },
                (None, Origin::Served(index)) => PathSource::Served { index },
                (None, Origin::Fetched(i)) => PathSource::Fetched {
                    url: input_url(pool, i),
                },
                _ => PathSource::Extra,
            };
            PathStep {
                cert: item.cert.clone(),
                source,
            }
        })
        .collect()
}

/// expires-soon for path certificates, expired-anchor for the anchor.
fn validity_notes(
    pool: &Pool<'_>,
    served: &[crate::cert::Certificate],
    c: &Candidate,
    policy: &Policy,
    now: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let window = i64::from(policy.warn_days) * 86_400;
    for (pos, &i) in c.path.iter().enumerate() {
        let item = &pool.items[i];
        let info = item.info;
        if item.is_anchor() && pos == 0 {
            // The leaf is itself a trusted entry: the JVM accepts it without any check.
            if info.self_issued {
                let mut f = Finding::new(
                    Code::SelfSigned,
                    Severity::Info,
                    format!(
                        "{} is self-signed; the JVM trusts it only because this very certificate is in the truststore (alias '{}'), browsers refuse it",
                        label(info),
                        item.anchor.map(|a| a.alias.as_str()).unwrap_or_default()
                    ),
                    "serve a certificate from a CA if other clients must connect too",
                );
                if let Some(s) = findings::served_index(pool, served, i) {
                    f = f.at(s);
                }
                out.push(f);
            }
            if info.not_after < now {
                let mut f = Finding::new(
                    Code::Expired,
                    Severity::Warning,
                    format!(
                        "{} expired on {}; the JVM accepts it only because this very certificate is in the truststore (alias '{}'), other clients refuse it",
                        label(info),
                        super::checks::date(info.not_after),
                        item.anchor.map(|a| a.alias.as_str()).unwrap_or_default()
                    ),
                    format!("renew {} and import the new certificate", label(info)),
                );
                if let Some(s) = findings::served_index(pool, served, i) {
                    f = f.at(s);
                }
                out.push(f);
            }
            continue;
        }
        if item.is_anchor() {
            // When the JVM's builder refused the expired anchor, the path's problems already say so.
            let refused = c.problems.iter().any(|p| p.code == Code::ExpiredAnchor);
            if info.not_after < now && !refused {
                let mut f = Finding::new(
                    Code::ExpiredAnchor,
                    Severity::Warning,
                    format!(
                        "the trust anchor {} (alias '{}') expired on {}; the JVM still accepts chains to it, other clients may not",
                        label(info),
                        item.anchor.map(|a| a.alias.as_str()).unwrap_or_default(),
                        super::checks::date(info.not_after)
                    ),
                    format!(
                        "replace the anchor with the CA's current root certificate in {}",
                        item.anchor.map(|a| a.store.as_str()).unwrap_or_default()
                    ),
                );
                if let Some(s) = findings::served_index(pool, served, i) {
                    f = f.at(s);
                }
                out.push(f);
            }
            continue;
        }
        if info.not_after >= now && info.not_after - now < window {
            let days = (info.not_after - now) / 86_400;
            let mut f = Finding::new(
                Code::ExpiresSoon,
                Severity::Warning,
                format!(
                    "{} expires on {} (in {days} days, within the {}-day warning window)",
                    label(info),
                    super::checks::date(info.not_after),
                    policy.warn_days
                ),
                format!(
                    "renew {} before {}",
                    label(info),
                    super::checks::date(info.not_after)
                ),
            );
            if let Some(s) = findings::served_index(pool, served, i) {
                f = f.at(s);
            }
            out.push(f);
        }
    }
    out
}

/// A fix when the JVM refuses, or when the served chain has deployment mistakes.
fn compute_fix(
    input: &ChainInput,
    anchors: &TrustAnchors,
    indexes: &[&AnchorIndex; 2],
    memo: &SigMemo,
    rules: &Rules<'_>,
    found: &[Finding],
    trusted: bool,
) -> Option<Fix> {
    let deployment = found.iter().any(|f| {
        matches!(
            f.code,
            Code::WrongOrder | Code::ExtraCert | Code::DuplicateCert | Code::ServedRoot
        )
    });
    if trusted && !deployment {
        return None;
    }
    let seeds: Vec<NameKeys> = input
        .served
        .iter()
        .chain(&input.extra)
        .chain(input.fetched.iter().map(|f| &f.cert))
        .filter_map(names_of)
        .flatten()
        .collect();
    let [java_reach, browser_reach] = reachable(&seeds, *indexes);
    let mut pool = Pool::sharing(
        memo,
        Some(Arc::clone(anchors.cache().signatures())),
        NameRule::Java,
    );
    for &i in &java_reach {
        let a = &anchors.java[i];
        pool.add(&a.cert, Origin::Anchor(i), Some(a));
    }
    // A fix never names a certificate some JVM cannot parse: a fullchain or a CA file holding one would
    // break every JVM it reaches (and an unparseable leaf has no fix but a new certificate).
    let usable = |c: &Certificate| c.jdk_refusal().is_none();
    let leaf = input
        .served
        .first()
        .filter(|c| usable(c))
        .and_then(|c| pool.add(c, Origin::Served(0), None));
    for (i, c) in input.served.iter().enumerate().skip(1) {
        if usable(c) {
            pool.add(c, Origin::Served(i), None);
        }
    }
    for (i, c) in input.extra.iter().enumerate() {
        if usable(c) {
            pool.add(c, Origin::Extra(i), None);
        }
    }
    for f in &input.fetched {
        if usable(&f.cert) {
            pool.add(&f.cert, Origin::Extra(usize::MAX), None);
        }
    }
    for &i in &browser_reach {
        let c = &anchors.browser[i].cert;
        if usable(c) {
            pool.add(c, Origin::Extra(usize::MAX), None);
        }
    }
    let leaf = leaf?;
    let fix = fix::find(&pool, leaf, rules);
    (!fix.fullchain.is_empty() || !fix.import.is_empty()).then_some(fix)
}
