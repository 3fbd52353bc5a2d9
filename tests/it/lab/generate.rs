//! `trustpath gen`: the files a lab holds, judged by openssl, keytool and the JVM (against
//! `trustpath serve` and `openssl s_server`); profiles checked at a fixed instant; files never
//! overwritten without `--force`.

use crate::support;

use support::serve as serve_support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use support::{JavaTrust, have_tool, java_handshake, run_ok};
use time::macros::datetime;
use trustpath::cert::Certificate;
use trustpath::pki::lab::{self, LabSpec};
use trustpath::pki::{KeyType, SubjectName};

/// Names of the shared lab: a host, a second host, a wildcard, IPv4 and IPv6 loopback.
const NAMES: &[&str] = &[
    "localhost",
    "app.lab.test",
    "*.wild.lab.test",
    "127.0.0.1",
    "::1",
];
/// The names a client asks for to exercise each of [`NAMES`].
const ASKED: &[&str] = &[
    "localhost",
    "app.lab.test",
    "x.wild.lab.test",
    "127.0.0.1",
    "::1",
];

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trustpath"))
}

/// One lab made by the binary, shared by the tests of this file.
fn lab_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep().join("lab");
        run_ok(bin().args(["gen", "lab", "--out"]).arg(&dir).args(NAMES));
        dir
    })
}

