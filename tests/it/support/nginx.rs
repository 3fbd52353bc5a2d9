//! A real nginx for tests: non-daemon child, its own prefix in a temporary directory, 127.0.0.1 only;
//! killed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running nginx.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
}

impl Nginx {
    /// Writes `nginx.conf` in `dir` with the given `http { … }` body (server blocks) around the
    /// boilerplate that keeps nginx inside `dir`, starts it, and waits until `port` accepts connections.
    pub fn start(dir: &Path, http_body: &str, port: u16) -> Nginx {
        let conf = config(dir, http_body);
        std::fs::create_dir_all(dir.join("logs")).unwrap();
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        let _ = std::fs::remove_file(dir.join("logs/error.log"));
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("logs/error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut nginx = Nginx {
            child,
            dir: dir.to_owned(),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return nginx;
            }
            if let Ok(Some(status)) = nginx.child.try_wait() {
                panic!("nginx exited with {status}:\n{}", nginx.log());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!(
            "nginx does not listen on {port} after 10 s:\n{}",
            nginx.log()
        );
    }

    /// The error log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("logs/error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The whole nginx.conf for `http_body`.
pub fn config(dir: &Path, http_body: &str) -> String {
    let d = dir.display();
    format!(
        "daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
{http_body}
}}
"
    )
}
