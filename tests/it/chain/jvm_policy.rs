//! Certificate policy processing judged by the real JVM: every NIST PKITS case of the policy sections
//! (4.8 certificate policies, 4.9 require explicit policy, 4.10 policy mappings, 4.11 inhibit policy
//! mapping, 4.12 inhibit anyPolicy) and every other PKITS case whose path carries policyConstraints,
//! policyMappings, inhibitAnyPolicy or a critical certificatePolicies extension is validated by each
//! installed JDK (17, and 25 when present) and by trustpath's java profile, and the two verdicts must be
//! equal.
//!
//! The JVM validates as a JSSE client's trust manager does — `sun.security.validator.Validator` of type
//! PKIX, variant TLS server, the trust anchor as its only trusted certificate, the JVM's default PKIX
//! settings (any initial policy, no explicit policy required, mapping and anyPolicy allowed, qualifiers in
//! critical policies rejected), at a fixed instant — not with PKITS's own initial settings: the question
//! is what an app server's JVM decides. A small Java program is compiled at test time and judges the whole
//! batch in one JVM per JDK.
//!
//! Each case is judged twice: served in chain order (the JVM validates it as served,
//! `PKIXCertPathValidator`) and as the end entity followed by the CAs root-first (the JVM builds the path,
//! `SunCertPathBuilder`); both run `PolicyChecker`.
//!
//! A second test does the same for chains generated here (rcgen, with policy extensions encoded by
//! `x509-cert` or, where the point is a malformed or BER encoding, written out byte by byte): the edges
//! of the JDK's `PolicyChecker` and of its extension parsers that PKITS does not reach.
//!
//! Each test prints `N/M agree` per JDK; `POLICY_DUMP=1` prints every verdict of both sides.

use crate::support::{self, certs};

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use rcgen::{BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa};
use serde_json::Value;
use trustpath::cert::Certificate;
use trustpath::chain::{Anchor, ChainInput, Policy, TrustAnchors, diagnose};
use x509_cert::der::asn1::{Ia5String, ObjectIdentifier};
use x509_cert::der::{Any, Encode};
use x509_cert::ext::pkix::certpolicy::{PolicyInformation, PolicyQualifierInfo};
use x509_cert::ext::pkix::{
    CertificatePolicies, InhibitAnyPolicy, PolicyConstraints, PolicyMapping, PolicyMappings,
};
use x509_parser::prelude::*;

/// Mid-2020: inside the 2010–2030 validity of every PKITS certificate.
const NOW: i64 = 1_590_969_600;

/// The judge: reads `id TAB millis TAB anchor,… TAB cert,…` lines (DER file paths) from the file named by
/// its argument and prints `id TAB TRUSTED` or `id TAB UNTRUSTED TAB reason` for each.
const JUDGE: &str = r#"
import java.io.*;
import java.nio.file.*;
import java.security.cert.*;
import java.util.*;
import sun.security.validator.Validator;

public class PolicyJudge {
    public static void main(String[] args) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (String line : Files.readAllLines(Paths.get(args[0]))) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t");
            String verdict;
            try {
                List<X509Certificate> anchors = new ArrayList<>();
                for (String p : f[2].split(",")) anchors.add(load(cf, p));
                String[] paths = f[3].split(",");
                X509Certificate[] chain = new X509Certificate[paths.length];
                for (int i = 0; i < paths.length; i++) chain[i] = load(cf, paths[i]);
                Validator v = Validator.getInstance(Validator.TYPE_PKIX, Validator.VAR_TLS_SERVER, anchors);
                v.setValidationDate(new Date(Long.parseLong(f[1])));
                v.validate(chain, null, Collections.emptyList(), null, "UNKNOWN");
                verdict = "TRUSTED";
            } catch (Exception e) {
                Throwable root = e;
                while (root.getCause() != null) root = root.getCause();
                verdict = "UNTRUSTED\t" + (e.getMessage() + " | " + root.getMessage()).replace('\n', ' ');
            }
            System.out.println(f[0] + "\t" + verdict);
        }
    }

    static X509Certificate load(CertificateFactory cf, String path) throws Exception {
        try (InputStream in = new FileInputStream(path)) {
            return (X509Certificate) cf.generateCertificate(in);
        }
    }
}
"#;

