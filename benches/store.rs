//! Whole-process benchmark of `trustpath store list` and `trustpath store import` against `keytool -list`
//! and `keytool -importcert`, on the system cacerts and on a generated 10,000-entry JKS store.
//!
//! Run with `cargo bench --bench store`. trustpath's and keytool's commands run in turn, seven pairs
//! each; the median wall times are reported with the median of the pairwise ratios keytool / trustpath
//! (goal: ≥ 30×). Needs keytool on PATH (skipped otherwise).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use trustpath::cert::Certificate;
use trustpath::truststore::{self, Entry, StoreFormat, TrustStore};

const RUNS: usize = 7;

fn median<T: PartialOrd + Copy>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

/// One timed run of `cmd` (its output thrown away); it must succeed.
fn run(mut cmd: Command) -> Duration {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let t = Instant::now();
    let status = cmd.status().expect("run benchmark command");
    let took = t.elapsed();
    assert!(status.success(), "{cmd:?} failed");
    took
}

/// trustpath's and keytool's commands run in turn, `before` ahead of each run: the medians of each and
/// the median of the pairwise ratios (keytool / trustpath), which a machine whose speed drifts during the
/// benchmark moves less than the ratio of the medians.
fn pairs(
    runs: usize,
    ours: impl Fn() -> Command,
    theirs: impl Fn() -> Command,
    before: impl Fn(),
) -> (Duration, Duration, f64) {
    let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        before();
        let x = run(ours());
        before();
        let y = run(theirs());
        r.push(y.as_secs_f64() / x.as_secs_f64());
        a.push(x);
        b.push(y);
    }
    (median(a), median(b), median(r))
}

fn big_store(n: usize) -> Vec<u8> {
    let mut store = TrustStore::new(StoreFormat::Jks);
    for i in 0..n {
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name
            .push(rcgen::DnType::CommonName, format!("Bench Root {i}"));
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2035, 1, 1);
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = p.self_signed(&key).expect("cert");
        store.entries.push(Entry::trusted(
            format!("bench-root-{i}"),
            Certificate::from_der(cert.der().to_vec()).expect("der"),
            Some(1_700_000_000_000),
        ));
    }
    truststore::write(&store, StoreFormat::Jks, "changeit").expect("write jks")
}

fn report(name: &str, (ours, theirs, ratio): (Duration, Duration, f64)) {
    println!(
        "{name:<44} trustpath {:>8.1} ms   keytool {:>8.1} ms   ratio {ratio:>6.1}× (median of {RUNS} pairs)",
        ours.as_secs_f64() * 1e3,
        theirs.as_secs_f64() * 1e3,
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_trustpath");
    if Command::new("keytool").arg("-help").output().is_err() {
        println!("SKIPPED: keytool not found on PATH");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let system = Path::new("/etc/ssl/certs/java/cacerts");
    let big = dir.path().join("big.jks");
    std::fs::write(&big, big_store(10_000)).expect("write big store");
    let ca = dir.path().join("new-ca.pem");
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "Bench Import CA");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().expect("key");
    std::fs::write(&ca, p.self_signed(&key).expect("cert").pem()).expect("write ca");

    let mut stores = vec![("10,000-entry JKS", big.clone())];
    if system.is_file() {
        stores.insert(0, ("system cacerts", system.to_path_buf()));
    }
    for (label, store) in stores {
        let list = pairs(
            RUNS,
            || {
                let mut c = Command::new(bin);
                c.args(["store", "list"]).arg(&store);
                c
            },
            || {
                let mut c = Command::new("keytool");
                c.args(["-list", "-storepass", "changeit", "-keystore"])
                    .arg(&store);
                c
            },
            || {},
        );
        report(&format!("list, {label}"), list);

        let work = dir.path().join("work.jks");
        let import = pairs(
            RUNS,
            || {
                let mut c = Command::new(bin);
                c.args(["store", "import", "--no-backup"])
                    .arg(&work)
                    .arg(&ca);
                c
            },
            || {
                let mut c = Command::new("keytool");
                c.args([
                    "-importcert",
                    "-noprompt",
                    "-storepass",
                    "changeit",
                    "-alias",
                    "bench-import-ca",
                    "-keystore",
                ])
                .arg(&work)
                .arg("-file")
                .arg(&ca);
                c
            },
            || {
                std::fs::copy(&store, &work).expect("copy");
            },
        );
        report(&format!("import one CA, {label}"), import);
    }
}
