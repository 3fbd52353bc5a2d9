//! A server process the tests start: its own process group (so that a forking server such as Apache
//! httpd is stopped with all its children), stopped when dropped (SIGTERM to the group, a bounded wait,
//! then SIGKILL), and a bounded wait for its port.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server process; its whole process group is stopped on drop.
pub struct Guard {
    child: Child,
    name: &'static str,
    log: Box<dyn Fn() -> String + Send>,
}

impl Guard {
    /// Spawns `cmd` (stdin closed, stdout and stderr appended to `output`) in a new process group.
    pub fn spawn(
        name: &'static str,
        cmd: &mut Command,
        output: &std::path::Path,
        log: impl Fn() -> String + Send + 'static,
    ) -> Guard {
        let out = std::fs::File::create(output).unwrap();
        let err = out.try_clone().unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Guard {
            child,
            name,
            log: Box::new(log),
        }
    }

    /// Waits (at most `limit`) until 127.0.0.1:`port` accepts connections; panics with the server's log
    /// when it exits or does not listen in time.
    pub fn wait_for_port(&mut self, port: u16, limit: Duration) {
        let started = Instant::now();
        while started.elapsed() < limit {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited with {status}:\n{}", self.name, (self.log)());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} does not listen on 127.0.0.1:{port} after {limit:?}:\n{}",
            self.name,
            (self.log)()
        );
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        (self.log)()
    }

    fn signal_group(&self, signal: libc::c_int) {
        let Ok(pid) = libc::pid_t::try_from(self.child.id()) else {
            return;
        };
        // SAFETY: kill(2) with a negative pid signals the process group this guard created
        // (process_group(0) made the child its leader); it touches no memory.
        unsafe {
            libc::kill(-pid, signal);
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.signal_group(libc::SIGTERM);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (children that ignored SIGTERM, a parent that hung).
        self.signal_group(libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
