//! Running the binary under watch: a deadline (the whole process group is killed past it), its peak
//! resident set size as the kernel accounts it for that process, and its output captured in files (a
//! hostile input must not make a pipe fill up and hide a hang).
//!
//! The peak comes from GNU time (`/usr/bin/time -f %M`, `wait4(2)`'s `ru_maxrss` of its child): a child
//! of the test process itself would report the test process's own peak, which the kernel carries over a
//! fork and an exec, so a small process in between does the forking.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// GNU time, which reports a child's peak resident set.
const GNU_TIME: &str = "/usr/bin/time";

/// How a watched run ended.
#[derive(Debug)]
pub struct Watched {
    /// The exit code, `None` when a signal ended it.
    pub code: Option<i32>,
    /// The signal that ended it (9 when the deadline killed it, 6 for an abort).
    pub signal: Option<i32>,
    /// Whether the deadline passed and the run was killed.
    pub timed_out: bool,
    /// Wall time until it ended.
    pub wall: Duration,
    /// Peak resident set size, KiB (0 when GNU time is missing and the test is not required to have it).
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
            self.stderr.trim().chars().take(600).collect::<String>()
        )
    }
}

/// Whether GNU time is there (else the peak is not measured; under `TRUSTPATH_REQUIRE_TOOLS=1` its absence
/// fails the test).
fn have_gnu_time() -> bool {
    static HAVE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *HAVE.get_or_init(|| {
        let found = Command::new(GNU_TIME)
            .args(["-f", "%M", "true"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
                panic!("{GNU_TIME} (GNU time) is required (TRUSTPATH_REQUIRE_TOOLS=1) but was not found");
            }
            eprintln!("SKIPPED: {GNU_TIME} not found: peak memory is not measured");
        }
        found
    })
}

/// Runs `cmd` (stdin closed), killing its process group after `deadline`.
pub fn watch(cmd: &Command, deadline: Duration) -> Watched {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let report = tempfile::NamedTempFile::new().unwrap();
    let measured = have_gnu_time();
    let mut run = if measured {
        let mut c = Command::new(GNU_TIME);
        c.arg("-o").arg(report.path()).args(["-f", "%M"]);
        c.arg(cmd.get_program());
        c
    } else {
        Command::new(cmd.get_program())
    };
    run.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => run.env(k, v),
            None => run.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        run.current_dir(dir);
    }
    run.stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .process_group(0);
    let start = Instant::now();
    let mut child = run
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {run:?}: {e}"));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if !timed_out && start.elapsed() > deadline {
            timed_out = true;
            // SAFETY: signalling the process group our own child leads.
            unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = start.elapsed();
    let read = |mut f: std::fs::File| {
        use std::io::Seek;
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        let mut s = Vec::new();
        f.read_to_end(&mut s).unwrap();
        String::from_utf8_lossy(&s).into_owned()
    };
    let report = std::fs::read_to_string(report.path()).unwrap_or_default();
    use std::os::unix::process::ExitStatusExt;
    // GNU time exits with its child's code, or 128 + the signal that ended it (and says so).
    let (code, signal) = match (status.code(), status.signal()) {
        (_, Some(sig)) => (None, Some(sig)),
        (Some(c), None) if measured && report.contains("terminated by signal") => {
            (None, Some(c - 128))
        }
        (c, None) => (c, None),
    };
    let max_rss_kib = report
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    Watched {
        code,
        signal,
        timed_out,
        wall,
        max_rss_kib,
        stdout: read(out),
        stderr: read(err),
    }
}
