//! The servers a Java app connects out to, run for real on 127.0.0.1 high ports from Debian's packages:
//! OpenLDAP `slapd` (StartTLS and LDAPS), Exim (SMTP STARTTLS and implicit TLS), Dovecot (IMAP and POP3,
//! STARTTLS and implicit TLS) and PostgreSQL (SSLRequest). Each is started from a configuration the test
//! writes into its own temporary directory, in its own process group, and stopped on drop
//! (`process::Guard`). A missing server is `SKIPPED` (a failure under `TRUSTPATH_REQUIRE_TOOLS=1`).
//!
//! Beside them, the lab PKI every scenario uses (a good chain, one missing its intermediate, one under
//! an untrusted root), a PKCS#12 truststore made by keytool, and the JVM judge (`OutboundClient.java`:
//! JNDI's StartTLS for LDAP, an `SSLSocket` over the plain socket after the STARTTLS exchange otherwise).

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use super::certs;
use super::process::Guard;
use super::serve::free_port;

/// How long a server may take to listen.
const START: Duration = Duration::from_secs(20);

/// The certificate and key a server serves (PEM: the chain leaf first, then the key).
#[derive(Clone)]
pub struct Served {
    /// Leaf first, then any intermediates.
    pub chain_pem: String,
    /// The leaf's private key (PKCS#8).
    pub key_pem: String,
}

/// The lab: a root the truststore holds, and three chains for `localhost`.
pub struct Lab {
    /// The directory holding `truststore.p12` and the root it holds, `lab-root.pem`.
    pub dir: tempfile::TempDir,
    /// Leaf and intermediate under the trusted root.
    pub good: Served,
    /// The same leaf without its intermediate.
    pub missing: Served,
    /// Leaf and intermediate under a root no truststore holds.
    pub untrusted: Served,
    /// The same with that root served too.
    pub untrusted_with_root: Served,
    /// Leaf (for the IPv6 loopback address `::1`, an IP SAN) and intermediate under the trusted root.
    pub ipv6_good: Served,
    /// The same leaf and intermediate under the untrusted root, with that root served.
    pub ipv6_untrusted_with_root: Served,
}

impl Lab {
    /// The PKCS#12 truststore (password `changeit`) holding the trusted root, made by keytool.
    pub fn truststore(&self) -> PathBuf {
        self.dir.path().join("truststore.p12")
    }

    /// The scenarios by name, with the finding code trustpath must raise (none for `good`).
    pub fn scenarios(&self) -> [(&'static str, &Served, Option<&'static str>); 3] {
        [
            ("good", &self.good, None),
            ("missing", &self.missing, Some("missing-intermediate")),
            ("untrusted", &self.untrusted, Some("untrusted-root")),
        ]
    }
}

/// Makes the lab (keytool writes the truststore).
pub fn lab() -> Lab {
    let root = certs::root("Outbound Lab Root");
    let int = certs::intermediate("Outbound Lab Issuing CA", &root);
    let leaf = certs::leaf(&["localhost"], &int);
    let other_root = certs::root("Outbound Stranger Root");
    let other_int = certs::intermediate("Outbound Stranger CA", &other_root);
    let other_leaf = certs::leaf(&["localhost"], &other_int);
    let v6_leaf = certs::leaf(&["::1"], &int);
    let other_v6_leaf = certs::leaf(&["::1"], &other_int);
    let dir = tempfile::tempdir().unwrap();
    super::aia::keytool_truststore(dir.path(), "lab-root", &root.pem());
    let key = leaf.key.serialize_pem();
    Lab {
        good: Served {
            chain_pem: format!("{}{}", leaf.pem(), int.pem()),
            key_pem: key.clone(),
        },
        missing: Served {
            chain_pem: leaf.pem(),
            key_pem: key,
        },
        untrusted: Served {
            chain_pem: format!("{}{}", other_leaf.pem(), other_int.pem()),
            key_pem: other_leaf.key.serialize_pem(),
        },
        untrusted_with_root: Served {
            chain_pem: format!(
                "{}{}{}",
                other_leaf.pem(),
                other_int.pem(),
                other_root.pem()
            ),
            key_pem: other_leaf.key.serialize_pem(),
        },
        ipv6_good: Served {
            chain_pem: format!("{}{}", v6_leaf.pem(), int.pem()),
            key_pem: v6_leaf.key.serialize_pem(),
        },
        ipv6_untrusted_with_root: Served {
            chain_pem: format!(
                "{}{}{}",
                other_v6_leaf.pem(),
                other_int.pem(),
                other_root.pem()
            ),
            key_pem: other_v6_leaf.key.serialize_pem(),
        },
        dir,
    }
}

