//! The file side: every file trustpath reads or writes outside configurations (which `config::Loader`
//! reads). Stores are loaded from a path (a keystore or certificate file, or a directory of certificates),
//! certificate, chain and key files are read bounded ([`crate::input`]), and [`locked`] edits and converts
//! a store without ever losing an entry. [`mod@write`] is the one writer of every file (stores, backups,
//! converts, fix files, lab files): checked targets, temporary files with their final mode, fsync, rename,
//! directory fsync, under the directory locks of [`lock`], which also clear the temporary files of killed
//! runs. [`lab`] reads an existing lab CA directory.

pub mod lab;
pub mod lock;
pub mod locked;
pub mod write;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use bytes::Bytes;
use rustls::pki_types::PrivateKeyDer;

use crate::cert::Certificate;
use crate::error::Result;
use crate::input;
use crate::keypair;
use crate::password::{self, PassSource};
use crate::probe::ClientIdentity;
use crate::truststore::{self, EntryBody, KeyMaterial, StoreFormat, TrustStore};

pub use locked::{
    ConvertOptions, Converted, SaveOptions, Saved, StoreEdit, convert_store, verify_round_trip,
};
pub use write::{FixesWritten, Policy, write_fixes, write_one};

/// Largest certificate file read from a directory.
const MAX_DIR_FILE: u64 = 1024 * 1024;

/// Reads a store: a keystore or certificate file of any format, or a directory of certificate files.
pub fn load(path: &Path, password: &str) -> Result<TrustStore> {
    let meta = fs::metadata(path).with_context(|| format!("cannot open {}", path.display()))?;
    if meta.is_dir() {
        return load_dir(path);
    }
    let bytes = read_bounded(path)?.into();
    parse(path, &bytes, password)
}

/// Parses store bytes, naming the file in any error. A keystore's certificates share `bytes`.
pub fn parse(path: &Path, bytes: &Bytes, password: &str) -> Result<TrustStore> {
    truststore::read_shared(bytes, password).with_context(|| format!("{}", path.display()))
}

/// Reads a whole store file, refusing files larger than [`input::STORE`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    Ok(input::read(path, &input::STORE)?)
}

/// A client certificate with its key, for the TLS handshake: a PEM (or DER) chain, leaf first, with the
/// PEM private key in `key`; without one, a PKCS#12, JKS or JCEKS key store opened with the password
/// `pass` names (the key entry `alias`, else the only one). Errors name the options
/// (`--client-cert`, `--client-key`).
pub fn client_identity(
    cert: &Path,
    key: Option<&Path>,
    alias: Option<&str>,
    pass: Option<&PassSource>,
) -> Result<ClientIdentity> {
    let shown = cert.display().to_string();
    let identity = match key {
        Some(key_path) => {
            let chain = read_cert_file(cert).context("--client-cert")?;
            let key = input::read(key_path, &input::KEY_FILE).context("--client-key")?;
            ClientIdentity::from_pem(chain, &key, &shown)
        }
        None => {
            let bytes = input::read(cert, &input::STORE).context("--client-cert")?;
            if matches!(
                truststore::detect(&bytes),
                Ok(StoreFormat::Pem | StoreFormat::Der)
            ) {
                bail!(
                    "--client-cert {shown} is a certificate file: give its private key with --client-key FILE, or a PKCS#12/JKS key store"
                );
            }
            let password = password::resolve(pass).context("--client-cert password")?;
            ClientIdentity::from_keystore(&bytes, &password, alias, &shown)
        }
    };
    identity.with_context(|| format!("--client-cert {shown}"))
}

/// Reads every certificate file in a directory (as `/etc/ssl/certs`): PEM or DER, one or more
/// certificates each; other files (keys, CRLs, hash links to files already read) are skipped.
fn load_dir(dir: &Path) -> Result<TrustStore> {
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    // Prefer descriptive names over OpenSSL's hash links (`3e45d192.0`) when both name one certificate.
    names.sort_by_key(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (is_hash_link(&name), name)
    });
    let mut store = TrustStore::new(StoreFormat::Directory);
    let mut seen = std::collections::HashSet::new();
    let mut aliases = truststore::pem_bundle::Aliases::default();
    let mut total: u64 = 0;
    for path in names {
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_DIR_FILE {
            continue;
        }
        // A directory is read as one store: the same limits hold for it as a whole.
        total += meta.len();
        if total > input::STORE.bytes || store.entries.len() >= truststore::MAX_ENTRIES {
            bail!(
                "{}: the directory's certificate files add up to more than {} bytes or {} certificates, \
                 the limits for a store",
                dir.display(),
                input::STORE.bytes,
                truststore::MAX_ENTRIES
            );
        }
        let Ok(bytes) = input::read_limited(&path, MAX_DIR_FILE) else {
            continue;
        };
        let Ok(format) = truststore::detect(&bytes) else {
            continue;
        };
        let certs = match format {
            StoreFormat::Pem => truststore::pem_bundle::read_pem(&bytes),
            StoreFormat::Der => truststore::pem_bundle::read_der(&bytes),
            _ => continue,
        };
        let Ok(certs) = certs else { continue };
        let stem = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, entry) in certs.entries.into_iter().enumerate() {
            let EntryBody::TrustedCert(cert) = entry.body else {
                continue;
            };
            if !seen.insert(cert.sha256()) {
                continue;
            }
            let base = if i == 0 {
                stem.clone()
            } else {
                format!("{stem}-{}", i + 1)
            };
            let alias = aliases.unique(&base);
            store
                .entries
                .push(truststore::Entry::trusted(alias, cert, None));
        }
    }
    Ok(store)
}

