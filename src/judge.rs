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

/// How the import lines of a run's remediations name the store to edit and the CA files to import
/// (`chain` writes the placeholders `STORE`/its anchors' store and `CA.pem`): the store the user gave
/// (else the default JVM's cacerts, else a new truststore for the app), and the files `--write-fixes`
/// wrote — or, when it was not given, the files it would write and how to write them.
#[derive(Debug, Clone)]
pub struct ImportLines {
    /// The store label the diagnosis wrote into its lines ([`crate::chain::store_label`]).
    chain_store: String,
    /// The store as `trustpath store import` takes it, shell-quoted.
    store: String,
    /// Said (in the line's one parenthesis) after a line naming a new store.
    store_note: Option<String>,
    /// How the CA files come about when none were written (`--write-fixes fixes`).
    how_to_write: String,
}

/// The directory named in "write it with --write-fixes fixes" when `--write-fixes` was not given.
pub const SUGGESTED_FIXES_DIR: &str = "fixes";

/// The store suggested when only Mozilla's roots judged (no JVM truststore was found or named).
pub const NEW_APP_TRUSTSTORE: &str = "app-truststore.p12";

impl ImportLines {
    /// The lines of a run judged with `trust`; `how_to_write` says how to get the fix files when
    /// `--write-fixes` was not given (`--write-fixes fixes`, or for `check` the probe that writes them).
    pub fn new(trust: &JvmTrust, how_to_write: impl Into<String>) -> ImportLines {
        use crate::jvm::StoreOrigin;
        let given = trust
            .summaries
            .iter()
            .find(|s| matches!(s.origin, StoreOrigin::Option | StoreOrigin::JvmCacerts));
        let (store, store_note) = match given {
            Some(s) => (shell_word(&s.label), None),
            None => (
                NEW_APP_TRUSTSTORE.to_owned(),
                Some(format!(
                    "a new truststore: no JVM truststore was found or named; give it to the app's JVM with \
                     -Djavax.net.ssl.trustStore={NEW_APP_TRUSTSTORE} -Djavax.net.ssl.trustStorePassword=changeit, \
                     or import into the store it uses"
                )),
            ),
        };
        ImportLines {
            chain_store: crate::chain::store_label(&trust.anchors),
            store,
            store_note,
            how_to_write: how_to_write.into(),
        }
    }

    /// The same lines, with another way of writing the fix files (a `check` endpoint's own probe).
    pub fn writing_with(&self, how_to_write: impl Into<String>) -> ImportLines {
        ImportLines {
            how_to_write: how_to_write.into(),
            ..self.clone()
        }
    }

    /// The store to name as `--truststore`, when the run used one (not Mozilla's roots alone).
    pub fn store_option(&self) -> Option<&str> {
        self.store_note.is_none().then_some(self.store.as_str())
    }

    /// Rewrites every import line of `findings`: the real store, and `files` (the CA files written, or
    /// those that would be, with how to write them when `written` is false) in place of `CA.pem`.
    pub fn apply(&self, findings: &mut [Finding], files: &[String], written: bool) {
        use crate::chain::{CA_FILE_PLACEHOLDER, ROOT_FILE, STORE_PLACEHOLDER};
        for f in findings.iter_mut() {
            if !f.remediation.contains("trustpath store import ") {
                continue;
            }
            let mut text = f.remediation.clone();
            for from in [self.chain_store.as_str(), STORE_PLACEHOLDER] {
                text = text.replace(
                    &format!("trustpath store import {from} "),
                    &format!("trustpath store import {} ", self.store),
                );
            }
            // What the line needs said (how a file comes about, a new store) goes in one parenthesis
            // at its end, never two in a row.
            let mut notes: Vec<String> = Vec::new();
            if text.contains(CA_FILE_PLACEHOLDER) {
                if files.is_empty() {
                    // No fix file holds the CA: the user saves it from the CA.
                    text = text.replace(CA_FILE_PLACEHOLDER, "ca.pem");
                    notes.push("ca.pem: the CA certificate, saved from its CA".to_owned());
                } else {
                    let named: Vec<String> = files.iter().map(|f| shell_word(f)).collect();
                    text = text.replace(CA_FILE_PLACEHOLDER, &named.join(" "));
                    if !written {
                        notes.push(format!("{} writes {}", self.how_to_write, files.join(", ")));
                    }
                }
            }
            if text.contains(&format!(" {ROOT_FILE}")) {
                notes.push(format!(
                    "{ROOT_FILE}: the root certificate, saved from its CA"
                ));
            }
            if let Some(note) = &self.store_note {
                notes.push(note.clone());
            }
            if !notes.is_empty() {
                text.push_str(&format!(" ({})", notes.join("; ")));
            }
            f.remediation = text;
        }
    }
}

