//! The report printers against golden files, on hand-built diagnoses at a fixed instant (so these goldens
//! do not move when the diagnosis logic changes), and the fixtures' generator.

use crate::support::{formats, golden};

use std::path::PathBuf;
use std::time::Duration;

use junit_parser::TestStatus;
use trustpath::chain::{Diagnosis, Fix, PathSource, PathStep, Profile, Verdict};
use trustpath::finding::{Code, Finding, Severity};
use trustpath::judge::{EndpointReport, Run};
use trustpath::jvm::{StoreOrigin, StoreSummary};
use trustpath::probe::{Handshake, TlsInfo};
use trustpath::report::Printer;

#[test]
fn fixtures_hold_the_documented_pki() {
    if std::env::var("UPDATE_FIXTURES").is_ok_and(|v| v == "1") {
        crate::support::certs::golden_fixtures();
    }
    let root = golden::cert("root.pem");
    let int = golden::cert("intermediate.pem");
    let leaf = golden::cert("leaf.pem");
    assert_eq!(
        root.info().subject,
        "O=trustpath tests, CN=Golden Test Root CA"
    );
    assert_eq!(int.info().issuer, root.info().subject);
    assert_eq!(leaf.info().issuer, int.info().subject);
    assert_eq!(leaf.info().dns_names, ["wiki.example.test", "localhost"]);
    assert_eq!(leaf.info().not_after, 2_398_377_600); // 2046-01-01
}

fn served(cert: &trustpath::cert::Certificate, index: usize) -> PathStep {
    PathStep {
        cert: cert.clone(),
        source: PathSource::Served { index },
    }
}

/// Three endpoints: trusted; missing its intermediate; refusing connections.
fn run() -> Run {
    let root = golden::cert("root.pem");
    let int = golden::cert("intermediate.pem");
    let leaf = golden::cert("leaf.pem");
    let tls = TlsInfo {
        handshake: Handshake::Complete,
        version: Some("TLSv1.3".into()),
        cipher_suite: Some("TLS_AES_128_GCM_SHA256".into()),
        key_exchange: Some("X25519MLKEM768".into()),
        alpn: Some("h2".into()),
        ocsp_stapled: false,
        retried_without_pq: false,
        starttls: None,
    };
    let anchor = PathStep {
        cert: root.clone(),
        source: PathSource::Anchor {
            store: "/opt/app/truststore.jks".into(),
            alias: "golden-root".into(),
        },
    };
    let good = Diagnosis {
        trusted: true,
        java: Verdict {
            profile: Profile::Java,
            trusted: true,
            path: vec![served(&leaf, 0), served(&int, 1), anchor.clone()],
            reason: None,
        },
        browser: Verdict {
            profile: Profile::Browser,
            trusted: false,
            path: vec![served(&leaf, 0), served(&int, 1)],
            reason: Some("no path to a Mozilla root: \"O=trustpath tests, CN=Golden Test Root CA\" is not one".into()),
        },
        findings: vec![],
        fix: None,
    };
    let missing = Finding::new(
        Code::MissingIntermediate,
        Severity::Error,
        "the server sent only its leaf; the issuer \"O=trustpath tests, CN=Golden Test Issuing CA\" was not served and no truststore holds it",
        "serve the fullchain: leaf, then \"Golden Test Issuing CA\" (nginx: ssl_certificate fullchain.pem)",
    )
    .at(0);
    let bad = Diagnosis {
        trusted: false,
        java: Verdict {
            profile: Profile::Java,
            trusted: false,
            path: vec![served(&leaf, 0)],
            reason: Some(
                "missing intermediate \"O=trustpath tests, CN=Golden Test Issuing CA\"".into(),
            ),
        },
        browser: Verdict {
            profile: Profile::Browser,
            trusted: false,
            path: vec![served(&leaf, 0)],
            reason: Some("missing intermediate".into()),
        },
        findings: vec![missing.clone()],
        fix: Some(Fix {
            fullchain: vec![leaf.clone(), int.clone()],
            fullchain_complete: true,
            import: vec![],
        }),
    };
    let refused = Finding::new(
        Code::ConnectFailed,
        Severity::Error,
        "cannot connect to 192.0.2.7:8091: Connection refused (os error 111)",
        "check that the service listens on this address and port and that no firewall blocks it",
    );
    Run {
        truststores: vec![StoreSummary {
            label: "/opt/app/truststore.jks".into(),
            format: "jks".into(),
            anchors: 1,
            origin: StoreOrigin::Option,
        }],
        jvm: Some(trustpath::jvm::JvmUsed {
            home: Some("/opt/atlassian/confluence/jre".into()),
            major: Some(17),
            version: trustpath::cert::jdk::JavaVersion::parse("17.0.21"),
            chosen_by: trustpath::jvm::JvmChosenBy::Named("--java-home".into()),
        }),
        endpoints: vec![
            EndpointReport {
                target: "https://wiki.example.test".into(),
                host: Some("wiki.example.test".into()),
                port: Some(443),
                sni: Some("wiki.example.test".into()),
                address: Some("192.0.2.7:443".parse().unwrap()),
                tls: Some(tls.clone()),
                chain: vec![leaf.clone(), int.clone()],
                diagnosis: Some(good),
                findings: vec![],
                written: vec![],
                elapsed: Some(Duration::from_millis(42)),
            },
            EndpointReport {
                target: "wiki.example.test:8443".into(),
                host: Some("wiki.example.test".into()),
                port: Some(8443),
                sni: Some("wiki.example.test".into()),
                address: Some("192.0.2.7:8443".parse().unwrap()),
                tls: Some(tls),
                chain: vec![leaf.clone()],
                diagnosis: Some(bad),
                findings: vec![missing],
                written: vec![PathBuf::from("fixes/wiki.example.test_8443-fullchain.pem")],
                elapsed: Some(Duration::from_millis(1250)),
            },
            EndpointReport {
                target: "collab.example.test:8091".into(),
                host: Some("collab.example.test".into()),
                port: Some(8091),
                sni: Some("collab.example.test".into()),
                address: Some("192.0.2.7:8091".parse().unwrap()),
                findings: vec![refused],
                elapsed: Some(Duration::from_micros(310)),
                ..EndpointReport::default()
            },
        ],
        now: golden::AT_UNIX,
    }
}

