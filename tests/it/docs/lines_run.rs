//! Every `$ trustpath …` line of the README and of every `--help` runs, for real, in a lab this test
//! makes, and exits with the code the line documents.
//!
//! The lab (one per test run, shared by every line): a `gen lab` PKI for the README's host names, a
//! JVM home whose `lib/security/cacerts` is a copy of Debian's with the lab root added (`JAVA_HOME`, so
//! `--cacerts` and the default JVM are the lab's), the files the examples name (`server.pem`,
//! `keystore.p12`, `truststore.jks`, `conf/server.xml`, …; `app-truststore.jks` made by keytool), and servers on 127.0.0.1: `trustpath serve`
//! with the lab chain (every HTTPS name), OpenLDAP `slapd`, Exim, PostgreSQL and tinyproxy with the same
//! chain. Each console block of the README, and each command's `--help`, runs in a fresh copy of the
//! lab's files, its lines in order (a line may use what the one before it wrote), through `bash -o
//! pipefail -c` (pipes, redirections, `&&` and `~` as a user's shell has them).
//!
//! The README's names become the lab's through [`MAP`], applied once per line, first match first; a
//! line naming a host of the README's (`*.example.test`, `*.partner.test`) with a port gets `--resolve
//! HOST:PORT:127.0.0.1`. The exit code a line documents: 0, unless a comment at the end of the line
//! says `# exit N` (or `# exits N`); the finding and fix lines the README shows under a line must be
//! lines of its output (`…` standing for any text); a `serve` line is a server: it passes when it says `listening on
//! ADDR` and ADDR accepts a connection, then it is stopped. Lines that cannot run in a lab are listed in
//! [`EXEMPT`] with the reason.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::support::readme_example;
use crate::support::serve::free_port;

/// README text → lab text, tried in order at each position of a line (first match wins, replaced text
/// is not looked at again). `{dir}` is the block's copy of the lab, `{NAME}` a lab server's port.
const MAP: &[(&str, &str)] = &[
    ("sudo trustpath", "trustpath"),
    ("/opt/atlassian/confluence/jre", "{dir}/confluence/jre"),
    ("/opt/atlassian/jira/jre", "{dir}/jira/jre"),
    ("/etc/ssl/certs/java/cacerts", "{dir}/debian/cacerts"),
    ("/opt/app/truststore.p12", "{dir}/app/truststore.p12"),
    ("/etc/nginx/nginx.conf", "{dir}/nginx/nginx.conf"),
    ("/etc/nginx/certs", "{dir}/nginx/certs"),
    ("/etc/apache2/apache2.conf", "{dir}/apache2/apache2.conf"),
    ("/usr/local/share/man/man1", "{dir}/man/man1"),
    ("$PROFILE", "{dir}/profile.ps1"),
    // A backend behind a load balancer: the lab's one is on 127.0.0.1.
    (
        "wiki.example.test:443:10.0.0.5",
        "wiki.example.test:{https}:127.0.0.1",
    ),
    // The proxy resolves the target itself: the lab's target is `localhost`.
    ("http://proxy.corp.test:3128", "http://127.0.0.1:{proxy}"),
    ("https://jira.partner.test", "https://localhost:{https}"),
    (
        "ldaps://dc1.example.test:636",
        "ldaps://dc1.example.test:{ldaps}",
    ),
    (
        "ldaps://dc1.example.test",
        "ldaps://dc1.example.test:{ldaps}",
    ),
    ("ldap://dc1.example.test", "ldap://dc1.example.test:{ldap}"),
    (
        "smtp://mail.example.test:587",
        "smtp://mail.example.test:{smtp}",
    ),
    (
        "postgres db.example.test",
        "postgres db.example.test:{postgres}",
    ),
    ("collab.example.test:8443", "collab.example.test:{https}"),
    (
        "https://wiki.example.test",
        "https://wiki.example.test:{https}",
    ),
    (
        "https://api.partner.test",
        "https://api.partner.test:{https}",
    ),
    (
        "https://confluence.example.test",
        "https://confluence.example.test:{https}",
    ),
    (
        "probe wiki.example.test ",
        "probe wiki.example.test:{https} ",
    ),
    // `serve` on a fixed port: a free one.
    ("127.0.0.1:8443", "127.0.0.1:{free}"),
    ("127.0.0.1:8091", "127.0.0.1:{free}"),
    ("127.0.0.1:8090", "127.0.0.1:{free}"),
];

