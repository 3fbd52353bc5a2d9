//! A store edited on disk without ever losing an entry: `store import`, `store remove` and
//! `store convert`.
//!
//! An edit takes the lock of the store's directory before it reads the store and holds it until the new
//! store is in place, so two concurrent edits (imports, removals, an in-place convert) queue instead of
//! losing one another's entries; temporary files of killed runs found there are removed. The new bytes are
//! parsed back and compared with what was meant before anything on disk changes; a store the user may not
//! write is refused then, before any backup exists. Then a timestamped backup is written beside the store
//! and the new store replaces the old one, both through the one atomic writer ([`super::write`]) with the
//! store's mode and owner from their first byte. A symlinked store (Debian's
//! `$JAVA_HOME/lib/security/cacerts`) is edited at its target and the link is kept; a dangling link, a
//! hard-linked store and anything that is not a regular file are refused.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use bytes::Bytes;

use super::lock::{self, DirLock, Swept};
use super::write::{self, PRIVATE_MODE, PUBLIC_MODE, Policy, Target};
use super::{load, parse, read_bounded};
use crate::error::Result;
use crate::truststore::{self, StoreFormat, TrustStore};

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
    /// Temporary files of killed runs removed from the store's directory (or left, with why).
    pub swept: Swept,
}

/// The policy of a store edit: the store is replaced in place, through a link if it is one.
const EDIT: Policy = Policy {
    overwrite: true,
    overwrite_flag: "--force",
    follow_links: true,
};

/// A store opened for editing: locked, read, and remembered as it was.
pub struct StoreEdit {
    /// The path the user gave.
    pub path: PathBuf,
    /// Where the store is written.
    target: Target,
    /// The bytes as read (None for a new store), shared with the store's certificates.
    original: Option<Bytes>,
    /// The store, to be modified by the caller.
    pub store: TrustStore,
    password: String,
    swept: Swept,
    lock: DirLock,
}

impl StoreEdit {
    /// Locks the store's directory, removes the temporary files of killed runs there, and reads the store.
    /// A missing file starts an empty store of `new_format` (created on [`StoreEdit::commit`]).
    pub fn open(path: &Path, password: &str, new_format: StoreFormat) -> Result<StoreEdit> {
        if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            bail!(
                "{} is a directory of certificates; trustpath edits keystore files (JKS, PKCS#12) and PEM \
                 bundles only",
                path.display()
            );
        }
        let first = Target::resolve(path, &EDIT)?;
        let lock = DirLock::acquire(&first.dir())?;
        // Resolved again under the lock: the store may have been created or replaced while we waited.
        let target = Target::resolve(path, &EDIT)?;
        if target.dir() != first.dir() {
            bail!(
                "{} changed while trustpath waited for its lock (it now resolves to {}); try again",
                path.display(),
                target.real.display()
            );
        }
        let swept = lock.sweep();
        let (original, store) = if target.existing.is_some() {
            let bytes = Bytes::from(read_bounded(&target.real)?);
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
            target,
            original,
            store,
            password: password.to_owned(),
            swept,
            lock,
        })
    }

    /// Whether the store exists on disk.
    pub fn exists(&self) -> bool {
        self.original.is_some()
    }

    /// Writes the store under another password from now on (`store convert --dest-storepass`).
    pub fn set_password(&mut self, password: &str) {
        self.password = password.to_owned();
    }

    /// Temporary files of killed runs removed when the store was opened.
    pub fn swept(&self) -> &Swept {
        &self.swept
    }

    /// Writes the edited store: verify, refuse what the user may not write, back up, replace atomically.
    pub fn commit(self, opts: &SaveOptions) -> Result<Saved> {
        let format = self.store.format;
        let encoded = truststore::encode(&self.store, format, &self.password)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.target.check_writable()?;
        let mut saved = Saved {
            written: true,
            created: self.original.is_none(),
            backup: None,
            swept: self.swept.clone(),
        };
        let (mode, owner) = match self.target.existing {
            Some((mode, uid, gid)) => (mode, Some((uid, gid))),
            None if self.store.has_keys() => (PRIVATE_MODE, None),
            None => (PUBLIC_MODE, None),
        };
        let backup = self.original.as_deref().filter(|_| opts.backup);
        // The new bytes are read back and compared (and a keystore's digest computed) on one core while
        // the backup and the new store are written under temporary names on the other; the new store
        // gets its last bytes and is fsynced once the read-back agrees, and nothing gets its name (no
        // backup, no new store) unless it does.
        // (Every write stays on this thread, so that a failed write is reported here; the spawned
        // thread only reads.)
        let (old, new) = std::thread::scope(|s| -> Result<_> {
            let check = s.spawn(|| encoded.verify(&self.store, &self.password));
            let old = backup
                .map(|b| write::stage(&self.lock, b, mode, owner))
                .transpose()
                .with_context(|| {
                    format!("cannot write a backup of {}", self.target.real.display())
                })?;
            let tail = || {
                check
                    .join()
                    .unwrap_or_else(|_| {
                        Err(truststore::ReadBackError::new(
                            "the read-back check panicked".to_owned(),
                        ))
                    })
                    .with_context(|| format!("refusing to write {}", self.path.display()))
            };
            let new = write::stage_with_tail(&self.lock, &encoded.body, tail, mode, owner)?;
            Ok((old, new))
        })?;
        if let Some(old) = old {
            saved.backup = Some(write::put_backup(
                &self.lock,
                &self.target.real,
                old,
                &opts.timestamp,
            )?);
        }
        write::put(&self.lock, &self.target, new)?;
        Ok(saved)
    }
}

