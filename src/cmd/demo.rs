//! `trustpath demo`: the main job on an embedded default, offline, in a few seconds.
//!
//! It builds a throwaway lab deployment in a temporary directory — a lab root and issuing CA, an "app"
//! serving a correct chain, a "proxy" serving its leaf without the intermediate, an "rtc" port answering
//! plain HTTP, and an endpoint whose certificate has expired — serves it on 127.0.0.1, probes every
//! endpoint with the lab truststore, prints the report with its fixes, applies the fixes (the corrected
//! fullchain trustpath wrote, a renewed certificate, TLS on the RTC port), probes again and shows the
//! before/after. The temporary directory is removed at the end.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::OffsetDateTime;

use super::probe::{fix_name, judge_all, print};
use super::trust::{self, Trust};
use crate::cert::Certificate;
use crate::chain::{Anchor, Policy, TrustAnchors};
use crate::error::{Result, exit};
use crate::pki::{Authority, Issued, KeyType, LeafUsage, SubjectName};
use crate::probe::{self, ProbeOptions, Prober, Resolve, Target};
use crate::report::{Run, StoreOrigin, StoreSummary, demo as out};
use crate::serve::{self, ServeConfig, TlsIdentity};
use crate::storefile;
use crate::truststore::StoreFormat;

/// Arguments of `trustpath demo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
$ trustpath demo\n  \
$ cargo run --release -- demo\n  \
$ NO_COLOR=1 trustpath demo > demo-report.txt")]
pub struct DemoArgs {
    /// Keep the lab directory (certificates, truststore, fixes) instead of deleting it, and print where
    /// it is.
    #[arg(long)]
    pub keep: bool,
}

/// One endpoint of the demo deployment.
struct Endpoint {
    /// Its role, as admins name it.
    role: &'static str,
    /// The public name.
    host: &'static str,
    /// Where it listens.
    addr: SocketAddr,
    /// What it serves now (None = plain HTTP).
    identity: Option<(Vec<Certificate>, Vec<u8>)>,
    /// Stops its server.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Runs `trustpath demo`.
pub fn run(args: DemoArgs) -> Result<u8> {
    let dir = tempfile::Builder::new()
        .prefix("trustpath-demo-")
        .tempdir()
        .context("cannot create a temporary directory")?;
    let result = demo(dir.path());
    if args.keep {
        let kept = dir.keep();
        out::kept(&mut std::io::stdout().lock(), &kept)?;
    }
    result
}

fn demo(dir: &Path) -> Result<u8> {
    let now = OffsetDateTime::now_utc();
    let ca_start = now - time::Duration::days(30);
    let root = Authority::new_root(
        Some("trustpath demo root CA"),
        KeyType::EcP256,
        ca_start,
        3650,
        1,
    )?;
    let issuing = root.new_intermediate_with_key(
        Some("trustpath demo issuing CA"),
        crate::pki::key::LabKey::Modern(KeyType::EcP256.generate()?),
        ca_start,
        1825,
        0,
    )?;
    let leaf = |host: &str, from: OffsetDateTime, days: u32| -> Result<Issued> {
        Ok(issuing.issue_leaf(
            &[SubjectName::parse(host)?],
            LeafUsage::Server,
            KeyType::EcP256,
            from,
            days,
        )?)
    };
    let inter = issuing.certificate().clone();

    // The JVM's truststore: the lab root only, written as the PKCS#12 an app server would be given.
    let store_path = dir.join("truststore.p12");
    let store_bytes = crate::pki::keystores::trust_store(
        StoreFormat::Pkcs12,
        root.certificate(),
        "changeit",
        now,
    )?;
    std::fs::write(&store_path, store_bytes)?;
    let trust = lab_trust(&store_path)?;

    let app = leaf("app.lab.test", now - time::Duration::days(1), 397)?;
    let proxy = leaf("proxy.lab.test", now - time::Duration::days(1), 397)?;
    let old = leaf("old.lab.test", now - time::Duration::days(400), 90)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let any = "127.0.0.1:0".parse::<SocketAddr>()?;
    let mut endpoints = vec![
        Endpoint {
            role: "app",
            host: "app.lab.test",
            addr: any,
            identity: Some((vec![app.cert.clone(), inter.clone()], app.key_pkcs8.clone())),
            stop: None,
        },
        Endpoint {
            role: "proxy",
            host: "proxy.lab.test",
            addr: any,
            identity: Some((vec![proxy.cert.clone()], proxy.key_pkcs8.clone())),
            stop: None,
        },
        Endpoint {
            role: "rtc",
            host: "rtc.lab.test",
            addr: any,
            identity: None,
            stop: None,
        },
        Endpoint {
            role: "legacy",
            host: "old.lab.test",
            addr: any,
            identity: Some((vec![old.cert.clone(), inter.clone()], old.key_pkcs8.clone())),
            stop: None,
        },
    ];
    for e in &mut endpoints {
        start(&runtime, e)?;
    }

    let mut w = anstream::stdout().lock();
    out::intro(
        &mut w,
        dir,
        &endpoints
            .iter()
            .map(|e| (e.role, e.host, e.addr, e.identity.is_some()))
            .collect::<Vec<_>>(),
    )?;
    drop(w);

    let known = [inter.clone()];
    let before = probe_all(&endpoints, &trust, &known)?;
    out::heading(&mut anstream::stdout().lock(), "Before")?;
    print(&before, false)?;

    // Apply the fixes: what trustpath wrote for each endpoint, then what an admin would do for the rest.
    let fixes = dir.join("fixes");
    let mut before_written = before.clone();
    let mut applied = Vec::new();
    for (report, e) in before_written
        .endpoints
        .iter_mut()
        .zip(endpoints.iter_mut())
    {
        trust::write_fixes(&fixes, &fix_name(report), report)?;
        let fullchain = report
            .written
            .iter()
            .find(|p| p.to_string_lossy().ends_with("-fullchain.pem"))
            .cloned();
        let code = report.findings.first().map(|f| f.code.name()).unwrap_or("");
        let action = match (e.role, fullchain) {
            ("proxy", Some(path)) => {
                let chain = storefile::read_cert_file(&path)?;
                let key = e
                    .identity
                    .as_ref()
                    .map(|(_, k)| k.clone())
                    .unwrap_or_default();
                e.identity = Some((chain, key));
                Some(format!(
                    "serve the corrected fullchain trustpath wrote ({}) — leaf + issuing CA",
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                ))
            }
            ("legacy", _) => {
                let renewed = leaf("old.lab.test", now - time::Duration::days(1), 397)?;
                e.identity = Some((vec![renewed.cert, inter.clone()], renewed.key_pkcs8));
                Some("renew the expired certificate from the lab issuing CA".to_owned())
            }
            ("rtc", _) => {
                let rtc = leaf("rtc.lab.test", now - time::Duration::days(1), 397)?;
                e.identity = Some((vec![rtc.cert, inter.clone()], rtc.key_pkcs8));
                Some(
                    "serve the RTC port over TLS (wss://) with a lab certificate and its fullchain"
                        .to_owned(),
                )
            }
            _ => None,
        };
        if let Some(action) = action {
            restart(&runtime, e)?;
            applied.push((e.role, code.to_owned(), action));
        }
    }
    out::fixes(&mut anstream::stdout().lock(), &applied)?;

    let after = probe_all(&endpoints, &trust, &known)?;
    out::heading(&mut anstream::stdout().lock(), "After")?;
    print(&after, false)?;
    out::before_after(
        &mut anstream::stdout().lock(),
        &endpoints.iter().map(|e| e.role).collect::<Vec<_>>(),
        &before,
        &after,
    )?;

    for e in &mut endpoints {
        if let Some(stop) = e.stop.take() {
            let _ = stop.send(());
        }
    }
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(
        if after.exit_code() == exit::OK && before.exit_code() != exit::OK {
            exit::OK
        } else {
            exit::PROBLEMS
        },
    )
}

/// The lab truststore as the JVM verdict's anchors; Mozilla's roots for the browser verdict.
fn lab_trust(path: &Path) -> Result<Trust> {
    let store = storefile::load(path, "changeit")?;
    let label = path.display().to_string();
    let java: Vec<Anchor> = store
        .jvm_trusted()
        .map(|(alias, cert)| Anchor {
            cert: cert.clone(),
            store: label.clone(),
            alias: alias.to_owned(),
            jdk_bundled: false,
        })
        .collect();
    let summaries = vec![StoreSummary {
        label,
        format: store.format.name().to_owned(),
        anchors: java.len(),
        origin: StoreOrigin::Option,
    }];
    Ok(Trust {
        anchors: TrustAnchors::new(java, trust::mozilla_anchors()),
        summaries,
        policy: Policy::default(),
        tls_disabled: Default::default(),
    })
}

fn start(runtime: &tokio::runtime::Runtime, e: &mut Endpoint) -> Result<()> {
    let tls = e.identity.as_ref().map(|(chain, key)| TlsIdentity {
        chain: chain
            .iter()
            .map(|c| CertificateDer::from(c.der().to_vec()))
            .collect(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.clone())),
    });
    let config = ServeConfig {
        listen: e.addr,
        tls,
        label: format!("demo {}", e.role),
        max_connections: None,
        duration: Some(Duration::from_secs(120)),
    };
    let server = runtime
        .block_on(serve::bind(config))
        .with_context(|| format!("cannot start the demo {} endpoint", e.role))?;
    e.addr = server.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    runtime.spawn(server.run(async move {
        let _ = rx.await;
    }));
    e.stop = Some(tx);
    Ok(())
}

