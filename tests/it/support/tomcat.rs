//! A real Tomcat 10 for tests, from Debian's `tomcat10` package (`/usr/share/tomcat10`, or
//! `$TRUSTPATH_TOMCAT_HOME`): a `CATALINA_BASE` in the test directory with the test's `server.xml`, and
//! the lab webapp (`tomcat/LabApp.java`, `tomcat/Echo.java`) compiled at test time against Tomcat's own
//! servlet and WebSocket API jars. The JVM runs `Bootstrap` directly (no `catalina.sh`, no system
//! service) in its own process group, and is stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use super::process::Guard;

/// `CATALINA_HOME`: `$TRUSTPATH_TOMCAT_HOME`, else Debian's.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("TRUSTPATH_TOMCAT_HOME")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/share/tomcat10")))
        .filter(|h| h.join("bin/bootstrap.jar").is_file() && h.join("lib/catalina.jar").is_file())
}

/// Whether Tomcat (and javac to build the webapp) is here; skips or fails as [`super::have_tool`] does.
pub fn available() -> bool {
    super::require("tomcat10 (Debian's tomcat10 package)", home().is_some())
        && super::have_tool("javac")
}

/// The lab webapp's classes, compiled once per test binary against Tomcat's API jars.
pub fn webapp_classes() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("trustpath-tomcat-app-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lib = home().expect("tomcat").join("lib");
        let classpath = [
            "servlet-api.jar",
            "websocket-api.jar",
            "websocket-client-api.jar",
        ]
        .iter()
        .map(|j| lib.join(j).display().to_string())
        .collect::<Vec<_>>()
        .join(":");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/tomcat");
        super::run_ok(
            Command::new("javac")
                .arg("-d")
                .arg(&dir)
                .arg("-cp")
                .arg(classpath)
                .arg(src.join("LabApp.java"))
                .arg(src.join("Echo.java")),
        );
        dir
    })
}

/// Writes a `CATALINA_BASE` at `base`: `conf/server.xml` as given, the stock `web.xml`, a
/// `catalina.properties` that skips jar scanning (quick start), and the lab webapp as `webapps/ROOT` with
/// a `META-INF/context.xml` making redirects absolute (as Confluence's are), so that what Tomcat believes
/// its scheme, name and port are shows in the `Location` it sends.
pub fn write_base(base: &Path, server_xml: &str) {
    let home = home().expect("tomcat");
    for d in ["conf", "logs", "temp", "work", "webapps/ROOT/META-INF"] {
        std::fs::create_dir_all(base.join(d)).unwrap();
    }
    std::fs::write(base.join("conf/server.xml"), server_xml).unwrap();
    let web_xml = [home.join("conf/web.xml"), home.join("etc/web.xml")]
        .into_iter()
        .find(|p| p.is_file())
        .expect("Tomcat's default web.xml");
    std::fs::copy(web_xml, base.join("conf/web.xml")).unwrap();
    std::fs::write(
        base.join("conf/catalina.properties"),
        "common.loader=\"${catalina.base}/lib\",\"${catalina.base}/lib/*.jar\",\"${catalina.home}/lib\",\"${catalina.home}/lib/*.jar\"\n\
         server.loader=\nshared.loader=\n\
         tomcat.util.scan.StandardJarScanFilter.jarsToSkip=*.jar\n",
    )
    .unwrap();
    std::fs::write(
        base.join("webapps/ROOT/META-INF/context.xml"),
        "<Context useRelativeRedirects=\"false\"/>\n",
    )
    .unwrap();
    let classes = base.join("webapps/ROOT/WEB-INF/classes");
    std::fs::create_dir_all(&classes).unwrap();
    for entry in std::fs::read_dir(webapp_classes()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), classes.join(entry.file_name())).unwrap();
    }
}

/// A running Tomcat.
pub struct Tomcat {
    guard: Guard,
}

impl Tomcat {
    /// Starts Tomcat on `base` and waits (bounded) until 127.0.0.1:`port` answers.
    pub fn start(base: &Path, port: u16) -> Tomcat {
        let home = home().expect("tomcat");
        let mut cmd = Command::new("java");
        cmd.args([
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-Djava.awt.headless=true",
        ])
        .arg("-cp")
        .arg(format!(
            "{}:{}",
            home.join("bin/bootstrap.jar").display(),
            home.join("bin/tomcat-juli.jar").display()
        ))
        .arg(format!("-Dcatalina.home={}", home.display()))
        .arg(format!("-Dcatalina.base={}", base.display()))
        .arg(format!("-Djava.io.tmpdir={}", base.join("temp").display()))
        .arg("org.apache.catalina.startup.Bootstrap")
        .arg("start")
        .env_remove("JAVA_TOOL_OPTIONS");
        let output = base.join("logs/console.log");
        let log = output.clone();
        let mut guard = Guard::spawn("tomcat", &mut cmd, &output, move || {
            std::fs::read_to_string(&log).unwrap_or_default()
        });
        guard.wait_for_port(port, Duration::from_secs(90));
        // The connector binds before the webapps are deployed: wait for the app itself.
        let started = std::time::Instant::now();
        while !status_answers(port) {
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "tomcat: GET /status does not answer 200 on 127.0.0.1:{port}:\n{}",
                guard.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Tomcat { guard }
    }

    /// The console log so far.
    pub fn log(&self) -> String {
        self.guard.log()
    }
}

/// Whether `GET /status` on 127.0.0.1:`port` (plain HTTP) answers 200.
fn status_answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut tcp) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
    if tcp
        .write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    tcp.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}
