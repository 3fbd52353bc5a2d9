//! Findings, fixes and profile rules of `chain::diagnose`, at a fixed instant, on the generated scenarios
//! (`support::certs::testcerts`, rcgen with fixed keys) varied per test: trust sets, extra certificates,
//! policy, and the JDK-bundled flag.

use crate::support::certs::testcerts as generate;

use trustpath::cert::Certificate;
use trustpath::chain::{ChainInput, Diagnosis, Policy, TrustAnchors, diagnose};
use trustpath::finding::{Code, Severity};

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

fn scenario(name: &str) -> generate::Scenario {
    generate::scenarios()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

const STORE: &str = "/srv/app/truststore.p12";

fn certs(ders: &[Vec<u8>]) -> Vec<Certificate> {
    generate::ders_to_certs(ders)
}

fn run(s: &generate::Scenario, extra: &[Vec<u8>], policy: &Policy, jdk_bundled: bool) -> Diagnosis {
    let input = ChainInput {
        extra: certs(extra),
        ..s.input()
    };
    let anchors = TrustAnchors::new(s.anchors(STORE, jdk_bundled), s.anchors(STORE, false));
    diagnose(&input, &anchors, policy, NOW)
}

fn codes(d: &Diagnosis) -> Vec<Code> {
    d.findings.iter().map(|f| f.code).collect()
}

#[test]
fn missing_intermediate_is_reported_with_the_issuer_name_and_its_aia_url() {
    let d = run(
        &scenario("missing-intermediate"),
        &[],
        &Policy::default(),
        false,
    );
    assert!(!d.trusted);
    let f = &d.findings[0];
    assert_eq!(
        (f.code, f.severity),
        (Code::MissingIntermediate, Severity::Error)
    );
    assert!(
        f.message.contains("trustpath Test Intermediate CA"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("http://pki.trustpath.test/intermediate.crt"),
        "{}",
        f.message
    );
    assert!(f.remediation.contains("as fullchain"), "{}", f.remediation);
    // The java reason is the finding's message without the AIA hint, naming the JDK rule that decided.
    assert_eq!(
        d.java.reason.as_deref(),
        Some(
            format!(
                "{} (JDK: SunCertPathBuilder: unable to find valid certification path to requested target)",
                f.message.split("; its AIA").next().unwrap()
            )
            .as_str()
        )
    );
    let browser = d.browser.reason.unwrap();
    assert!(
        browser.contains(
            "a browser would fetch it from the AIA URL http://pki.trustpath.test/intermediate.crt"
        ),
        "{browser}"
    );
}

#[test]
fn a_missing_intermediate_known_from_extra_certs_gives_a_complete_fullchain() {
    let good = scenario("good");
    let s = scenario("missing-intermediate");
    let d = run(&s, &[good.served[1].clone()], &Policy::default(), false);
    let fix = d.fix.expect("a fix");
    assert!(fix.fullchain_complete);
    assert_eq!(fix.fullchain, certs(&good.served));
    assert!(fix.import.is_empty());
    assert!(
        d.findings[0]
            .remediation
            .contains("a certificate with that subject is known")
    );
}

#[test]
fn a_served_root_the_store_lacks_is_offered_for_import_with_the_store_label() {
    let s = scenario("untrusted-root");
    let d = run(&s, &[], &Policy::default(), false);
    assert!(!d.trusted);
    let f = &d.findings[0];
    assert_eq!(f.code, Code::UntrustedRoot);
    assert!(
        f.remediation
            .contains("trustpath store import /srv/app/truststore.p12 CA.pem"),
        "{}",
        f.remediation
    );
    let fix = d.fix.expect("a fix");
    assert_eq!(fix.import, certs(&s.served[2..]));
    assert_eq!(fix.fullchain, certs(&s.served[..2]));
    assert!(fix.fullchain_complete);
}

#[test]
fn a_wrongly_ordered_chain_is_trusted_with_a_warning_and_a_fullchain_in_path_order() {
    let s = scenario("wrong-order");
    let d = run(&s, &[], &Policy::default(), false);
    assert!(d.trusted);
    assert_eq!(d.findings[0].code, Code::WrongOrder);
    assert_eq!(d.findings[0].severity, Severity::Warning);
    let fix = d.fix.expect("a fix");
    let served = certs(&s.served);
    assert_eq!(
        fix.fullchain,
        vec![served[0].clone(), served[2].clone(), served[1].clone()]
    );
}

#[test]
fn duplicates_extras_and_served_roots_do_not_stop_the_jvm() {
    for (name, code, severity) in [
        ("duplicate-cert", Code::DuplicateCert, Severity::Warning),
        ("extra-cert", Code::ExtraCert, Severity::Warning),
        ("served-root", Code::ServedRoot, Severity::Info),
    ] {
        let d = run(&scenario(name), &[], &Policy::default(), false);
        assert!(d.trusted, "{name}");
        let f = d.findings.iter().find(|f| f.code == code).unwrap();
        assert_eq!(f.severity, severity, "{name}");
        assert_eq!(d.fix.as_ref().unwrap().fullchain.len(), 2, "{name}");
    }
}

#[test]
fn certificates_expiring_within_the_warning_window_are_reported() {
    let policy = Policy {
        warn_days: 4000,
        ..Policy::default()
    };
    let d = run(&scenario("good"), &[], &policy, false);
    assert!(d.trusted);
    let soon: Vec<_> = d
        .findings
        .iter()
        .filter(|f| f.code == Code::ExpiresSoon)
        .collect();
    assert_eq!(soon.len(), 2, "{:?}", d.findings);
    assert!(soon[0].message.contains("2035-01-01"));
    assert!(
        run(&scenario("good"), &[], &Policy::default(), false)
            .findings
            .is_empty()
    );
}

#[test]
fn an_expired_anchor_is_a_warning_and_the_jvm_still_trusts_it() {
    let d = run(&scenario("expired-anchor"), &[], &Policy::default(), false);
    assert!(d.trusted);
    let f = d
        .findings
        .iter()
        .find(|f| f.code == Code::ExpiredAnchor)
        .unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("2021-01-01"));
}

#[test]
fn sha1_is_a_warning_under_a_private_root_and_an_error_under_a_jdk_bundled_root() {
    let s = scenario("sha1");
    let private = run(&s, &[], &Policy::default(), false);
    assert!(private.trusted);
    assert!(!private.browser.trusted);
    let f = private
        .findings
        .iter()
        .find(|f| f.code == Code::WeakSignature)
        .unwrap();
    assert_eq!(f.severity, Severity::Warning);
    let bundled = run(&s, &[], &Policy::default(), true);
    assert!(!bundled.trusted);
    assert_eq!(bundled.findings[0].code, Code::WeakSignature);
    assert_eq!(bundled.findings[0].severity, Severity::Error);
    assert!(
        bundled.findings[0]
            .message
            .contains("SHA1 jdkCA & usage TLSServer")
    );
}

#[test]
fn a_disabled_algorithms_value_from_java_security_is_applied() {
    let s = scenario("rsa-1024");
    assert!(run(&s, &[], &Policy::default(), false).trusted);
    let policy = Policy {
        java_disabled_algorithms: Some(
            "MD2, MD5, SHA1 jdkCA & usage TLSServer, \\\n    RSA keySize < 2048".into(),
        ),
        ..Policy::default()
    };
    let d = run(&s, &[], &policy, false);
    assert!(!d.trusted);
    assert_eq!(d.findings[0].code, Code::WeakKey);
    assert!(
        d.findings[0].message.contains("RSA keySize < 2048"),
        "{}",
        d.findings[0].message
    );
}

#[test]
fn cn_only_and_partial_wildcards_are_java_matches_but_browser_warnings() {
    for name in ["cn-only", "partial-wildcard", "inner-wildcard"] {
        let d = run(&scenario(name), &[], &Policy::default(), false);
        assert!(d.trusted, "{name}");
        assert!(!d.browser.trusted, "{name}");
        let f = d
            .findings
            .iter()
            .find(|f| f.code == Code::HostnameMismatch)
            .unwrap();
        assert_eq!(f.severity, Severity::Warning, "{name}");
    }
}

#[test]
fn a_hostname_mismatch_names_what_the_certificate_covers() {
    let d = run(
        &scenario("hostname-mismatch"),
        &[],
        &Policy::default(),
        false,
    );
    let f = &d.findings[0];
    assert_eq!(
        (f.code, f.severity),
        (Code::HostnameMismatch, Severity::Error)
    );
    assert!(f.message.contains("other.trustpath.test") && f.message.contains("www.trustpath.test"));
}

#[test]
fn the_browser_profile_trusts_a_clean_chain_and_refuses_what_the_web_pki_refuses() {
    assert!(
        run(&scenario("good"), &[], &Policy::default(), false)
            .browser
            .trusted
    );
    for name in ["rsa-1024", "sha1", "cn-only", "expired-anchor"] {
        let d = run(&scenario(name), &[], &Policy::default(), false);
        assert!(d.trusted, "{name}");
        if name != "expired-anchor" {
            assert!(!d.browser.trusted, "{name}");
        }
    }
}

#[test]
fn the_path_is_reported_leaf_first_ending_at_the_anchor() {
    let s = scenario("cross-signed");
    let d = run(&s, &[], &Policy::default(), false);
    assert!(d.trusted);
    let served = certs(&s.served);
    let path: Vec<&Certificate> = d.java.path.iter().map(|p| &p.cert).collect();
    assert_eq!(path[0], &served[0]);
    assert_eq!(path[1], &served[2]);
    assert!(matches!(
        d.java.path[2].source,
        trustpath::chain::PathSource::Anchor { .. }
    ));
}

#[test]
fn an_issuer_loop_ends_with_a_missing_intermediate() {
    let d = run(&scenario("issuer-loop"), &[], &Policy::default(), false);
    assert!(!d.trusted);
    assert!(codes(&d).contains(&Code::MissingIntermediate));
}

#[test]
fn nothing_served_is_an_invalid_chain() {
    let d = diagnose(
        &ChainInput::default(),
        &TrustAnchors::default(),
        &Policy::default(),
        NOW,
    );
    assert!(!d.trusted);
    assert_eq!(d.findings[0].code, Code::InvalidChain);
}

#[test]
fn every_chain_finding_code_is_shown_by_some_scenario() {
    let mut seen = std::collections::BTreeSet::new();
    for s in generate::scenarios() {
        seen.extend(
            run(
                &s,
                &[],
                &Policy {
                    warn_days: 4000,
                    ..Policy::default()
                },
                false,
            )
            .findings
            .iter()
            .map(|f| f.code),
        );
    }
    for code in [
        Code::UntrustedRoot,
        Code::MissingIntermediate,
        Code::WrongOrder,
        Code::ServedRoot,
        Code::ExtraCert,
        Code::DuplicateCert,
        Code::Expired,
        Code::NotYetValid,
        Code::ExpiresSoon,
        Code::HostnameMismatch,
        Code::SelfSigned,
        Code::WeakSignature,
        Code::WeakKey,
        Code::BadEku,
        Code::BadKeyUsage,
        Code::NotACa,
        Code::PathLenExceeded,
        Code::NameConstraintViolation,
        Code::BadSignature,
        Code::ExpiredAnchor,
    ] {
        assert!(seen.contains(&code), "no scenario shows {code}");
    }
}

#[test]
fn a_self_signed_leaf_is_refused_and_offered_for_import() {
    let s = scenario("self-signed");
    let d = run(&s, &[], &Policy::default(), false);
    assert!(!d.trusted);
    assert_eq!(d.findings[0].code, Code::SelfSigned);
    assert_eq!(d.findings[0].severity, Severity::Error);
    let fix = d.fix.expect("a fix");
    assert_eq!(fix.import, certs(&s.served));
}

#[test]
fn a_pinned_self_signed_leaf_is_trusted_with_notes() {
    let d = run(
        &scenario("pinned-expired-leaf"),
        &[],
        &Policy::default(),
        false,
    );
    assert!(d.trusted);
    assert!(!d.browser.trusted);
    let self_signed = d
        .findings
        .iter()
        .find(|f| f.code == Code::SelfSigned)
        .unwrap();
    assert_eq!(self_signed.severity, Severity::Info);
    let expired = d.findings.iter().find(|f| f.code == Code::Expired).unwrap();
    assert_eq!(expired.severity, Severity::Warning);
}

#[test]
fn garbage_and_truncated_certificates_are_findings_not_panics() {
    let good = scenario("good");
    let der = &good.served[0];
    for cut in [0, 1, 10, der.len() / 2, der.len() - 1] {
        let input = ChainInput {
            served: vec![
                Certificate::from_der_lazy(der[..cut].to_vec()),
                certs(&good.served[1..])[0].clone(),
            ],
            host: Some(generate::HOST.to_owned()),
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        };
        let anchors = TrustAnchors::new(good.anchors(STORE, false), Vec::new());
        let d = diagnose(&input, &anchors, &Policy::default(), NOW);
        assert!(!d.trusted);
        assert_eq!(d.findings[0].code, Code::InvalidChain, "cut {cut}");
        assert!(d.java.reason.is_some());
    }
}
