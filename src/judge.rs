//! Batch judging: many captured or read chains judged as the JVM would, each distinct (chain, host) once,
//! on all cores. `probe`, `verify` and `check` all judge through here, and get a [`Run`] of
//! [`EndpointReport`]s in input order.
//!
//! The diagnosis is a pure function of the served certificates and the host name (`chain::diagnose`), and
//! fleets behind one load balancer serve the same chain, so results are memoised by the SHA-256 of each
//! served certificate and the host.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cert::Certificate;
use crate::chain::{ChainInput, Diagnosis, TlsVersion};
use crate::error::Result;
use crate::finding::{self, Code, Finding, Severity};
use crate::jvm::{JvmTrust, StoreSummary};
use crate::probe::{CapturedChain, TlsInfo};
use crate::storefile::ChainFile;

/// Everything reported about one endpoint or chain file.
#[derive(Debug, Clone, Default)]
pub struct EndpointReport {
    /// The target as given (`https://wiki.example.test`), or the chain file's path.
    pub target: String,
    /// The host name checked against the leaf, when there is one.
    pub host: Option<String>,
    /// The port probed (none for chain files).
    pub port: Option<u16>,
    /// The SNI name sent.
    pub sni: Option<String>,
    /// The address connected to.
    pub address: Option<SocketAddr>,
    /// The handshake, when probed.
    pub tls: Option<TlsInfo>,
    /// The chain as served (or as read from the file), leaf first.
    pub chain: Vec<Certificate>,
    /// The diagnosis, when there was a chain to judge.
    pub diagnosis: Option<Diagnosis>,
    /// Every finding (capture and diagnosis), most important first.
    pub findings: Vec<Finding>,
    /// Files written by `--write-fixes`.
    pub written: Vec<PathBuf>,
    /// How long the probe took (none for chain files).
    pub elapsed: Option<Duration>,
}

impl EndpointReport {
    /// The JVM's verdict: false without a chain.
    pub fn trusted(&self) -> bool {
        self.diagnosis.as_ref().is_some_and(|d| d.trusted)
    }

    /// Whether the endpoint passes: trusted by the JVM and no error finding.
    pub fn ok(&self) -> bool {
        self.trusted() && !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The stem of a probed endpoint's `--write-fixes` files: `HOST_PORT`.
    pub fn fix_name(&self) -> String {
        format!(
            "{}_{}",
            self.host.clone().unwrap_or_default(),
            self.port.unwrap_or(0)
        )
    }

    /// Writes the diagnosis's fixes into `dir` under `name` (see [`crate::storefile::write_fixes`];
    /// existing files are replaced only with `overwrite`), records the files written, and returns the
    /// temporary files of killed runs found there; a file refused because it would carry a certificate
    /// the JVM cannot parse is a `jvm-unparseable-cert` warning.
    pub fn write_fixes(
        &mut self,
        dir: &Path,
        name: &str,
        overwrite: bool,
    ) -> Result<crate::storefile::lock::Swept> {
        let Some(fix) = self.diagnosis.as_ref().and_then(|d| d.fix.as_ref()) else {
            return Ok(Default::default());
        };
        let out = crate::storefile::write_fixes(dir, name, fix, overwrite)?;
        for (path, e) in out.refused {
            self.findings.push(Finding::new(
                Code::JvmUnparseableCert,
                Severity::Warning,
                format!("--write-fixes did not write {}: {e}", path.display()),
                "get the certificate from its CA instead",
            ));
        }
        self.written = out.written;
        Ok(out.swept)
    }
}

/// A whole run: `trustpath probe` or `trustpath verify`.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The truststores the JVM verdicts used.
    pub truststores: Vec<StoreSummary>,
    /// One entry per target or chain file, in input order.
    pub endpoints: Vec<EndpointReport>,
    /// The validation instant (seconds since the epoch), for "expires in N days".
    pub now: i64,
}

impl Run {
    /// The process exit code: 0 when every endpoint passes, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.endpoints.iter().all(EndpointReport::ok) {
            crate::error::exit::OK
        } else {
            crate::error::exit::PROBLEMS
        }
    }
}

/// Judges every capture (each distinct chain and host once) and builds the run, in input order.
/// `extra` are certificates known from elsewhere, used to build fixes, never as anchors.
pub fn captures(
    captures: Vec<CapturedChain>,
    trust: &JvmTrust,
    extra: &[Certificate],
    now: i64,
) -> Run {
    let jobs: Vec<Job> = captures
        .iter()
        .map(|c| Job {
            served: &c.chain,
            host: Some(checked_host(c)),
            tls: negotiated(c),
        })
        .collect();
    let memo = diagnose_all(&jobs, trust, extra, now);
    Run {
        truststores: trust.summaries.clone(),
        endpoints: captures
            .into_iter()
            .map(|c| {
                let diagnosis = memo
                    .get(&key(&c.chain, Some(&checked_host(&c)), negotiated(&c)))
                    .cloned();
                let mut findings = c.findings;
                findings.extend(diagnosis.iter().flat_map(|d| d.findings.iter().cloned()));
                finding::sort(&mut findings);
                EndpointReport {
                    target: c.target.input.clone(),
                    host: Some(c.target.host.clone()),
                    port: Some(c.target.port),
                    sni: c.sni,
                    address: c.address,
                    tls: c.tls,
                    findings,
                    chain: c.chain,
                    diagnosis,
                    written: Vec::new(),
                    elapsed: c.elapsed,
                }
            })
            .collect(),
        now,
    }
}

