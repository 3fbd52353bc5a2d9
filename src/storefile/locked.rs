//! A store edited on disk without ever losing an entry.
//!
//! An edit holds an advisory lock on the store's directory for the whole read-modify-write, so two
//! concurrent imports both land. The new bytes are parsed back and compared with what was meant to be
//! written before anything on disk changes; then a timestamped backup is written beside the store, the new
//! store goes to a temporary file in the same directory (same mode and owner), is fsynced and renamed over
//! the old one, and the directory is fsynced. Any refusal before the rename leaves the store byte-identical.
//! A symlinked store (Debian's `$JAVA_HOME/lib/security/cacerts`) is edited at its target.

use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::write::{self, parent_dir, write_new};
use super::{parse, read_bounded};
use crate::error::Result;
use crate::truststore::{self, EntryBody, StoreFormat, TrustStore};

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
        let mut saved = Saved {
            written: true,
            created: self.original.is_none(),
            backup: None,
        };
        let old_meta = fs::metadata(&self.real).ok();
        if let (Some(original), true) = (&self.original, opts.backup) {
            let backup = backup_path(&self.real, &opts.timestamp);
            let mode = old_meta.as_ref().map_or(0o644, |m| m.mode() & 0o7777);
            write_new(&backup, original, mode, true)
                .with_context(|| format!("cannot write backup {}", backup.display()))?;
            saved.backup = Some(backup);
        }
        let (mode, owner) = match &old_meta {
            Some(meta) => (meta.mode() & 0o7777, Some((meta.uid(), meta.gid()))),
            None => (0o644, None),
        };
        write::replace(&self.real, &bytes, mode, owner)?;
        Ok(saved)
    }
}

/// Writes `store` as a new file at `path` (`store convert`): encoded in its format under `password`,
/// parsed back and compared before anything is written, refused when `path` exists unless `force`.
pub fn write_store(path: &Path, store: &TrustStore, password: &str, force: bool) -> Result<()> {
    let bytes = truststore::write(store, store.format, password)
        .with_context(|| format!("cannot write {}", path.display()))?;
    verify_round_trip(store, &bytes, password)
        .with_context(|| format!("refusing to write {}", path.display()))?;
    if path.exists() && !force {
        bail!("{} exists; pass --force to replace it", path.display());
    }
    write::write_atomic(path, &bytes, 0o644)
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