/// Lines that cannot run in a lab: where (`README.md` or a `--help`), the line as written (before
/// [`MAP`], without its comment), and why.
const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "README.md",
        "trustpath check wiki.toml",
        "worked examples of output, each of its own deployment (the app's outbound connections to \
         LDAP, SMTPS and PostgreSQL and through a refusing proxy; Synchrony behind an authentication \
         proxy; the RTC port's layout; the headers reaching the app through nginx): \
         tests/it/deploy/synchrony.rs and through_proxy.rs run the last three against real servers \
         and compare the example's finding and fix lines with the real output \
         (support::readme_example); tests/it/deploy/outbound.rs runs the first one's cases",
    ),
    (
        "README.md",
        "trustpath check sso.toml",
        "a worked example of output: tests/it/deploy/sso.rs runs the case against two loopback apps",
    ),
    (
        "",
        "trustpath discover --tomcat conf/server.xml -o wiki.toml && trustpath check wiki.toml",
        "the check goes to the deployment discovered from the fixture configurations \
         (confluence.example.test:443 and its Tomcat on 8090), which the lab does not run; discover \
         alone runs on the lines above it",
    ),
    (
        "trustpath check --help",
        "trustpath check deployment.toml --format junit > trustpath-junit.xml",
        "in `check --help` it checks the deployment discovered on the line before (which runs), whose \
         hosts the lab does not run; the README's line of the same text runs, on the lab's deployment",
    ),
];

/// Commands that make, before a block's first line, what its lines take as given (the block: the
/// `--help` it is in, or the README line it starts with).
const GIVEN: &[(&str, &str)] = &[
    (
        "trustpath gen leaf --help",
        "trustpath gen lab --out lab confluence.example.test",
    ),
    (
        "trustpath gen intermediate --help",
        "trustpath gen ca --out lab-ca",
    ),
    (
        "trustpath store list --help",
        "trustpath store import truststore.p12 --alias lab-root root-ca.pem",
    ),
    (
        "trustpath store remove --help",
        "trustpath store import truststore.p12 --alias lab-root root-ca.pem",
    ),
    // The worked example of `forwarded-for-missing`: an nginx location without X-Forwarded-For.
    (
        "trustpath check --nginx /etc/nginx/nginx.conf",
        "cp forwarded-for-missing.conf nginx/nginx.conf",
    ),
];

/// The host names of the README's examples: the lab certificate covers them all.
const NAMES: &[&str] = &[
    "wiki.example.test",
    "collab.example.test",
    "confluence.example.test",
    "dc1.example.test",
    "mail.example.test",
    "db.example.test",
    "api.partner.test",
    "jira.partner.test",
    "localhost",
    "127.0.0.1",
];

/// One documented line.
#[derive(Clone, Debug)]
struct Line {
    /// `README.md:LINE` or `trustpath CMD --help`.
    source: String,
    /// The command line, continuations joined.
    text: String,
    /// The finding and fix lines the README shows under it (trimmed; `…` stands for any text).
    shown: Vec<String>,
}

/// A console block of the README or one `--help`: its lines run in order in one copy of the lab.
#[derive(Debug)]
struct Block {
    name: String,
    lines: Vec<Line>,
}

/// The exit code a line documents: `# exit N` / `# exits N` in its trailing comment, else 0.
fn documented_exit(text: &str) -> i32 {
    let Some(comment) = comment_of(text) else {
        return 0;
    };
    for word in ["exits ", "exit "] {
        if let Some(at) = comment.find(word)
            && let Some(code) = comment[at + word.len()..]
                .chars()
                .next()
                .and_then(|c| c.to_digit(10))
        {
            return code as i32;
        }
    }
    0
}

