//! The one writer of files: stores, converted stores, backups, fix files, lab files, trust files and
//! deployment files all land through [`write_file`].
//!
//! A write is planned first ([`Target::resolve`]): a symbolic link is followed to the regular file it
//! names (that file is replaced and the link kept) only where the caller says that is right (stores, a
//! `convert` or `discover` output the user named), and refused everywhere else (fix files under predictable
//! names, lab files, backups); a dangling link, a directory, a device, a FIFO or a socket is refused; an
//! existing file is replaced only with the caller's `--force`, never when other hard links share it (they
//! would keep the old content), and only when the user could write it (as keytool would find: a read-only
//! or immutable file is refused before anything is written).
//!
//! Then, holding the directory's lock ([`DirLock`]): a temporary file in the same directory is created with
//! its final mode (and the replaced file's owner) before its first byte, written, fsynced, renamed over the
//! name (or linked to it without replacing, for a name that must not exist), and the directory is fsynced.
//! A reader sees the old file or the new one, never a part; a killed run leaves at most a temporary file,
//! which the next run that takes the lock removes.

use std::fs::{self, Permissions};
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::lock::{DirLock, Swept, TEMP_PREFIX, TEMP_SUFFIX};
use crate::cert::Certificate;
use crate::chain::Fix;
use crate::error::Result;
use crate::pki::lab::LabFile;
use crate::truststore::jvm_load::{UnparseableCert, refuse_unparseable};

/// The directory a path lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Mode of a new file holding a private key (or made from a store that was private).
pub const PRIVATE_MODE: u32 = 0o600;
/// Mode of a new file holding only public material.
pub const PUBLIC_MODE: u32 = 0o644;

/// What a write may do to the name it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Replace an existing file; without it an existing name is refused.
    pub overwrite: bool,
    /// The flag that allows replacing, for the refusal (`--force`).
    pub overwrite_flag: &'static str,
    /// Follow a symbolic link to the regular file it names (replaced, the link kept); without it a link
    /// is refused.
    pub follow_links: bool,
}

impl Policy {
    /// A file the user named as a store or an output (`store convert DST`, `discover -o`): links
    /// followed, replaced only with `--force`.
    pub fn named_output(force: bool) -> Policy {
        Policy {
            overwrite: force,
            overwrite_flag: "--force",
            follow_links: true,
        }
    }

    /// A file trustpath names itself in a directory (fix files, lab files): links refused, replaced
    /// only with `flag`.
    pub fn in_directory(overwrite: bool, flag: &'static str) -> Policy {
        Policy {
            overwrite,
            overwrite_flag: flag,
            follow_links: false,
        }
    }
}

/// A file about to be written, resolved and checked.
#[derive(Debug, Clone)]
pub struct Target {
    /// The path as given.
    pub path: PathBuf,
    /// The file that is replaced or created (a followed link's target), absolute.
    pub real: PathBuf,
    /// The replaced file's (mode bits, uid, gid), when it exists.
    pub existing: Option<(u32, u32, u32)>,
}