fn read_cert(path: &Path) -> Certificate {
    let blocks = trustpath::pem::parse_all(&std::fs::read(path).unwrap()).unwrap();
    Certificate::from_der(blocks[0].contents.clone()).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_lab_holds_every_file_with_keys_private() {
    let dir = lab_dir();
    for (name, private) in [
        ("root-ca.pem", false),
        ("root-ca.key", true),
        ("intermediate-ca.pem", false),
        ("intermediate-ca.key", true),
        ("server.pem", false),
        ("server.key", true),
        ("fullchain.pem", false),
        ("server.p12", true),
        ("server.jks", true),
        ("truststore.jks", false),
        ("truststore.p12", false),
        ("README.txt", false),
    ] {
        let path = dir.join(name);
        assert!(path.is_file(), "{name} is missing");
        if private {
            assert_eq!(mode(&path), 0o600, "{name} must be private");
        }
    }
    let readme = std::fs::read_to_string(dir.join("README.txt")).unwrap();
    for needle in [
        "trustpath store import --cacerts root-ca.pem",
        "ssl_certificate     /etc/nginx/tls/fullchain.pem",
        "certificateKeystoreFile=\"conf/server.p12\"",
        "certificateKeyAlias=\"tomcat\"",
        "changeit",
    ] {
        assert!(
            readme.contains(needle),
            "README.txt lacks {needle:?}:\n{readme}"
        );
    }
    let fullchain =
        trustpath::pem::parse_all(&std::fs::read(dir.join("fullchain.pem")).unwrap()).unwrap();
    assert_eq!(
        fullchain.len(),
        2,
        "fullchain.pem is server then intermediate, no root"
    );
    assert_eq!(
        fullchain[0].contents,
        read_cert(&dir.join("server.pem")).der()
    );
    assert_eq!(
        fullchain[1].contents,
        read_cert(&dir.join("intermediate-ca.pem")).der()
    );
}

#[test]
fn openssl_verifies_the_chain_and_each_key_matches_its_certificate() {
    if !have_tool("openssl") {
        return;
    }
    let dir = lab_dir();
    let out = run_ok(
        Command::new("openssl")
            .current_dir(dir)
            .args([
                "verify",
                "-CAfile",
                "root-ca.pem",
                "-untrusted",
                "intermediate-ca.pem",
                "-purpose",
                "sslserver",
            ])
            .arg("server.pem"),
    );
    assert!(out.contains("server.pem: OK"), "{out}");
    let sans = run_ok(Command::new("openssl").current_dir(dir).args([
        "x509",
        "-in",
        "server.pem",
        "-noout",
        "-ext",
        "subjectAltName",
    ]));
    for expected in [
        "DNS:localhost",
        "DNS:app.lab.test",
        "DNS:*.wild.lab.test",
        "IP Address:127.0.0.1",
        "IP Address:0:0:0:0:0:0:0:1",
    ] {
        assert!(sans.contains(expected), "{expected} missing from {sans}");
    }
    for (cert, key) in [
        ("root-ca.pem", "root-ca.key"),
        ("intermediate-ca.pem", "intermediate-ca.key"),
        ("server.pem", "server.key"),
    ] {
        let from_key = run_ok(
            Command::new("openssl")
                .current_dir(dir)
                .args(["pkey", "-in", key, "-pubout"]),
        );
        let from_cert = run_ok(
            Command::new("openssl")
                .current_dir(dir)
                .args(["x509", "-in", cert, "-noout", "-pubkey"]),
        );
        assert_eq!(from_key, from_cert, "{key} does not belong to {cert}");
    }
}

#[test]
fn keytool_lists_the_tomcat_key_entry_and_the_trusted_root() {
    if !have_tool("keytool") {
        return;
    }
    let dir = lab_dir();
    for store in ["server.p12", "server.jks"] {
        let out = run_ok(
            Command::new("keytool")
                .args(["-list", "-v", "-storepass", "changeit", "-keystore"])
                .arg(dir.join(store)),
        );
        assert!(out.contains("Alias name: tomcat"), "{store}:\n{out}");
        assert!(
            out.contains("Entry type: PrivateKeyEntry"),
            "{store}:\n{out}"
        );
        assert!(
            out.contains("Certificate chain length: 2"),
            "{store}:\n{out}"
        );
    }
    for store in ["truststore.jks", "truststore.p12"] {
        let out = run_ok(
            Command::new("keytool")
                .args(["-list", "-v", "-storepass", "changeit", "-keystore"])
                .arg(dir.join(store)),
        );
        assert!(
            out.contains("Your keystore contains 1 entry"),
            "{store}:\n{out}"
        );
        assert!(
            out.contains("Entry type: trustedCertEntry"),
            "{store}:\n{out}"
        );
        assert!(out.contains("trustpath lab root CA"), "{store}:\n{out}");
    }
}

#[test]
fn the_jvm_trusts_trustpath_serve_for_every_requested_name_and_no_other() {
    if !have_tool("java") {
        return;
    }
    let dir = lab_dir();
    let chain: Vec<Vec<u8>> =
        trustpath::pem::parse_all(&std::fs::read(dir.join("fullchain.pem")).unwrap())
            .unwrap()
            .into_iter()
            .map(|b| b.contents)
            .collect();
    let key = trustpath::pem::parse_all(&std::fs::read(dir.join("server.key")).unwrap()).unwrap()
        [0]
    .contents
    .clone();
    let server = serve_support::start(serve_support::tls_config(&chain, &key, "lab"));
    let port = server.addr.port();
    let jks = dir.join("truststore.jks");
    for name in ASKED {
        let verdict = java_handshake(
            None,
            JavaTrust::SystemProperty {
                path: &jks,
                password: Some("changeit"),
            },
            port,
            name,
        );
        assert!(verdict.trusted(), "{name}: {verdict:?}");
    }
    let verdict = java_handshake(
        None,
        JavaTrust::SystemProperty {
            path: &jks,
            password: Some("changeit"),
        },
        port,
        "not-requested.lab.test",
    );
    assert!(
        !verdict.trusted(),
        "a name that was not requested must fail"
    );
    // Both truststores, with every installed JDK (17 on PATH, 25 beside it).
    for (major, home) in support::jdks() {
        for store in ["truststore.jks", "truststore.p12"] {
            let path = dir.join(store);
            let verdict = java_handshake(
                Some(&home),
                JavaTrust::SystemProperty {
                    path: &path,
                    password: Some("changeit"),
                },
                port,
                "app.lab.test",
            );
            assert!(verdict.trusted(), "JDK {major}, {store}: {verdict:?}");
        }
    }
    server.stop();
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_jvm_trusts_openssl_s_server_with_the_lab_files() {
    if !have_tool("java") || !have_tool("openssl") {
        return;
    }
    let dir = lab_dir();
    let port = serve_support::free_port();
    let _server = KillOnDrop(
        Command::new("openssl")
            .current_dir(dir)
            .args([
                "s_server",
                "-quiet",
                "-cert",
                "server.pem",
                "-key",
                "server.key",
                "-cert_chain",
                "intermediate-ca.pem",
            ])
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    serve_support::wait_for_port(port);
    let jks = dir.join("truststore.jks");
    let verdict = java_handshake(
        None,
        JavaTrust::SystemProperty {
            path: &jks,
            password: Some("changeit"),
        },
        port,
        "app.lab.test",
    );
    assert!(verdict.trusted(), "{verdict:?}");
}

#[test]
fn existing_files_are_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lab");
    run_ok(
        bin()
            .args(["gen", "lab", "--out"])
            .arg(&out)
            .arg("one.lab.test"),
    );
    let before = std::fs::read(out.join("server.pem")).unwrap();
    let refused = bin()
        .args(["gen", "lab", "--out"])
        .arg(&out)
        .arg("two.lab.test")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("refusing to overwrite") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(out.join("server.pem")).unwrap(),
        before,
        "nothing may change"
    );

    // A key file made world-readable is replaced by a private one.
    std::fs::set_permissions(
        out.join("server.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    run_ok(
        bin()
            .args(["gen", "lab", "--force", "--out"])
            .arg(&out)
            .arg("two.lab.test"),
    );
    assert_ne!(std::fs::read(out.join("server.pem")).unwrap(), before);
    assert_eq!(mode(&out.join("server.key")), 0o600);
}

#[test]
fn lab_files_never_go_through_a_planted_link_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lab");
    std::fs::create_dir(&out).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"not a key").unwrap();
    let planted = out.join("server.key");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let refused = bin()
        .args(["gen", "lab", "--force", "--out"])
        .arg(&out)
        .arg("link.lab.test")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("server.key is a symbolic link")
            && err.contains("refusing to write through it"),
        "{err}"
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"not a key");
    assert!(planted.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(
        !out.join("server.pem").exists(),
        "nothing is written when one name is refused"
    );
}

