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

mod support;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use trustpath::cert::Certificate;
use trustpath::chain::{Anchor, ChainInput, Policy, TrustAnchors, diagnose};
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
) -> std::collections::HashMap<String, (bool, String)> {
    let manifest = classes.join(format!(
        "cases-{}.tsv",
        home.file_name().unwrap().to_string_lossy()
    ));
    let mut text = String::new();
    for c in cases {
        let served: Vec<String> = c.served.iter().map(|p| p.display().to_string()).collect();
        writeln!(
            text,
            "{}\t{}\t{}\t{}",
            c.id,
            NOW * 1000,
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

/// trustpath's java verdict and reason for one case.
fn ours(case: &Case, policy: &Policy) -> (bool, Option<String>) {
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
    };
    let d = diagnose(&input, &anchors, policy, NOW);
    (d.java.trusted, d.java.reason)
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
    if !support::have_tool("java") || !support::have_tool("javac") {
        return;
    }
    let jdks = support::jdks();
    let majors: BTreeSet<u32> = jdks.iter().map(|(m, _)| *m).collect();
    if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        assert!(
            majors.contains(&17) && majors.iter().any(|&m| m >= 25),
            "JDK 17 and JDK 25 are required (TRUSTPATH_REQUIRE_TOOLS=1); found {majors:?}"
        );
    }
    let cases = cases(&dir);
    assert!(
        cases.len() >= 100,
        "only {} PKITS policy cases found",
        cases.len()
    );
    let classes = tempfile::tempdir().unwrap();
    compile_judge(classes.path());

    let mut disagreements = Vec::new();
    for (major, home) in &jdks {
        let jvm = jvm_verdicts(home, classes.path(), &cases);
        let policy = Policy {
            java_disabled_algorithms: disabled_algorithms(home),
            java_major: Some(*major),
            ..Policy::default()
        };
        let mut agree = 0;
        for case in &cases {
            let (jvm_trusted, jvm_reason) = jvm
                .get(&case.id)
                .unwrap_or_else(|| panic!("the JVM gave no verdict for {}", case.id));
            let (trusted, reason) = ours(case, &policy);
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
        println!(
            "PKITS policy cases, JDK {major}: {agree}/{} agree",
            cases.len()
        );
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