impl Target {
    /// Resolves `path` under `policy`: refuses what must not be written through or replaced.
    pub fn resolve(path: &Path, policy: &Policy) -> Result<Target> {
        let shown = path.display();
        let (real, meta) = match fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parent = parent_dir(path);
                let dir = fs::canonicalize(&parent)
                    .with_context(|| format!("cannot open directory {}", parent.display()))?;
                if !dir.is_dir() {
                    bail!("{} is not a directory", parent.display());
                }
                let name = path
                    .file_name()
                    .with_context(|| format!("{shown} names no file"))?;
                return Ok(Target {
                    path: path.to_path_buf(),
                    real: dir.join(name),
                    existing: None,
                });
            }
            Err(e) => return Err(e).with_context(|| format!("cannot open {shown}")),
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = fs::read_link(path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "?".to_owned());
                if !policy.follow_links {
                    bail!(
                        "{shown} is a symbolic link (to {to}); refusing to write through it or replace \
                         it: remove it or choose another name"
                    );
                }
                match fs::metadata(path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                        "{shown} is a symbolic link to {to}, which does not exist; trustpath does not \
                         create files through links: create the target first or give its path"
                    ),
                    Err(e) => return Err(e).with_context(|| format!("cannot open {shown}")),
                    // A link to a pipe or a terminal (`/dev/stdout`) has no real path to resolve.
                    Ok(meta) if !meta.is_file() => bail!(
                        "{shown} is a symbolic link to {}, not to a regular file; trustpath writes \
                         regular files only",
                        kind(&meta)
                    ),
                    Ok(meta) => {
                        let real = fs::canonicalize(path)
                            .with_context(|| format!("cannot resolve {shown}"))?;
                        (real, meta)
                    }
                }
            }
            Ok(meta) => {
                let real =
                    fs::canonicalize(path).with_context(|| format!("cannot resolve {shown}"))?;
                (real, meta)
            }
        };
        if !meta.is_file() {
            bail!(
                "{shown} is {}, not a regular file; trustpath writes regular files only",
                kind(&meta)
            );
        }
        if !policy.overwrite {
            bail!(
                "{shown} exists; pass {} to replace it",
                policy.overwrite_flag
            );
        }
        if meta.nlink() > 1 {
            bail!(
                "{shown} has {} hard links: replacing it would leave the other names with the old \
                 content; remove the other links first (find / -xdev -samefile {})",
                meta.nlink(),
                real.display()
            );
        }
        Ok(Target {
            path: path.to_path_buf(),
            real,
            existing: Some((meta.mode() & 0o777, meta.uid(), meta.gid())),
        })
    }

    /// The directory the file is written in.
    pub fn dir(&self) -> PathBuf {
        parent_dir(&self.real)
    }

    /// The mode a file meant to be `mode` gets here: never wider than the file it replaces.
    pub fn mode_for(&self, mode: u32) -> u32 {
        match self.existing {
            Some((old, _, _)) => mode & old,
            None => mode,
        }
    }

    /// Refuses, before anything is written, a file or directory the user may not write (`access(2)` as
    /// keytool's own write would meet it: read-only modes, immutable and append-only files, read-only
    /// mounts).
    pub fn check_writable(&self) -> Result<()> {
        use rustix::fs::{Access, access};
        if self.existing.is_some()
            && let Err(e) = access(&self.real, Access::WRITE_OK)
        {
            bail!(
                "cannot write {}: {}{}",
                self.path.display(),
                std::io::Error::from(e),
                why_not_writable(&self.real)
            );
        }
        let dir = self.dir();
        if let Err(e) = access(&dir, Access::WRITE_OK | Access::EXEC_OK) {
            bail!(
                "cannot write in directory {}: {}; trustpath replaces {} through a temporary file \
                 beside it, which needs write access to the directory",
                dir.display(),
                std::io::Error::from(e),
                self.path.display()
            );
        }
        Ok(())
    }
}

/// A hint for a file `access(2)` refused: its mode, or the immutable attribute.
fn why_not_writable(path: &Path) -> String {
    match fs::metadata(path) {
        Ok(m) if m.mode() & 0o222 == 0 => format!(" (mode {:04o})", m.mode() & 0o7777),
        Ok(_) => " (is it immutable or append-only? see lsattr)".to_owned(),
        Err(_) => String::new(),
    }
}

/// "a directory", "a FIFO", … for a refusal.
fn kind(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Writes `bytes` to `target` atomically, holding `lock` (the lock of `target`'s directory): a temporary
/// file created with `mode` (and, when replacing, the old file's owner where the caller may keep it)
/// before its first byte, fsynced, renamed over the name — or, for a name that did not exist, linked to it
/// without replacing anything that appeared meanwhile — and the directory fsynced.
pub fn write_file(lock: &DirLock, target: &Target, bytes: &[u8], mode: u32) -> Result<()> {
    let owner = target.existing.map(|(_, uid, gid)| (uid, gid));
    put(lock, target, stage(lock, bytes, mode, owner)?)
}

/// A file's new bytes, written and fsynced under a temporary name in the locked directory, not yet in
/// place: [`put`] or [`put_backup`] gives it its name; dropped, it is removed.
pub struct Staged(tempfile::NamedTempFile);

/// Writes `bytes` to a temporary file in `lock`'s directory with `mode` and `owner` from before its first
/// byte, fsynced (the first half of [`write_file`], so that a caller can check the bytes meanwhile).
pub fn stage(lock: &DirLock, bytes: &[u8], mode: u32, owner: Option<(u32, u32)>) -> Result<Staged> {
    let no_tail: Option<fn() -> Result<Vec<u8>>> = None;
    temp_file(lock.dir(), bytes, no_tail, mode, owner).map(Staged)
}

/// [`stage`] of a file whose last bytes are known only later: `head` is written and synced while `tail`
/// computes them (a keystore's digest, on another core), then the tail's bytes, then the file is fsynced.
/// An error from `tail` removes the temporary file and is returned as it is.
pub fn stage_with_tail(
    lock: &DirLock,
    head: &[u8],
    tail: impl FnOnce() -> Result<Vec<u8>>,
    mode: u32,
    owner: Option<(u32, u32)>,
) -> Result<Staged> {
    temp_file(lock.dir(), head, Some(tail), mode, owner).map(Staged)
}

/// Puts a staged file in place of `target` (the second half of [`write_file`]).
pub fn put(lock: &DirLock, target: &Target, staged: Staged) -> Result<()> {
    let tmp = staged.0;
    if target.existing.is_some() {
        tmp.persist(&target.real)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot replace {}", target.path.display()))?;
    } else {
        tmp.persist_noclobber(&target.real).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::anyhow!(
                    "{} was created by another process meanwhile; it was left as it is",
                    target.path.display()
                )
            } else {
                anyhow::Error::from(e.error)
                    .context(format!("cannot create {}", target.path.display()))
            }
        })?;
    }
    lock.sync()
}

