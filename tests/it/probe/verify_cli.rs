//! `trustpath verify` end to end through the binary: verdicts and exit codes, golden output at a fixed
//! instant, private-key matching in every PEM key format, `--write-fixes`, and usage errors (exit 2).

use crate::support;
use crate::support::{formats, golden};

use std::process::Command;

use assert_cmd::prelude::*;

fn trustpath() -> Command {
    let mut cmd = Command::cargo_bin("trustpath").unwrap();
    // The goldens name the JVM in use: a fixed stand-in (tests/golden/jvm), not the machine's.
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("JAVA_HOME", "tests/golden/jvm");
    cmd
}

const FIX: &str = "tests/golden/fixtures";

fn verify(args: &[&str]) -> (i32, String, String) {
    let out = trustpath()
        .arg("verify")
        .args(args)
        .args(["--at", golden::AT])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_complete_fullchain_anchored_in_the_truststore_passes_with_exit_0() {
    let (code, out, err) = verify(&[
        &format!("{FIX}/fullchain.pem"),
        "--truststore",
        &format!("{FIX}/root.pem"),
        "--host",
        "wiki.example.test",
        "--key",
        &format!("{FIX}/leaf-key.pem"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    golden::check("verify-fullchain.txt", &out);
}

#[test]
fn a_leaf_without_its_intermediate_fails_with_exit_1_and_json_names_the_gap() {
    let (code, out, err) = verify(&[
        &format!("{FIX}/leaf.pem"),
        "--truststore",
        &format!("{FIX}/root.pem"),
        "--host",
        "wiki.example.test",
        "--json",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let doc = formats::json("probe.schema.json", out.as_bytes());
    let e = &doc["endpoints"][0];
    assert_eq!(e["trusted"], false);
    assert_eq!(e["target"], format!("{FIX}/leaf.pem"));
    assert_eq!(e["tls"], serde_json::Value::Null);
    assert_eq!(doc["truststores"][0]["origin"], "option");
    golden::check("verify-leaf-only.json", &out);
    assert!(
        e["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error")
    );
}

#[test]
fn a_key_that_is_not_the_leafs_is_a_key_mismatch() {
    let (code, out, _) = verify(&[
        &format!("{FIX}/fullchain.pem"),
        "--truststore",
        &format!("{FIX}/root.pem"),
        "--key",
        &format!("{FIX}/other-key.pem"),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("key-mismatch [0]: tests/golden/fixtures/other-key.pem does not belong to the leaf CN=wiki.example.test"), "{out}");
}

#[test]
fn sec1_and_pkcs1_keys_are_compared_by_public_key() {
    if !support::have_tool("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // SEC1 ("EC PRIVATE KEY") form of the fixture leaf key.
    let sec1 = dir.path().join("leaf-sec1.pem");
    support::run_ok(
        Command::new("openssl")
            .args(["pkey", "-traditional", "-in"])
            .arg(golden::fixture("leaf-key.pem"))
            .arg("-out")
            .arg(&sec1),
    );
    assert!(
        std::fs::read_to_string(&sec1)
            .unwrap()
            .contains("BEGIN EC PRIVATE KEY")
    );
    let (code, out, err) = verify(&[
        &format!("{FIX}/fullchain.pem"),
        "--truststore",
        &format!("{FIX}/root.pem"),
        "--key",
        sec1.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");

    // PKCS#1 ("RSA PRIVATE KEY") for a self-signed RSA certificate.
    let mut params = rcgen::CertificateParams::new(vec!["rsa.example.test".to_owned()]).unwrap();
    params.not_before = time::macros::datetime!(2026-01-01 00:00 UTC);
    params.not_after = time::macros::datetime!(2027-01-01 00:00 UTC);
    let rsa = support::certs::self_signed(params, &rcgen::PKCS_RSA_SHA256);
    let (cert, key) = (&rsa.cert, &rsa.key);
    let cert_path = dir.path().join("rsa.pem");
    std::fs::write(&cert_path, cert.pem()).unwrap();
    let pkcs8 = dir.path().join("rsa-pkcs8.pem");
    std::fs::write(&pkcs8, key.serialize_pem()).unwrap();
    let pkcs1 = dir.path().join("rsa-pkcs1.pem");
    support::run_ok(
        Command::new("openssl")
            .args(["rsa", "-traditional", "-in"])
            .arg(&pkcs8)
            .arg("-out")
            .arg(&pkcs1),
    );
    assert!(
        std::fs::read_to_string(&pkcs1)
            .unwrap()
            .contains("BEGIN RSA PRIVATE KEY")
    );
    let (code, out, err) = verify(&[
        cert_path.to_str().unwrap(),
        "--truststore",
        cert_path.to_str().unwrap(),
        "--key",
        pkcs1.to_str().unwrap(),
    ]);
    assert!(!out.contains("key-mismatch"), "{out}{err}");
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn write_fixes_writes_the_fullchain_leaf_first_without_the_root() {
    let dir = tempfile::tempdir().unwrap();
    // Only the leaf is given; the intermediate is known from --extra-certs.
    let (code, out, err) = verify(&[
        &format!("{FIX}/leaf.pem"),
        "--truststore",
        &format!("{FIX}/root.pem"),
        "--write-fixes",
        dir.path().to_str().unwrap(),
        "--extra-certs",
        &format!("{FIX}/intermediate.pem"),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let path = dir.path().join("leaf.pem-fullchain.pem");
    assert!(
        out.contains(&format!("wrote    {}", path.display())),
        "{out}"
    );
    let blocks = trustpath::pem::parse_all(&std::fs::read(&path).unwrap()).unwrap();
    let ders: Vec<&[u8]> = blocks.iter().map(|b| b.contents.as_slice()).collect();
    assert_eq!(
        ders,
        [
            golden::cert("leaf.pem").der(),
            golden::cert("intermediate.pem").der()
        ]
    );
    // The corrected chain is trusted.
    let (code, out, err) = verify(&[
        path.to_str().unwrap(),
        "--truststore",
        &format!("{FIX}/root.pem"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn write_fixes_writes_the_ca_the_truststore_lacks() {
    let dir = tempfile::tempdir().unwrap();
    // The truststore holds an unrelated certificate; the root is known from --extra-certs.
    let (code, out, err) = verify(&[
        &format!("{FIX}/fullchain.pem"),
        "--truststore",
        &format!("{FIX}/other-ca.pem"),
        "--write-fixes",
        dir.path().to_str().unwrap(),
        "--extra-certs",
        &format!("{FIX}/root.pem"),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let ca = dir.path().join("fullchain.pem-ca-1.pem");
    let blocks = trustpath::pem::parse_all(&std::fs::read(&ca).unwrap()).unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].contents, golden::cert("root.pem").der());
}

#[test]
fn write_fixes_never_follows_a_planted_link_nor_replaces_a_file_unless_asked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fixes = dir.path().join("fixes");
    std::fs::create_dir(&fixes).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let planted = fixes.join("leaf.pem-fullchain.pem");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let args = |extra: &[&str]| {
        let mut v = vec![
            format!("{FIX}/leaf.pem"),
            "--truststore".to_owned(),
            format!("{FIX}/root.pem"),
            "--write-fixes".to_owned(),
            fixes.display().to_string(),
            "--extra-certs".to_owned(),
            format!("{FIX}/intermediate.pem"),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    for extra in [&[][..], &["--overwrite-fixes"][..]] {
        let a = args(extra);
        let (code, _, err) = verify(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is a symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(planted.symlink_metadata().unwrap().file_type().is_symlink());
    }
    std::fs::remove_file(&planted).unwrap();

    let a = args(&[]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (code, _, err) = verify(&a);
    assert_eq!(code, 1, "{err}");
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&planted, "edited by hand").unwrap();
    let (code, _, err) = verify(&a);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("refusing to overwrite leaf.pem-fullchain.pem")
            && err.contains("use --overwrite-fixes"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&planted).unwrap(), "edited by hand");
    let with = args(&["--overwrite-fixes"]);
    let with: Vec<&str> = with.iter().map(String::as_str).collect();
    let (code, _, err) = verify(&with);
    assert_eq!(code, 1, "{err}");
    assert!(
        std::fs::read_to_string(&planted)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    let mode = std::fs::metadata(&planted).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a replaced fix file is never widened");
}

#[test]
fn usage_and_input_errors_exit_2_with_a_message() {
    let (code, _, err) = verify(&[
        "tests/golden/fixtures/absent.pem",
        "--truststore",
        &format!("{FIX}/root.pem"),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read tests/golden/fixtures/absent.pem"),
        "{err}"
    );
    let out = trustpath()
        .args(["verify", &format!("{FIX}/leaf.pem"), "--at", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at 'yesterday'"));
    let out = trustpath().args(["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_ends_with_worked_examples() {
    for sub in ["verify", "probe"] {
        let out = trustpath().args([sub, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        let examples = text.rsplit("Examples:").next().unwrap();
        assert!(examples.matches("$ trustpath ").count() >= 2, "{text}");
    }
}

#[test]
fn a_jks_keystore_is_judged_by_its_key_entrys_chain_and_its_key_is_checked() {
    if !support::have_tool("keytool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("server.jks");
    support::run_ok(
        Command::new("keytool")
            .args(["-genkeypair", "-keystore"])
            .arg(&ks)
            .args([
                "-storetype",
                "JKS",
                "-storepass",
                "s3cret!",
                "-keypass",
                "s3cret!",
                "-alias",
                "tomcat",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=jks.example.test",
                "-ext",
                "SAN=dns:jks.example.test",
                "-startdate",
                "2026/01/01 00:00:00",
                "-validity",
                "3650",
            ]),
    );
    let cert = dir.path().join("tomcat.pem");
    support::run_ok(
        Command::new("keytool")
            .args([
                "-exportcert",
                "-rfc",
                "-alias",
                "tomcat",
                "-storepass",
                "s3cret!",
                "-keystore",
            ])
            .arg(&ks)
            .arg("-file")
            .arg(&cert),
    );
    let (code, out, err) = verify(&[
        ks.to_str().unwrap(),
        "--chain-pass",
        "s3cret!",
        "--truststore",
        cert.to_str().unwrap(),
        "--host",
        "jks.example.test",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("[0] CN=jks.example.test"), "{out}");
    // The other fixture key does not belong to it.
    let (code, out, _) = verify(&[
        ks.to_str().unwrap(),
        "--chain-pass",
        "s3cret!",
        "--truststore",
        cert.to_str().unwrap(),
        "--key",
        &format!("{FIX}/leaf-key.pem"),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("key-mismatch"), "{out}");
}

#[test]
fn a_pkcs12_keystore_made_by_openssl_is_judged_by_its_key_entrys_chain() {
    if !support::have_tool("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p12 = dir.path().join("server.p12");
    support::run_ok(
        Command::new("openssl")
            .args([
                "pkcs12",
                "-export",
                "-passout",
                "pass:s3cret",
                "-name",
                "tomcat",
                "-in",
            ])
            .arg(golden::fixture("leaf.pem"))
            .arg("-inkey")
            .arg(golden::fixture("leaf-key.pem"))
            .arg("-certfile")
            .arg(golden::fixture("intermediate.pem"))
            .arg("-out")
            .arg(&p12),
    );
    let (code, out, err) = verify(&[
        p12.to_str().unwrap(),
        "--chain-pass",
        "s3cret",
        "--truststore",
        &format!("{FIX}/root.pem"),
        "--host",
        "wiki.example.test",
        "--json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let doc = formats::json("probe.schema.json", out.as_bytes());
    let chain = doc["endpoints"][0]["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2, "{out}");
    assert_eq!(chain[0]["subject"], "CN=wiki.example.test");
    assert!(!out.contains("key-mismatch"));
    // A wrong password is a job that cannot be done, with the JDK's words.
    let (code, _, err) = verify(&[
        p12.to_str().unwrap(),
        "--chain-pass",
        "wrong",
        "--truststore",
        &format!("{FIX}/root.pem"),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("password was incorrect"), "{err}");
}

#[test]
fn columns_fits_the_summary_table_and_a_pipe_without_it_keeps_rows_whole() {
    let args = [
        &format!("{FIX}/fullchain.pem"),
        &format!("{FIX}/leaf.pem"),
        "--truststore",
        &format!("{FIX}/root.pem"),
        "--host",
        "wiki.example.test",
        "--at",
        golden::AT,
    ];
    let run = |columns: Option<&str>| {
        let mut cmd = trustpath();
        cmd.arg("verify").args(args).env_remove("COLUMNS");
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let table = |text: &str| -> Vec<String> {
        crate::probe::report_golden::table_lines(text, "first problem")
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    let piped = table(&run(None));
    assert!(piped.iter().any(|l| l.chars().count() > 60), "{piped:#?}");
    assert_eq!(piped.len(), 4, "one line per chain file: {piped:#?}");
    let narrow = table(&run(Some("60")));
    for line in &narrow {
        assert!(line.chars().count() <= 60, "{line}");
    }
}

#[test]
fn browser_roots_add_a_labs_root_to_the_browser_view_and_leave_the_java_verdict_alone() {
    let base = [
        format!("{FIX}/fullchain.pem"),
        "--truststore".to_owned(),
        format!("{FIX}/other-ca.pem"),
        "--host".to_owned(),
        "wiki.example.test".to_owned(),
    ];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        verify(&args)
    };
    // Without it: the lab root is no Mozilla root, and the line says how to add it.
    let (_, out, err) = run(&[]);
    assert!(
        out.contains("browser  not trusted:")
            && out.contains("--browser-roots FILE adds a lab's roots"),
        "{out}{err}"
    );
    let root = format!("{FIX}/root.pem");
    let (code, out, err) = run(&["--browser-roots", &root]);
    assert_eq!(
        code, 1,
        "the java verdict still fails (other truststore): {out}{err}"
    );
    assert!(
        out.contains(&format!(
            "browser  trusted (Mozilla's roots and --browser-roots {root})"
        )),
        "{out}{err}"
    );
    assert!(
        out.contains(&format!(
            "browser view: Mozilla's roots and --browser-roots {root} (pem, 1 certificate)"
        )),
        "{out}"
    );
    assert!(out.contains("not trusted by Java"), "{out}");
    let (_, json, err) = run(&["--browser-roots", &root, "--json"]);
    let doc = formats::json("probe.schema.json", json.as_bytes());
    let e = &doc["endpoints"][0];
    assert_eq!(e["verdicts"]["browser"]["trusted"], true, "{err}");
    assert_eq!(e["verdicts"]["java"]["trusted"], false);
    assert_eq!(doc["truststores"][1]["origin"], "browser-roots", "{doc:#}");
    // A file with no certificate is refused, not silently empty.
    let (code, _, err) = run(&["--browser-roots", &format!("{FIX}/leaf-key.pem")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--browser-roots"), "{err}");
}
