//! Conformance of the chain core against third-party path-validation vectors in
//! `../shared/conformance` (read in place, never copied): x509-limbo and BoringSSL's
//! verify_certificate_chain vectors with the browser profile (the Web PKI / RFC 5280 rules they assume),
//! and NIST PKITS (minus the CRL sections, and the policy cases that set PKITS's initial inputs) with the
//! java profile (the JDK's PKIX validator is an RFC 5280 implementation).
//!
//! Each suite prints `N/M agree` and how many cases it skipped (features the core does not model; a skip
//! is never a pass). Known disagreements live in `tests/conformance-exceptions.json`, one reviewed
//! line of reason each; the test fails when any other case disagrees, or when an exception starts to
//! agree (so the file stays honest). `CONFORMANCE_DUMP=1` prints every disagreement as JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use trustpath::cert::Certificate;
use trustpath::chain::{Anchor, ChainInput, Diagnosis, Policy, TrustAnchors, diagnose};

/// `$TRUSTPATH_CONFORMANCE_DIR`, else `../shared/conformance` from the crate root (also tried one level
/// further up, for a git worktree nested one level deeper than the main checkout).
fn data_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("TRUSTPATH_CONFORMANCE_DIR").map(PathBuf::from),
        Some(root.join("../shared/conformance")),
        Some(root.join("../../shared/conformance")),
    ];
    let found = candidates.into_iter().flatten().find(|d| d.is_dir());
    if found.is_none() {
        eprintln!(
            "SKIPPED: conformance data not found at {}",
            root.join("../shared/conformance").display()
        );
    }
    found
}

fn exceptions() -> BTreeMap<String, BTreeMap<String, String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-exceptions.json");
    let text = std::fs::read_to_string(path).expect("tests/conformance-exceptions.json");
    serde_json::from_str(&text).expect("exceptions file is a JSON object of objects")
}

fn anchor(cert: Certificate) -> Anchor {
    Anchor {
        cert,
        store: "conformance".into(),
        alias: "anchor".into(),
        jdk_bundled: false,
    }
}

fn pem_certs(text: &str) -> Vec<Certificate> {
    pem::parse_many(text)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .filter_map(|p| Certificate::from_der(p.contents().to_vec()).ok())
        .collect()
}

fn rfc3339(t: &str) -> i64 {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .expect("rfc3339 time")
        .unix_timestamp()
}

/// `YYMMDDHHMMSSZ` (UTCTime).
fn utc_time(t: &str) -> i64 {
    let n = |a: usize| t[a..a + 2].parse::<u8>().expect("digits");
    let year = 2000 + i32::from(n(0));
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(n(2)).unwrap(), n(4)).unwrap();
    date.with_hms(n(6), n(8), n(10))
        .unwrap()
        .assume_utc()
        .unix_timestamp()
}

/// One suite's outcome.
#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
    skipped: BTreeMap<String, usize>,
    unexpected: Vec<String>,
    stale: Vec<String>,
    dump: BTreeMap<String, String>,
}

impl Tally {
    fn skip(&mut self, why: &str) {
        *self.skipped.entry(why.to_owned()).or_default() += 1;
    }

    fn record(
        &mut self,
        id: &str,
        expected: bool,
        got: bool,
        reason: Option<&str>,
        known: &BTreeMap<String, String>,
    ) {
        self.total += 1;
        let agrees = expected == got;
        if agrees {
            self.agree += 1;
            if known.contains_key(id) {
                self.stale.push(id.to_owned());
            }
        } else {
            let line = format!(
                "expected {} got {}: {}",
                if expected { "valid" } else { "invalid" },
                if got { "valid" } else { "invalid" },
                reason.unwrap_or("-")
            );
            if !known.contains_key(id) {
                self.unexpected.push(format!("{id}: {line}"));
            }
            self.dump.insert(id.to_owned(), line);
        }
    }