/// A temporary file in `dir` holding `bytes` (and then `tail()`'s), mode `mode` and `owner` from before
/// its first byte, fsynced.
fn temp_file(
    dir: &Path,
    bytes: &[u8],
    tail: Option<impl FnOnce() -> Result<Vec<u8>>>,
    mode: u32,
    owner: Option<(u32, u32)>,
) -> Result<tempfile::NamedTempFile> {
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .permissions(Permissions::from_mode(mode))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let shown = tmp.path().display().to_string();
    let fail = |what: &str| format!("cannot {what} {shown}");
    // The umask may have narrowed the mode at creation; set it exactly, still before any byte.
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .with_context(|| fail("set the mode of"))?;
    if let Some((uid, gid)) = owner {
        // Keep the owner when we may (root editing a root-owned cacerts keeps root:root); an unprivileged
        // user cannot give a file away and keeps their own ownership, which is what they had.
        let _ = rustix::fs::fchown(
            tmp.as_file(),
            Some(rustix::fs::Uid::from_raw(uid)),
            Some(rustix::fs::Gid::from_raw(gid)),
        );
        // Changing the owner clears set-id bits and may not preserve the mode everywhere: set it again.
        tmp.as_file()
            .set_permissions(Permissions::from_mode(mode))
            .with_context(|| fail("set the mode of"))?;
    }
    tmp.write_all(bytes).with_context(|| fail("write"))?;
    if let Some(tail) = tail {
        // The bytes go to disk while the tail is computed; only its few bytes are left to sync after.
        tmp.as_file().sync_data().with_context(|| fail("sync"))?;
        let tail = tail()?;
        tmp.write_all(&tail).with_context(|| fail("write"))?;
    }
    tmp.as_file().sync_all().with_context(|| fail("sync"))?;
    Ok(tmp)
}

/// Writes a backup copy of a store: `STORE.TIMESTAMP.bak` beside it (`-2`, `-3`, … when that name is
/// taken), the same atomic way as any file (so a killed run never leaves a partial backup under a
/// backup's name), with the store's mode and owner from its first byte. Returns the backup's path.
pub fn write_backup(
    lock: &DirLock,
    store: &Path,
    bytes: &[u8],
    timestamp: &str,
    mode: u32,
    owner: Option<(u32, u32)>,
) -> Result<PathBuf> {
    let staged = stage(lock, bytes, mode, owner)
        .with_context(|| format!("cannot write a backup of {}", store.display()))?;
    put_backup(lock, store, staged, timestamp)
}