#[test]
fn the_human_report_of_three_endpoints_matches_its_golden() {
    let mut out = anstream::StripStream::new(Vec::new());
    Printer::human(&mut out).print_run(&run()).unwrap();
    golden::check(
        "report-three-endpoints.txt",
        &String::from_utf8(out.into_inner()).unwrap(),
    );
}

#[test]
fn the_human_report_is_styled_for_terminals_and_plain_once_stripped() {
    let mut raw = Vec::new();
    Printer::human(&mut raw).print_run(&run()).unwrap();
    let text = String::from_utf8(raw).unwrap();
    assert!(
        text.contains("\u{1b}[1m\u{1b}[32m✓") || text.contains("\u{1b}[32m"),
        "no colour in {text}"
    );
}

#[test]
fn the_json_report_of_three_endpoints_matches_its_golden() {
    let mut out = Vec::new();
    Printer::json(&mut out).print_run(&run()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["endpoints"][1]["findings"][0]["code"],
        "missing-intermediate"
    );
    assert_eq!(
        doc["endpoints"][0]["verdicts"]["java"]["path"][2]["source"],
        "anchor"
    );
    assert_eq!(doc["endpoints"][2]["chain"], serde_json::json!([]));
    golden::check("report-three-endpoints.json", &text);
}

#[test]
fn the_exit_code_is_zero_only_when_every_endpoint_is_trusted_without_errors() {
    let mut all = run();
    assert_eq!(all.exit_code(), 1);
    all.endpoints.truncate(1);
    assert_eq!(all.exit_code(), 0);
    all.endpoints[0]
        .findings
        .push(Finding::new(Code::LegacyTls, Severity::Error, "m", "r"));
    assert_eq!(all.exit_code(), 1);
}

