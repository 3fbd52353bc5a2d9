//! `trustpath verify`: the probe's diagnosis, offline, for chain files (PEM fullchain, DER, or a
//! PKCS#12/JKS keystore's private-key entry), with an optional check that a private key matches the leaf.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rustls::pki_types::PrivateKeyDer;

use super::trust::{self, FixArgs, TrustArgs};
use crate::cert::Certificate;
use crate::chain::ChainInput;
use crate::error::Result;
use crate::finding;
use crate::keypair;
use crate::report::{EndpointReport, Run};
use crate::truststore::{self, EntryBody};

/// Arguments of `trustpath verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath verify fullchain.pem --host wiki.example.test --key privkey.pem
      Judge a certbot-style fullchain for wiki.example.test with the default JVM's cacerts, and check
      that privkey.pem belongs to its leaf.

  $ trustpath verify keystore.p12 --chain-pass s3cret --truststore app-truststore.jks --storepass-env TS_PASS
      Judge the chain of a PKCS#12 keystore's key entry with the app's truststore.

  $ trustpath verify server.pem --at 2027-01-01T00:00:00Z --extra-certs ca-bundle.pem --write-fixes fixes/
      Judge as of a future date and write the corrected fullchain using the CA's bundle.")]
pub struct VerifyArgs {
    /// Chain files: a PEM fullchain (leaf first), a DER certificate, or a PKCS#12/JKS keystore (the chain
    /// of its first private-key entry).
    #[arg(value_name = "CHAIN_FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The host name to check the leaf against. Without it, no name check is made.
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// Validate at this instant (RFC 3339, e.g. 2027-01-01T00:00:00Z) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// A private key (PEM: PKCS#8, SEC1 EC or PKCS#1 RSA) that must belong to the leaf.
    #[arg(long, value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
    /// The password of a PKCS#12/JKS chain file. Defaults to the truststore password.
    #[arg(long, value_name = "PASS")]
    pub chain_pass: Option<String>,
    /// Print one JSON document instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Truststores and password.
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Fix options.
    #[command(flatten)]
    pub fix: FixArgs,
}

/// Runs `trustpath verify`.
pub fn run(args: VerifyArgs) -> Result<u8> {
    let now = match &args.at {
        Some(at) => parse_at(at)?,
        None => trust::now_unix(),
    };
    let trust = args.trust.load(args.fix.warn_days)?;
    let extra = trust::extra_certs(&args.fix)?;
    let chain_pass = match &args.chain_pass {
        Some(p) => p.clone(),
        None => args.trust.password()?,
    };
    let key = match &args.key {
        Some(path) => Some(keypair::read_key(path, "--key ")?),
        None => None,
    };

    let mut run = Run {
        truststores: trust.summaries.clone(),
        endpoints: Vec::with_capacity(args.files.len()),
        now,
    };
    for file in &args.files {
        let chain = read_chain(file, &chain_pass)?;
        let input = ChainInput {
            served: chain.certs.clone(),
            host: args.host.clone(),
            extra: extra.clone(),
            tls_version: None,
        };
        let diagnosis = crate::chain::diagnose(&input, &trust.anchors, &trust.policy, now);
        let mut findings = diagnosis.findings.clone();
        for (label, spki) in key.iter().chain(chain.keys.iter()) {
            if let Some(f) = keypair::key_mismatch(label, spki, &chain.certs) {
                findings.push(f);
            }
        }
        finding::sort(&mut findings);
        let mut report = EndpointReport {
            target: file.display().to_string(),
            host: args.host.clone(),
            chain: chain.certs,
            diagnosis: Some(diagnosis),
            findings,
            ..EndpointReport::default()
        };
        if let Some(dir) = &args.fix.write_fixes {
            let name = file
                .file_name()
                .map_or_else(|| "chain".into(), |n| n.to_string_lossy().into_owned());
            trust::write_fixes(dir, &name, &mut report)?;
        }
        run.endpoints.push(report);
    }
    super::probe::print(&run, args.json)?;
    Ok(run.exit_code())
}

fn parse_at(text: &str) -> Result<i64> {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .with_context(|| format!("--at '{text}': expected RFC 3339, e.g. 2027-01-01T00:00:00Z"))?;
    Ok(t.unix_timestamp())
}

/// A chain file's certificates and any private keys it holds (as public-key bits, with a label).
struct ChainFile {
    certs: Vec<Certificate>,
    keys: Vec<(String, Vec<u8>)>,
}

fn read_chain(path: &Path, password: &str) -> Result<ChainFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let store = truststore::read(&bytes, password)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut keys = Vec::new();
    let certs = match store.entries.iter().find_map(|e| match &e.body {
        EntryBody::PrivateKey(k) => Some(k),
        _ => None,
    }) {
        Some(entry) => {
            // A JKS/JCEKS key is recovered with the store password, as keytool does by default.
            let pkcs8 = match &entry.key {
                truststore::KeyMaterial::Pkcs8(der) => Some(der.clone()),
                truststore::KeyMaterial::JavaProtected(epki) => {
                    truststore::keyprotect::recover(epki, password).ok()
                }
            };
            if let Some(der) = pkcs8
                && let Ok(spki) = keypair::public_key_bits(&PrivateKeyDer::Pkcs8(der.into()))
            {
                keys.push((format!("the key entry in {}", path.display()), spki));
            }
            entry.chain.clone()
        }
        None => store
            .entries
            .iter()
            .filter_map(|e| e.certificate().cloned())
            .collect(),
    };
    if crate::pem::looks_like_pem(&bytes)
        && let Ok(key) = crate::pem::private_key(&bytes)
        && let Ok(spki) = keypair::public_key_bits(&key)
    {
        keys.push((format!("the private key in {}", path.display()), spki));
    }
    if certs.is_empty() {
        anyhow::bail!("{}: no certificate", path.display());
    }
    Ok(ChainFile { certs, keys })
}
