//! The JVM as the oracle of trustpath's verdicts: seeded random chains and every case of the conformance
//! suites in `../shared/conformance`, each judged by a real JVM (`tests/support/JvmJudge.java`: the
//! default trust manager's TLS-server validation at a set instant, with HTTPS endpoint identification; one
//! JVM per batch) and by trustpath's java profile given that JDK's policy (its `release` major and its
//! `jdk.certpath.disabledAlgorithms`, as `trustpath verify --java-home` builds them), for every installed
//! JDK (17 and a newer one). The tests require 100 % agreement and print every disagreement with what
//! reproduces it.
//!
//! - `TRUSTPATH_ORACLE_SEED` / `TRUSTPATH_ORACLE_COUNT`: seed and number of random cases (default
//!   [`DEFAULT_SEED`], [`DEFAULT_COUNT`]).
//! - `TRUSTPATH_ORACLE_DUMP=DIR`: each disagreeing case is written to `DIR/<id>-jdk<N>/` as PEM files, its
//!   truststore and the `trustpath verify` command line that re-judges it.
//! - `TRUSTPATH_ORACLE_REPORT=FILE`: every disagreement is also written to FILE as one JSON object a line.
//! - `TRUSTPATH_ORACLE_SHOW=N`: how many disagreements are printed in full (default 40; all go to the
//!   report file).

#[path = "../support/mod.rs"]
mod support;

mod case;
mod certs;
mod classify;
mod conformance;
mod der;
mod keys;
mod random;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use case::{Jdk, OracleCase, Ours};
use support::jvm_batch::{self, Verdict};

/// The CI seed.
pub const DEFAULT_SEED: u64 = 20_261_124;
/// Random cases per CI run.
pub const DEFAULT_COUNT: u64 = 500;

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

fn jdks() -> Vec<Jdk> {
    support::jdks()
        .iter()
        .map(|(_, home)| Jdk::new(home))
        .collect()
}

/// Both verdicts on one case for one JDK.
struct Judged {
    case: usize,
    jvm: Verdict,
    ours: Ours,
}

/// One JDK's run over a list of cases.
struct JdkRun {
    jdk: Jdk,
    judged: Vec<Judged>,
}

/// Writes every case's store, then judges all cases with each JDK: one JVM batch per JDK and trustpath,
/// each in its own thread.
fn run(cases: &[OracleCase], work: &Path, jdks: &[Jdk]) -> (Vec<JdkRun>, Vec<std::path::PathBuf>) {
    let stores_dir = work.join("stores");
    std::fs::create_dir_all(&stores_dir).expect("stores dir");
    let stores: Vec<_> = cases.iter().map(|c| c.write_store(&stores_dir)).collect();
    let jvm_cases: Vec<jvm_batch::Case> = cases
        .iter()
        .zip(&stores)
        .map(|(c, (path, kind))| c.for_jvm(path, *kind))
        .collect();
    let runs = std::thread::scope(|scope| {
        // Per JDK: one thread runs its JVM batch, another trustpath over the same cases.
        let handles: Vec<_> = jdks
            .iter()
            .map(|jdk| {
                let (jvm_cases, stores) = (&jvm_cases, &stores);
                let dir = work.join(format!("jdk{}", jdk.major));
                let jvm = scope.spawn(move || jvm_batch::judge(&jdk.home, jvm_cases, &dir));
                let ours = scope.spawn(move || {
                    cases
                        .iter()
                        .zip(stores)
                        .map(|(c, (path, _))| c.ours(path, jdk))
                        .collect::<Vec<Ours>>()
                });
                (jdk, jvm, ours)
            })
            .collect();
        handles
            .into_iter()
            .map(|(jdk, jvm, ours)| {
                let batch = jvm.join().expect("judge thread");
                println!("JDK {} judge calibration: {}", jdk.major, batch.calibration);
                let judged = ours
                    .join()
                    .expect("trustpath thread")
                    .into_iter()
                    .enumerate()
                    .map(|(i, ours)| Judged {
                        case: i,
                        jvm: batch.verdicts[&cases[i].id].clone(),
                        ours,
                    })
                    .collect();
                JdkRun {
                    jdk: jdk.clone(),
                    judged,
                }
            })
            .collect()
    });
    (runs, stores.into_iter().map(|(p, _)| p).collect())
}

