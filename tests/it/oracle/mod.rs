//! The JVM as the oracle of trustpath's verdicts: seeded random chains and every case of the conformance
//! suites in `../shared/conformance`, each judged by a real JVM (`tests/it/support/JvmJudge.java`: the
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
//! - `TRUSTPATH_ORACLE_WORK=DIR`: the run's stores, manifests and verdicts are kept in a new directory
//!   under DIR instead of a temporary one.

mod case;
mod classify;
mod conformance;
mod random;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::support;
use crate::support::certs::spec::der;
use crate::support::jvm_batch::{self, Verdict};
use case::{Jdk, OracleCase, Ours};

/// The CI seed.
pub const DEFAULT_SEED: u64 = 20_261_124;
/// Random cases per CI run.
pub const DEFAULT_COUNT: u64 = 500;
/// Random cases per JVM batch.
const CHUNK: u64 = 5_000;

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

/// Threads for the CPU-bound work of the test process (generation, stores, trustpath's verdicts).
const WORKERS: usize = 2;

/// `f` over `items` on [`WORKERS`] threads, results in item order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let chunk = items.len().div_ceil(WORKERS).max(1);
    std::thread::scope(|scope| {
        let f = &f;
        let hs: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect()
    })
}

/// Writes every case's store, then judges all cases with each JDK: one JVM batch per JDK, each in its
/// own thread, while trustpath judges every case for every JDK (each store read once) on the workers.
fn run(cases: &[OracleCase], work: &Path, jdks: &[Jdk]) -> (Vec<JdkRun>, Vec<std::path::PathBuf>) {
    let stores_dir = work.join("stores");
    std::fs::create_dir_all(&stores_dir).expect("stores dir");
    let started = std::time::Instant::now();
    let stores = parallel(cases, |c| c.write_store(&stores_dir));
    println!("wrote {} stores in {:?}", stores.len(), started.elapsed());
    let jvm_cases: Vec<jvm_batch::Case> = cases
        .iter()
        .zip(&stores)
        .map(|(c, (path, kind))| c.for_jvm(path, *kind))
        .collect();
    let (batches, ours) = std::thread::scope(|scope| {
        let jvms: Vec<_> = jdks
            .iter()
            .map(|jdk| {
                let jvm_cases = &jvm_cases;
                let dir = work.join(format!("jdk{}", jdk.major));
                scope.spawn(move || {
                    let started = std::time::Instant::now();
                    let batch = jvm_batch::judge(&jdk.home, jvm_cases, &dir);
                    println!(
                        "JDK {}: the JVM judged {} cases in {:?}",
                        jdk.major,
                        jvm_cases.len(),
                        started.elapsed()
                    );
                    batch
                })
            })
            .collect();
        let started = std::time::Instant::now();
        let pairs: Vec<(&OracleCase, &std::path::PathBuf)> =
            cases.iter().zip(stores.iter().map(|(p, _)| p)).collect();
        let ours = parallel(&pairs, |(c, path)| c.ours_all(path, jdks));
        println!(
            "trustpath judged {} cases for {} JDKs in {:?}",
            cases.len(),
            jdks.len(),
            started.elapsed()
        );
        let batches: Vec<_> = jvms
            .into_iter()
            .map(|h| h.join().expect("judge thread"))
            .collect();
        (batches, ours)
    });
    let runs = jdks
        .iter()
        .zip(batches)
        .enumerate()
        .map(|(j, (jdk, batch))| {
            println!("JDK {} judge calibration: {}", jdk.major, batch.calibration);
            let judged = ours
                .iter()
                .enumerate()
                .map(|(i, per_jdk)| Judged {
                    case: i,
                    jvm: batch.verdicts[&cases[i].id].clone(),
                    ours: per_jdk[j].clone(),
                })
                .collect();
            JdkRun {
                jdk: jdk.clone(),
                judged,
            }
        })
        .collect();
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

/// The run's working directory (stores, manifests, verdicts): a temporary one, or
/// `TRUSTPATH_ORACLE_WORK` (kept, to look at or to re-run the judge by hand).
fn work_dir() -> tempfile::TempDir {
    match std::env::var_os("TRUSTPATH_ORACLE_WORK") {
        Some(dir) => {
            std::fs::create_dir_all(&dir).expect("TRUSTPATH_ORACLE_WORK");
            let mut t = tempfile::Builder::new()
                .prefix("oracle-")
                .tempdir_in(dir)
                .expect("work dir");
            t.disable_cleanup(true);
            t
        }
        None => tempfile::tempdir().expect("tempdir"),
    }
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
    let work = work_dir();
    // In chunks: each JVM batch stays a bounded manifest, and memory holds the cases, not their files.
    let mut cases: Vec<OracleCase> = Vec::new();
    let mut stores = Vec::new();
    let mut runs: Vec<JdkRun> = Vec::new();
    for (n, first) in (0..count).step_by(CHUNK as usize).enumerate() {
        let indices: Vec<u64> = (first..count.min(first + CHUNK)).collect();
        let t = std::time::Instant::now();
        let chunk = parallel(&indices, |&i| random::generate(seed, i));
        println!(
            "generated cases {first}..{} (seed {seed}) in {:?}",
            first + chunk.len() as u64,
            t.elapsed()
        );
        let (chunk_runs, chunk_stores) = run(&chunk, &work.path().join(format!("chunk{n}")), &jdks);
        let offset = cases.len();
        for r in chunk_runs {
            let judged = r.judged.into_iter().map(|j| Judged {
                case: j.case + offset,
                ..j
            });
            match runs.iter_mut().find(|x| x.jdk.major == r.jdk.major) {
                Some(x) => x.judged.extend(judged),
                None => runs.push(JdkRun {
                    jdk: r.jdk,
                    judged: judged.collect(),
                }),
            }
        }
        cases.extend(chunk);
        stores.extend(chunk_stores);
        println!(
            "{} of {count} cases judged after {:?}",
            cases.len(),
            started.elapsed()
        );
    }
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
        let (cert, _) = der::read(der).expect("certificate");
        let parts = der::children(cert.content).expect("parts");
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
                .certificate_signature_algorithms(jdk.version)
                .expect("a list")
                .iter()
                .copied()
                .collect();
            assert_eq!(ours, jvm, "JDK {} over {}", jdk.major, version.name());
        }
    }
}

