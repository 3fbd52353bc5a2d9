//! Whole-process timings of the inputs that used to make trustpath quadratic or busy: `store list` of
//! 20,000 certificates sharing one common name, `store convert --to pem` of a 99,999-entry JKS of such
//! certificates, `discover` of a `server.xml` with 30,000 connectors, and `store list` of a PKCS#12 file
//! declaring 20,000,000 key-derivation iterations.
//!
//! Run with `cargo bench --bench limits`. With `TRUSTPATH_BEFORE=/path/to/an/older/trustpath`, each case
//! also runs that binary (killed after `TRUSTPATH_BEFORE_TIMEOUT` seconds, default 900) and prints the
//! ratio.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use trustpath::cert::Certificate;
use trustpath::truststore::{self, Entry, StoreFormat, TrustStore};

/// `n` distinct certificates sharing one subject (one certificate, its serial number rewritten).
fn same_cn(n: usize) -> Vec<Certificate> {
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "Shared Corp CA");
    p.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x11; 8]));
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().expect("key");
    let der = p.self_signed(&key).expect("cert").der().to_vec();
    let at = der
        .windows(10)
        .position(|w| w == [0x02, 0x08, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11])
        .expect("the serial number")
        + 3;
    (0..n)
        .map(|i| {
            let mut d = der.clone();
            d[at..at + 7].copy_from_slice(&(i as u64).to_be_bytes()[1..]);
            Certificate::from_der(d).expect("der")
        })
        .collect()
}

/// Runs `bin args` once; its wall time, or `None` when killed after `limit` (or when it failed).
fn time(bin: &Path, args: &[&str], limit: Duration) -> Option<Duration> {
    let t = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run trustpath");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            // The PKCS#12 case is a refusal: exit 2 is its expected end.
            return (status.code().is_some()).then(|| t.elapsed());
        }
        if t.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_trustpath"));
    let before = std::env::var_os("TRUSTPATH_BEFORE").map(PathBuf::from);
    let before_limit = Duration::from_secs(
        std::env::var("TRUSTPATH_BEFORE_TIMEOUT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(900),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();

    let pem = d.join("same-cn-20000.pem");
    let text: String = same_cn(20_000).iter().map(Certificate::to_pem).collect();
    std::fs::write(&pem, text).expect("write pem");

    let mut store = TrustStore::new(StoreFormat::Jks);
    for (i, c) in same_cn(99_999).into_iter().enumerate() {
        store.entries.push(Entry::trusted(
            format!("entry-{i}"),
            c,
            Some(1_700_000_000_000),
        ));
    }
    let jks = d.join("same-cn-99999.jks");
    std::fs::write(
        &jks,
        truststore::write(&store, StoreFormat::Jks, "changeit").expect("write jks"),
    )
    .expect("write jks");

    let conf = d.join("conf");
    std::fs::create_dir(&conf).expect("conf");
    let mut xml = String::from("<Server port=\"8005\">\n  <Service name=\"Catalina\">\n");
    for i in 0..30_000 {
        xml.push_str(&format!(
            "    <Connector port=\"{}\" protocol=\"HTTP/1.1\" address=\"127.0.0.1\"/>\n",
            10_000 + i
        ));
    }
    xml.push_str("  </Service>\n</Server>\n");
    let server_xml = conf.join("server.xml");
    std::fs::write(&server_xml, xml).expect("server.xml");

    // keytool's legacy PKCS#12 fixture with every PBE and MAC count raised to 5,000,000.
    let mut p12 = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testcerts/keytool-p12/jdk17-legacy.p12"),
    )
    .expect("fixture");
    for from in [[2u8, 3, 0, 0xC3, 0x50], [2, 3, 1, 0x86, 0xA0]] {
        let mut at = 0;
        while let Some(i) = p12[at..].windows(5).position(|w| w == from) {
            p12[at + i..at + i + 5].copy_from_slice(&[2, 3, 0x4C, 0x4B, 0x40]);
            at += i + 5;
        }
    }
    let busy = d.join("busy.p12");
    std::fs::write(&busy, p12).expect("p12");

    let out = d.join("out.pem");
    let out_s = out.to_str().expect("utf-8");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "store list, 20,000 certificates sharing a CN",
            vec!["store", "list", pem.to_str().expect("utf-8")],
        ),
        (
            "store convert --to pem, 99,999-entry JKS",
            vec![
                "store",
                "convert",
                jks.to_str().expect("utf-8"),
                out_s,
                "--to",
                "pem",
                "--force",
            ],
        ),
        (
            "discover, 30,000 Tomcat connectors",
            vec!["discover", "--tomcat", server_xml.to_str().expect("utf-8")],
        ),
        (
            "store list, PKCS#12 declaring 20,000,000 iterations",
            vec!["store", "list", busy.to_str().expect("utf-8")],
        ),
    ];
    for (label, args) in cases {
        let _ = std::fs::remove_file(&out);
        let now = time(&ours, &args, Duration::from_secs(600));
        let shown = |t: Option<Duration>, limit: Duration| match t {
            Some(t) => format!("{:9.2} s", t.as_secs_f64()),
            None => format!("> {:6.0} s", limit.as_secs_f64()),
        };
        match &before {
            Some(b) => {
                let _ = std::fs::remove_file(&out);
                let then = time(b, &args, before_limit);
                let ratio = match (then, now) {
                    (Some(a), Some(b)) => format!("{:.0}×", a.as_secs_f64() / b.as_secs_f64()),
                    (None, Some(b)) => {
                        format!("> {:.0}×", before_limit.as_secs_f64() / b.as_secs_f64())
                    }
                    _ => "?".to_owned(),
                };
                println!(
                    "{label:<52} before {}   now {}   {ratio}",
                    shown(then, before_limit),
                    shown(now, Duration::from_secs(600))
                );
            }
            None => println!("{label:<52} {}", shown(now, Duration::from_secs(600))),
        }
    }
}