#[test]
fn the_junit_report_of_three_endpoints_matches_its_golden_and_the_junit_schema() {
    let mut out = Vec::new();
    Printer::junit(&mut out).print_run(&run()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let report = formats::junit(&text);
    assert_eq!(report.suites.len(), 1);
    let suite = &report.suites[0];
    assert_eq!(suite.name, "trustpath probe");
    assert_eq!((suite.tests, suite.failures, suite.errors), (3, 2, 0));
    assert_eq!(suite.cases[0].original_name, "https://wiki.example.test");
    assert!(matches!(suite.cases[0].status, TestStatus::Success));
    assert!((suite.cases[0].time - 0.042).abs() < 1e-9);
    let TestStatus::Failure(missing) = &suite.cases[1].status else {
        panic!("the endpoint without its intermediate passed:\n{text}");
    };
    assert_eq!(missing.failure_type, "missing-intermediate");
    assert!(missing.text.contains("fix: serve the fullchain"), "{text}");
    let TestStatus::Failure(refused) = &suite.cases[2].status else {
        panic!("the refusing endpoint passed:\n{text}");
    };
    assert_eq!(refused.failure_type, "connect-failed");
    golden::check("report-three-endpoints.junit.xml", &text);
}

#[test]
fn the_openmetrics_report_of_three_endpoints_matches_its_golden_and_passes_promtool() {
    let mut out = Vec::new();
    Printer::openmetrics(&mut out).print_run(&run()).unwrap();
    let text = String::from_utf8(out).unwrap();
    formats::openmetrics(&text);
    for line in [
        "trustpath_endpoint_trusted{endpoint=\"https://wiki.example.test\",profile=\"java\"} 1",
        "trustpath_endpoint_trusted{endpoint=\"https://wiki.example.test\",profile=\"browser\"} 0",
        "trustpath_endpoint_trusted{endpoint=\"collab.example.test:8091\",profile=\"java\"} 0",
        "trustpath_chain_earliest_expiry_seconds{endpoint=\"wiki.example.test:8443\"} 2398377600",
        "trustpath_finding{endpoint=\"wiki.example.test:8443\",code=\"missing-intermediate\",severity=\"error\"} 1",
        "trustpath_probe_duration_seconds{endpoint=\"wiki.example.test:8443\"} 1.25",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line} in\n{text}");
    }
    golden::check("report-three-endpoints.prom", &text);
}

#[test]
fn quotes_backslashes_control_characters_and_repeated_targets_stay_well_formed() {
    let mut odd = run();
    odd.endpoints[2].target = "collab \"lab\" \\ <test> & co\n:8091".into();
    odd.endpoints[2].findings[0].message = "refused \u{1b}[31m<&>\"'".into();
    let repeated = odd.endpoints[0].clone();
    odd.endpoints.push(repeated);

    let mut out = Vec::new();
    Printer::openmetrics(&mut out).print_run(&odd).unwrap();
    let text = String::from_utf8(out).unwrap();
    formats::openmetrics(&text);
    assert!(
        text.contains(
            r#"trustpath_endpoint_ok{endpoint="collab \"lab\" \\ <test> & co\n:8091"} 0"#
        ),
        "{text}"
    );
    assert_eq!(
        text.matches("trustpath_endpoint_ok{endpoint=\"https://wiki.example.test\"}")
            .count(),
        1,
        "a repeated target is reported once:\n{text}"
    );

    let mut out = Vec::new();
    Printer::junit(&mut out).print_run(&odd).unwrap();
    let text = String::from_utf8(out).unwrap();
    let report = formats::junit(&text);
    let case = &report.suites[0].cases[2];
    assert_eq!(case.original_name, "collab \"lab\" \\ <test> & co :8091");
    let TestStatus::Failure(f) = &case.status else {
        panic!("{text}");
    };
    assert_eq!(f.message, "connect-failed: refused \u{FFFD}[31m<&>\"'");
    assert_eq!(report.suites[0].cases.len(), 4);
}

/// The lines of the table that starts at the header line containing `header_word` (its rows start with a
/// space, its rule with `─`).
pub fn table_lines<'a>(text: &'a str, header_word: &str) -> Vec<&'a str> {
    let start = text
        .lines()
        .position(|l| l.contains(header_word) && l.contains("expires"))
        .unwrap_or_else(|| panic!("no table in:\n{text}"));
    text.lines()
        .skip(start)
        .take_while(|l| l.starts_with([' ', '─']) && !l.trim().is_empty())
        .collect()
}

#[test]
fn the_summary_table_fits_an_80_column_terminal_and_stays_one_line_per_row_in_a_pipe() {
    let mut out = anstream::StripStream::new(Vec::new());
    Printer::Human(trustpath::report::Human::new(&mut out).width(Some(80)))
        .print_run(&run())
        .unwrap();
    let text = String::from_utf8(out.into_inner()).unwrap();
    golden::check("report-three-endpoints-80-columns.txt", &text);
    let narrow = table_lines(&text, "first problem");
    for line in &narrow {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    // Without a width (a pipe), the same table is wider than 80 columns, one line per endpoint.
    let mut out = anstream::StripStream::new(Vec::new());
    Printer::human(&mut out).print_run(&run()).unwrap();
    let text = String::from_utf8(out.into_inner()).unwrap();
    let wide = table_lines(&text, "first problem");
    assert_eq!(wide.len(), 2 + run().endpoints.len(), "{wide:#?}");
    assert!(wide.iter().any(|l| l.chars().count() > 80), "{wide:#?}");
}