/// A running server: its process group, its directory and its ports by name.
pub struct Server {
    /// Stops the server when dropped (declared first: dropped before the directory).
    pub guard: Guard,
    /// The configuration and state (removed when dropped, after the server stopped).
    _dir: tempfile::TempDir,
    /// Ports by listener name (`ldap`, `ldaps`, `smtp`, `smtps`, `imap`, `imaps`, `pop3`, `pop3s`,
    /// `postgres`).
    pub ports: HashMap<&'static str, u16>,
}

impl Server {
    /// The port of listener `name`.
    pub fn port(&self, name: &str) -> u16 {
        self.ports[name]
    }
}

/// A temporary directory other users can enter (servers that drop root privileges read their files
/// there), with `served` written as `chain.pem` and `key.pem`.
fn server_dir(served: Option<&Served>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if let Some(s) = served {
        std::fs::write(dir.path().join("chain.pem"), &s.chain_pem).unwrap();
        std::fs::write(dir.path().join("key.pem"), &s.key_pem).unwrap();
        // A lab key: readable by the server's unprivileged user.
        std::fs::set_permissions(
            dir.path().join("key.pem"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    dir
}

fn log_reader(paths: Vec<PathBuf>) -> impl Fn() -> String + Send + 'static {
    move || {
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Whether the executable at `path` exists; a skip (or a failure under `TRUSTPATH_REQUIRE_TOOLS=1`)
/// naming `package` when not.
fn installed(path: &Path, package: &str) -> bool {
    super::require(
        &format!("{} (Debian package {package})", path.display()),
        path.is_file(),
    )
}

/// OpenLDAP's slapd with ldap:// (StartTLS) and ldaps:// listeners, no database (StartTLS needs none);
/// without `served`, TLS is not configured and StartTLS is refused. `None` when slapd is absent.
pub fn slapd(served: Option<&Served>) -> Option<Server> {
    slapd_on(served, std::net::Ipv4Addr::LOCALHOST.into())
}

/// [`slapd`] listening on `ip` (`::1` for the IPv6 tests).
pub fn slapd_on(served: Option<&Served>, ip: std::net::IpAddr) -> Option<Server> {
    let bin = Path::new("/usr/sbin/slapd");
    if !installed(bin, "slapd") {
        return None;
    }
    let dir = server_dir(served);
    let d = dir.path();
    let mut conf = format!(
        "pidfile {0}/slapd.pid\nargsfile {0}/slapd.args\n",
        d.display()
    );
    if served.is_some() {
        conf.push_str(&format!(
            "TLSCertificateFile {0}/chain.pem\nTLSCertificateKeyFile {0}/key.pem\n",
            d.display()
        ));
    }
    std::fs::write(d.join("slapd.conf"), conf).unwrap();
    let (ldap, ldaps) = (free_port(), free_port());
    let host = match ip {
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        std::net::IpAddr::V4(v4) => v4.to_string(),
    };
    let mut urls = format!("ldap://{host}:{ldap}/");
    if served.is_some() {
        urls.push_str(&format!(" ldaps://{host}:{ldaps}/"));
    }
    let log = d.join("slapd.log");
    let mut guard = Guard::spawn(
        "slapd",
        Command::new(bin)
            .args(["-d", "0", "-h", &urls, "-f"])
            .arg(d.join("slapd.conf")),
        &log,
        log_reader(vec![log.clone()]),
    );
    guard.wait_for((ip, ldap).into(), START);
    let mut ports = HashMap::from([("ldap", ldap)]);
    if served.is_some() {
        guard.wait_for((ip, ldaps).into(), START);
        ports.insert("ldaps", ldaps);
    }
    Some(Server {
        guard,
        _dir: dir,
        ports,
    })
}

/// Exim as a foreground daemon: SMTP with STARTTLS offered (or, without `served`, not offered) and,
/// with `served`, an implicit-TLS port (tls_on_connect_ports). Exim drops root to Debian-exim, which
/// owns its spool. `None` when Exim is absent.
///
/// No DNS: by default (`helo_lookup_domains = @ : @[]`) Exim answers an `EHLO [127.0.0.1]` — what
/// trustpath sends, an address literal of a local interface — only after a PTR lookup of 127.0.0.1
/// and forward lookups of the name found, through the machine's resolver; a slow resolver then held the
/// EHLO answer past the probe's 5 s timeout (the flaky `timeout` in the SMTP tests). The tests must not
/// depend on the network's DNS, so those lookups (and ident callbacks) are off.
pub fn exim(served: Option<&Served>) -> Option<Server> {
    let bin = Path::new("/usr/sbin/exim4");
    if !installed(bin, "exim4-daemon-light") {
        return None;
    }
    let dir = server_dir(served);
    let d = dir.path();
    let spool = d.join("spool");
    std::fs::create_dir_all(&spool).unwrap();
    super::run_ok(
        Command::new("chown")
            .arg("-R")
            .arg("Debian-exim:")
            .arg(&spool),
    );
    let (smtp, smtps) = (free_port(), free_port());
    let tls = match served {
        Some(_) => format!(
            "daemon_smtp_ports = {smtp} : {smtps}\ntls_on_connect_ports = {smtps}\ntls_advertise_hosts = *\ntls_certificate = {0}/chain.pem\ntls_privatekey = {0}/key.pem\n",
            d.display()
        ),
        None => format!("daemon_smtp_ports = {smtp}\ntls_advertise_hosts =\n"),
    };
    let conf = format!(
        "spool_directory = {s}\nlog_file_path = {s}/%s.log\npid_file_path = {s}/exim.pid\nkeep_environment =\n\
         exim_user = Debian-exim\nexim_group = Debian-exim\nprimary_hostname = mail.localhost\n\
         local_interfaces = 127.0.0.1\nhelo_lookup_domains =\nrfc1413_hosts =\n{tls}acl_smtp_rcpt = deny\n\
         begin acl\nbegin routers\nbegin transports\nbegin retry\nbegin rewrite\nbegin authenticators\n",
        s = spool.display()
    );
    std::fs::write(d.join("exim.conf"), conf).unwrap();
    let out = d.join("exim.out");
    let mut guard = Guard::spawn(
        "exim",
        Command::new(bin)
            .arg("-C")
            .arg(d.join("exim.conf"))
            .arg("-bdf"),
        &out,
        log_reader(vec![
            out.clone(),
            spool.join("main.log"),
            spool.join("panic.log"),
        ]),
    );
    guard.wait_for_port(smtp, START);
    let mut ports = HashMap::from([("smtp", smtp)]);
    if served.is_some() {
        guard.wait_for_port(smtps, START);
        ports.insert("smtps", smtps);
    }
    Some(Server {
        guard,
        _dir: dir,
        ports,
    })
}

/// Dovecot in the foreground with IMAP and POP3, each on a plain (STARTTLS) port and, with `served`, an
/// implicit-TLS port; without `served`, `ssl = no` (STARTTLS is not offered). `None` when absent.
pub fn dovecot(served: Option<&Served>) -> Option<Server> {
    let bin = Path::new("/usr/sbin/dovecot");
    if !installed(bin, "dovecot-imapd and dovecot-pop3d") {
        return None;
    }
    let dir = server_dir(served);
    let d = dir.path();
    let ports: HashMap<&'static str, u16> = ["imap", "imaps", "pop3", "pop3s"]
        .into_iter()
        .map(|n| (n, free_port()))
        .collect();
    let ssl = match served {
        Some(_) => format!(
            "ssl = yes\nssl_cert = <{0}/chain.pem\nssl_key = <{0}/key.pem\n",
            d.display()
        ),
        None => "ssl = no\n".to_owned(),
    };
    let listener = |name: &str, tls: bool| {
        if tls && served.is_none() {
            return String::new();
        }
        format!(
            "  inet_listener {name} {{\n    port = {}\n{}  }}\n",
            ports[name],
            if tls { "    ssl = yes\n" } else { "" }
        )
    };
    let conf = format!(
        "base_dir = {0}/run\nstate_dir = {0}/state\nprotocols = imap pop3\nlisten = 127.0.0.1\n\
         log_path = {0}/dovecot.log\nmail_location = mbox:{0}/mail:INBOX={0}/mail/inbox\n\
         auth_mechanisms = plain\ndisable_plaintext_auth = no\n{ssl}\
         passdb {{\n  driver = static\n  args = password=unused\n}}\n\
         userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={0}/mail\n}}\n\
         service imap-login {{\n{1}{2}}}\nservice pop3-login {{\n{3}{4}}}\n\
         service anvil {{\n  chroot =\n}}\nservice stats {{\n  chroot =\n}}\n",
        d.display(),
        listener("imap", false),
        listener("imaps", true),
        listener("pop3", false),
        listener("pop3s", true),
    );
    std::fs::write(d.join("dovecot.conf"), conf).unwrap();
    let out = d.join("dovecot.out");
    let mut guard = Guard::spawn(
        "dovecot",
        Command::new(bin)
            .arg("-F")
            .arg("-c")
            .arg(d.join("dovecot.conf")),
        &out,
        log_reader(vec![out.clone(), d.join("dovecot.log")]),
    );
    let mut listening = HashMap::new();
    for name in ["imap", "pop3", "imaps", "pop3s"] {
        if served.is_none() && name.ends_with('s') {
            continue;
        }
        guard.wait_for_port(ports[name], START);
        listening.insert(name, ports[name]);
    }
    Some(Server {
        guard,
        _dir: dir,
        ports: listening,
    })
}

/// The PostgreSQL server binaries of the newest installed major version.
fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").is_file().then_some((major, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// A cluster made by initdb once per test binary (as the `postgres` user: PostgreSQL refuses root),
/// copied for each server.
fn postgres_template(bin: &Path) -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("trustpath-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        super::run_ok(Command::new("chown").arg("postgres:").arg(&dir));
        super::run_ok(
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(bin.join("initdb"))
                .arg("-D")
                .arg(dir.join("data"))
                .args(["-A", "trust", "-U", "postgres", "--no-sync"]),
        );
        dir.join("data")
    })
}

/// PostgreSQL on a copy of the template cluster, run as the `postgres` user, with `ssl = on` and
/// `served` (or `ssl = off` without it). `None` when PostgreSQL or the `postgres` user is absent.
pub fn postgres(served: Option<&Served>) -> Option<Server> {
    let bin = postgres_bin();
    let user = Command::new("id")
        .arg("postgres")
        .output()
        .is_ok_and(|o| o.status.success());
    if !super::require(
        "PostgreSQL under /usr/lib/postgresql/*/bin and the postgres user (Debian package postgresql)",
        bin.is_some() && user,
    ) {
        return None;
    }
    let bin = bin?;
    let template = postgres_template(&bin);
    let dir = server_dir(served);
    let d = dir.path();
    let data = d.join("data");
    super::run_ok(Command::new("cp").arg("-a").arg(template).arg(&data));
    let port = free_port();
    let mut conf = format!(
        "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\nfsync = off\n",
        d.display()
    );
    conf.push_str(&match served {
        Some(_) => format!(
            "ssl = on\nssl_cert_file = '{0}/chain.pem'\nssl_key_file = '{0}/key.pem'\n",
            d.display()
        ),
        None => "ssl = off\n".to_owned(),
    });
    let mut file = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
    file.push_str(&conf);
    std::fs::write(data.join("postgresql.conf"), file).unwrap();
    // PostgreSQL wants its key owned by itself and private.
    super::run_ok(Command::new("chown").arg("-R").arg("postgres:").arg(d));
    if served.is_some() {
        std::fs::set_permissions(d.join("key.pem"), std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }
    let out = d.join("postgres.out");
    let mut guard = Guard::spawn(
        "postgres",
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin.join("postgres"))
            .arg("-D")
            .arg(&data),
        &out,
        log_reader(vec![out.clone()]),
    );
    guard.wait_for_port(port, START);
    Some(Server {
        guard,
        _dir: dir,
        ports: HashMap::from([("postgres", port)]),
    })
}

/// A directory holding the compiled `OutboundClient` class (compiled once per test binary).
fn client_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("trustpath-outbound-client-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/OutboundClient.java");
        super::run_ok(Command::new("javac").arg("-d").arg(&dir).arg(&src));
        dir
    })
}