/// Prints `suite: N/M agree with JDK x` per JDK and the disagreements; returns their one-line summaries.
fn report(
    suite: &str,
    from_suite: bool,
    cases: &[OracleCase],
    runs: &[JdkRun],
    stores: &[std::path::PathBuf],
) -> Vec<String> {
    let show: usize = env_u64("TRUSTPATH_ORACLE_SHOW", 40) as usize;
    let dump = std::env::var_os("TRUSTPATH_ORACLE_DUMP").map(std::path::PathBuf::from);
    let mut report_file = std::env::var_os("TRUSTPATH_ORACLE_REPORT").map(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .expect("TRUSTPATH_ORACLE_REPORT file")
    });
    let mut summaries = Vec::new();
    let mut shown = 0;
    for run in runs {
        let total = run.judged.len();
        let bad: Vec<&Judged> = run
            .judged
            .iter()
            .filter(|j| j.jvm.trusted() != j.ours.trusted)
            .collect();
        println!(
            "{suite}: {}/{total} agree with JDK {}",
            total - bad.len(),
            run.jdk.major
        );
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_class: BTreeMap<Option<usize>, usize> = BTreeMap::new();
        for j in &bad {
            let c = &cases[j.case];
            let kind = if j.jvm.trusted() {
                "JVM trusts, trustpath does not"
            } else {
                "trustpath trusts, JVM does not"
            };
            *by_kind.entry(kind.to_owned()).or_default() += 1;
            let class = classify::classify(
                &c.id,
                from_suite,
                &c.notes,
                j.jvm.trusted(),
                &j.jvm.describe(),
                &j.ours.reason,
            );
            *by_class.entry(class).or_default() += 1;
            let line = format!(
                "{} (JDK {}): {} [probable {}]\n    reproduce: {}\n    case: {}, {} store{}\n    JVM: {}\n    trustpath: {}{}",
                c.id,
                run.jdk.major,
                kind,
                classify::label(class),
                c.origin,
                c.host
                    .as_deref()
                    .map_or("no host".to_owned(), |h| format!("host {h}")),
                c.store.name(),
                if c.notes.is_empty() {
                    String::new()
                } else {
                    format!("; mutations: {}", c.notes.join("; "))
                },
                j.jvm.describe(),
                if j.ours.trusted {
                    "trusted"
                } else {
                    "not trusted"
                },
                if j.ours.reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", j.ours.reason)
                }
            );
            if shown < show {
                println!("DISAGREE {line}");
                shown += 1;
            }
            if let Some(dir) = &dump {
                let out = c.dump(dir, &stores[j.case], &run.jdk, &line);
                println!("    dumped to {}", out.display());
            }
            if let Some(f) = &mut report_file {
                let record = serde_json::json!({
                    "suite": suite,
                    "id": c.id,
                    "origin": c.origin,
                    "jdk": run.jdk.major,
                    "host": c.host,
                    "notes": c.notes,
                    "jvm_trusted": j.jvm.trusted(),
                    "jvm": j.jvm.describe(),
                    "ours_trusted": j.ours.trusted,
                    "ours": j.ours.reason,
                    "class": class,
                });
                writeln!(f, "{record}").expect("write report");
            }
            summaries.push(format!("{} (JDK {}): {kind}", c.id, run.jdk.major));
        }
        if !bad.is_empty() {
            println!("  {by_kind:?}");
            for (class, n) in &by_class {
                println!("  {n:>6}  {}", classify::label(*class));
            }
        }
    }
    summaries
}