/// Judges chain files (name, chain and the keys found with it) against `host`; `key` is a private key
/// (label, public-key bits) that must belong to every leaf.
pub fn chain_files(
    files: Vec<(String, ChainFile)>,
    host: Option<&str>,
    key: Option<&(String, Vec<u8>)>,
    trust: &JvmTrust,
    extra: &[Certificate],
    now: i64,
) -> Run {
    let host = host.map(str::to_owned);
    let jobs: Vec<Job> = files
        .iter()
        .map(|(_, f)| Job {
            served: &f.certs,
            host: host.clone(),
            tls: None,
        })
        .collect();
    let memo = diagnose_all(&jobs, trust, extra, now);
    Run {
        truststores: trust.summaries.clone(),
        endpoints: files
            .into_iter()
            .map(|(name, file)| {
                let diagnosis = memo
                    .get(&key_of(&file.certs, host.as_deref(), None))
                    .cloned();
                let mut findings: Vec<Finding> = diagnosis
                    .iter()
                    .flat_map(|d| d.findings.iter().cloned())
                    .collect();
                findings.extend(key.into_iter().chain(file.keys.iter()).filter_map(
                    |(label, spki)| crate::keypair::key_mismatch(label, spki, &file.certs),
                ));
                finding::sort(&mut findings);
                EndpointReport {
                    target: name,
                    host: host.clone(),
                    findings,
                    chain: file.certs,
                    diagnosis,
                    ..EndpointReport::default()
                }
            })
            .collect(),
        now,
    }
}

/// One chain to judge against a host.
struct Job<'a> {
    served: &'a [Certificate],
    host: Option<String>,
    /// The TLS version negotiated, when a handshake took place.
    tls: Option<TlsVersion>,
}

/// Diagnoses by served chain (SHA-256 of each certificate), host name and negotiated TLS version.
type Key = (Vec<[u8; 32]>, Option<String>, Option<TlsVersion>);
type Memo = HashMap<Key, Diagnosis>;

/// The host name a capture's leaf is checked against: `--sni` when given, else the target's host.
fn checked_host(captured: &CapturedChain) -> String {
    captured
        .sni
        .clone()
        .unwrap_or_else(|| captured.target.host.clone())
}

/// The TLS version the probe negotiated, which decides the certificate signature algorithms the JVM's
/// client accepts (the JVM negotiates the same version with the server: the highest both speak).
fn negotiated(captured: &CapturedChain) -> Option<TlsVersion> {
    captured
        .tls
        .as_ref()
        .and_then(|t| t.version.as_deref())
        .and_then(TlsVersion::from_jdk_name)
}

fn key_of(served: &[Certificate], host: Option<&str>, tls: Option<TlsVersion>) -> Key {
    (
        served.iter().map(Certificate::sha256).collect(),
        host.map(str::to_owned),
        tls,
    )
}

fn key(served: &[Certificate], host: Option<&String>, tls: Option<TlsVersion>) -> Key {
    key_of(served, host.map(String::as_str), tls)
}

/// Diagnoses every distinct (chain, host) once, on all cores: `chain::diagnose` is pure and CPU-bound.
/// Empty chains are not judged.
fn diagnose_all(jobs: &[Job<'_>], trust: &JvmTrust, extra: &[Certificate], now: i64) -> Memo {
    let mut seen = HashSet::new();
    let unique: Vec<&Job<'_>> = jobs
        .iter()
        .filter(|j| !j.served.is_empty() && seen.insert(key(j.served, j.host.as_ref(), j.tls)))
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = unique.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = unique
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|j| {
                            let input = ChainInput {
                                served: j.served.to_vec(),
                                host: j.host.clone(),
                                extra: extra.to_vec(),
                                tls_version: j.tls,
                            };
                            let d =
                                crate::chain::diagnose(&input, &trust.anchors, &trust.policy, now);
                            (key(j.served, j.host.as_ref(), j.tls), d)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A worker only panics if diagnose does; that endpoint is then reported without a diagnosis.
        workers
            .into_iter()
            .filter_map(|w| w.join().ok())
            .flatten()
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{Fix, Profile, Verdict};

    /// A self-signed certificate with an empty name (the JDK refuses its empty issuer).
    fn unparseable() -> Certificate {
        let mut p = rcgen::CertificateParams::new(vec!["x.test".to_owned()]).unwrap();
        p.distinguished_name = rcgen::DistinguishedName::new();
        let key = rcgen::KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    fn good() -> Certificate {
        let p = rcgen::CertificateParams::new(vec!["ok.test".to_owned()]).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    #[test]
    fn write_fixes_never_writes_a_certificate_the_jvm_cannot_parse_and_says_so() {
        let verdict = |profile| Verdict {
            profile,
            trusted: false,
            path: Vec::new(),
            reason: None,
        };
        let mut report = EndpointReport {
            diagnosis: Some(Diagnosis {
                trusted: false,
                java: verdict(Profile::Java),
                browser: verdict(Profile::Browser),
                findings: Vec::new(),
                fix: Some(Fix {
                    fullchain: vec![good(), unparseable()],
                    fullchain_complete: true,
                    import: vec![unparseable(), good()],
                }),
            }),
            ..EndpointReport::default()
        };
        let dir = tempfile::tempdir().unwrap();
        report.write_fixes(dir.path(), "host:443", false).unwrap();
        assert_eq!(report.written, vec![dir.path().join("host_443-ca-2.pem")]);
        assert!(!dir.path().join("host_443-fullchain.pem").exists());
        assert!(!dir.path().join("host_443-ca-1.pem").exists());
        let notes: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.code == Code::JvmUnparseableCert)
            .collect();
        assert_eq!(notes.len(), 2);
        assert!(
            notes[0].message.contains("did not write")
                && notes[0].message.contains("Empty issuer DN not allowed"),
            "{}",
            notes[0].message
        );
    }
}