/// Names a staged copy of `store` as its backup, `STORE.TIMESTAMP.bak` (see [`write_backup`]).
pub fn put_backup(
    lock: &DirLock,
    store: &Path,
    staged: Staged,
    timestamp: &str,
) -> Result<PathBuf> {
    let name = store
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".to_owned());
    let mut tmp = staged.0;
    for n in 1..=1000 {
        let candidate = if n == 1 {
            store.with_file_name(format!("{name}.{timestamp}.bak"))
        } else {
            store.with_file_name(format!("{name}.{timestamp}-{n}.bak"))
        };
        match tmp.persist_noclobber(&candidate) {
            Ok(_) => {
                lock.sync()?;
                return Ok(candidate);
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => {
                return Err(e.error)
                    .with_context(|| format!("cannot write backup {}", candidate.display()));
            }
        }
    }
    bail!(
        "cannot name a backup of {}: {name}.{timestamp}.bak and 999 more names are taken",
        store.display()
    )
}

/// Writes one file the caller has no lock for: takes the lock of its directory, removes the temporary
/// files of killed runs there, and writes. Returns what was swept.
pub fn write_one(path: &Path, bytes: &[u8], mode: u32, policy: &Policy) -> Result<Swept> {
    let target = Target::resolve(path, policy)?;
    target.check_writable()?;
    let lock = DirLock::acquire(&target.dir())?;
    let swept = lock.sweep();
    // Resolved again under the lock: another process may have created the name meanwhile.
    let target = Target::resolve(path, policy)?;
    write_file(&lock, &target, bytes, target.mode_for(mode))?;
    Ok(swept)
}

/// Writes every file of a set into `dir` (created if missing), under one lock: without `overwrite` the
/// whole set is refused, before anything is written, when any name exists. Links are refused. Returns
/// what was swept.
pub fn write_set(
    dir: &Path,
    files: &[(String, Vec<u8>, u32)],
    overwrite: bool,
    flag: &'static str,
) -> Result<Swept> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let lock = DirLock::acquire(dir)?;
    let swept = lock.sweep();
    let policy = Policy::in_directory(overwrite, flag);
    // A link (planted under a predictable name) or a device is refused as such, before any name is
    // reported as merely existing.
    for (name, _, _) in files {
        if let Ok(meta) = dir.join(name).symlink_metadata()
            && !meta.is_file()
        {
            Target::resolve(&dir.join(name), &Policy::in_directory(true, flag))?;
        }
    }
    if !overwrite {
        let existing: Vec<&str> = files
            .iter()
            .filter(|(name, _, _)| dir.join(name).symlink_metadata().is_ok())
            .map(|(name, _, _)| name.as_str())
            .collect();
        if !existing.is_empty() {
            bail!(
                "refusing to overwrite {} in {} (use {flag} to replace them)",
                existing.join(", "),
                dir.display()
            );
        }
    }
    let targets = files
        .iter()
        .map(|(name, _, _)| Target::resolve(&dir.join(name), &policy))
        .collect::<Result<Vec<_>>>()?;
    for t in &targets {
        t.check_writable()?;
    }
    for (t, (_, bytes, mode)) in targets.iter().zip(files) {
        write_file(&lock, t, bytes, t.mode_for(*mode))?;
    }
    Ok(swept)
}

/// Writes every lab file into `dir` (created if missing): keys 0600, the rest 0644. Without `force`,
/// refuses before writing anything if any target exists; never writes through a link. Returns what was
/// swept.
pub fn write_files(dir: &Path, files: &[LabFile], force: bool) -> Result<Swept> {
    let set: Vec<(String, Vec<u8>, u32)> = files
        .iter()
        .map(|f| {
            let mode = if f.secret { PRIVATE_MODE } else { PUBLIC_MODE };
            (f.name.clone(), f.contents.clone(), mode)
        })
        .collect();
    write_set(dir, &set, force, "--force")
}

/// What [`write_fixes`] did: the files written, those it refused to write, and the temporary files of
/// killed runs it found.
#[derive(Debug, Clone, Default)]
pub struct FixesWritten {
    /// The paths written, fullchain first.
    pub written: Vec<PathBuf>,
    /// The paths not written because they would carry a certificate the JVM cannot parse, and why.
    pub refused: Vec<(PathBuf, UnparseableCert)>,
    /// Temporary files of killed runs found in the directory.
    pub swept: Swept,
}