fn require_java() -> Option<Vec<Jdk>> {
    if !support::have_tool("java") {
        return None;
    }
    Some(jdks())
}

#[test]
fn java_profile_agrees_with_the_jvm_on_seeded_random_chains() {
    let Some(jdks) = require_java() else { return };
    let seed = env_u64("TRUSTPATH_ORACLE_SEED", DEFAULT_SEED);
    let count = env_u64("TRUSTPATH_ORACLE_COUNT", DEFAULT_COUNT);
    let started = std::time::Instant::now();
    // Two generator threads: key and signature work dominates.
    let cases: Vec<OracleCase> = std::thread::scope(|scope| {
        let hs: Vec<_> = (0..2u64)
            .map(|w| {
                scope.spawn(move || {
                    (0..count)
                        .filter(|i| i % 2 == w)
                        .map(|i| random::generate(seed, i))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<OracleCase> = hs
            .into_iter()
            .flat_map(|h| h.join().expect("generator"))
            .collect();
        all.sort_by_key(|c| c.id.rsplit('-').next().and_then(|n| n.parse::<u64>().ok()));
        all
    });
    println!(
        "generated {count} random cases (seed {seed}) in {:?}",
        started.elapsed()
    );
    let work = tempfile::tempdir().expect("tempdir");
    let (runs, stores) = run(&cases, work.path(), &jdks);
    let bad = report(
        &format!("random (seed {seed})"),
        false,
        &cases,
        &runs,
        &stores,
    );
    println!("oracle random run took {:?}", started.elapsed());
    assert!(
        bad.is_empty(),
        "{} disagreements with the JVM (reproduce with TRUSTPATH_ORACLE_SEED={seed} and the index; \
         TRUSTPATH_ORACLE_DUMP=DIR writes each case):\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn java_profile_agrees_with_the_jvm_on_every_conformance_case() {
    let Some(jdks) = require_java() else { return };
    let Some(dir) = conformance::data_dir() else {
        eprintln!("SKIPPED: conformance data not found (../shared/conformance)");
        return;
    };
    let started = std::time::Instant::now();
    let suites: Vec<(&str, Vec<OracleCase>)> = vec![
        ("x509-limbo", conformance::limbo(&dir)),
        ("boringssl-pki", conformance::boringssl(&dir)),
        ("pkits", conformance::pkits(&dir)),
    ];
    let all: Vec<OracleCase> = suites.iter().flat_map(|(_, c)| c.clone()).collect();
    let work = tempfile::tempdir().expect("tempdir");
    let (runs, stores) = run(&all, work.path(), &jdks);
    let mut bad = Vec::new();
    let mut offset = 0;
    for (suite, cases) in &suites {
        let n = cases.len();
        let sub: Vec<JdkRun> = runs
            .iter()
            .map(|r| JdkRun {
                jdk: r.jdk.clone(),
                judged: r.judged[offset..offset + n]
                    .iter()
                    .map(|j| Judged {
                        case: j.case - offset,
                        jvm: j.jvm.clone(),
                        ours: j.ours.clone(),
                    })
                    .collect(),
            })
            .collect();
        bad.extend(report(
            suite,
            true,
            cases,
            &sub,
            &stores[offset..offset + n],
        ));
        offset += n;
    }
    println!("oracle conformance run took {:?}", started.elapsed());
    assert!(
        bad.is_empty(),
        "{} disagreements with the JVM:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn where_jdk_17_and_a_newer_jdk_differ_trustpath_follows_the_jdk_it_judges_for() {
    let Some(jdks) = require_java() else { return };
    let (Some(old), Some(new)) = (
        jdks.iter().find(|j| j.major == 17),
        jdks.iter().find(|j| j.major >= 25),
    ) else {
        if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
            panic!("JDK 17 and a JDK 25 or newer are required (TRUSTPATH_REQUIRE_TOOLS=1)");
        }
        eprintln!("SKIPPED: needs JDK 17 and a JDK 25 or newer under /usr/lib/jvm");
        return;
    };
    // A wildcard in an inner label: JDK 17's HostnameChecker (matchAllWildcards) accepts it in any label,
    // JDK 25's only in the left-most one.
    let case = random::healthy_with_names(
        DEFAULT_SEED,
        9_000_001,
        &["www.*.oracle.test"],
        "www.shop.oracle.test",
    );
    let cases = vec![case];
    let work = tempfile::tempdir().expect("tempdir");
    let pair = [old.clone(), new.clone()];
    let (runs, _) = run(&cases, work.path(), &pair);
    let verdicts: Vec<(u32, bool, bool, String)> = runs
        .iter()
        .map(|r| {
            let j = &r.judged[0];
            (
                r.jdk.major,
                j.jvm.trusted(),
                j.ours.trusted,
                j.jvm.describe(),
            )
        })
        .collect();
    println!("{verdicts:#?}");
    assert!(
        verdicts[0].1 && !verdicts[1].1,
        "the JDKs no longer differ on an inner-label wildcard: {verdicts:?}"
    );
    for (major, jvm, ours, why) in &verdicts {
        assert_eq!(
            jvm, ours,
            "JDK {major}: the JVM says {why}, trustpath says trusted={ours}"
        );
    }
}

#[test]
fn a_random_case_is_the_same_when_generated_again_from_its_seed_and_index() {
    // ECDSA signatures are randomised, so the certificates are compared without their signatures.
    fn tbs(der: &[u8]) -> Vec<u8> {
        let (cert, _) = crate::der::read(der).expect("certificate");
        let parts = crate::der::children(cert.content).expect("parts");
        parts[0].raw.to_vec()
    }
    for index in [0, 7, 123, 4_567] {
        let a = random::generate(DEFAULT_SEED, index);
        let b = random::generate(DEFAULT_SEED, index);
        assert_eq!(a.notes, b.notes);
        assert_eq!(
            (a.host.clone(), a.at, a.store),
            (b.host.clone(), b.at, b.store)
        );
        let ta: Vec<Vec<u8>> = a.served.iter().map(|d| tbs(d)).collect();
        let tb: Vec<Vec<u8>> = b.served.iter().map(|d| tbs(d)).collect();
        assert_eq!(ta, tb, "case {index} differs when generated again");
        assert_ne!(
            random::generate(DEFAULT_SEED + 1, index)
                .served
                .iter()
                .map(|d| tbs(d))
                .collect::<Vec<_>>(),
            ta,
            "another seed gives another case"
        );
    }
}

#[test]
fn the_signature_algorithms_trustpath_models_are_those_a_jsse_client_accepts() {
    use std::collections::BTreeSet;
    use trustpath::chain::TlsVersion;
    let Some(jdks) = require_java() else { return };
    let work = tempfile::tempdir().expect("tempdir");
    for jdk in &jdks {
        // No case: the judge only runs its two calibration handshakes.
        let batch = jvm_batch::judge(&jdk.home, &[], &work.path().join(jdk.major.to_string()));
        println!("JDK {}: {}", jdk.major, batch.calibration);
        for (version, protocol, algorithms) in [
            (TlsVersion::Tls13, "protocol", "algorithms"),
            (TlsVersion::Tls12, "tls12-protocol", "tls12-algorithms"),
        ] {
            assert_eq!(
                batch.calibrated(protocol),
                Some(version.name()),
                "JDK {}: {}",
                jdk.major,
                batch.calibration
            );
            let jvm: BTreeSet<&str> = batch
                .calibrated(algorithms)
                .expect("calibrated algorithms")
                .split(',')
                .collect();
            let ours: BTreeSet<&str> = version
                .certificate_signature_algorithms()
                .expect("a list")
                .iter()
                .copied()
                .collect();
            assert_eq!(ours, jvm, "JDK {} over {}", jdk.major, version.name());
        }
    }
}
