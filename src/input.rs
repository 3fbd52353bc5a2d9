//! Bounded reads of every file trustpath is given: stores, certificate and chain files, keys, `--targets`,
//! `--storepass-file`, deployment files, `java.security`, lab CA files (configuration files go through
//! `config::Loader`, which reads with [`read_limited`] too). Each kind of input has a [`Limit`]: a file
//! larger than it is refused with an error that names the file, the limit and what to do, before it is
//! read whole; a stream whose size the file system does not know (a FIFO, a pipe as `/dev/stdin`) is read
//! only up to the limit; a device (`/dev/zero`, a terminal) is refused.

use std::io::Read;
use std::path::Path;

/// How much of one kind of input trustpath reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Largest size accepted, in bytes.
    pub bytes: u64,
    /// What the input is, for messages (`a store`, `a --targets file`).
    pub what: &'static str,
    /// What to do about a larger file, for messages (may be empty).
    pub hint: &'static str,
}

impl Limit {
    /// At most `bytes` of `what`; `hint` says what to do about a larger file.
    const fn new(bytes: u64, what: &'static str, hint: &'static str) -> Limit {
        Limit { bytes, what, hint }
    }
}

const MIB: u64 = 1024 * 1024;

// The limit of each kind of input, one a line: bytes, what it is, what to do about a larger file.

/// A keystore or PEM bundle (the JDK's cacerts is ~200 KiB; a 100,000-entry JKS ~150 MiB).
pub const STORE: Limit = Limit::new(
    256 * MIB,
    "a store",
    "split the store (trustpath store convert, then remove entries)",
);
/// A certificate, chain or CA bundle file (`store import`, `verify`, `--extra-certs`): Mozilla's whole
/// bundle is ~220 KiB.
pub const CERT_FILE: Limit = Limit::new(
    16 * MIB,
    "a certificate file",
    "split the bundle into several files",
);
/// A private-key file (`verify --key`, `serve --key`) or a certificate file to serve (`serve --cert`).
pub const KEY_FILE: Limit = Limit::new(MIB, "a key or certificate file to serve", "");
/// A `--targets` file (one target a line: a million targets fit).
pub const TARGETS: Limit = Limit::new(
    64 * MIB,
    "a --targets file",
    "split the targets into several runs",
);
/// A `--storepass-file` (its first line is the password).
pub const PASSWORD_FILE: Limit = Limit::new(
    64 * 1024,
    "a password file",
    "the password is the file's first line",
);
/// A deployment file.
pub const DEPLOYMENT: Limit = Limit::new(4 * MIB, "a deployment file", "");
/// A JVM's `java.security` or `release` file.
pub const JVM_FILE: Limit = Limit::new(4 * MIB, "a JVM configuration file", "");
/// A file of a lab CA directory (`gen --ca DIR`).
pub const LAB_FILE: Limit = Limit::new(MIB, "a lab CA file", "");

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file is larger than its limit.
    #[error("{path}: {size} is larger than the {limit}-byte limit for {what}{hint}")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size as known (`N bytes`, or `more than N bytes` for a stream).
        size: String,
        /// The limit.
        limit: u64,
        /// What the input is.
        what: &'static str,
        /// `; what to do`, or empty.
        hint: String,
    },
    /// The path is a directory or a device.
    #[error("{path}: is {kind}, not a file")]
    NotAFile {
        /// The path.
        path: String,
        /// `a directory`, `a character device`, `a block device`.
        kind: &'static str,
    },
    /// The file could not be opened or read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error (in the message, not chained: it would be printed twice).
        error: std::io::Error,
    },
}

impl InputError {
    /// The I/O error kind, when the file could not be opened or read.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            InputError::Io { error, .. } => Some(error.kind()),
            _ => None,
        }
    }
}

/// Reads a whole file of the kind `limit` describes, refusing it when larger.
pub fn read(path: &Path, limit: &Limit) -> Result<Vec<u8>, InputError> {
    read_limited(path, limit.bytes).map_err(|e| match e {
        LimitedError::TooLarge { size } => InputError::TooLarge {
            path: path.display().to_string(),
            size,
            limit: limit.bytes,
            what: limit.what,
            hint: if limit.hint.is_empty() {
                String::new()
            } else {
                format!("; {}", limit.hint)
            },
        },
        LimitedError::NotAFile(kind) => InputError::NotAFile {
            path: path.display().to_string(),
            kind,
        },
        LimitedError::Io(error) => InputError::Io {
            path: path.display().to_string(),
            error,
        },
    })
}

/// Reads a whole text file of the kind `limit` describes (invalid UTF-8 is an error naming the file).
pub fn read_text(path: &Path, limit: &Limit) -> Result<String, InputError> {
    let bytes = read(path, limit)?;
    String::from_utf8(bytes).map_err(|e| InputError::Io {
        path: path.display().to_string(),
        error: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        ),
    })
}

/// Why [`read_limited`] failed.
#[derive(Debug, thiserror::Error)]
pub enum LimitedError {
    /// Larger than the limit: the size as known.
    #[error("{size} is larger than the limit")]
    TooLarge {
        /// `N bytes`, or `more than N bytes` for a file read as a stream.
        size: String,
    },
    /// A directory or a device.
    #[error("is {0}, not a file")]
    NotAFile(&'static str),
    /// Opening or reading failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads at most `limit` bytes of `path`: a regular file larger than that is refused from its size before
/// any byte is read; a FIFO or socket is read up to `limit + 1` bytes and refused if it has more; a
/// directory or a device is refused.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, LimitedError> {
    use std::os::unix::fs::FileTypeExt;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let t = meta.file_type();
    if t.is_dir() {
        return Err(LimitedError::NotAFile("a directory"));
    }
    if t.is_char_device() {
        return Err(LimitedError::NotAFile("a character device"));
    }
    if t.is_block_device() {
        return Err(LimitedError::NotAFile("a block device"));
    }
    if meta.is_file() && meta.len() > limit {
        return Err(LimitedError::TooLarge {
            size: format!("{} bytes", meta.len()),
        });
    }
    // The length is a hint only: a regular file may grow while it is read.
    let capacity = if meta.is_file() {
        meta.len().min(limit) as usize
    } else {
        0
    };
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(LimitedError::TooLarge {
            size: format!("more than {limit} bytes"),
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_its_limit_is_refused_naming_the_file_the_limit_and_the_remedy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("targets.txt");
        std::fs::write(&path, vec![b'a'; 100]).unwrap();
        let tiny = Limit {
            bytes: 10,
            what: "a --targets file",
            hint: "split the targets into several runs",
        };
        let e = read(&path, &tiny).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: 100 bytes is larger than the 10-byte limit for a --targets file; split the \
                 targets into several runs",
                path.display()
            )
        );
        assert_eq!(read(&path, &TARGETS).unwrap().len(), 100);
    }

    #[test]
    fn a_stream_is_read_only_up_to_the_limit_and_devices_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                use std::io::Write;
                // The reader stops after limit + 1 bytes and closes: a broken pipe ends the writer.
                let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
                for _ in 0..64 {
                    if f.write_all(&[0u8; 1024]).is_err() {
                        break;
                    }
                }
            })
        };
        let e = read_limited(&fifo, 4096).unwrap_err();
        assert_eq!(
            e.to_string(),
            "more than 4096 bytes is larger than the limit"
        );
        writer.join().unwrap();
        let e = read(Path::new("/dev/zero"), &STORE).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero: is a character device, not a file"
        );
        let e = read(Path::new("/"), &STORE).unwrap_err();
        assert_eq!(e.to_string(), "/: is a directory, not a file");
    }
}
