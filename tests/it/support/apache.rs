//! A real Apache httpd 2.4 for tests, in Debian's stock layout: a copy of the system's `apache2.conf`
//! (no `ServerRoot`: httpd is started with `-d`), `ports.conf` with `Listen` lines on 127.0.0.1 only,
//! `mods-enabled/` and `sites-enabled/` as symlinks into `*-available/`, and the sites and snippets a test
//! writes. httpd runs in the foreground in its own process group with Debian's `envvars` pointing into the
//! test directory, and is stopped (with its children) when dropped. No system service is touched.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::process::Guard;

/// The modules Debian enables by default, and those a TLS reverse proxy with WebSockets needs.
const MODULES: &[&str] = &[
    "access_compat",
    "alias",
    "auth_basic",
    "authn_core",
    "authn_file",
    "authz_core",
    "authz_host",
    "authz_user",
    "autoindex",
    "deflate",
    "dir",
    "env",
    "filter",
    "mime",
    "mpm_event",
    "negotiation",
    "reqtimeout",
    "setenvif",
    "status",
    "headers",
    "proxy",
    "proxy_http",
    "proxy_wstunnel",
    "rewrite",
    "socache_shmcb",
    "ssl",
];

/// Debian's configuration directory, copied from.
const SYSTEM: &str = "/etc/apache2";

/// The httpd binary: `apache2` on PATH, else Debian's `/usr/sbin/apache2`.
pub fn binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("apache2"))
            .find(|p| p.is_file())
    });
    on_path
        .or_else(|| Some(PathBuf::from("/usr/sbin/apache2")))
        .filter(|p| p.is_file() && Path::new(SYSTEM).join("apache2.conf").is_file())
}

/// Whether Apache httpd (with Debian's configuration tree to copy) is here; skips or fails as
/// [`super::have_tool`] does.
pub fn available() -> bool {
    super::require("apache2 (Debian's apache2 package)", binary().is_some())
}

/// A Debian-layout configuration tree under `root`.
pub struct Layout {
    /// The directory (`-d`), standing for `/etc/apache2`.
    pub root: PathBuf,
}

impl Layout {
    /// Writes the stock tree: `apache2.conf` copied from the system, every `mods-available` and
    /// `conf-available` file copied, the default modules plus the proxy, WebSocket, rewrite and TLS ones
    /// enabled, Debian's `conf-enabled` set, and `sites-available/000-default.conf` enabled as on a fresh
    /// install (it is on port 80, which this httpd does not listen on).
    pub fn write(root: &Path) -> Layout {
        for d in [
            "mods-available",
            "mods-enabled",
            "conf-available",
            "conf-enabled",
            "sites-available",
            "sites-enabled",
            "run",
            "lock",
            "log",
        ] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::copy(
            Path::new(SYSTEM).join("apache2.conf"),
            root.join("apache2.conf"),
        )
        .unwrap();
        for dir in ["mods-available", "conf-available", "sites-available"] {
            for entry in std::fs::read_dir(Path::new(SYSTEM).join(dir)).unwrap() {
                let entry = entry.unwrap();
                if entry.file_type().unwrap().is_file() {
                    std::fs::copy(entry.path(), root.join(dir).join(entry.file_name())).unwrap();
                }
            }
        }
        let layout = Layout {
            root: root.to_owned(),
        };
        for m in MODULES {
            for ext in ["load", "conf"] {
                let file = format!("{m}.{ext}");
                if root.join("mods-available").join(&file).is_file() {
                    layout.enable("mods", &file);
                }
            }
        }
        for c in [
            "charset.conf",
            "localized-error-pages.conf",
            "other-vhosts-access-log.conf",
            "security.conf",
            "serve-cgi-bin.conf",
        ] {
            if root.join("conf-available").join(c).is_file() {
                layout.enable("conf", c);
            }
        }
        if root.join("sites-available/000-default.conf").is_file() {
            layout.enable("sites", "000-default.conf");
        }
        layout
    }

    /// `a2enmod`/`a2ensite`: links `KIND-enabled/FILE` to `../KIND-available/FILE`.
    pub fn enable(&self, kind: &str, file: &str) {
        let link = self.root.join(format!("{kind}-enabled")).join(file);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(format!("../{kind}-available/{file}"), link).unwrap();
    }

    /// Writes `ports.conf` listening on 127.0.0.1 at `http` and, under `<IfModule ssl_module>`, `tls`.
    pub fn ports(&self, http: u16, tls: u16) {
        self.file(
            "ports.conf",
            &format!(
                "# Loopback only: the tests' ports.\nListen 127.0.0.1:{http}\n\n<IfModule ssl_module>\n\tListen 127.0.0.1:{tls}\n</IfModule>\n"
            ),
        );
    }

    /// Writes a site into `sites-available/` and enables it.
    pub fn site(&self, name: &str, text: &str) {
        self.file(&format!("sites-available/{name}"), text);
        self.enable("sites", name);
    }

    /// Writes `relative` under the tree.
    pub fn file(&self, relative: &str, text: &str) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The main configuration file.
    pub fn main(&self) -> PathBuf {
        self.root.join("apache2.conf")
    }
}

/// A running httpd.
pub struct Apache {
    guard: Guard,
}

impl Apache {
    /// Starts httpd on `layout` in the foreground and waits (bounded) until 127.0.0.1:`port` accepts.
    pub fn start(layout: &Layout, port: u16) -> Apache {
        let root = &layout.root;
        // httpd drops to APACHE_RUN_USER only when started as root; otherwise the name is just resolved.
        let user = if is_root() {
            "www-data".to_owned()
        } else {
            std::env::var("USER").unwrap_or_else(|_| "nobody".to_owned())
        };
        let _ = std::fs::remove_file(root.join("run/apache2.pid"));
        let mut cmd = Command::new(binary().expect("apache2"));
        cmd.arg("-d")
            .arg(root)
            .arg("-f")
            .arg(layout.main())
            .arg("-DFOREGROUND")
            .env("APACHE_RUN_USER", &user)
            .env("APACHE_RUN_GROUP", &user)
            .env("APACHE_PID_FILE", root.join("run/apache2.pid"))
            .env("APACHE_RUN_DIR", root.join("run"))
            .env("APACHE_LOCK_DIR", root.join("lock"))
            .env("APACHE_LOG_DIR", root.join("log"))
            .env("LANG", "C");
        let log_dir = root.join("log");
        let output = root.join("log/stdout.log");
        let mut guard = Guard::spawn("apache2", &mut cmd, &output, move || {
            let read = |f: &str| std::fs::read_to_string(log_dir.join(f)).unwrap_or_default();
            format!("{}{}", read("stdout.log"), read("error.log"))
        });
        guard.wait_for_port(port, Duration::from_secs(20));
        Apache { guard }
    }

    /// The error log and console output so far.
    pub fn log(&self) -> String {
        self.guard.log()
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions and touches no memory.
    unsafe { libc::geteuid() == 0 }
}
