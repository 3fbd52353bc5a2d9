//! The file-system side of truststores: loading a store from a path (file or certificate directory), and
//! editing one without ever losing an entry.
//!
//! An edit holds an advisory lock on the store's directory for the whole read-modify-write, so two
//! concurrent imports both land. The new bytes are parsed back and compared with what was meant to be
//! written before anything on disk changes; then a timestamped backup is written beside the store, the new
//! store goes to a temporary file in the same directory (same mode and owner), is fsynced and renamed over
//! the old one, and the directory is fsynced. Any refusal before the rename leaves the store byte-identical.
//! A symlinked store (Debian's `$JAVA_HOME/lib/security/cacerts`) is edited at its target.

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cert::Certificate;
use crate::error::Result;
use crate::truststore::{self, EntryBody, StoreFormat, TrustStore};

/// Largest store file read (the JDK's cacerts is ~200 KiB; a 10,000-entry store ~15 MiB).
pub const MAX_STORE_FILE: u64 = 256 * 1024 * 1024;
/// Largest certificate file read from a directory.
const MAX_DIR_FILE: u64 = 1024 * 1024;

/// Reads a store: a keystore or certificate file of any format, or a directory of certificate files.
pub fn load(path: &Path, password: &str) -> Result<TrustStore> {
    let meta = fs::metadata(path).with_context(|| format!("cannot open {}", path.display()))?;
    if meta.is_dir() {
        return load_dir(path);
    }
    let bytes = read_bounded(path)?;
    parse(path, &bytes, password)
}

/// Parses store bytes, naming the file in any error.
pub fn parse(path: &Path, bytes: &[u8], password: &str) -> Result<TrustStore> {
    truststore::read(bytes, password).with_context(|| format!("{}", path.display()))
}

