//! Running the binary under watch: a deadline (the child is killed past it), its peak resident set size
//! from the kernel's own accounting of that one child (`wait4(2)`'s `ru_maxrss`), and its output captured in
//! files (a hostile input must not make a pipe fill up and hide a hang).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a watched run ended.
#[derive(Debug)]
pub struct Watched {
    /// The exit code, `None` when a signal ended it.
    pub code: Option<i32>,
    /// The signal that ended it (9 when the deadline killed it, 6 for an abort).
    pub signal: Option<i32>,
    /// Whether the deadline passed and the child was killed.
    pub timed_out: bool,
    /// Wall time until it ended.
    pub wall: Duration,
    /// Peak resident set size, KiB.
    pub max_rss_kib: u64,
    /// Its stdout.
    pub stdout: String,
    /// Its stderr.
    pub stderr: String,
}

impl Watched {
    /// A one-line summary for assertion messages.
    pub fn summary(&self) -> String {
        format!(
            "code {:?}, signal {:?}, timed out {}, {:.2} s, {} MiB; stderr: {}",
            self.code,
            self.signal,
            self.timed_out,
            self.wall.as_secs_f64(),
            self.max_rss_kib / 1024,
            self.stderr.trim()
        )
    }
}

/// Runs `cmd` (stdin closed), killing it after `deadline`.
pub fn watch(cmd: &mut Command, deadline: Duration) -> Watched {
    let mut out = tempfile::tempfile().unwrap();
    let mut err = tempfile::tempfile().unwrap();
    cmd.stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap());
    let start = Instant::now();
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut timed_out = false;
    let (status, rusage) = loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
        let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own child, not yet reaped (the std handle is never waited on).
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut rusage) };
        if r == pid {
            break (status, rusage);
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if !timed_out && start.elapsed() > deadline {
            timed_out = true;
            // SAFETY: signalling our own unreaped child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = start.elapsed();
    drop(child);
    let read = |f: &mut std::fs::File| {
        use std::io::Seek;
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        let mut s = Vec::new();
        f.read_to_end(&mut s).unwrap();
        String::from_utf8_lossy(&s).into_owned()
    };
    let (code, signal) = if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else {
        (None, Some(libc::WTERMSIG(status)))
    };
    Watched {
        code,
        signal,
        timed_out,
        wall,
        max_rss_kib: rusage.ru_maxrss as u64,
        stdout: read(&mut out),
        stderr: read(&mut err),
    }
}
