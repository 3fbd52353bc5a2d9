//! The one writer of files: [`replace`] (temp file in the same directory, fsync, rename, fsync the
//! directory) for stores and every file that may already exist, [`write_new`] for files that must not
//! exist yet (backups, lab files), and on top of them fix files ([`write_fixes`]) and lab directories
//! ([`write_files`]).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

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

/// Writes `bytes` to `path` atomically: a temporary file in the same directory with `mode` (and
/// `owner`, uid and gid, when the caller may keep it), fsynced and renamed over `path`, then the
/// directory fsynced. A reader sees the old file or the new one, never a part.
pub fn replace(path: &Path, bytes: &[u8], mode: u32, owner: Option<(u32, u32)>) -> Result<()> {
    let dir = parent_dir(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".trustpath-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))?;
    if let Some((uid, gid)) = owner {
        // Keep the owner when we may (root editing a root-owned cacerts keeps root:root); an
        // unprivileged user cannot chown and keeps their own ownership, which is what they had.
        let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(uid), Some(gid));
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    File::open(&dir)?.sync_all()?;
    Ok(())
}

/// Writes a new or replaced file atomically with the given mode (`store convert`, `discover -o`).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    replace(path, bytes, mode, None)
}

/// Writes a file that must not exist yet with `mode` (set after creation, so the umask cannot widen or
/// narrow it), fsynced when `durable`.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32, durable: bool) -> Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .with_context(|| {
            if path.exists() {
                format!("refusing to overwrite {} (use --force)", path.display())
            } else {
                format!("cannot create {}", path.display())
            }
        })?;
    file.set_permissions(fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if durable {
        file.sync_all()?;
    }
    Ok(())
}

/// Writes one new file, replacing an existing one only when `force` (it is removed first, so the new
/// one gets the intended mode and no hard link or symlink target is written through). Secrets are mode
/// 0600, other files 0644.
pub fn write_new_file(path: &Path, contents: &[u8], secret: bool, force: bool) -> Result<()> {
    if force {
        match fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot replace {}", path.display())),
        }
    }
    let mode = if secret { 0o600 } else { 0o644 };
    // No fsync: a lab lost to a crash is regenerated in a second, and twelve fsyncs cost more than the
    // generation itself on a busy disk.
    write_new(path, contents, mode, false)
}

/// Writes every lab file into `dir` (created if missing). Without `force`, refuses before writing
/// anything if any target exists.
pub fn write_files(dir: &Path, files: &[LabFile], force: bool) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|f| dir.join(&f.name).symlink_metadata().is_ok())
            .map(|f| f.name.clone())
            .collect();
        if !existing.is_empty() {
            bail!(
                "refusing to overwrite {} in {} (use --force to replace them)",
                existing.join(", "),
                dir.display()
            );
        }
    }
    for f in files {
        write_new_file(&dir.join(&f.name), &f.contents, f.secret, force)?;
    }
    Ok(())
}

/// What [`write_fixes`] did: the files written, and those it refused to write.
#[derive(Debug, Default)]
pub struct FixesWritten {
    /// The paths written, fullchain first.
    pub written: Vec<PathBuf>,
    /// The paths not written because they would carry a certificate the JVM cannot parse, and why.
    pub refused: Vec<(PathBuf, UnparseableCert)>,
}

/// Writes the fixes of one endpoint or chain file into `dir`: `STEM-fullchain.pem` (leaf first,
/// intermediates in order, no root) when the diagnosis could build it complete, and `STEM-ca-N.pem` per
/// CA the truststore lacks. `name` is made file-name safe. A served chain is hostile input: a fix file
/// never carries a certificate the JVM cannot parse (the diagnosis leaves them out; this refuses what
/// slips through, and says which in [`FixesWritten::refused`]).
pub fn write_fixes(dir: &Path, name: &str, fix: &Fix) -> Result<FixesWritten> {
    fs::create_dir_all(dir).with_context(|| format!("--write-fixes {}", dir.display()))?;
    let stem = file_stem(name);
    let mut out = FixesWritten::default();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut add = |path: PathBuf, certs: &[Certificate]| match refuse_unparseable(certs) {
        Ok(()) => files.push((path, certs.iter().map(Certificate::to_pem).collect())),
        Err(e) => out.refused.push((path, e)),
    };
    // Only a fullchain that reaches an anchor is a fix; a partial one would be served as broken.
    if fix.fullchain_complete && !fix.fullchain.is_empty() {
        add(dir.join(format!("{stem}-fullchain.pem")), &fix.fullchain);
    }
    for (i, cert) in fix.import.iter().enumerate() {
        add(
            dir.join(format!("{stem}-ca-{}.pem", i + 1)),
            std::slice::from_ref(cert),
        );
    }
    for (path, pem) in files {
        write_atomic(&path, pem.as_bytes(), 0o644)?;
        out.written.push(path);
    }
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
}