/// `$TRUSTPATH_CONFORMANCE_DIR`, else `../shared/conformance` from the crate root (or one level further
/// up, for a nested worktree).
fn data_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var_os("TRUSTPATH_CONFORMANCE_DIR").map(PathBuf::from),
        Some(root.join("../shared/conformance")),
        Some(root.join("../../shared/conformance")),
    ]
    .into_iter()
    .flatten()
    .find(|d| d.join("pkits/pkits_testcases.json").is_file())
}

/// One chain to judge.
struct Case {
    id: String,
    anchor: PathBuf,
    served: Vec<PathBuf>,
}

const POLICY_SECTIONS: &[&str] = &[
    "PkitsTest08CertificatePolicies",
    "PkitsTest09RequireExplicitPolicy",
    "PkitsTest10PolicyMappings",
    "PkitsTest11InhibitPolicyMapping",
    "PkitsTest12InhibitAnyPolicy",
];

/// Whether a certificate carries a policy extension that can change a verdict under the JVM's default
/// settings: policyConstraints, policyMappings, inhibitAnyPolicy, or a critical certificatePolicies.
fn carries_policy_rules(der: &[u8]) -> bool {
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return false;
    };
    cert.extensions().iter().any(|e| {
        let oid = e.oid.to_id_string();
        matches!(oid.as_str(), "2.5.29.33" | "2.5.29.36" | "2.5.29.54")
            || (oid == "2.5.29.32" && e.critical)
    })
}

/// The PKITS cases involving policies, each in both serving orders.
fn cases(dir: &Path) -> Vec<Case> {
    let base = dir.join("pkits");
    let text = std::fs::read_to_string(base.join("pkits_testcases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for case in doc["tests"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let files: Vec<PathBuf> = case["certs_root_first"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                base.join("certs")
                    .join(format!("{}.crt", n.as_str().unwrap()))
            })
            .collect();
        let in_section = POLICY_SECTIONS.contains(&case["suite"].as_str().unwrap());
        let has_rules = files
            .iter()
            .any(|f| carries_policy_rules(&std::fs::read(f).unwrap()));
        if !in_section && !has_rules {
            continue;
        }
        let (root, rest) = files.split_first().unwrap();
        let Some((ee, cas)) = rest.split_last() else {
            continue;
        };
        let mut chain = vec![ee.clone()];
        chain.extend(cas.iter().rev().cloned());
        let mut unordered = vec![ee.clone()];
        unordered.extend(cas.iter().cloned());
        let same = chain == unordered;
        out.push(Case {
            id: format!("{name}/chain-order"),
            anchor: root.clone(),
            served: chain,
        });
        if !same {
            out.push(Case {
                id: format!("{name}/root-first"),
                anchor: root.clone(),
                served: unordered,
            });
        }
    }
    out
}

/// Compiles the judge once into `dir`.
fn compile_judge(dir: &Path) {
    let src = dir.join("PolicyJudge.java");
    std::fs::write(&src, JUDGE).unwrap();
    support::run_ok(
        Command::new("javac")
            .args([
                "--add-exports",
                "java.base/sun.security.validator=ALL-UNNAMED",
            ])
            .arg("-nowarn")
            .arg("-d")
            .arg(dir)
            .arg(&src),
    );
}