/// The text after the `#` that starts a shell comment (outside quotes, at the start of a word).
fn comment_of(text: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return Some(&text[i + 1..]),
            None => {}
        }
        prev = c;
    }
    None
}

/// Whether a `$ …` line is a trustpath command (`trustpath …`, `sudo trustpath …`, `VAR=x trustpath …`).
fn is_trustpath(line: &str) -> bool {
    line.split_whitespace()
        .find(|w| *w != "sudo" && (w.starts_with('-') || !w.contains('=')))
        .is_some_and(|w| w == "trustpath")
}

/// The `$ ` lines of `text` (trimmed, continuations joined), grouped in blocks: a README console
/// block, or the whole text of one `--help`.
fn dollar_lines(text: &str, source: impl Fn(usize) -> String) -> Vec<Vec<Line>> {
    let mut blocks: Vec<Vec<Line>> = vec![Vec::new()];
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") {
            blocks.push(Vec::new());
            continue;
        }
        let (at, line) = match pending.take() {
            Some((at, p)) => (at, format!("{p} {}", trimmed.trim())),
            None => match trimmed.strip_prefix("$ ") {
                Some(l) => (n + 1, l.to_owned()),
                None => {
                    // Output shown under the last command: its finding and fix lines.
                    let t = raw.trim();
                    if ["error ", "warning ", "info ", "fix: "]
                        .iter()
                        .any(|p| t.starts_with(p))
                        && let Some(last) = blocks.last_mut().unwrap().last_mut()
                    {
                        last.shown.push(t.to_owned());
                    }
                    continue;
                }
            },
        };
        match line.strip_suffix('\\') {
            Some(head) => pending = Some((at, head.trim_end().to_owned())),
            None => {
                if is_trustpath(&line) {
                    blocks.last_mut().unwrap().push(Line {
                        source: source(at),
                        text: line,
                        shown: Vec::new(),
                    });
                }
            }
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

/// Every block of documented lines: the README's console blocks, then each command's `--help`.
fn blocks() -> Vec<Block> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut out: Vec<Block> = dollar_lines(&readme, |n| format!("README.md:{n}"))
        .into_iter()
        .map(|lines| Block {
            name: lines[0].source.clone(),
            lines,
        })
        .collect();
    fn walk(cmd: &mut clap::Command, path: &str, out: &mut Vec<Block>) {
        let name = format!("{path} --help");
        let help = cmd.render_long_help().to_string();
        let lines: Vec<Line> = dollar_lines(&help, |_| name.clone())
            .into_iter()
            .flatten()
            .collect();
        if !lines.is_empty() {
            out.push(Block { name, lines });
        }
        for sub in cmd.get_subcommands_mut() {
            let p = format!("{path} {}", sub.get_name());
            walk(sub, &p, out);
        }
    }
    let mut cmd = <trustpath::cli::Cli as clap::CommandFactory>::command()
        .term_width(1000)
        .max_term_width(1000);
    walk(&mut cmd, "trustpath", &mut out);
    out
}

