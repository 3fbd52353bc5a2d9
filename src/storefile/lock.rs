//! Directory locks and the temporary files of killed runs.
//!
//! Every trustpath write holds an exclusive advisory lock (`flock`) on the directory it writes in, from
//! before it reads what it will replace until its temporary file has been renamed into place: two edits of
//! one store queue instead of losing one another's entries, and while a process holds the lock no other
//! trustpath has a temporary file in that directory. So a temporary file (`.trustpath-XXXXXX.tmp`) found
//! by a process holding the lock was left by a killed run, and [`DirLock::sweep`] removes it. A process
//! that only reads ([`leftover_temp_files`]) takes the lock without waiting, to report them.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::Result;

/// The prefix of every temporary file trustpath writes.
pub const TEMP_PREFIX: &str = ".trustpath-";
/// The suffix of every temporary file trustpath writes.
pub const TEMP_SUFFIX: &str = ".tmp";

/// An exclusive advisory lock on a directory, held until dropped.
#[derive(Debug)]
pub struct DirLock {
    dir: PathBuf,
    handle: File,
}

/// What [`DirLock::sweep`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Swept {
    /// Temporary files of killed runs, removed.
    pub removed: Vec<PathBuf>,
    /// Temporary files that could not be removed (another user's, in a shared directory), with why.
    pub left: Vec<(PathBuf, String)>,
}

impl Swept {
    /// Adds what another sweep found.
    pub fn extend(&mut self, other: Swept) {
        self.removed.extend(other.removed);
        self.left.extend(other.left);
    }
}

impl DirLock {
    /// Locks `dir`, waiting while another process holds it.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let handle =
            File::open(dir).with_context(|| format!("cannot open directory {}", dir.display()))?;
        handle
            .lock()
            .with_context(|| format!("cannot lock directory {}", dir.display()))?;
        Ok(DirLock {
            dir: dir.to_path_buf(),
            handle,
        })
    }

    /// The directory locked.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Flushes the directory's entries to disk (after a rename or a new name in it).
    pub fn sync(&self) -> Result<()> {
        self.handle
            .sync_all()
            .with_context(|| format!("cannot sync directory {}", self.dir.display()))
    }

    /// Removes the temporary files killed runs left in the directory. Only regular files named as
    /// trustpath names its temporary files, and owned by this user (any, for root), are touched; the lock
    /// guarantees no live trustpath is writing one. Another user's are left to that user's next run.
    pub fn sweep(&self) -> Swept {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid();
        let mut swept = Swept::default();
        for path in temp_files(&self.dir) {
            let owner = fs::symlink_metadata(&path).map(|m| m.uid());
            if !me.is_root() && owner.is_ok_and(|uid| uid != me.as_raw()) {
                continue;
            }
            match fs::remove_file(&path) {
                Ok(()) => swept.removed.push(path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => swept.left.push((path, e.to_string())),
            }
        }
        swept
    }
}

/// Locks every directory of `dirs` (duplicates once, in a fixed order, so two processes locking the same
/// pair cannot deadlock).
pub fn lock_all(dirs: &[PathBuf]) -> Result<Vec<DirLock>> {
    let mut canonical = Vec::new();
    for d in dirs {
        let c = fs::canonicalize(d)
            .with_context(|| format!("cannot open directory {}", d.display()))?;
        if !canonical.contains(&c) {
            canonical.push(c);
        }
    }
    canonical.sort();
    canonical.iter().map(|d| DirLock::acquire(d)).collect()
}

/// The temporary files of killed runs in `dir`, when no trustpath is writing there now (the lock is free);
/// `None` when another process holds the lock (its temporary file may be live) or the directory cannot be
/// opened. Takes the lock for a moment without waiting; removes nothing.
pub fn leftover_temp_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let handle = File::open(dir).ok()?;
    handle.try_lock().ok()?;
    Some(temp_files(dir))
}

/// Regular files of `dir` named like trustpath's temporary files, sorted.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().is_some_and(is_temp_name))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// `.trustpath-` then 1 to 32 ASCII letters or digits, then `.tmp`.
pub fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|middle| {
            (1..=32).contains(&middle.len()) && middle.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trustpath_temporary_files_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            ".trustpath-Ab12Cd.tmp",
            ".trustpath-.tmp",
            ".trustpath-x/y.tmp",
            "cacerts",
            ".trustpath-abc.tmp.bak",
        ] {
            if !name.contains('/') {
                fs::write(d.join(name), b"x").unwrap();
            }
        }
        fs::create_dir(d.join(".trustpath-dir0.tmp")).unwrap();
        std::os::unix::fs::symlink("cacerts", d.join(".trustpath-link0.tmp")).unwrap();
        assert_eq!(
            leftover_temp_files(d).unwrap(),
            [d.join(".trustpath-Ab12Cd.tmp")]
        );
        let lock = DirLock::acquire(d).unwrap();
        // While it is held, a reader cannot tell a live temporary file from a stale one.
        assert_eq!(leftover_temp_files(d), None);
        let swept = lock.sweep();
        assert_eq!(swept.removed, [d.join(".trustpath-Ab12Cd.tmp")]);
        assert!(swept.left.is_empty());
        assert!(d.join("cacerts").exists() && d.join(".trustpath-.tmp").exists());
        assert!(d.join(".trustpath-dir0.tmp").is_dir());
        assert!(d.join(".trustpath-link0.tmp").symlink_metadata().is_ok());
    }
}