    fn report(&self, suite: &str) -> Vec<String> {
        let skipped: usize = self.skipped.values().sum();
        println!(
            "{suite}: {}/{} agree ({} known exceptions), {skipped} skipped {:?}",
            self.agree,
            self.total,
            self.total - self.agree,
            self.skipped
        );
        if std::env::var("CONFORMANCE_DUMP").is_ok_and(|v| v == "1") {
            println!("{}", serde_json::to_string_pretty(&self.dump).unwrap());
        }
        let mut problems: Vec<String> = self
            .unexpected
            .iter()
            .map(|u| format!("{suite}: unexpected disagreement {u}"))
            .collect();
        problems.extend(
            self.stale
                .iter()
                .map(|s| format!("{suite}: exception {s} now agrees; remove it")),
        );
        problems
    }
}

fn verdict(d: &Diagnosis, browser: bool) -> (bool, Option<String>) {
    let v = if browser { &d.browser } else { &d.java };
    (v.trusted, v.reason.clone())
}

fn limbo(dir: &Path, known: &BTreeMap<String, String>) -> Tally {
    let mut t = Tally::default();
    let text =
        std::fs::read_to_string(dir.join("x509-limbo/limbo-2023-12-02-ddc40b4.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    for case in doc["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let features: Vec<&str> = case["features"]
            .as_array()
            .map(|f| f.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if features.contains(&"max-chain-depth") || !case["max_chain_depth"].is_null() {
            t.skip("max-chain-depth");
            continue;
        }
        if case["validation_kind"] != "SERVER" {
            t.skip("not server validation");
            continue;
        }
        if case["expected_peer_names"].is_array() || !case["signature_algorithms"].is_null() {
            t.skip("unmodelled option");
            continue;
        }
        let eku_ok = case["extended_key_usage"]
            .as_array()
            .is_none_or(|e| e.iter().all(|x| x == "serverAuth"));
        if !eku_ok {
            t.skip("non-server EKU");
            continue;
        }
        let ku_ok = case["key_usage"]
            .as_array()
            .is_none_or(|e| e.iter().all(|x| x == "digitalSignature"));
        if !ku_ok {
            t.skip("key usage option");
            continue;
        }
        let trusted: Vec<Certificate> = case["trusted_certs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| pem_certs(p.as_str().unwrap()))
            .collect();
        let mut served = pem_certs(case["peer_certificate"].as_str().unwrap());
        if served.is_empty() {
            t.record(
                id,
                case["expected_result"] == "SUCCESS",
                false,
                Some("leaf does not parse"),
                known,
            );
            continue;
        }
        served.extend(
            case["untrusted_intermediates"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| pem_certs(p.as_str().unwrap())),
        );
        let host = case["expected_peer_name"]["value"]
            .as_str()
            .map(str::to_owned);
        // limbo's default validation time is "now"; its certificates are valid from generation
        // (2023) for years, so a fixed instant after generation stands in for it.
        let now = case["validation_time"]
            .as_str()
            .map_or(rfc3339("2024-06-01T00:00:00Z"), rfc3339);
        let anchors = TrustAnchors::new(Vec::new(), trusted.into_iter().map(anchor).collect());
        let input = ChainInput {
            served,
            host,
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        };
        let d = diagnose(&input, &anchors, &Policy::default(), now);
        let (ok, reason) = verdict(&d, true);
        t.record(
            id,
            case["expected_result"] == "SUCCESS",
            ok,
            reason.as_deref(),
            known,
        );
    }
    t
}

fn boringssl(dir: &Path, known: &BTreeMap<String, String>) -> Tally {
    let mut t = Tally::default();
    let base = dir.join("boringssl-pki");
    let text = std::fs::read_to_string(base.join("verify_certificate_chain_tests.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    for case in cases {
        let id = case["file"].as_str().unwrap();
        let purpose = case["key_purpose"].as_str().unwrap();
        if purpose != "SERVER_AUTH" {
            t.skip(&format!("key_purpose {purpose}"));
            continue;
        }
        let trust = case["last_cert_trust"].as_str().unwrap();
        if trust != "TRUSTED_ANCHOR" {
            t.skip(&format!("last_cert_trust {trust}"));
            continue;
        }
        let folder = base
            .join("verify_certificate_chain_unittest")
            .join(Path::new(id).parent().unwrap());
        let chain_text =
            std::fs::read_to_string(folder.join(case["chain"].as_str().unwrap())).unwrap();
        let mut certs = pem_certs(&chain_text);
        let Some(root) = certs.pop() else {
            t.skip("no certificates");
            continue;
        };
        let now = match case["utc_time"].as_str().unwrap() {
            "DEFAULT" => utc_time("211005120000Z"),
            other => utc_time(other),
        };
        let anchors = TrustAnchors::new(Vec::new(), vec![anchor(root.clone())]);
        let expected = case["expect_valid"].as_bool().unwrap();
        if certs.is_empty() {
            t.skip("the target is the anchor");
            continue;
        }
        let input = ChainInput {
            served: certs,
            host: None,
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        };
        let d = diagnose(&input, &anchors, &Policy::default(), now);
        let (ok, reason) = verdict(&d, true);
        t.record(id, expected, ok, reason.as_deref(), known);
    }
    t
}

fn pkits(dir: &Path, known: &BTreeMap<String, String>) -> Tally {
    // Sections that need CRLs (4.4, 4.14, 4.15). The policy sections (4.8–4.12) run where PKITS sets
    // no initial inputs: its defaults are the JVM's (any policy, nothing inhibited, no explicit policy).
    const SKIP: &[&str] = &[
        "PkitsTest04BasicCertificateRevocationTests",
        "PkitsTest14DistributionPoints",
        "PkitsTest15DeltaCRLs",
    ];
    let mut t = Tally::default();
    let base = dir.join("pkits");
    let text = std::fs::read_to_string(base.join("pkits_testcases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    // Mid-2020: inside the 2010–2030 validity of every PKITS certificate.
    let now = rfc3339("2020-06-01T00:00:00Z");
    for case in doc["tests"].as_array().unwrap() {
        let id = case["name"].as_str().unwrap();
        let suite = case["suite"].as_str().unwrap();
        if SKIP.contains(&suite) {
            t.skip("CRL section");
            continue;
        }
        if !case["settings"].as_array().unwrap().is_empty() {
            t.skip("policy settings");
            continue;
        }
        let names: Vec<&str> = case["certs_root_first"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let load = |n: &str| {
            std::fs::read(base.join("certs").join(format!("{n}.crt")))
                .ok()
                .and_then(|d| Certificate::from_der(d).ok())
        };
        let certs: Option<Vec<Certificate>> = names.iter().map(|n| load(n)).collect();
        let Some(mut certs) = certs else {
            t.skip("certificate does not parse");
            continue;
        };
        // Served as the end entity followed by the CAs root-first: not a chained order, so the java
        // profile's path builder (SunCertPathBuilder's role) chooses the path, as PKITS intends; served
        // leaf-to-root the JVM would validate the listed order as is, and some PKITS cases list
        // certificates the valid path does not use.
        let root = certs.remove(0);
        if let Some(ee) = certs.pop() {
            certs.insert(0, ee);
        }
        let anchors = TrustAnchors::new(vec![anchor(root)], Vec::new());
        let input = ChainInput {
            served: certs,
            host: None,
            extra: Vec::new(),
            tls_version: None,
            fetched: Vec::new(),
        };
        let d = diagnose(&input, &anchors, &Policy::default(), now);
        let (ok, reason) = verdict(&d, false);
        t.record(
            id,
            case["should_validate"].as_bool().unwrap(),
            ok,
            reason.as_deref(),
            known,
        );
    }
    t
}

#[test]
fn conformance_suites_agree_except_for_reviewed_exceptions() {
    let Some(dir) = data_dir() else { return };
    let known = exceptions();
    let empty = BTreeMap::new();
    let mut problems = Vec::new();
    problems.extend(
        limbo(&dir, known.get("limbo").unwrap_or(&empty)).report("x509-limbo (browser profile)"),
    );
    problems.extend(
        boringssl(&dir, known.get("boringssl").unwrap_or(&empty))
            .report("boringssl verify_certificate_chain (browser profile)"),
    );
    problems.extend(
        pkits(&dir, known.get("pkits").unwrap_or(&empty))
            .report("pkits without CRL sections (java profile)"),
    );
    assert!(problems.is_empty(), "{problems:#?}");
}