/// Runs the judge of the JDK at `home` over `cases`: the JVM's verdict and reason per case id.
fn jvm_verdicts(
    home: &Path,
    classes: &Path,
    cases: &[Case],
    now: i64,
) -> std::collections::HashMap<String, (bool, String)> {
    let manifest = classes.join(format!(
        "cases-{}-{}.tsv",
        home.file_name().unwrap().to_string_lossy(),
        cases.len()
    ));
    let mut text = String::new();
    for c in cases {
        let served: Vec<String> = c.served.iter().map(|p| p.display().to_string()).collect();
        writeln!(
            text,
            "{}\t{}\t{}\t{}",
            c.id,
            now * 1000,
            c.anchor.display(),
            served.join(",")
        )
        .unwrap();
    }
    std::fs::write(&manifest, text).unwrap();
    let out = support::run_ok(
        Command::new(home.join("bin/java"))
            .args([
                "--add-exports",
                "java.base/sun.security.validator=ALL-UNNAMED",
            ])
            .arg("-cp")
            .arg(classes)
            .arg("PolicyJudge")
            .arg(&manifest),
    );
    out.lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            let id = f.next()?.to_owned();
            let trusted = f.next()? == "TRUSTED";
            Some((id, (trusted, f.next().unwrap_or_default().to_owned())))
        })
        .collect()
}

/// The `jdk.certpath.disabledAlgorithms` value of a JDK's `java.security` (continuation lines joined).
fn disabled_algorithms(home: &Path) -> Option<String> {
    let text = std::fs::read_to_string(home.join("conf/security/java.security")).ok()?;
    let joined = text.replace("\\\n", " ");
    joined
        .lines()
        .find_map(|l| l.strip_prefix("jdk.certpath.disabledAlgorithms="))
        .map(str::to_owned)
}

/// Judges `cases` with every JDK and with trustpath at `now`; prints `N/M agree` per JDK and returns the
/// disagreements.
fn compare(
    jdks: &[(u32, PathBuf)],
    classes: &Path,
    cases: &[Case],
    what: &str,
    now: i64,
) -> Vec<String> {
    let mut disagreements = Vec::new();
    for (major, home) in jdks {
        let jvm = jvm_verdicts(home, classes, cases, now);
        let policy = Policy {
            java_disabled_algorithms: disabled_algorithms(home),
            java_version: Some(support::java_version(home)),
            ..Policy::default()
        };
        let mut agree = 0;
        for case in cases {
            let (jvm_trusted, jvm_reason) = jvm
                .get(&case.id)
                .unwrap_or_else(|| panic!("the JVM gave no verdict for {}", case.id));
            let (trusted, reason) = ours(case, &policy, now);
            if std::env::var("POLICY_DUMP").is_ok_and(|v| v == "1") {
                println!(
                    "JDK {major} {}: JVM {jvm_trusted} {jvm_reason}; trustpath {trusted} {}",
                    case.id,
                    reason.as_deref().unwrap_or("-")
                );
            }
            if trusted == *jvm_trusted {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "JDK {major} {}: JVM {} ({jvm_reason}), trustpath {} ({})",
                    case.id,
                    if *jvm_trusted { "trusted" } else { "untrusted" },
                    if trusted { "trusted" } else { "untrusted" },
                    reason.as_deref().unwrap_or("-")
                ));
            }
        }
        println!("{what}, JDK {major}: {agree}/{} agree", cases.len());
    }
    disagreements
}

/// trustpath's java verdict and reason for one case.
fn ours(case: &Case, policy: &Policy, now: i64) -> (bool, Option<String>) {
    let load = |p: &PathBuf| Certificate::from_der(std::fs::read(p).unwrap()).unwrap();
    let anchor = Anchor {
        cert: load(&case.anchor),
        store: "pkits".into(),
        alias: "anchor".into(),
        jdk_bundled: false,
    };
    let anchors = TrustAnchors::new(vec![anchor], Vec::new());
    let input = ChainInput {
        served: case.served.iter().map(load).collect(),
        host: None,
        extra: Vec::new(),
        tls_version: None,
        fetched: Vec::new(),
    };
    let d = diagnose(&input, &anchors, policy, now);
    (d.java.trusted, d.java.reason)
}

