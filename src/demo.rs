//! The demo: the main job on a throwaway lab deployment, offline, in a few seconds.
//!
//! It builds a lab root and issuing CA and four endpoints — an "app" serving a correct chain, a "proxy"
//! serving its leaf without the intermediate, an "rtc" port answering plain HTTP, and an endpoint whose
//! certificate has expired — serves them on 127.0.0.1, probes every endpoint with the lab truststore,
//! applies the fixes (the corrected fullchain trustpath wrote, a renewed certificate, TLS on the RTC
//! port) and probes again. Each [`Step`] is handed to the caller as it happens (`report::demo` prints
//! them).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::OffsetDateTime;

use crate::cert::Certificate;
use crate::clock::Clock;
use crate::error::{Result, exit};
use crate::judge::Run;
use crate::jvm::JvmTrust;
use crate::pki::key::LabKey;
use crate::pki::{Authority, CaSpec, Issued, KeyType, LeafUsage, SubjectName};
use crate::probe::{self, ProbeOptions, Prober, Resolve, Target};
use crate::serve::{self, ServeConfig, TlsIdentity};
use crate::storefile;
use crate::truststore::StoreFormat;

/// What the demo has done so far, for the report.
#[derive(Debug)]
pub enum Step<'a> {
    /// The lab deployment is up: where its files are, and each endpoint's (role, public name, address,
    /// speaks TLS).
    Intro {
        /// The lab directory.
        dir: &'a Path,
        /// The endpoints.
        endpoints: Vec<(&'static str, &'static str, SocketAddr, bool)>,
    },
    /// The first probe's run.
    Before(&'a Run),
    /// The fixes applied: (role, the finding fixed, what was done).
    Fixed(&'a [(&'static str, String, String)]),
    /// The second probe's run, and both to compare per role.
    After {
        /// The roles, in endpoint order.
        roles: Vec<&'static str>,
        /// The first run.
        before: &'a Run,
        /// The second run.
        after: &'a Run,
    },
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

/// Runs the demo in `dir` (certificates, truststore and fixes are written there), telling `show` each
/// step as it happens, and returns the exit code: 0 when every endpoint passes after the fixes and not
/// before.
pub fn run(dir: &Path, clock: Clock, show: &mut dyn FnMut(Step<'_>) -> Result<()>) -> Result<u8> {
    let now = clock.now();
    let ca_start = now - time::Duration::days(30);
    let ca = |common_name, days, path_len| CaSpec {
        common_name: Some(common_name),
        not_before: ca_start,
        days,
        path_len,
    };
    let root = Authority::new_root(
        &ca("trustpath demo root CA", 3650, 1),
        LabKey::generate(KeyType::EcP256)?,
    )?;
    let issuing = root.new_intermediate(
        &ca("trustpath demo issuing CA", 1825, 0),
        LabKey::generate(KeyType::EcP256)?,
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
    crate::storefile::write_one(
        &store_path,
        &store_bytes,
        crate::storefile::write::PUBLIC_MODE,
        &crate::storefile::Policy::named_output(false),
    )?;
    let trust = JvmTrust::from_store(&store_path, "changeit")?;

    let app = leaf("app.lab.test", now - time::Duration::days(1), 397)?;
    let proxy = leaf("proxy.lab.test", now - time::Duration::days(1), 397)?;
    let old = leaf("expired.lab.test", now - time::Duration::days(400), 90)?;

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
            role: "expired",
            host: "expired.lab.test",
            addr: any,
            identity: Some((vec![old.cert.clone(), inter.clone()], old.key_pkcs8.clone())),
            stop: None,
        },
    ];
    for e in &mut endpoints {
        start(&runtime, e)?;
    }

    show(Step::Intro {
        dir,
        endpoints: endpoints
            .iter()
            .map(|e| (e.role, e.host, e.addr, e.identity.is_some()))
            .collect(),
    })?;

    let known = [inter.clone()];
    let before = probe_all(&endpoints, &trust, &known, now.unix_timestamp())?;
    show(Step::Before(&before))?;

    // Apply the fixes: what trustpath wrote for each endpoint, then what an admin would do for the rest.
    let fixes = dir.join("fixes");
    let mut before_written = before.clone();
    let mut applied = Vec::new();
    for (report, e) in before_written
        .endpoints
        .iter_mut()
        .zip(endpoints.iter_mut())
    {
        let name = report.fix_name();
        report.write_fixes(&fixes, &name, false)?;
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
            ("expired", _) => {
                let renewed = leaf("expired.lab.test", now - time::Duration::days(1), 397)?;
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
    show(Step::Fixed(&applied))?;

    let after = probe_all(&endpoints, &trust, &known, now.unix_timestamp())?;
    show(Step::After {
        roles: endpoints.iter().map(|e| e.role).collect(),
        before: &before,
        after: &after,
    })?;

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
        echo_headers: false,
        max_connections: None,
        duration: Some(Duration::from_secs(120)),
        handshake_timeout: serve::HANDSHAKE_TIMEOUT,
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
fn probe_all(
    endpoints: &[Endpoint],
    trust: &JvmTrust,
    extra: &[Certificate],
    now: i64,
) -> Result<Run> {
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
        proxy: None,
        client_cert: None,
    })
    .context("cannot set up TLS")?;
    let captures = probe::probe_blocking(prober, targets, 16, Arc::new(|_| {}))
        .context("cannot start the async runtime")?;
    Ok(crate::judge::captures(captures, trust, extra, now))
}