/// Serves `chain` with the leaf key `pkcs8` on 127.0.0.1 over `versions` until the returned task is
/// aborted (at most `connections` connections).
async fn serve_tls(
    chain: &[Vec<u8>],
    pkcs8: &[u8],
    versions: &[&'static rustls::SupportedProtocolVersion],
    connections: usize,
) -> (u16, tokio::task::JoinHandle<()>) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio::io::AsyncWriteExt;
    let certs: Vec<CertificateDer<'static>> = chain
        .iter()
        .map(|d| CertificateDer::from(d.clone()))
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8.to_vec()));
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_protocol_versions(versions)
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let task = tokio::spawn(async move {
        for _ in 0..connections {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.write_all(b"ok\n").await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    (port, task)
}

#[test]
fn probe_and_a_jvm_client_agree_on_a_sha_224_leaf_over_tls_1_3_and_over_tls_1_2() {
    let Some(jdks) = require_java() else { return };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    // The handshakes run now, so the chain is valid around now (the verdicts do not depend on the day).
    let (mut case, pkcs8) = random::healthy_for_handshake(
        DEFAULT_SEED,
        9_000_002,
        now,
        crate::support::certs::spec::keys::Hash::Sha224,
    );
    case.store = case::StoreFormat::Pkcs12ClearCerts;
    let host = case.host.clone().expect("a host");
    let work = tempfile::tempdir().expect("tempdir");
    let (store, _) = case.write_store(work.path());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // Over TLS 1.3 a JDK client refuses SHA-224 in certificates since JDK-8350807 (17.0.17, 25);
    // before, its list was TLS 1.2's too, and it trusts the leaf as over TLS 1.2.
    let per_protocol = |jdk: &Jdk| {
        jdk.version
            .has(trustpath::cert::jdk::Change::CertSignatureSchemesPerProtocol)
    };
    for (versions, name, tls13) in [
        (&[&rustls::version::TLS13][..], "TLSv1.3", true),
        (&[&rustls::version::TLS12][..], "TLSv1.2", false),
    ] {
        let (port, server) = rt.block_on(serve_tls(&case.served, &pkcs8, versions, 2 * jdks.len()));
        for jdk in &jdks {
            let jvm_trusts = !(tls13 && per_protocol(jdk));
            let jvm = support::java_handshake(
                Some(&jdk.home),
                support::JavaTrust::Explicit {
                    path: &store,
                    store_type: "PKCS12",
                    password: Some(&case.password),
                },
                port,
                &host,
            );
            println!("JDK {} over {name}: {jvm:?}", jdk.major);
            assert_eq!(
                jvm.trusted(),
                jvm_trusts,
                "JDK {} over {name}: {jvm:?}",
                jdk.major
            );
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_trustpath"))
                .args(["probe", "--json", "--timeout", "20", "--resolve"])
                .arg(format!("{host}:{port}:127.0.0.1"))
                .arg(format!("{host}:{port}"))
                .arg("--truststore")
                .arg(&store)
                .args(["--storepass", &case.password, "--java-home"])
                .arg(&jdk.home)
                .output()
                .expect("run trustpath probe");
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!("probe JSON: {e}: {}", String::from_utf8_lossy(&out.stderr))
            });
            let e = &doc["endpoints"][0];
            assert_eq!(e["tls"]["version"], name, "{e}");
            assert_eq!(
                e["trusted"], jvm_trusts,
                "JDK {} over {name}: probe says {e}",
                jdk.major
            );
        }
        server.abort();
    }
}
