//! Shared test support: finding real tools (keytool, java, openssl, nginx), skipping with a message when
//! one is absent (a failure when `TRUSTPATH_REQUIRE_TOOLS=1`, as in CI), and running the JVM as the judge.

pub mod aia;
pub mod apache;
pub mod certs;
pub mod formats;
pub mod golden;
pub mod javastore;
pub mod json_doc;
pub mod jvm_batch;
pub mod nginx;
pub mod outbound;
pub mod process;
pub mod readme_example;
pub mod serve;
pub mod storecheck;
pub mod tomcat;
pub mod watch;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Whether `tool` runs. When it does not: panics under `TRUSTPATH_REQUIRE_TOOLS=1`, else prints a skip
/// notice and returns false.
pub fn have_tool(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg(if tool == "openssl" {
            "version"
        } else {
            "-version"
        })
        .output()
        .map(|o| o.status.success() || !o.stderr.is_empty() || !o.stdout.is_empty())
        .unwrap_or(false);
    require(tool, found)
}

/// `found`, after saying so when it is false: panics under `TRUSTPATH_REQUIRE_TOOLS=1`, else prints a
/// skip notice naming `tool`.
pub fn require(tool: &str, found: bool) -> bool {
    if !found {
        if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
            panic!("{tool} is required (TRUSTPATH_REQUIRE_TOOLS=1) but was not found");
        }
        eprintln!("SKIPPED: {tool} not found");
    }
    found
}

/// Runs a command, panicking with its output when it fails; returns stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// JDK homes to test against: the default JDK (of the `java` on PATH) and any newer JDK installed under
/// `/usr/lib/jvm` (e.g. a JDK 25 beside JDK 17), each as `(major version, java_home)`. Under
/// `TRUSTPATH_REQUIRE_TOOLS=1` both JDK 17 and a JDK 25 or newer must be found (CI has Temurin 25 beside
/// the JDK 17 on PATH): trustpath follows the JDK it judges for, and the tests judge with both.
pub fn jdks() -> Vec<(u32, PathBuf)> {
    let found = find_jdks();
    if std::env::var("TRUSTPATH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        let has = |ok: fn(u32) -> bool| found.iter().any(|(m, _)| ok(*m));
        assert!(
            has(|m| m == 17) && has(|m| m >= 25),
            "JDK 17 and a JDK 25 or newer are required (TRUSTPATH_REQUIRE_TOOLS=1): found {found:?} \
             (the java on PATH and the JDKs under /usr/lib/jvm)"
        );
    }
    found
}

fn find_jdks() -> Vec<(u32, PathBuf)> {
    let mut homes = Vec::new();
    if let Some(home) = which("java")
        .ok()
        .and_then(|java| std::fs::canonicalize(java).ok())
        .and_then(|real| real.parent().and_then(Path::parent).map(Path::to_path_buf))
    {
        homes.push(home);
    }

    if let Ok(dir) = std::fs::read_dir("/usr/lib/jvm") {
        let mut extra: Vec<PathBuf> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.join("bin/keytool").is_file() && !p.is_symlink())
            .collect();
        extra.sort();
        for p in extra {
            let canon = std::fs::canonicalize(&p).unwrap_or(p);
            if !homes.contains(&canon) {
                homes.push(canon);
            }
        }
    }
    let mut out: Vec<(u32, PathBuf)> = Vec::new();
    for home in homes {
        if let Some(major) = java_major(&home).filter(|m| !out.iter().any(|(o, _)| o == m)) {
            out.push((major, home));
        }
    }
    out
}

/// The full version of the JDK at `home` (its `release` file), as `trustpath verify --java-home HOME`
/// reads it: the rules that changed in an update follow it.
pub fn java_version(home: &Path) -> trustpath::cert::jdk::JavaVersion {
    let release = std::fs::read_to_string(home.join("release")).expect("release file");
    trustpath::jvm::security::release_version(&release).expect("JAVA_VERSION")
}

fn java_major(home: &Path) -> Option<u32> {
    let release = std::fs::read_to_string(home.join("release")).ok()?;
    let line = release.lines().find(|l| l.starts_with("JAVA_VERSION="))?;
    let v = line.trim_start_matches("JAVA_VERSION=").trim_matches('"');
    v.split('.').next()?.parse().ok()
}

fn which(tool: &str) -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or(())
}

/// A directory holding the compiled `TlsClient` class (compiled once per test binary).
pub fn java_client_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("trustpath-java-client-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/TlsClient.java");
        run_ok(Command::new("javac").arg("-d").arg(&dir).arg(&src));
        dir
    })
}

/// What the JVM decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JavaVerdict {
    /// Handshake completed.
    Trusted,
    /// Handshake refused, with the JVM's message.
    Untrusted(String),
}

impl JavaVerdict {
    /// True when trusted.
    pub fn trusted(&self) -> bool {
        matches!(self, JavaVerdict::Trusted)
    }
}

/// How the JVM should get its trust anchors.
pub enum JavaTrust<'a> {
    /// `-Djavax.net.ssl.trustStore=PATH` with an optional `-Djavax.net.ssl.trustStorePassword`: exactly how
    /// an app server is configured.
    SystemProperty {
        path: &'a Path,
        password: Option<&'a str>,
    },
    /// A `KeyStore` of the given type loaded by the client itself.
    Explicit {
        path: &'a Path,
        store_type: &'a str,
        password: Option<&'a str>,
    },
}

/// Connects a JVM TLS client (`java` from `java_home`, or PATH when `None`) to `127.0.0.1:port` with
/// SNI and HTTPS endpoint identification for `server_name`.
pub fn java_handshake(
    java_home: Option<&Path>,
    trust: JavaTrust<'_>,
    port: u16,
    server_name: &str,
) -> JavaVerdict {
    let java = java_home
        .map(|h| h.join("bin/java"))
        .unwrap_or_else(|| PathBuf::from("java"));
    let mut cmd = Command::new(java);
    cmd.arg("-cp").arg(java_client_dir());
    match &trust {
        JavaTrust::SystemProperty { path, password } => {
            cmd.arg(format!("-Djavax.net.ssl.trustStore={}", path.display()));
            if let Some(pw) = password {
                cmd.arg(format!("-Djavax.net.ssl.trustStorePassword={pw}"));
            }
        }
        JavaTrust::Explicit { .. } => {}
    }
    cmd.arg("TlsClient")
        .arg("127.0.0.1")
        .arg(port.to_string())
        .arg(server_name);
    if let JavaTrust::Explicit {
        path,
        store_type,
        password,
    } = &trust
    {
        cmd.arg(path).arg(store_type).arg(password.unwrap_or("-"));
    }
    let out = cmd.output().expect("run java");
    let stdout = String::from_utf8_lossy(&out.stdout);
    match out.status.code() {
        Some(0) if stdout.contains("TRUSTED") => JavaVerdict::Trusted,
        Some(1) => {
            JavaVerdict::Untrusted(stdout.trim().trim_start_matches("UNTRUSTED ").to_owned())
        }
        _ => panic!(
            "java client failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}