/// `word` as one shell word: as is when it needs no quoting, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/:@%+=,-".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

impl EndpointReport {
    /// Names the real store and CA files in this endpoint's import lines (see [`ImportLines`]): the
    /// `-ca-N.pem` files `--write-fixes` wrote, else those it would write into
    /// [`SUGGESTED_FIXES_DIR`] under `name`.
    pub fn name_import_files(&mut self, lines: &ImportLines, name: &str) {
        let (files, written) = self.import_files(name);
        lines.apply(&mut self.findings, &files, written);
    }

    /// The CA files of this endpoint's fix: those written (and `true`), else those `--write-fixes`
    /// would write into [`SUGGESTED_FIXES_DIR`] under `name` (and `false`).
    pub fn import_files(&self, name: &str) -> (Vec<String>, bool) {
        let written: Vec<String> = self
            .written
            .iter()
            .filter(|p| !p.to_string_lossy().ends_with("-fullchain.pem"))
            .map(|p| p.display().to_string())
            .collect();
        if !written.is_empty() {
            return (written, true);
        }
        let imports = self
            .diagnosis
            .as_ref()
            .and_then(|d| d.fix.as_ref())
            .map_or(0, |f| f.import.len());
        let stem = crate::storefile::write::file_stem(name);
        let files = (1..=imports)
            .map(|i| format!("{SUGGESTED_FIXES_DIR}/{stem}-ca-{i}.pem"))
            .collect();
        (files, false)
    }
}

/// A whole run: `trustpath probe` or `trustpath verify`.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The truststores the JVM verdicts used.
    pub truststores: Vec<StoreSummary>,
    /// The JVM whose rules apply, and why that one (`None`: the stores were given alone).
    pub jvm: Option<crate::jvm::JvmUsed>,
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

/// Fetches, from their caIssuers URLs, the issuers `captures` lack (see
/// [`crate::probe::aia::Fetcher::complete`]): an issuer among `trust`'s anchors (Java or browser) is not
/// fetched, and `java` says which URLs the app's JVM fetches too. Every request is bounded by `timeout`.
pub fn fetch_missing_issuers(
    captures: &mut [CapturedChain],
    trust: &JvmTrust,
    java: &crate::probe::aia::JavaAia,
    timeout: Duration,
) -> Result<()> {
    let known: HashSet<Vec<u8>> = trust
        .anchors
        .java
        .iter()
        .chain(&trust.anchors.browser)
        .filter_map(|a| a.cert.try_info().ok().map(|i| i.subject_raw.clone()))
        .collect();
    use anyhow::Context as _;
    crate::probe::aia::complete_blocking(captures, &known, java, timeout)
        .context("cannot start the async runtime")
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
            fetched: &c.fetched,
        })
        .collect();
    // Every CA certificate an endpoint of this run served can complete another endpoint's fix (a proxy
    // serving the leaf alone beside an app serving the whole chain): offered as extra certificates.
    let mut seen: HashSet<[u8; 32]> = extra.iter().map(Certificate::sha256).collect();
    let mut known = extra.to_vec();
    let fetched = captures
        .iter()
        .flat_map(|c| c.fetched.iter().map(|f| &f.cert));
    for c in captures
        .iter()
        .flat_map(|c| c.chain.iter().skip(1))
        .chain(fetched)
    {
        if c.try_info().is_ok_and(|i| i.is_ca) && seen.insert(c.sha256()) {
            known.push(c.clone());
        }
    }
    let memo = diagnose_all(&jobs, trust, &known, now);
    Run {
        truststores: trust.summaries.clone(),
        jvm: trust.jvm.clone(),
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
            fetched: &[],
        })
        .collect();
    let memo = diagnose_all(&jobs, trust, extra, now);
    Run {
        truststores: trust.summaries.clone(),
        jvm: trust.jvm.clone(),
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
    /// Issuers fetched from caIssuers URLs (`--fetch-aia`).
    fetched: &'a [crate::chain::Fetched],
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
    // A chunk only fails if diagnose panics; its endpoints are then reported without a diagnosis.
    crate::parallel::map_chunks(&unique, 1, |part| {
        part.iter()
            .map(|j| {
                let input = ChainInput {
                    served: j.served.to_vec(),
                    host: j.host.clone(),
                    extra: extra.to_vec(),
                    tls_version: j.tls,
                    fetched: j.fetched.to_vec(),
                };
                let d = crate::chain::diagnose(&input, &trust.anchors, &trust.policy, now);
                (key(j.served, j.host.as_ref(), j.tls), d)
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .filter_map(Result::ok)
    .flatten()
    .collect()
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
