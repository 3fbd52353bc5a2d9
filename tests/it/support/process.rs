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
        self.wait_for(std::net::SocketAddr::from(([127, 0, 0, 1], port)), limit);
    }

    /// Waits (at most `limit`) until `addr` (an IPv6 loopback address, say) accepts connections;
    /// panics with the server's log when it exits or does not listen in time.
    pub fn wait_for(&mut self, addr: std::net::SocketAddr, limit: Duration) {
        let port = addr.port();
        let started = Instant::now();
        while started.elapsed() < limit {
            if std::net::TcpStream::connect(addr).is_ok() {
                if let Some(other) = foreign_listener(port, self.child.id()) {
                    panic!(
                        "{} cannot be tested on port {port}: another process listens there ({other}):\n{}",
                        self.name,
                        (self.log)()
                    );
                }
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited with {status}:\n{}", self.name, (self.log)());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = port;
        panic!(
            "{} does not listen on {addr} after {limit:?}:\n{}",
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

/// The process listening on loopback `port` when it is not in process group `group` (ours): its pid
/// and command line. `None` when the listener is ours, or when /proc does not say.
fn foreign_listener(port: u16, group: u32) -> Option<String> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let Some(local) = f.get(1) else { continue };
            let listening = f.get(3) == Some(&"0A");
            let on_port = local
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok())
                == Some(port);
            if listening
                && on_port
                && let Some(inode) = f.get(9)
            {
                inodes.push(format!("socket:[{inode}]"));
            }
        }
    }
    if inodes.is_empty() {
        return None;
    }
    let mut owners = Vec::new();
    for proc in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = proc.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(proc.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path())
                .is_ok_and(|l| inodes.iter().any(|i| l.as_os_str() == i.as_str()))
        });
        if holds {
            // Field 5 of /proc/PID/stat (after the parenthesised command) is the process group.
            let stat = std::fs::read_to_string(proc.path().join("stat")).unwrap_or_default();
            let pgrp = stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().nth(2))
                .and_then(|g| g.parse::<u32>().ok());
            if pgrp == Some(group) || pid == group {
                return None;
            }
            let cmd = std::fs::read(proc.path().join("cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            owners.push(format!("pid {pid}: {}", cmd.trim()));
        }
    }
    (!owners.is_empty()).then(|| owners.join("; "))
}
