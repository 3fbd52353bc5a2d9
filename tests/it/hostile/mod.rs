//! Hostile input to every parser, through the binary: certificates and PEM bundles, JKS/JCEKS/PKCS#12,
//! `server.xml`, nginx and Apache configurations, deployment files, `--targets`, keys and password files —
//! truncated, bit-flipped, 100 MB, `/dev/zero`, nested thousands deep, entity and include bombs, and the
//! sizes that used to make naming or reading quadratic.
//!
//! Every run is watched ([`support::watch::watch`]): it must end before [`DEADLINE`] with its peak
//! resident set (the kernel's own accounting of that child) under [`RSS_LIMIT_MIB`], never by a panic or
//! an abort; a hostile input ends with exit 2 and a `trustpath: error:` line that names the file and the
//! limit; a damaged input may still parse (exit 0 or 1) or is refused the same way.

mod configs;
mod files;
mod scale;
mod stores;

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::watch::{self, Watched};

/// Longest any single run may take (a debug build on a loaded two-core machine).
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Largest peak resident set any run may reach, MiB (a store may be 256 MiB on disk; nothing else
/// comes close).
pub const RSS_LIMIT_MIB: u64 = 768;

fn trustpath() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("trustpath"));
    c.env("NO_COLOR", "1").env_remove("JAVA_HOME");
    c
}

/// Runs trustpath with `args` under watch and checks it ended on its own, without a panic or an abort,
/// in bounded time and memory.
pub fn watched<S: AsRef<OsStr>>(args: &[S]) -> Watched {
    let w = watch::watch(trustpath().args(args), DEADLINE);
    let shown: Vec<String> = args
        .iter()
        .map(|a| a.as_ref().to_string_lossy().chars().take(120).collect())
        .collect();
    assert!(
        !w.timed_out,
        "{shown:?} ran past {DEADLINE:?}: {}",
        w.summary()
    );
    assert_eq!(
        w.signal,
        None,
        "{shown:?} was killed by a signal: {}",
        w.summary()
    );
    assert!(
        !w.stderr.contains("panicked"),
        "{shown:?} panicked: {}",
        w.summary()
    );
    assert!(
        w.max_rss_kib / 1024 < RSS_LIMIT_MIB,
        "{shown:?} used {} MiB: {}",
        w.max_rss_kib / 1024,
        w.summary()
    );
    w
}

/// A hostile input: refused with exit 2 and one clear error, whose text contains every `expect`.
pub fn refused<S: AsRef<OsStr>>(args: &[S], expect: &[&str]) -> Watched {
    let w = watched(args);
    assert_eq!(w.code, Some(2), "{}", w.summary());
    let line = w.stderr.trim();
    assert!(line.starts_with("trustpath: error: "), "{}", w.summary());
    assert!(
        line.len() < 2000,
        "an error message of {} bytes is not clear",
        line.len()
    );
    for e in expect {
        assert!(line.contains(e), "expected {e:?} in: {line}");
    }
    w
}

/// A damaged input: it may still parse (exit 0 or 1), else it is refused with exit 2 and an error.
pub fn damaged<S: AsRef<OsStr>>(args: &[S]) -> Watched {
    let w = watched(args);
    match w.code {
        Some(0 | 1) => {}
        Some(2) => assert!(
            w.stderr.contains("trustpath: error: "),
            "exit 2 without an error: {}",
            w.summary()
        ),
        _ => panic!("unexpected end: {}", w.summary()),
    }
    w
}

/// A file of `len` bytes that holds `head` then zeros, sparse (it takes no disk).
pub fn sparse(path: &Path, head: &[u8], len: u64) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(head).unwrap();
    f.set_len(len).unwrap();
}

/// 100 MB.
pub const HUNDRED_MB: u64 = 100 * 1000 * 1000;

/// Copies of `bytes` cut at `n` offsets spread over it.
pub fn truncations(bytes: &[u8], n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| bytes[..bytes.len() * i / n].to_vec())
        .collect()
}

/// Copies of `bytes` with one bit flipped, at `n` offsets spread over it (a fixed pattern).
pub fn bit_flips(bytes: &[u8], n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let mut b = bytes.to_vec();
            let at = (bytes.len() * (2 * i + 1) / (2 * n)).min(bytes.len() - 1);
            b[at] ^= 1 << (i % 8);
            b
        })
        .collect()
}