/// Writes the fixes of one endpoint or chain file into `dir`: `STEM-fullchain.pem` (leaf first,
/// intermediates in order, no root) when the diagnosis could build it complete, and `STEM-ca-N.pem` per
/// CA the truststore lacks. `name` is made file-name safe. An existing file is replaced only with
/// `overwrite` (`--overwrite-fixes`); a symbolic link under one of these names is always refused. A served
/// chain is hostile input: a fix file never carries a certificate the JVM cannot parse (the diagnosis
/// leaves them out; this refuses what slips through, and says which in [`FixesWritten::refused`]).
pub fn write_fixes(dir: &Path, name: &str, fix: &Fix, overwrite: bool) -> Result<FixesWritten> {
    let stem = file_stem(name);
    let mut out = FixesWritten::default();
    let mut set: Vec<(String, Vec<u8>, u32)> = Vec::new();
    let mut add = |file: String, certs: &[Certificate]| match refuse_unparseable(certs) {
        Ok(()) => {
            let pem: String = certs.iter().map(Certificate::to_pem).collect();
            set.push((file, pem.into_bytes(), PUBLIC_MODE));
        }
        Err(e) => out.refused.push((dir.join(file), e)),
    };
    // Only a fullchain that reaches an anchor is a fix; a partial one would be served as broken.
    if fix.fullchain_complete && !fix.fullchain.is_empty() {
        add(format!("{stem}-fullchain.pem"), &fix.fullchain);
    }
    for (i, cert) in fix.import.iter().enumerate() {
        add(
            format!("{stem}-ca-{}.pem", i + 1),
            std::slice::from_ref(cert),
        );
    }
    if set.is_empty() {
        return Ok(out);
    }
    out.swept = write_set(dir, &set, overwrite, "--overwrite-fixes")
        .with_context(|| format!("--write-fixes {}", dir.display()))?;
    out.written = set.iter().map(|(n, _, _)| dir.join(n)).collect();
    Ok(out)
}

/// A file-name-safe stem for an endpoint or chain file name.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    stem.trim_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_keep_names_readable_and_safe() {
        assert_eq!(file_stem("wiki.example.test:443"), "wiki.example.test_443");
        assert_eq!(file_stem("[::1]:8443"), "1__8443");
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().mode() & 0o777
    }

    #[test]
    fn a_new_file_has_its_mode_and_an_existing_one_is_never_widened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.p12");
        write_one(&path, b"one", PRIVATE_MODE, &Policy::named_output(false)).unwrap();
        assert_eq!(mode(&path), 0o600);
        let e = write_one(&path, b"two", PUBLIC_MODE, &Policy::named_output(false)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{} exists; pass --force to replace it", path.display())
        );
        write_one(&path, b"two", PUBLIC_MODE, &Policy::named_output(true)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(mode(&path), 0o600, "replacing must not widen 0600 to 0644");
    }

    #[test]
    fn links_devices_and_shared_files_are_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let real = d.join("real.pem");
        fs::write(&real, b"old").unwrap();
        let link = d.join("link.pem");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let e = write_one(
            &link,
            b"x",
            PUBLIC_MODE,
            &Policy::in_directory(true, "--force"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        assert_eq!(fs::read(&real).unwrap(), b"old");
        // A store named through a link is written at its target; the link stays.
        write_one(&link, b"new", PUBLIC_MODE, &Policy::named_output(true)).unwrap();
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());

        let dangling = d.join("dangling");
        std::os::unix::fs::symlink(d.join("nowhere"), &dangling).unwrap();
        let e = write_one(&dangling, b"x", PUBLIC_MODE, &Policy::named_output(true)).unwrap_err();
        assert!(e.to_string().contains("which does not exist"), "{e}");
        assert!(!d.join("nowhere").exists());

        let e = write_one(
            Path::new("/dev/null"),
            b"x",
            PUBLIC_MODE,
            &Policy::named_output(true),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/null is a character device, not a regular file; trustpath writes regular files only"
        );

        let hard = d.join("hard.pem");
        fs::hard_link(&real, &hard).unwrap();
        let e = write_one(&hard, b"x", PUBLIC_MODE, &Policy::named_output(true)).unwrap_err();
        assert!(e.to_string().contains("has 2 hard links"), "{e}");
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn a_backup_is_complete_under_its_name_with_the_mode_from_the_first_byte() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("cacerts");
        fs::write(&store, b"store").unwrap();
        let lock = DirLock::acquire(dir.path()).unwrap();
        let a = write_backup(&lock, &store, b"old", "20261123T221005Z", 0o600, None).unwrap();
        let b = write_backup(&lock, &store, b"old", "20261123T221005Z", 0o600, None).unwrap();
        assert_eq!(a, dir.path().join("cacerts.20261123T221005Z.bak"));
        assert_eq!(b, dir.path().join("cacerts.20261123T221005Z-2.bak"));
        assert_eq!((fs::read(&a).unwrap(), mode(&a)), (b"old".to_vec(), 0o600));
        assert!(lock.sweep().removed.is_empty(), "no temporary file is left");
    }
}