/// The JDKs to judge with, after checking the tools: `None` (skipped) when java or javac is missing.
/// Under `TRUSTPATH_REQUIRE_TOOLS=1` JDK 17 must be there; a newer JDK is judged when installed.
fn judges() -> Option<Vec<(u32, PathBuf)>> {
    if !support::have_tool("java") || !support::have_tool("javac") {
        return None;
    }
    let jdks = support::jdks();
    let majors: BTreeSet<u32> = jdks.iter().map(|(m, _)| *m).collect();
    if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        assert!(
            majors.contains(&17),
            "JDK 17 is required (TRUSTPATH_REQUIRE_TOOLS=1); found {majors:?}"
        );
    }
    if !majors.iter().any(|&m| m >= 25) {
        eprintln!("SKIPPED: no JDK 25 or newer under /usr/lib/jvm; judging with {majors:?} only");
    }
    Some(jdks)
}

#[test]
fn the_java_verdict_on_pkits_policy_cases_equals_the_jvms() {
    let Some(dir) = data_dir() else {
        if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
            panic!("the PKITS data is required (TRUSTPATH_REQUIRE_TOOLS=1) but was not found");
        }
        eprintln!("SKIPPED: ../shared/conformance/pkits not found");
        return;
    };
    let Some(jdks) = judges() else { return };
    let cases = cases(&dir);
    assert!(
        cases.len() >= 100,
        "only {} PKITS policy cases found",
        cases.len()
    );
    let classes = tempfile::tempdir().unwrap();
    compile_judge(classes.path());
    let disagreements = compare(&jdks, classes.path(), &cases, "PKITS policy cases", NOW);
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// 2026-01-01T00:00:00Z, inside the generated certificates' validity.
const GENERATED_NOW: i64 = 1_767_225_600;
const P1: &str = "1.3.6.1.4.1.55555.1";
const P2: &str = "1.3.6.1.4.1.55555.2";
const ANY: &str = "2.5.29.32.0";
const CPS: &str = "1.3.6.1.5.5.7.2.1";

fn ext(arc: &[u64], critical: bool, der: Vec<u8>) -> CustomExtension {
    let mut e = CustomExtension::from_oid_content(arc, der);
    e.set_criticality(critical);
    e
}

/// certificatePolicies; each policy optionally qualified by a qualifier OID with a CPS URI value.
fn policies(critical: bool, list: &[(&str, Option<&str>)]) -> CustomExtension {
    let infos = list
        .iter()
        .map(|(p, q)| PolicyInformation {
            policy_identifier: ObjectIdentifier::new_unwrap(p),
            policy_qualifiers: q.map(|q| {
                vec![PolicyQualifierInfo {
                    policy_qualifier_id: ObjectIdentifier::new_unwrap(q),
                    qualifier: Some(
                        Any::encode_from(&Ia5String::new("https://cps.example.test").unwrap())
                            .unwrap(),
                    ),
                }]
            }),
        })
        .collect();
    ext(
        &[2, 5, 29, 32],
        critical,
        CertificatePolicies(infos).to_der().unwrap(),
    )
}

fn cp(list: &[&str]) -> CustomExtension {
    let list: Vec<(&str, Option<&str>)> = list.iter().map(|p| (*p, None)).collect();
    policies(false, &list)
}

fn mappings(pairs: &[(&str, &str)]) -> CustomExtension {
    let maps = pairs
        .iter()
        .map(|(i, s)| PolicyMapping {
            issuer_domain_policy: ObjectIdentifier::new_unwrap(i),
            subject_domain_policy: ObjectIdentifier::new_unwrap(s),
        })
        .collect();
    ext(
        &[2, 5, 29, 33],
        true,
        PolicyMappings(maps).to_der().unwrap(),
    )
}

