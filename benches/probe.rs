//! Whole-process benchmark of `trustpath probe` over 1,000 targets against one loopback rustls server
//! (in this process, on its own runtime), with the default concurrency: once as one name 1,000 times (the
//! chain is diagnosed once), once as 1,000 names resolved with `--resolve` (1,000 diagnoses).
//!
//! Run with `cargo bench --bench probe`. Reports the median wall time of several runs and the child's
//! peak RSS (from `/usr/bin/time -f %M` when present). Goals: ≤ 1.0 s wall, ≤ 64 MiB peak RSS. The
//! distinct-names run is repeated with `--format openmetrics` and `--format junit`, interleaved with
//! `--json` runs, and their medians compared with JSON's (goal: OpenMetrics within 10 %).
//! `TRUSTPATH_BIN=target/debug/trustpath cargo bench --bench probe` measures another build.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{CertificateParams, DnType, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const TARGETS: usize = 1000;
const RUNS: usize = 5;

/// Starts a TLS server on 127.0.0.1 on its own threads; returns its port and the CA PEM.
fn server() -> (u16, String) {
    let mut params = CertificateParams::new(vec![
        "bench.example.test".to_owned(),
        "*.bench.example.test".to_owned(),
    ])
    .expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "bench.example.test");
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("cert");
    let pem = cert.pem();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let _ = tokio::io::AsyncWriteExt::shutdown(&mut tls).await;
                    }
                });
            }
        });
    });
    (port, pem)
}

/// Median wall time of `RUNS` runs and the peak RSS of one more, for `bin` with `args`.
fn measure(bin: &str, args: &[std::ffi::OsString]) -> (Duration, String) {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let out = Command::new(bin)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run trustpath");
        times.push(t.elapsed());
        assert!(
            out.status.code() == Some(0),
            "probe failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    times.sort();
    let rss = if std::path::Path::new("/usr/bin/time").is_file() {
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(bin)
            .args(args)
            .stdout(Stdio::null())
            .output()
            .expect("run /usr/bin/time");
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse::<u64>().ok())
            .map(|kib| format!("{:.1} MiB", kib as f64 / 1024.0))
            .unwrap_or_else(|| "unknown".to_owned())
    } else {
        "unknown (no /usr/bin/time)".to_owned()
    };
    (times[times.len() / 2], rss)
}

fn main() {
    let bin = std::env::var("TRUSTPATH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_trustpath").to_owned());
    let (port, ca) = server();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("ca.pem");
    std::fs::write(&store, ca).expect("store");
    let with_format = |targets: &std::path::Path, format: &str| -> Vec<std::ffi::OsString> {
        let mut v: Vec<std::ffi::OsString> =
            vec!["probe".into(), "--targets".into(), targets.into()];
        v.extend(["--truststore".into(), store.clone().into_os_string()]);
        v.extend(["--format", format, "--timeout", "5"].map(Into::into));
        v
    };
    let common = |targets: &std::path::Path| with_format(targets, "json");

    // One endpoint 1,000 times (the same chain: diagnosed once).
    let same = dir.path().join("same.txt");
    std::fs::write(
        &same,
        (0..TARGETS)
            .map(|_| format!("127.0.0.1:{port}\n"))
            .collect::<String>(),
    )
    .expect("targets");
    let mut args = common(&same);
    args.extend(["--sni", "bench.example.test"].map(Into::into));
    let (median, rss) = measure(&bin, &args);
    println!(
        "probe {TARGETS} targets (one name) on 127.0.0.1: median {:.3} s over {RUNS} runs (goal ≤ 1.0 s), peak RSS {rss} (goal ≤ 64 MiB)",
        median.as_secs_f64()
    );

    // 1,000 names (each checked against the leaf: 1,000 diagnoses), via --resolve.
    let names = dir.path().join("names.txt");
    let hosts: Vec<String> = (0..TARGETS)
        .map(|i| format!("h{i}.bench.example.test"))
        .collect();
    std::fs::write(
        &names,
        hosts
            .iter()
            .map(|h| format!("{h}:{port}\n"))
            .collect::<String>(),
    )
    .expect("targets");
    let resolve: Vec<std::ffi::OsString> = hosts
        .iter()
        .flat_map(|h| ["--resolve".into(), format!("{h}:{port}:127.0.0.1").into()])
        .collect();
    let mut args = common(&names);
    args.extend(resolve.iter().cloned());
    let (median, rss) = measure(&bin, &args);
    println!(
        "probe {TARGETS} targets (distinct names) on 127.0.0.1: median {:.3} s over {RUNS} runs (goal ≤ 1.0 s), peak RSS {rss} (goal ≤ 64 MiB)",
        median.as_secs_f64()
    );

    // The same run in each output format, interleaved so that the machine's load weighs on all alike.
    let formats = ["json", "openmetrics", "junit"];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); formats.len()];
    let mut bytes = vec![0usize; formats.len()];
    for _ in 0..RUNS * 2 {
        for (i, format) in formats.iter().enumerate() {
            let mut args = with_format(&names, format);
            args.extend(resolve.iter().cloned());
            let t = Instant::now();
            let out = Command::new(&bin)
                .args(&args)
                .stderr(Stdio::null())
                .output()
                .expect("run trustpath");
            times[i].push(t.elapsed());
            assert_eq!(out.status.code(), Some(0), "--format {format} failed");
            bytes[i] = out.stdout.len();
        }
    }
    let medians: Vec<Duration> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect();
    for (i, format) in formats.iter().enumerate() {
        println!(
            "probe {TARGETS} targets (distinct names) --format {format}: median {:.3} s over {} runs, {:.2}x --json's time, {} KiB of output",
            medians[i].as_secs_f64(),
            RUNS * 2,
            medians[i].as_secs_f64() / medians[0].as_secs_f64(),
            bytes[i] / 1024
        );
    }
}