#[test]
fn a_new_host_under_an_existing_ca_needs_no_new_trust() {
    let base = lab_dir();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("second");
    run_ok(
        bin()
            .args(["gen", "lab", "--ca"])
            .arg(base)
            .arg("--out")
            .arg(&out)
            .arg("second.lab.test"),
    );
    assert_eq!(
        std::fs::read(out.join("root-ca.pem")).unwrap(),
        std::fs::read(base.join("root-ca.pem")).unwrap()
    );
    assert_eq!(
        std::fs::read(out.join("truststore.jks"))
            .map(|b| !b.is_empty())
            .ok(),
        Some(true)
    );
    assert!(
        !out.join("root-ca.key").exists(),
        "the root key stays where it was"
    );
    assert!(
        !out.join("intermediate-ca.key").exists(),
        "the existing intermediate issues"
    );
    let leaf = read_cert(&out.join("server.pem"));
    assert_eq!(
        leaf.info().issuer_raw,
        read_cert(&base.join("intermediate-ca.pem"))
            .info()
            .subject_raw
    );
    if have_tool("openssl") {
        let verdict = run_ok(
            Command::new("openssl")
                .arg("verify")
                .arg("-CAfile")
                .arg(base.join("root-ca.pem"))
                .arg("-untrusted")
                .arg(out.join("intermediate-ca.pem"))
                .arg(out.join("server.pem")),
        );
        assert!(verdict.contains(": OK"), "{verdict}");
    }
}

#[test]
fn the_pieces_alone_make_a_client_certificate_chain() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca");
    run_ok(
        bin()
            .args(["gen", "ca", "--key-type", "rsa-2048", "--out"])
            .arg(&ca),
    );
    run_ok(bin().args(["gen", "intermediate", "--ca"]).arg(&ca));
    run_ok(
        bin()
            .args(["gen", "leaf", "--client", "--ca"])
            .arg(&ca)
            .arg("alice.lab.test"),
    );
    let leaf = read_cert(&ca.join("client.pem"));
    assert_eq!(
        leaf.info().extended_key_usage,
        Some(vec!["1.3.6.1.5.5.7.3.2".to_owned()])
    );
    assert_eq!(mode(&ca.join("client.key")), 0o600);
    let root = read_cert(&ca.join("root-ca.pem"));
    assert_eq!(
        root.info().key,
        trustpath::cert::KeyInfo::Rsa { bits: 2048 }
    );
    if have_tool("openssl") {
        let out = run_ok(Command::new("openssl").current_dir(&ca).args([
            "verify",
            "-CAfile",
            "root-ca.pem",
            "-untrusted",
            "intermediate-ca.pem",
            "-purpose",
            "sslclient",
            "client.pem",
        ]));
        assert!(out.contains("client.pem: OK"), "{out}");
    }
}

#[test]
fn bad_names_and_mismatched_passwords_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    for (args, message) in [
        (vec!["a..b"], "invalid name \"a..b\""),
        (
            vec!["--keypass", "other", "ok.lab.test"],
            "--keypass differs",
        ),
    ] {
        let o = bin()
            .args(["gen", "lab", "--out"])
            .arg(&out)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(message), "{err}");
        assert!(!out.exists(), "nothing may be written");
    }
}