/// Stops an endpoint's server and starts it again on the same port with its new identity.
fn restart(runtime: &tokio::runtime::Runtime, e: &mut Endpoint) -> Result<()> {
    if let Some(stop) = e.stop.take() {
        let _ = stop.send(());
    }
    // The listener closes when its task sees the signal; retry the bind briefly (bounded).
    let mut last = None;
    for _ in 0..50 {
        match start(runtime, e) {
            Ok(()) => return Ok(()),
            Err(err) => last = Some(err),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(last.unwrap_or_else(|| anyhow::anyhow!("cannot restart the demo {} endpoint", e.role)))
}

/// Probes every endpoint; `extra` are certificates the admin has from elsewhere (the CA bundle that came
/// with the certificates), used to build fixes, never as trust.
fn probe_all(endpoints: &[Endpoint], trust: &Trust, extra: &[Certificate]) -> Result<Run> {
    let mut targets = Vec::new();
    let mut resolve = Vec::new();
    for e in endpoints {
        let scheme = if e.role == "rtc" { "wss" } else { "https" };
        targets.push(Target::parse(&format!(
            "{scheme}://{}:{}/",
            e.host,
            e.addr.port()
        ))?);
        resolve.push(Resolve {
            host: e.host.to_owned(),
            port: e.addr.port(),
            addr: e.addr.ip(),
        });
    }
    let prober = Prober::new(ProbeOptions {
        timeout: Duration::from_secs(5),
        resolve,
        sni: None,
        http1_only: false,
        jdk_tls_disabled: trust.tls_disabled.clone(),
    })
    .context("cannot set up TLS")?;
    let captures = probe::probe_blocking(prober, targets, 16, Arc::new(|_| {}))
        .context("cannot start the async runtime")?;
    Ok(judge_all(captures, trust, extra, trust::now_unix()))
}