fn constraints(require: Option<u32>, inhibit: Option<u32>) -> CustomExtension {
    let pc = PolicyConstraints {
        require_explicit_policy: require,
        inhibit_policy_mapping: inhibit,
    };
    ext(&[2, 5, 29, 36], true, pc.to_der().unwrap())
}

fn inhibit_any(skip: u32, critical: bool) -> CustomExtension {
    ext(
        &[2, 5, 29, 54],
        critical,
        InhibitAnyPolicy(skip).to_der().unwrap(),
    )
}

/// One certificate of a generated chain: its subject CN and extensions.
struct Level {
    cn: &'static str,
    exts: Vec<CustomExtension>,
}

fn level(cn: &'static str, exts: Vec<CustomExtension>) -> Level {
    Level { cn, exts }
}

fn params(l: &Level, ca: bool) -> CertificateParams {
    let mut p = CertificateParams::new(vec!["www.example.test".to_owned()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, l.cn);
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    if ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    p.custom_extensions = l.exts.clone();
    p
}

/// Writes the chain `levels` (root first, the leaf last) into `dir` and returns it as a case: the root
/// is the anchor, the rest is served leaf first.
fn generated(dir: &Path, id: &str, levels: &[Level]) -> Case {
    let last = levels.len() - 1;
    let mut files = Vec::new();
    let mut issuer: Option<certs::Issued> = None;
    for (i, l) in levels.iter().enumerate() {
        let p = params(l, i < last);
        let issued = match &issuer {
            None => certs::self_signed(p, certs::EC),
            Some(issuer) => certs::signed_by(p, certs::EC, issuer),
        };
        let file = dir.join(format!("{id}-{i}.der"));
        std::fs::write(&file, issued.der()).unwrap();
        files.push(file);
        issuer = Some(issued);
    }
    let anchor = files.remove(0);
    files.reverse();
    Case {
        id: id.to_owned(),
        anchor,
        served: files,
    }
}

/// Chains at the edges of the JDK's policy processing and parsers, each named for what it probes.
fn edge_cases(dir: &Path) -> Vec<Case> {
    let root = || level("Policy Root", vec![]);
    let leaf = |exts| level("leaf", exts);
    let scenarios: Vec<(&str, Vec<Level>)> = vec![
        (
            "ordinary-policies",
            vec![root(), level("CA", vec![cp(&[ANY])]), leaf(vec![cp(&[P1])])],
        ),
        (
            "explicit-leaf-without-policies",
            vec![
                root(),
                level("CA", vec![cp(&[P1]), constraints(Some(0), None)]),
                leaf(vec![]),
            ],
        ),
        (
            "explicit-leaf-with-other-policy",
            vec![
                root(),
                level("CA", vec![cp(&[P1]), constraints(Some(0), None)]),
                leaf(vec![cp(&[P2])]),
            ],
        ),
        (
            "explicit-skip-2",
            vec![
                root(),
                level("CA 1", vec![cp(&[P1]), constraints(Some(2), None)]),
                level("CA 2", vec![cp(&[P1])]),
                leaf(vec![]),
            ],
        ),
        (
            "explicit-skip-3",
            vec![
                root(),
                level("CA 1", vec![cp(&[P1]), constraints(Some(3), None)]),
                level("CA 2", vec![cp(&[P1])]),
                leaf(vec![]),
            ],
        ),
        (
            "explicit-required-by-the-leaf-itself",
            vec![
                root(),
                level("CA", vec![cp(&[P1])]),
                leaf(vec![constraints(Some(0), None)]),
            ],
        ),
        (
            "anchor-constraints-ignored",
            vec![
                level(
                    "Policy Root",
                    vec![constraints(Some(0), Some(0)), inhibit_any(0, true)],
                ),
                level("CA", vec![]),
                leaf(vec![]),
            ],
        ),
        (
            "mapping-carries-policy",
            vec![
                root(),
                level("CA 1", vec![cp(&[P1]), constraints(Some(0), None)]),
                level("CA 2", vec![cp(&[P1]), mappings(&[(P1, P2)])]),
                leaf(vec![cp(&[P2])]),
            ],
        ),
        (
            "mapping-inhibited-0",
            vec![
                root(),
                level("CA 1", vec![cp(&[P1]), constraints(Some(0), Some(0))]),
                level("CA 2", vec![cp(&[P1]), mappings(&[(P1, P2)])]),
                leaf(vec![cp(&[P2])]),
            ],
        ),
        (
            "mapping-inhibited-1",
            vec![
                root(),
                level("CA 1", vec![cp(&[P1]), constraints(Some(0), Some(1))]),
                level("CA 2", vec![cp(&[P1]), mappings(&[(P1, P2)])]),
                leaf(vec![cp(&[P2])]),
            ],
        ),
        (
            "mapping-from-any-policy",
            vec![
                root(),
                level("CA 1", vec![cp(&[ANY])]),
                level("CA 2", vec![cp(&[ANY]), mappings(&[(P1, P2)])]),
                leaf(vec![cp(&[P2]), constraints(Some(0), None)]),
            ],
        ),
        (
            "any-policy-mapped-tree-not-empty",
            vec![
                root(),
                level("CA 1", vec![cp(&[P1])]),
                level("CA 2", vec![cp(&[P1]), mappings(&[(ANY, P2)])]),
                leaf(vec![cp(&[P2])]),
            ],
        ),
        (
            "any-policy-mapped-tree-empty",
            vec![
                root(),
                level("CA 1", vec![]),
                level("CA 2", vec![cp(&[P1]), mappings(&[(P1, ANY)])]),
                leaf(vec![]),
            ],
        ),
        (
            "any-policy-mapped-in-the-leaf",
            vec![
                root(),
                level("CA", vec![cp(&[P1])]),
                leaf(vec![cp(&[P1]), mappings(&[(ANY, P2)])]),
            ],
        ),
        (
            "inhibit-any-critical",
            vec![
                root(),
                level(
                    "CA 1",
                    vec![cp(&[ANY]), constraints(Some(0), None), inhibit_any(0, true)],
                ),
                level("CA 2", vec![cp(&[ANY])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "inhibit-any-not-critical",
            vec![
                root(),
                level(
                    "CA 1",
                    vec![
                        cp(&[ANY]),
                        constraints(Some(0), None),
                        inhibit_any(0, false),
                    ],
                ),
                level("CA 2", vec![cp(&[ANY])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "inhibit-any-minus-one",
            vec![
                root(),
                level(
                    "CA 1",
                    vec![
                        cp(&[ANY]),
                        constraints(Some(0), None),
                        ext(&[2, 5, 29, 54], true, vec![0x02, 0x01, 0xff]),
                    ],
                ),
                level("CA 2", vec![cp(&[ANY])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "inhibit-any-minus-two",
            vec![
                root(),
                level(
                    "CA",
                    vec![
                        cp(&[ANY]),
                        ext(&[2, 5, 29, 54], true, vec![0x02, 0x01, 0xfe]),
                    ],
                ),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "self-issued-ca-keeps-any-policy",
            vec![
                root(),
                level(
                    "CA",
                    vec![cp(&[ANY]), constraints(Some(0), None), inhibit_any(0, true)],
                ),
                level("CA", vec![cp(&[ANY])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "critical-qualifier-cps",
            vec![
                root(),
                level("CA", vec![policies(true, &[(P1, Some(CPS))])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "critical-qualifier-unknown",
            vec![
                root(),
                level("CA", vec![policies(true, &[(P1, Some("1.2.3.4"))])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "critical-qualifier-on-any-policy",
            vec![
                root(),
                level("CA", vec![policies(true, &[(ANY, Some(CPS))])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "critical-qualifier-after-empty-tree",
            vec![
                root(),
                level("CA 1", vec![]),
                level("CA 2", vec![policies(true, &[(P1, Some(CPS))])]),
                leaf(vec![]),
            ],
        ),
        (
            "noncritical-qualifier",
            vec![
                root(),
                level("CA", vec![policies(false, &[(P1, Some(CPS))])]),
                leaf(vec![cp(&[P1])]),
            ],
        ),
        (
            "malformed-policies-not-critical",
            vec![
                root(),
                level(
                    "CA",
                    vec![ext(&[2, 5, 29, 32], false, vec![0x30, 0x02, 0x30, 0x00])],
                ),
                leaf(vec![]),
            ],
        ),
        (
            "malformed-policies-critical",
            vec![
                root(),
                level(
                    "CA",
                    vec![ext(&[2, 5, 29, 32], true, vec![0x30, 0x02, 0x30, 0x00])],
                ),
                leaf(vec![]),
            ],
        ),
        (
            "policies-empty-sequence",
            vec![
                root(),
                level("CA", vec![cp(&[P1]), constraints(Some(0), None)]),
                leaf(vec![ext(&[2, 5, 29, 32], false, vec![0x30, 0x00])]),
            ],
        ),
        (
            "policies-listed-twice",
            vec![
                root(),
                level("CA", vec![cp(&[P1, P1]), constraints(Some(0), None)]),
                leaf(vec![cp(&[P1, P1])]),
            ],
        ),
        (
            "constraints-ber-length",
            vec![
                root(),
                level(
                    "CA",
                    vec![
                        cp(&[P1]),
                        ext(
                            &[2, 5, 29, 36],
                            true,
                            vec![0x30, 0x81, 0x03, 0x80, 0x01, 0x00],
                        ),
                    ],
                ),
                leaf(vec![]),
            ],
        ),
        (
            "constraints-inhibit-before-require",
            vec![
                root(),
                level(
                    "CA",
                    vec![
                        cp(&[P1]),
                        ext(
                            &[2, 5, 29, 36],
                            true,
                            vec![0x30, 0x06, 0x81, 0x01, 0x05, 0x80, 0x01, 0x00],
                        ),
                    ],
                ),
                leaf(vec![]),
            ],
        ),
        (
            "constraints-negative-require",
            vec![
                root(),
                level(
                    "CA",
                    vec![
                        cp(&[P1]),
                        ext(&[2, 5, 29, 36], true, vec![0x30, 0x03, 0x80, 0x01, 0xfe]),
                    ],
                ),
                leaf(vec![]),
            ],
        ),
        (
            "constraints-empty",
            vec![
                root(),
                level("CA", vec![ext(&[2, 5, 29, 36], true, vec![0x30, 0x00])]),
                leaf(vec![]),
            ],
        ),
        (
            "constraints-duplicate-field",
            vec![
                root(),
                level(
                    "CA",
                    vec![ext(
                        &[2, 5, 29, 36],
                        true,
                        vec![0x30, 0x06, 0x80, 0x01, 0x00, 0x80, 0x01, 0x00],
                    )],
                ),
                leaf(vec![]),
            ],
        ),
        (
            "mappings-empty-sequence",
            vec![
                root(),
                level("CA 1", vec![cp(&[P1])]),
                level(
                    "CA 2",
                    vec![cp(&[P1]), ext(&[2, 5, 29, 33], true, vec![0x30, 0x00])],
                ),
                leaf(vec![cp(&[P1])]),
            ],
        ),
    ];
    scenarios
        .into_iter()
        .map(|(id, levels)| generated(dir, id, &levels))
        .collect()
}

#[test]
fn the_java_verdict_on_policy_edge_cases_equals_the_jvms() {
    let Some(jdks) = judges() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cases = edge_cases(dir.path());
    compile_judge(dir.path());
    let disagreements = compare(
        &jdks,
        dir.path(),
        &cases,
        "generated policy edge cases",
        GENERATED_NOW,
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