#[test]
fn profiles_follow_the_baseline_requirements_at_a_fixed_instant() {
    let now = datetime!(2026-01-15 12:00:00 UTC);
    let names = SubjectName::parse_all(&["rsa.lab.test"]).unwrap();
    let mut spec = LabSpec::new(names);
    spec.key_type = KeyType::Rsa2048;
    let lab = match lab::generate(&spec, now) {
        Ok(lab) => lab,
        Err(e) => panic!("{e:#}"),
    };
    let root = lab.root.info();
    let inter = lab.intermediate.as_ref().unwrap().info();
    let leaf = lab.leaf.cert.info();
    const KEY_CERT_SIGN: u16 = 1 << 5;
    const CRL_SIGN: u16 = 1 << 6;
    const DIGITAL_SIGNATURE: u16 = 1;
    const KEY_ENCIPHERMENT: u16 = 1 << 2;
    assert!(root.is_ca && root.path_len == Some(1));
    assert!(inter.is_ca && inter.path_len == Some(0));
    for ca in [root, inter] {
        let ku = ca.key_usage.unwrap();
        assert_eq!(
            ku & (KEY_CERT_SIGN | CRL_SIGN),
            KEY_CERT_SIGN | CRL_SIGN,
            "{}",
            ca.subject
        );
        assert!(ca.subject_key_id.is_some());
    }
    assert_eq!(inter.authority_key_id, root.subject_key_id);
    assert_eq!(leaf.authority_key_id, inter.subject_key_id);
    assert!(leaf.has_basic_constraints && !leaf.is_ca);
    assert_eq!(leaf.key_usage, Some(DIGITAL_SIGNATURE | KEY_ENCIPHERMENT));
    assert_eq!(
        leaf.extended_key_usage,
        Some(vec!["1.3.6.1.5.5.7.3.1".to_owned()])
    );
    assert_eq!(leaf.common_name.as_deref(), Some("rsa.lab.test"));
    assert_eq!(leaf.not_before, now.unix_timestamp() - 3600);
    assert_eq!(leaf.not_after - leaf.not_before, 397 * 86_400);
    assert!(leaf.not_after <= inter.not_after && inter.not_after <= root.not_after);
    assert_eq!(leaf.signature_algorithm, "SHA256withRSA");
    // Every lab file is in memory; the command only writes them.
    assert!(lab.file("server.jks").is_some_and(|f| f.secret));
    assert!(lab.file("truststore.p12").is_some_and(|f| !f.secret));
}

#[test]
fn every_gen_subcommand_help_ends_with_examples() {
    for sub in ["lab", "ca", "intermediate", "leaf"] {
        let out = run_ok(bin().args(["gen", sub, "--help"]));
        let tail = out.rsplit("Examples:").next().unwrap();
        assert!(
            out.contains("Examples:") && tail.contains("$ trustpath gen"),
            "gen {sub}:\n{out}"
        );
    }
    let out = run_ok(bin().args(["serve", "--help"]));
    assert!(
        out.contains("Examples:") && out.contains("$ trustpath serve --scenario"),
        "{out}"
    );
}

#[test]
fn serve_sends_the_given_files_in_the_given_order_even_a_wrong_one() {
    let dir = lab_dir();
    // Intermediate first, then the server certificate: wrong, and served exactly so.
    let mut child = bin()
        .current_dir(dir)
        .args([
            "serve",
            "--cert",
            "intermediate-ca.pem",
            "--key",
            "server.key",
            "--chain",
            "server.pem",
        ])
        .args([
            "--listen",
            "127.0.0.1:0",
            "--max-connections",
            "1",
            "--for",
            "60",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .parse()
        .unwrap();
    let served =
        serve_support::runtime().block_on(serve_support::served_chain(addr, "app.lab.test"));
    let child = KillOnDrop(child);
    assert_eq!(
        served,
        vec![
            read_cert(&dir.join("intermediate-ca.pem")).der().to_vec(),
            read_cert(&dir.join("server.pem")).der().to_vec()
        ]
    );
    drop(child);
}

#[test]
fn a_labs_readme_lists_exactly_the_files_of_its_directory_and_what_each_key_issues() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        &["gen", "lab", "--out", "new", "localhost"][..],
        &[
            "gen",
            "lab",
            "--out",
            "under",
            "--ca",
            "new",
            "app.lab.test",
        ][..],
        &[
            "gen",
            "lab",
            "--out",
            "flat",
            "--no-intermediate",
            "localhost",
        ][..],
    ] {
        run_ok(bin().args(args).current_dir(d));
        let out = d.join(args[3]);
        let readme = std::fs::read_to_string(out.join("README.txt")).unwrap();
        let files = readme.split("\n-----\n").nth(1).unwrap();
        let files = files.split("\n\n").next().unwrap();
        let mut listed: Vec<&str> = files
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        listed.push("README.txt");
        listed.sort();
        let mut present: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        present.sort();
        assert_eq!(listed, present, "{args:?}:\n{readme}");
        // What each key issues, as gen does it: the leaf from the intermediate when there is one.
        match args[3] {
            "new" => {
                assert!(readme.contains(
                    "intermediate-ca.key  its key (mode 0600): `trustpath gen leaf --ca DIR NAME…`"
                ));
                assert!(readme.contains("`trustpath gen intermediate --ca DIR --out NEW`"));
            }
            "under" => assert!(readme.contains("the CA keys stay in the --ca directory")),
            _ => {
                assert!(readme.contains(
                    "root-ca.key          its key (mode 0600): `trustpath gen leaf --ca DIR NAME…`"
                ));
                assert!(
                    readme.contains("fullchain.pem        the server certificate (no intermediate")
                );
            }
        }
    }
}