/// `line` with [`MAP`] applied once, first match first, and `--resolve` for the README's hosts.
fn map_line(line: &str, ports: &BTreeMap<&str, u16>, dir: &Path) -> String {
    let mut out = String::new();
    let mut rest = line;
    'outer: while !rest.is_empty() {
        for (from, to) in MAP {
            if let Some(tail) = rest.strip_prefix(from) {
                out.push_str(to);
                rest = tail;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let mut text = out.replace("{dir}", dir.to_str().unwrap());
    for (name, port) in ports {
        text = text.replace(&format!("{{{name}}}"), &port.to_string());
    }
    while let Some(at) = text.find("{free}") {
        text.replace_range(at..at + "{free}".len(), &free_port().to_string());
    }
    // Hosts of the README with a port: resolved to the lab's loopback servers.
    if !text.contains("--resolve") {
        let mut resolve = Vec::new();
        for name in NAMES.iter().filter(|n| n.ends_with(".test")) {
            let mut from = 0;
            while let Some(at) = text[from..].find(&format!("{name}:")) {
                let start = from + at + name.len() + 1;
                let port: String = text[start..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if !port.is_empty() {
                    let r = format!("--resolve {name}:{port}:127.0.0.1");
                    if !resolve.contains(&r) {
                        resolve.push(r);
                    }
                }
                from = start;
            }
        }
        if !resolve.is_empty() {
            for sub in ["trustpath probe", "trustpath trust", "trustpath check"] {
                if let Some(at) = text.find(sub) {
                    text.insert_str(at + sub.len(), &format!(" {}", resolve.join(" ")));
                    break;
                }
            }
        }
    }
    text
}

/// What one run of a line gave.
struct Ran {
    code: Option<i32>,
    output: String,
}

/// Runs `text` in `dir` with the lab's environment; a `serve` line is started, seen listening, and
/// stopped.
fn run(text: &str, dir: &Path, env: &[(String, String)]) -> Ran {
    let mut cmd = Command::new("bash");
    cmd.args(["-o", "pipefail", "-c", text])
        .current_dir(dir)
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("no_proxy")
        .env_remove("NO_PROXY")
        .stdin(Stdio::null())
        .process_group(0);
    for (k, v) in env {
        cmd.env(k, v);
    }
    if text.starts_with("trustpath serve") && !text.contains("--list-scenarios") {
        return run_server(cmd);
    }
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let (done, stopped) = std::sync::mpsc::channel::<()>();
    // Bounded: no documented line takes a minute (the process group is killed then).
    let watchdog = std::thread::spawn(move || {
        if stopped.recv_timeout(Duration::from_secs(60)).is_err() {
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
    });
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    watchdog.join().unwrap();
    Ran {
        code: out.status.code(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// A `serve` line: passes (code 0) when it says `listening on ADDR` and ADDR takes a connection.
fn run_server(mut cmd: Command) -> Ran {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut output = String::new();
    let mut code = None;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                output.push_str(&line);
                output.push('\n');
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let addr: std::net::SocketAddr = addr.trim().parse().unwrap();
                    if std::net::TcpStream::connect(addr).is_ok() {
                        code = Some(0);
                    }
                    break;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Some(status) = child.try_wait().unwrap() {
                    code = Some(status.code().unwrap_or(-1));
                    break;
                }
            }
            Err(_) => {
                code = child.wait().unwrap().code();
                break;
            }
        }
    }
    unsafe { libc::kill(-(child.id() as i32), libc::SIGTERM) };
    let _ = child.wait();
    Ran { code, output }
}

/// Copies the directory tree `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn trustpath_in(dir: &Path, args: &[&str]) {
    let out = assert_cmd::Command::cargo_bin("trustpath")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env_remove("JAVA_HOME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "lab: trustpath {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The lab's files: what the examples name, at the names they use.
fn make_lab(root: &Path) -> PathBuf {
    let pki = root.join("pki");
    let mut args = vec!["gen", "lab", "--out", "pki"];
    args.extend(NAMES);
    trustpath_in(root, &args);
    // `verify keystore.p12 --chain-pass s3cret`: a keystore with that password.
    trustpath_in(
        root,
        &[
            "gen",
            "lab",
            "--out",
            "s3cret",
            "--ca",
            "pki",
            "--storepass",
            "s3cret",
            "localhost",
        ],
    );
    trustpath_in(root, &["gen", "ca", "--out", "corp-ca"]);
    trustpath_in(root, &["gen", "ca", "--out", "old-ca"]);
    trustpath_in(
        root,
        &[
            "gen",
            "leaf",
            "--ca",
            "pki",
            "--out",
            "client",
            "--client",
            "app.lab.test",
        ],
    );
    let base = root.join("base");
    let d = &base;
    for sub in [
        "confluence/jre/lib/security",
        "jira/jre/lib/security",
        "debian",
        "app",
        "nginx/certs",
        "apache2",
        "conf",
        "man/man1",
        "home/.local/share/bash-completion/completions",
        "home/.zfunc",
        "home/.config/fish/completions",
    ] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    let cp = |from: &Path, to: &str| {
        std::fs::copy(from, d.join(to)).unwrap_or_else(|e| panic!("{from:?} → {to}: {e}"));
    };
    // The JVM: Debian's cacerts plus the lab root, and an entry to remove.
    cp(
        Path::new("/etc/ssl/certs/java/cacerts"),
        "confluence/jre/lib/security/cacerts",
    );
    std::fs::write(
        d.join("confluence/jre/release"),
        "JAVA_VERSION=\"17.0.15\"\n",
    )
    .unwrap();
    let cacerts = "confluence/jre/lib/security/cacerts";
    trustpath_in(
        d,
        &[
            "store",
            "import",
            cacerts,
            "--alias",
            "lab-root",
            "../pki/root-ca.pem",
        ],
    );
    trustpath_in(
        d,
        &[
            "store",
            "import",
            cacerts,
            "--alias",
            "old-lab-root",
            "../old-ca/root-ca.pem",
            "--no-backup",
        ],
    );
    for f in std::fs::read_dir(d.join("confluence/jre/lib/security")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "bak") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let jvm_cacerts = d.join(cacerts);
    cp(&jvm_cacerts, "jira/jre/lib/security/cacerts");
    std::fs::write(d.join("jira/jre/release"), "JAVA_VERSION=\"17.0.15\"\n").unwrap();
    cp(&jvm_cacerts, "debian/cacerts");
    cp(&jvm_cacerts, "cacerts");
    cp(&jvm_cacerts, "cacerts.20261123T221005Z.bak");
    cp(&pki.join("truststore.p12"), "app/truststore.p12");
    // Files of the examples.
    for (from, to) in [
        ("server.pem", "server.pem"),
        ("server.key", "server.key"),
        ("server.key", "privkey.pem"),
        ("fullchain.pem", "fullchain.pem"),
        ("fullchain.pem", "nginx/certs/wiki.pem"),
        ("intermediate-ca.pem", "intermediate-ca.pem"),
        ("intermediate-ca.pem", "ca-bundle.pem"),
        ("root-ca.pem", "root-ca.pem"),
        ("root-ca.pem", "bundle.pem"),
        ("root-ca.pem", "chain-from-proxy.pem"),
        ("server.jks", "server.jks"),
    ] {
        cp(&pki.join(from), to);
    }
    cp(&root.join("s3cret/server.p12"), "keystore.p12");
    cp(&root.join("client/client.p12"), "app-client.p12");
    cp(&root.join("corp-ca/root-ca.pem"), "corp-root-ca.pem");
    cp(&root.join("client/client.pem"), "client.pem");
    cp(&root.join("client/client.key"), "client.key");
    trustpath_in(
        d,
        &[
            "store",
            "import",
            "truststore.jks",
            "--alias",
            "lab-root",
            "root-ca.pem",
        ],
    );
    // The app's truststore as keytool makes it.
    crate::support::run_ok(
        Command::new("keytool")
            .args([
                "-importcert",
                "-noprompt",
                "-alias",
                "lab-root",
                "-file",
                "root-ca.pem",
                "-keystore",
                "app-truststore.jks",
                "-storetype",
                "JKS",
                "-storepass",
                "changeit",
            ])
            .current_dir(d),
    );
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/configs");
    cp(
        &fixtures.join("same-host-nginx/server.xml"),
        "conf/server.xml",
    );
    cp(&fixtures.join("same-host-nginx/nginx.conf"), "nginx.conf");
    cp(
        &fixtures.join("same-host-nginx/nginx.conf"),
        "nginx/nginx.conf",
    );
    copy_tree(&fixtures.join("same-host-apache"), &d.join("apache2"));
    std::fs::write(
        d.join("forwarded-for-missing.conf"),
        "http {\n    server {\n        listen 80;\n        server_name wiki.example.com;\n\
         \x20       location /a/ {\n            proxy_pass http://127.0.0.1:8090;\n\
         \x20           proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n        }\n\
         \x20       location /b/ {\n            proxy_pass http://127.0.0.1:8090;\n        }\n    }\n}\n",
    )
    .unwrap();
    // The certificate files nginx.conf names, beside each copy of it.
    for certs in ["certs", "nginx/certs"] {
        std::fs::create_dir_all(d.join(certs)).unwrap();
        cp(
            &pki.join("fullchain.pem"),
            &format!("{certs}/confluence-fullchain.pem"),
        );
        cp(&pki.join("server.key"), &format!("{certs}/confluence.key"));
    }
    base
}

#[test]
fn every_trustpath_line_of_the_readme_and_of_every_help_runs_in_a_lab_with_its_documented_exit_code()
 {
    use crate::support::outbound;
    let started = Instant::now();
    if !crate::support::require(
        "/etc/ssl/certs/java/cacerts",
        Path::new("/etc/ssl/certs/java/cacerts").is_file(),
    ) || !crate::support::have_tool("man")
        || !crate::support::have_tool("keytool")
        || !crate::support::have_tool("jq")
    {
        return;
    }
    let lab = tempfile::tempdir().unwrap();
    let base = make_lab(lab.path());
    let pki = lab.path().join("pki");
    let served = outbound::Served {
        chain_pem: std::fs::read_to_string(pki.join("fullchain.pem")).unwrap(),
        key_pem: std::fs::read_to_string(pki.join("server.key")).unwrap(),
    };

    // The servers.
    let bin = assert_cmd::cargo::cargo_bin("trustpath");
    let https = free_port();
    let serve_log = lab.path().join("serve.log");
    let log = serve_log.clone();
    let mut serve = crate::support::process::Guard::spawn(
        "trustpath serve",
        Command::new(&bin)
            .args(["serve", "--cert"])
            .arg(pki.join("fullchain.pem"))
            .arg("--key")
            .arg(pki.join("server.key"))
            .args(["--listen", &format!("127.0.0.1:{https}")]),
        &serve_log,
        move || std::fs::read_to_string(&log).unwrap_or_default(),
    );
    serve.wait_for_port(https, Duration::from_secs(20));
    let (Some(slapd), Some(exim), Some(postgres), Some(proxy)) = (
        outbound::slapd(Some(&served)),
        outbound::exim(Some(&served)),
        outbound::postgres(Some(&served)),
        outbound::tinyproxy("BasicAuth lab s3cret"),
    ) else {
        return;
    };
    let ports: BTreeMap<&str, u16> = BTreeMap::from([
        ("https", https),
        ("ldap", slapd.port("ldap")),
        ("ldaps", slapd.port("ldaps")),
        ("smtp", exim.port("smtp")),
        ("postgres", postgres.port("postgres")),
        ("proxy", proxy.port("proxy")),
    ]);
    std::fs::write(
        base.join("endpoints.txt"),
        format!("localhost:{https}\n127.0.0.1:{https}  # the same server\n"),
    )
    .unwrap();
    std::fs::write(
        base.join("deployment.toml"),
        format!(
            "[jvm]\njava_home = \"confluence/jre\"\n\n[[endpoint]]\nname = \"app\"\nrole = \"app\"\n\
             url = \"https://wiki.example.test:{https}/\"\nconnect = \"127.0.0.1\"\n"
        ),
    )
    .unwrap();
    let setup = started.elapsed();

    let all = blocks();
    let line_count: usize = all.iter().map(|b| b.lines.len()).sum();
    assert!(line_count > 100, "{line_count} lines");
    let exempt_used = Mutex::new(Vec::<&str>::new());
    let failures = Mutex::new(Vec::<String>::new());
    let ran = Mutex::new(0usize);
    let next = Mutex::new(0usize);
    let work = lab.path().join("blocks");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some(block) = all.get(i) else { break };
                    let dir = work.join(i.to_string());
                    copy_tree(&base, &dir);
                    let env: Vec<(String, String)> = [
                        ("HOME", dir.join("home").display().to_string()),
                        (
                            "JAVA_HOME",
                            dir.join("confluence/jre").display().to_string(),
                        ),
                        (
                            "PATH",
                            format!(
                                "{}:{}",
                                bin.parent().unwrap().display(),
                                std::env::var("PATH").unwrap_or_default()
                            ),
                        ),
                        ("MANPATH", dir.join("man").display().to_string()),
                        ("TS_PASS", "changeit".into()),
                        ("CLIENT_STOREPASS", "changeit".into()),
                        ("CORP_PROXY_USER", "lab:s3cret".into()),
                        ("NO_COLOR", "1".into()),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                    for (name, given) in GIVEN {
                        if *name == block.name || *name == block.lines[0].text {
                            let r = run(given, &dir, &env);
                            assert_eq!(r.code, Some(0), "{name}: given `{given}`: {}", r.output);
                        }
                    }
                    for line in &block.lines {
                        let written = line.text.split(" #").next().unwrap().trim();
                        if let Some((_, text, _)) = EXEMPT
                            .iter()
                            .find(|(at, t, _)| block.name.starts_with(at) && written == *t)
                        {
                            exempt_used.lock().unwrap().push(text);
                            continue;
                        }
                        let mapped = map_line(&line.text, &ports, &dir);
                        let want = documented_exit(&line.text);
                        let r = run(&mapped, &dir, &env);
                        *ran.lock().unwrap() += 1;
                        if r.code != Some(want) {
                            failures.lock().unwrap().push(format!(
                                "{}: `{}` documents exit {want}, ran as `{mapped}`: exit {:?}\n{}",
                                line.source,
                                line.text,
                                r.code,
                                r.output.lines().take(30).collect::<Vec<_>>().join("\n")
                            ));
                        }
                        // The finding and fix lines the README shows under it are lines of the output.
                        let got: Vec<&str> = r.output.lines().map(str::trim).collect();
                        for want in &line.shown {
                            if !got.iter().any(|g| readme_example::matches(want, g)) {
                                failures.lock().unwrap().push(format!(
                                    "{}: `{}` shows\n  {want}\nwhich the run does not print:\n{}",
                                    line.source, line.text, r.output
                                ));
                            }
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let used = exempt_used.into_inner().unwrap();
    let unused: Vec<&&str> = EXEMPT
        .iter()
        .map(|(_, t, _)| t)
        .filter(|t| !used.contains(t))
        .collect();
    eprintln!(
        "{} documented lines ran ({} exempt) in {:?} (lab set-up {setup:?})",
        ran.into_inner().unwrap(),
        used.len(),
        started.elapsed()
    );
    assert!(
        unused.is_empty(),
        "exempt lines no longer documented: {unused:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    drop((slapd, exim, postgres, proxy, serve));
}

#[test]
fn a_line_documents_its_exit_code_in_its_trailing_comment_and_zero_without_one() {
    assert_eq!(documented_exit("trustpath verify x.pem"), 0);
    assert_eq!(
        documented_exit("trustpath verify x.pem   # exit 1: no intermediate"),
        1
    );
    assert_eq!(documented_exit("trustpath verify x.pem   # exits 2"), 2);
    assert_eq!(documented_exit("trustpath gen lab 'a#exit 1'"), 0);
    assert_eq!(documented_exit("trustpath probe --label 'x # exit 1'"), 0);
}

#[test]
fn the_mapping_replaces_each_readme_name_once_and_resolves_the_readme_hosts_to_the_lab() {
    let ports = BTreeMap::from([("https", 4443), ("ldaps", 6636), ("ldap", 3389)]);
    let dir = Path::new("/lab");
    assert_eq!(
        map_line(
            "trustpath probe ldaps://dc1.example.test:636 ldap://dc1.example.test",
            &ports,
            dir
        ),
        "trustpath probe --resolve dc1.example.test:6636:127.0.0.1 \
         --resolve dc1.example.test:3389:127.0.0.1 ldaps://dc1.example.test:6636 \
         ldap://dc1.example.test:3389"
    );
    assert_eq!(
        map_line(
            "trustpath store list /opt/atlassian/confluence/jre/lib/security/cacerts",
            &ports,
            dir
        ),
        "trustpath store list /lab/confluence/jre/lib/security/cacerts"
    );
}
