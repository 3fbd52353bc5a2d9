//! The JDK's X.509 parser is the judge of trustpath's model of it (`trustpath::cert::jdk`): a corpus of
//! crafted certificates (`tests/it/cert/jdk_parse/corpus.rs`, most malformed in one way), every certificate of
//! `../shared/conformance` and every fixture of `testcerts/` go to a small Java program
//! (`tests/it/support/JdkParse.java`, compiled at test time, one JVM per batch) that calls
//! `CertificateFactory.getInstance("X.509").generateCertificate` on each, with JDK 17 and with every newer
//! JDK installed. The model for that JDK must reach the same outcome, and when both refuse, the JDK's
//! message must contain the model's reason.

mod corpus;

use crate::support;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use trustpath::cert::jdk::{self, Jdk};

/// The directory with the compiled `JdkParse` class (compiled once per test binary).
fn judge_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("trustpath-jdk-parse-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/JdkParse.java");
        support::run_ok(
            Command::new("javac")
                .args(["--release", "17", "-d"])
                .arg(&dir)
                .arg(&src),
        );
        dir
    })
}

/// What one JVM says about each certificate: `Ok(())` or `Err(message)`.
fn jvm_judge(home: &Path, certs: &[Vec<u8>]) -> Vec<Result<(), String>> {
    let mut child = Command::new(home.join("bin/java"))
        .arg("-cp")
        .arg(judge_dir())
        .arg("JdkParse")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run java");
    let mut input = Vec::new();
    for c in certs {
        input.extend((c.len() as u32).to_be_bytes());
        input.extend(c);
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("java output");
    writer.join().expect("writer").expect("write to java");
    assert!(
        out.status.success(),
        "JdkParse failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<Result<(), String>> = text
        .lines()
        .map(|l| match l.strip_prefix("ERR ") {
            Some(m) => Err(m.to_owned()),
            None => Ok(()),
        })
        .collect();
    assert_eq!(lines.len(), certs.len(), "one verdict per certificate");
    lines
}

/// The certificates of `../shared/conformance` (PEM blocks in any file, JSON strings included, and DER
/// `.crt` files), deduplicated.
fn conformance_certs() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(dir) = [
        std::env::var_os("TRUSTPATH_CONFORMANCE_DIR").map(PathBuf::from),
        Some(root.join("../shared/conformance")),
        Some(root.join("../../shared/conformance")),
    ]
    .into_iter()
    .flatten()
    .find(|d| d.is_dir()) else {
        eprintln!(
            "SKIPPED: no ../shared/conformance: only the crafted corpus and testcerts are judged"
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    collect(&dir, &dir, &mut out);
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let label = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if path
            .extension()
            .is_some_and(|e| e == "crt" || e == "der" || e == "cer")
            && bytes.first() == Some(&0x30)
        {
            out.push((label.clone(), bytes.clone()));
        }
        let text = String::from_utf8_lossy(&bytes);
        let text = if path.extension().is_some_and(|e| e == "json") {
            text.replace("\\n", "\n")
        } else {
            text.into_owned()
        };
        for (i, block) in pem::parse_many(text.as_bytes())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.tag() == "CERTIFICATE")
            .enumerate()
        {
            out.push((format!("{label}#{i}"), block.contents().to_vec()));
        }
    }
}

fn testcerts() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testcerts");
    collect(&root, &root, &mut out);
    out
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_parser_model_reaches_the_jvms_verdict_on_every_certificate() {
    if !support::have_tool("java") || !support::have_tool("javac") {
        return;
    }
    let mut cases: Vec<(String, Vec<u8>)> = corpus::cases();
    let crafted = cases.len();
    cases.extend(testcerts());
    cases.extend(conformance_certs());
    // Random damage to the crafted cases reaches corners no hand-written case does
    // (`TRUSTPATH_JDK_PARSE_MUTATIONS` mutations per case, default 8).
    let per_case = std::env::var("TRUSTPATH_JDK_PARSE_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    cases.extend(mutations(per_case));
    let mut seen = BTreeSet::new();
    cases.retain(|(_, der)| seen.insert(der.clone()));
    let certs: Vec<Vec<u8>> = cases.iter().map(|(_, d)| d.clone()).collect();

    let mut disagreements = Vec::new();
    let jdks = support::jdks();
    assert!(!jdks.is_empty(), "no JDK found");
    for (major, home) in &jdks {
        let model = Jdk::for_version(Some(support::java_version(home)));
        let jvm = jvm_judge(home, &certs);
        let (mut refused, mut accepted) = (0, 0);
        for ((name, der), theirs) in cases.iter().zip(&jvm) {
            let ours = jdk::parse(der, model);
            match (&ours, theirs) {
                (Ok(()), Ok(())) => accepted += 1,
                (Err(o), Err(t)) => {
                    refused += 1;
                    if !squash(t).contains(&squash(&o.reason)) {
                        disagreements.push(format!(
                            "JDK {major} {name}: both refuse, but the JDK says {t:?} and the model {:?} ({})",
                            o.reason, o.rule
                        ));
                    }
                }
                (Ok(()), Err(t)) => disagreements.push(format!(
                    "JDK {major} {name}: the JDK refuses ({t}), the model accepts"
                )),
                (Err(o), Ok(())) => disagreements.push(format!(
                    "JDK {major} {name}: the JDK accepts, the model refuses: {} ({})",
                    o.reason, o.rule
                )),
            }
        }
        println!(
            "JDK {major}: {} certificates ({crafted} crafted), {accepted} accepted, {refused} refused by both",
            cases.len()
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// `per_case` mutations of every corpus certificate (a bit flipped, a byte replaced or inserted, the
/// tail cut), from a fixed xorshift: the same mutations every run, named by case and index.
fn mutations(per_case: usize) -> Vec<(String, Vec<u8>)> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::new();
    for (name, der) in corpus::cases() {
        for i in 0..per_case {
            let mut m = der.clone();
            let p = (next() as usize) % m.len();
            match next() % 4 {
                0 => m[p] ^= 1 << (next() % 8),
                1 => m[p] = next() as u8,
                2 => m.insert(p, next() as u8),
                _ => m.truncate(p.max(1)),
            }
            out.push((format!("{name}~{i}"), m));
        }
    }
    out
}

#[test]
fn the_parser_model_never_panics_on_mutated_certificates() {
    let mut parsed = 0;
    for (name, m) in mutations(40) {
        {
            for jdk in Jdk::ALL {
                let r = std::panic::catch_unwind(|| jdk::parse(&m, jdk));
                assert!(r.is_ok(), "{name} panics for {jdk:?}: {m:02x?}");
                parsed += 1;
            }
        }
    }
    println!("{parsed} mutated certificates parsed without a panic");
}
