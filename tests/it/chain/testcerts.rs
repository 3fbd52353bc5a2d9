//! The committed scenario fixtures (`testcerts/scenarios/`) match their generator, and each scenario gets
//! the verdict and findings it exists to show, at a fixed instant.

use crate::support::certs::testcerts as generate;

use std::path::Path;

use trustpath::chain::{Policy, TrustAnchors, diagnose};

/// 2026-01-01T00:00:00Z: inside every fixture's 2025–2035 window.
const NOW: i64 = 1_767_225_600;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testcerts/scenarios")
}

#[test]
fn committed_fixtures_match_the_generator() {
    let update = std::env::var("UPDATE_TESTCERTS").is_ok_and(|v| v == "1");
    let mut drifted = Vec::new();
    for (rel, bytes) in generate::files() {
        let path = dir().join(&rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        match std::fs::read(&path) {
            Ok(committed) if committed == bytes => {}
            _ => drifted.push(rel),
        }
    }
    assert!(
        drifted.is_empty(),
        "fixtures drifted from tests/it/support/certs/testcerts.rs (regenerate with UPDATE_TESTCERTS=1 cargo test --test it chain::testcerts): {drifted:?}"
    );
}

#[test]
fn generating_twice_gives_identical_bytes() {
    // `scenarios()` is cached per test binary; a fresh run must give the same bytes.
    let cached = generate::scenarios();
    let fresh = generate::fresh_scenarios();
    assert_eq!(cached.len(), fresh.len());
    for (a, b) in cached.iter().zip(&fresh) {
        assert_eq!((a.name, &a.served, &a.trust), (b.name, &b.served, &b.trust));
    }
}

#[test]
fn every_scenario_gets_its_verdict_and_findings() {
    let mut failures = Vec::new();
    for s in generate::scenarios() {
        let anchors = TrustAnchors::new(s.anchors("truststore.p12", false), Vec::new());
        let d = diagnose(&s.input(), &anchors, &Policy::default(), NOW);
        let codes: Vec<&str> = d.findings.iter().map(|f| f.code.name()).collect();
        if d.trusted != s.java_trusted {
            failures.push(format!(
                "{}: trusted={} expected {} ({:?})",
                s.name, d.trusted, s.java_trusted, d.java.reason
            ));
        }
        for c in &s.codes {
            if !codes.contains(c) {
                failures.push(format!("{}: missing {c} in {codes:?}", s.name));
            }
        }
        if s.java_trusted && s.codes.is_empty() && !d.findings.is_empty() {
            failures.push(format!("{}: unexpected findings {:?}", s.name, d.findings));
        }
        if !d.trusted {
            let first = &d.findings[0];
            if first.severity != trustpath::finding::Severity::Error {
                failures.push(format!(
                    "{}: first finding is not an error: {first:?}",
                    s.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