/// OpenSSL's `c_rehash` names: eight hex digits, a dot, a number.
fn is_hash_link(name: &str) -> bool {
    let (hash, n) = name.split_once('.').unwrap_or((name, ""));
    hash.len() == 8
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// Reads the certificates of a PEM or DER file (for `store import` and `--extra-certs`). Refuses keystores
/// and files without certificates, naming the file.
pub fn read_cert_file(path: &Path) -> Result<Vec<Certificate>> {
    certificates_in(path, &input::read(path, &input::CERT_FILE)?)
}

/// The certificates of a PEM or DER file's bytes; a keystore is refused, naming the file.
pub fn certificates_in(path: &Path, bytes: &[u8]) -> Result<Vec<Certificate>> {
    let format = truststore::detect(bytes).with_context(|| format!("{}", path.display()))?;
    let store = match format {
        StoreFormat::Pem => truststore::pem_bundle::read_pem(bytes),
        StoreFormat::Der => truststore::pem_bundle::read_der(bytes),
        other => bail!(
            "{}: is a {other} keystore, not a certificate file; use `trustpath store export` to take a \
             certificate out of it",
            path.display()
        ),
    }
    .with_context(|| format!("{}", path.display()))?;
    Ok(store
        .entries
        .into_iter()
        .filter_map(|e| match e.body {
            EntryBody::TrustedCert(c) => Some(c),
            _ => None,
        })
        .collect())
}

/// Reads `--extra-certs`-style files: the certificates of each PEM or DER file, in order.
pub fn read_cert_files(paths: &[PathBuf]) -> Result<Vec<Certificate>> {
    let mut certs = Vec::new();
    for p in paths {
        certs.extend(read_cert_file(p)?);
    }
    Ok(certs)
}

/// A chain file's certificates and any private keys it holds (as public-key bits, with a label).
#[derive(Debug, Clone)]
pub struct ChainFile {
    /// The chain, leaf first.
    pub certs: Vec<Certificate>,
    /// The private keys found with it: (label, subjectPublicKey bits).
    pub keys: Vec<(String, Vec<u8>)>,
}

/// Reads a chain file for `verify`: a PEM fullchain (and any private key in it), a DER certificate, or a
/// PKCS#12/JKS keystore (the chain of its first private-key entry, whose key is recovered with
/// `password` as keytool does by default).
pub fn read_chain_file(path: &Path, password: &str) -> Result<ChainFile> {
    let bytes = input::read(path, &input::CERT_FILE)?;
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
                KeyMaterial::Pkcs8(der) => Some(der.clone()),
                KeyMaterial::JavaProtected(epki) => {
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

/// A PEM file's bytes, refused over [`input::KEY_FILE`].
fn read_pem_bytes(path: &Path) -> Result<Vec<u8>> {
    Ok(input::read(path, &input::KEY_FILE)?)
}

fn read_pem_file(path: &Path) -> Result<Vec<crate::pem::Block>> {
    crate::pem::parse_all(&read_pem_bytes(path)?).with_context(|| format!("{}", path.display()))
}

/// The `CERTIFICATE` blocks of a PEM file, in file order (what `serve --cert`/`--chain` serve).
pub fn read_pem_certs(path: &Path) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    let certs: Vec<rustls::pki_types::CertificateDer<'static>> = read_pem_file(path)?
        .into_iter()
        .filter(|b| b.label == "CERTIFICATE")
        .map(|b| rustls::pki_types::CertificateDer::from(b.contents))
        .collect();
    if certs.is_empty() {
        bail!("{}: no CERTIFICATE block", path.display());
    }
    Ok(certs)
}

/// The first private key of a PEM file: PKCS#8, SEC1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`; an
/// encrypted key is refused with the command that decrypts it.
pub fn read_pem_private_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let bytes = read_pem_bytes(path)?;
    match crate::pem::private_key(&bytes) {
        Ok(key) => Ok(key),
        Err(crate::pem::PemError::NoPrivateKey) => {
            let blocks = crate::pem::parse_all(&bytes)?;
            if blocks.iter().any(|b| b.label == "ENCRYPTED PRIVATE KEY") {
                bail!(
                    "{}: the key is encrypted; decrypt it first (openssl pkey -in {} -out plain.key)",
                    path.display(),
                    path.display()
                );
            }
            bail!("{}: no PRIVATE KEY block", path.display())
        }
        Err(e) => Err(e).with_context(|| format!("{}", path.display())),
    }
}