/// Reads a whole file, refusing files larger than [`MAX_STORE_FILE`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata()?.len();
    if len > MAX_STORE_FILE {
        bail!(
            "{}: {len} bytes is larger than the {MAX_STORE_FILE}-byte limit for a store",
            path.display()
        );
    }
    let mut bytes = Vec::with_capacity(len as usize);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_STORE_FILE + 1),
        &mut bytes,
    )
    .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
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
    let mut aliases = std::collections::HashSet::new();
    for path in names {
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_DIR_FILE {
            continue;
        }
        let Ok(bytes) = fs::read(&path) else {
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
            let alias = truststore::pem_bundle::unique_alias(&base, &mut aliases);
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
    let bytes = read_bounded(path)?;
    let format = truststore::detect(&bytes).with_context(|| format!("{}", path.display()))?;
    let store = match format {
        StoreFormat::Pem => truststore::pem_bundle::read_pem(&bytes),
        StoreFormat::Der => truststore::pem_bundle::read_der(&bytes),
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

/// How an edit is written.
#[derive(Debug, Clone)]
pub struct SaveOptions {
    /// Write a timestamped copy of the old store beside it first.
    pub backup: bool,
    /// The timestamp used in the backup's name (`20261123T221005Z`).
    pub timestamp: String,
    /// Format for a store that does not exist yet.
    pub new_format: StoreFormat,
}

/// What an edit did on disk.
#[derive(Debug, Clone, Default)]
pub struct Saved {
    /// Whether the store file was replaced (false when nothing changed or on a dry run).
    pub written: bool,
    /// The backup written, if any.
    pub backup: Option<PathBuf>,
    /// Whether the store was created by this edit.
    pub created: bool,
}

/// A store opened for editing: locked, read, and remembered as it was.
pub struct StoreEdit {
    /// The path the user gave.
    pub path: PathBuf,
    /// The real file (symlinks resolved).
    real: PathBuf,
    /// The bytes as read (None for a new store).
    original: Option<Vec<u8>>,
    /// The store, to be modified by the caller.
    pub store: TrustStore,
    password: String,
    _lock: File,
}

impl StoreEdit {
    /// Locks the store's directory and reads the store. A missing file starts an empty store of
    /// `new_format` (created on [`StoreEdit::commit`]).
    pub fn open(path: &Path, password: &str, new_format: StoreFormat) -> Result<StoreEdit> {
        let real = match fs::canonicalize(path) {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parent = parent_dir(path);
                let parent = fs::canonicalize(&parent)
                    .with_context(|| format!("cannot open directory {}", parent.display()))?;
                parent.join(path.file_name().context("store path has no file name")?)
            }
            Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
        };
        if real.is_dir() {
            bail!(
                "{} is a directory of certificates; trustpath edits keystore files (JKS, PKCS#12) and PEM \
                 bundles only",
                path.display()
            );
        }
        let lock = lock_dir(&parent_dir(&real))?;
        let (original, store) = if real.exists() {
            let bytes = read_bounded(&real)?;
            let store = parse(path, &bytes, password)?;
            if store.format == StoreFormat::Der {
                bail!(
                    "{}: a DER file holds exactly one certificate; import into a keystore or a PEM bundle",
                    path.display()
                );
            }
            (Some(bytes), store)
        } else {
            (None, TrustStore::new(new_format))
        };
        Ok(StoreEdit {
            path: path.to_path_buf(),
            real,
            original,
            store,
            password: password.to_owned(),
            _lock: lock,
        })
    }

    /// Whether the store exists on disk.
    pub fn exists(&self) -> bool {
        self.original.is_some()
    }

    /// Writes the edited store: verify, back up, write a temp file, fsync, rename, fsync the directory.
    pub fn commit(self, opts: &SaveOptions) -> Result<Saved> {
        let format = self.store.format;
        let bytes = truststore::write(&self.store, format, &self.password)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        verify_round_trip(&self.store, &bytes, &self.password)
            .with_context(|| format!("refusing to write {}", self.path.display()))?;
        let dir = parent_dir(&self.real);
        let mut saved = Saved {
            written: true,
            created: self.original.is_none(),
            backup: None,
        };
        let old_meta = fs::metadata(&self.real).ok();
        if let (Some(original), true) = (&self.original, opts.backup) {
            let backup = backup_path(&self.real, &opts.timestamp);
            write_new(&backup, original, old_meta.as_ref())
                .with_context(|| format!("cannot write backup {}", backup.display()))?;
            saved.backup = Some(backup);
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(".trustpath-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        tmp.write_all(&bytes)?;
        if let Some(meta) = &old_meta {
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))?;
            // Keep the owner when we may (root editing a root-owned cacerts keeps root:root); an
            // unprivileged user cannot chown and keeps their own ownership, which is what they had.
            let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
        } else {
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(0o644))?;
        }
        tmp.as_file().sync_all()?;
        tmp.persist(&self.real)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot replace {}", self.real.display()))?;
        File::open(&dir)?.sync_all()?;
        Ok(saved)
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An exclusive advisory lock on a directory, held until the returned handle drops. Every trustpath edit
/// of a store in that directory takes it, so concurrent edits queue instead of losing one another's
/// entries.
fn lock_dir(dir: &Path) -> Result<File> {
    let handle =
        File::open(dir).with_context(|| format!("cannot open directory {}", dir.display()))?;
    handle
        .lock()
        .with_context(|| format!("cannot lock directory {}", dir.display()))?;
    Ok(handle)
}

/// `cacerts` → `cacerts.20261123T221005Z.bak` (a counter is added if that exists).
fn backup_path(real: &Path, timestamp: &str) -> PathBuf {
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".to_owned());
    let mut candidate = real.with_file_name(format!("{name}.{timestamp}.bak"));
    let mut n = 2;
    while candidate.exists() {
        candidate = real.with_file_name(format!("{name}.{timestamp}-{n}.bak"));
        n += 1;
    }
    candidate
}

/// Writes a file that must not exist yet, fsynced, with the given file's mode (or 0644).
pub fn write_new(path: &Path, bytes: &[u8], like: Option<&fs::Metadata>) -> Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)?;
    let mode = like.map(|m| m.mode() & 0o7777).unwrap_or(0o644);
    f.set_permissions(fs::Permissions::from_mode(mode))?;
    f.sync_all()?;
    Ok(())
}

/// Writes a new or replaced file atomically (temp file, fsync, rename) with the given mode; for
/// `store convert` and fix files.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = parent_dir(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".trustpath-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    File::open(&dir)?.sync_all()?;
    Ok(())
}

/// Parses freshly written bytes and checks that they hold exactly the intended entries (aliases as the
/// format stores them, kinds, certificates, and key material where the format keeps it byte-for-byte).
pub fn verify_round_trip(intended: &TrustStore, bytes: &[u8], password: &str) -> Result<()> {
    let back = truststore::read(bytes, password).context("the new store does not read back")?;
    if back.entries.len() != intended.entries.len() {
        bail!(
            "the new store reads back with {} entries instead of {}",
            back.entries.len(),
            intended.entries.len()
        );
    }
    for (i, (want, got)) in intended.entries.iter().zip(&back.entries).enumerate() {
        if !want.alias.eq_ignore_ascii_case(&got.alias)
            && want.alias.to_lowercase() != got.alias.to_lowercase()
        {
            bail!(
                "entry {i} reads back as alias '{}' instead of '{}'",
                got.alias,
                want.alias
            );
        }
        if want.kind() != got.kind() {
            bail!(
                "entry {i} ('{}') reads back as a different kind",
                want.alias
            );
        }
        let same_certs = match (&want.body, &got.body) {
            (EntryBody::TrustedCert(a), EntryBody::TrustedCert(b)) => a == b,
            (EntryBody::PrivateKey(a), EntryBody::PrivateKey(b)) => a.chain == b.chain,
            _ => true,
        };
        if !same_certs {
            bail!(
                "entry {i} ('{}') reads back with different certificates",
                want.alias
            );
        }
    }
    Ok(())
}

/// The current UTC time as `20261123T221005Z`, for backup names.
pub fn timestamp_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}