/// The JVM's verdict on `proto` (`smtp`, `imap`, `pop3`, `ldap`, `postgres`: STARTTLS; `tls`,
/// `ldaps`: TLS from the first byte) at `localhost:port` with the PKCS#12 `truststore` (`changeit`).
pub fn java_verdict(proto: &str, port: u16, truststore: &Path) -> super::JavaVerdict {
    java_verdict_via(proto, port, truststore, None)
}

/// [`java_verdict`] through the HTTP proxy on 127.0.0.1:`tunnel` (a CONNECT tunnel), when given.
pub fn java_verdict_via(
    proto: &str,
    port: u16,
    truststore: &Path,
    tunnel: Option<u16>,
) -> super::JavaVerdict {
    java_verdict_at(proto, ("127.0.0.1", "localhost"), port, truststore, tunnel)
}

/// The JVM's verdict connecting to `host` (an address) and checking the certificate against `name`.
pub fn java_verdict_at(
    proto: &str,
    (host, name): (&str, &str),
    port: u16,
    truststore: &Path,
    tunnel: Option<u16>,
) -> super::JavaVerdict {
    let mut props = Vec::new();
    if let Some(t) = tunnel {
        props.push(format!("-Dtunnel={t}"));
    }
    java_verdict_with(None, &props, proto, (host, name), port, truststore)
}