/// How `store convert` writes.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// Replace DST when it exists.
    pub force: bool,
    /// The new store's password.
    pub dest_password: String,
    /// For a convert in place: the backup of the old store.
    pub save: SaveOptions,
}

/// What `store convert` did.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The store written.
    pub store: TrustStore,
    /// Whether SRC and DST are one file (converted in place, with a backup).
    pub in_place: bool,
    /// The mode DST was written with.
    pub mode: u32,
    /// The backup of an in-place convert.
    pub backup: Option<PathBuf>,
    /// Temporary files of killed runs removed from the directories locked.
    pub swept: Swept,
}

/// `store convert`: reads SRC under the lock of its directory (and DST's), makes it ready for its new
/// format with `convert`, and writes DST atomically. DST gets mode 0600 when the store holds keys or SRC
/// was private (no group or other read), else 0644, never wider than a DST it replaces. SRC and DST naming
/// one file is an edit in place: it needs `force` and keeps a backup.
pub fn convert_store(
    src: &Path,
    dst: &Path,
    password: &str,
    opts: &ConvertOptions,
    convert: impl FnOnce(TrustStore) -> Result<TrustStore>,
) -> Result<Converted> {
    let policy = Policy::named_output(opts.force);
    if same_file(src, dst) {
        if !opts.force {
            bail!(
                "{} is the source itself; pass --force to convert it in place (a backup is kept)",
                dst.display()
            );
        }
        let mut edit = StoreEdit::open(src, password, StoreFormat::Pkcs12)?;
        let store = std::mem::replace(&mut edit.store, TrustStore::new(StoreFormat::Pem));
        edit.store = convert(store)?;
        edit.set_password(&opts.dest_password);
        let store = edit.store.clone();
        let mode = edit.target.existing.map_or(PUBLIC_MODE, |(m, _, _)| m);
        let saved = edit.commit(&opts.save)?;
        return Ok(Converted {
            store,
            in_place: true,
            mode,
            backup: saved.backup,
            swept: saved.swept,
        });
    }
    let first = Target::resolve(dst, &policy)?;
    let src_meta = fs::metadata(src).with_context(|| format!("cannot open {}", src.display()))?;
    let mut dirs = vec![first.dir()];
    if src_meta.is_file() {
        let real =
            fs::canonicalize(src).with_context(|| format!("cannot open {}", src.display()))?;
        dirs.push(write::parent_dir(&real));
    }
    let locks = lock::lock_all(&dirs)?;
    let mut swept = Swept::default();
    for l in &locks {
        swept.extend(l.sweep());
    }
    let dst_lock = locks
        .iter()
        .find(|l| l.dir() == first.dir())
        .context("the destination's directory is not locked")?;
    let target = Target::resolve(dst, &policy)?;
    if target.dir() != first.dir() {
        bail!(
            "{} changed while trustpath waited for its lock; try again",
            dst.display()
        );
    }
    let store = convert(load(src, password)?)?;
    let bytes: Bytes = truststore::write(&store, store.format, &opts.dest_password)
        .with_context(|| format!("cannot write {}", dst.display()))?
        .into();
    verify_round_trip(&store, &bytes, &opts.dest_password)
        .with_context(|| format!("refusing to write {}", dst.display()))?;
    target.check_writable()?;
    let private_source = src_meta.is_file() && src_meta.mode() & 0o044 == 0;
    let mode = if store.has_keys() || private_source {
        PRIVATE_MODE
    } else {
        PUBLIC_MODE
    };
    let mode = target.mode_for(mode);
    write::write_file(dst_lock, &target, &bytes, mode)?;
    Ok(Converted {
        store,
        in_place: false,
        mode,
        backup: None,
        swept,
    })
}

/// Whether two paths name one existing file (after links).
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Parses freshly written bytes and checks that they hold exactly the intended entries (aliases as the
/// format stores them, kinds, certificates; see [`truststore::verify_written`]).
pub fn verify_round_trip(intended: &TrustStore, bytes: &Bytes, password: &str) -> Result<()> {
    Ok(truststore::verify_written(intended, bytes, password)?)
}