/// [`java_verdict_at`] with the `java` of `java_home` (PATH's when `None`) started with `props`
/// (`-Dcom.sun.security.enableAIAcaIssuers=true`, …).
pub fn java_verdict_with(
    java_home: Option<&Path>,
    props: &[String],
    proto: &str,
    (host, name): (&str, &str),
    port: u16,
    truststore: &Path,
) -> super::JavaVerdict {
    let java = java_home.map_or_else(|| PathBuf::from("java"), |h| h.join("bin/java"));
    let mut cmd = Command::new(java);
    let out = cmd
        .args(props)
        .arg("-cp")
        .arg(client_dir())
        .arg("OutboundClient")
        .args([proto, host, &port.to_string(), name])
        .arg(truststore)
        .args(["PKCS12", "changeit"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    match out.status.code() {
        Some(0) if stdout.contains("TRUSTED") => super::JavaVerdict::Trusted,
        Some(1) => {
            super::JavaVerdict::Untrusted(stdout.trim().trim_start_matches("UNTRUSTED ").to_owned())
        }
        _ => panic!(
            "OutboundClient {proto} failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// tinyproxy in the foreground on a free port (listener `proxy`), with `extra` configuration lines
/// (`ConnectPort 443`, `BasicAuth USER PASSWORD`). `None` when tinyproxy is absent.
pub fn tinyproxy(extra: &str) -> Option<Server> {
    let bin = Path::new("/usr/bin/tinyproxy");
    if !installed(bin, "tinyproxy") {
        return None;
    }
    let dir = server_dir(None);
    let d = dir.path();
    let port = free_port();
    let conf = format!(
        "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nLogLevel Info\nUser nobody\nGroup nogroup\n{extra}\n"
    );
    std::fs::write(d.join("tinyproxy.conf"), conf).unwrap();
    let out = d.join("tinyproxy.out");
    let mut guard = Guard::spawn(
        "tinyproxy",
        Command::new(bin)
            .arg("-d")
            .arg("-c")
            .arg(d.join("tinyproxy.conf")),
        &out,
        log_reader(vec![out.clone()]),
    );
    guard.wait_for_port(port, START);
    Some(Server {
        guard,
        _dir: dir,
        ports: HashMap::from([("proxy", port)]),
    })
}
