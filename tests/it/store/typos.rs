//! A typo is refused or said plainly, never silently acted on: a `--truststore` directory holding no
//! certificate is an error, a new store takes the format its extension names (and says so), `convert`
//! in place keeps a backup, and import lines print the whole SHA-256 fingerprint.

use std::path::Path;

use assert_cmd::Command;

use crate::support::{self, certs};

fn trustpath(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("trustpath").unwrap();
    c.env("NO_COLOR", "1")
        .env_remove("JAVA_HOME")
        .current_dir(dir);
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_truststore_directory_with_no_certificate_is_refused_not_used_as_an_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = certs::root("Typo Root");
    std::fs::write(d.join("chain.pem"), certs::leaf(&["a.test"], &root).pem()).unwrap();
    std::fs::create_dir(d.join("conf")).unwrap();
    std::fs::write(d.join("conf/server.xml"), "<Server/>").unwrap();
    let out = trustpath(d)
        .args(["verify", "chain.pem", "--truststore", "conf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("truststore conf: a directory with no certificate in it"),
        "{}",
        text(&out.stderr)
    );
    // A directory with a certificate still works.
    std::fs::write(d.join("conf/root.pem"), root.pem()).unwrap();
    let out = trustpath(d)
        .args([
            "verify",
            "chain.pem",
            "--truststore",
            "conf",
            "--host",
            "a.test",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn a_new_store_takes_the_format_its_extension_names_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = certs::root("Typo Root");
    std::fs::write(d.join("root.pem"), root.pem()).unwrap();
    for (name, format, why) in [
        ("app-trust.jks", "jks", "from its .jks extension"),
        ("app-trust.jceks", "jceks", "from its .jceks extension"),
        ("app-trust.p12", "pkcs12", "from its .p12 extension"),
        ("app-trust.pem", "pem", "from its .pem extension"),
        ("app-trust", "pkcs12", "the default without"),
    ] {
        let out = trustpath(d)
            .args(["store", "import", name, "root.pem"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let said = text(&out.stdout);
        assert!(
            said.contains(&format!("created {name}: 1 added ({format}, {why}"))
                && said.contains("no file was there: check the path"),
            "{said}"
        );
        let out = trustpath(d)
            .args(["store", "list", name, "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["format"], format, "{name}: {v:#}");
    }
    // The import line names the whole fingerprint.
    let out = trustpath(d)
        .args(["store", "import", "app-trust.jks", "root.pem"])
        .output()
        .unwrap();
    let said = text(&out.stdout);
    let sha = said
        .split("sha256 ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert_eq!(sha.split(':').count(), 32, "{said}");
    // keytool reads the .jks created as JKS.
    if support::have_tool("keytool") {
        let out = std::process::Command::new("keytool")
            .args([
                "-list",
                "-storetype",
                "JKS",
                "-storepass",
                "changeit",
                "-keystore",
            ])
            .arg(d.join("app-trust.jks"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stdout));
    }
}

#[test]
fn converting_a_store_in_place_keeps_a_backup_of_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("root.pem"), certs::root("Typo Root").pem()).unwrap();
    assert!(
        trustpath(d)
            .args(["store", "import", "trust.jks", "root.pem"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let before = std::fs::read(d.join("trust.jks")).unwrap();
    let out = trustpath(d)
        .args([
            "store",
            "convert",
            "trust.jks",
            "trust.jks",
            "--to",
            "pkcs12",
            "--force",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let backups: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with("trust.jks.")
                && e.file_name().to_string_lossy().ends_with(".bak")
        })
        .collect();
    assert_eq!(backups.len(), 1, "{}", text(&out.stdout));
    assert_eq!(std::fs::read(backups[0].path()).unwrap(), before);
    let said = text(&out.stdout);
    assert!(
        said.contains("trust.jks in place") && said.contains(", backup "),
        "{said}"
    );
}

#[test]
fn editing_debians_shared_java_truststore_warns_that_the_change_can_be_lost_and_names_the_durable_ways()
 {
    let debian = Path::new("/etc/ssl/certs/java/cacerts");
    if !support::require(
        "Debian's /etc/ssl/certs/java/cacerts (ca-certificates-java)",
        debian.is_file(),
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("root.pem"), certs::root("Debian Warning Root").pem()).unwrap();
    let before = std::fs::read(debian).unwrap();
    // A dry run through a symlink to the shared store (as a JDK's lib/security/cacerts is): nothing
    // changes, and the warning is given all the same.
    std::os::unix::fs::symlink(debian, d.join("cacerts")).unwrap();
    let out = trustpath(d)
        .args(["store", "import", "cacerts", "root.pem", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("is Debian's shared Java truststore"),
        "{said}"
    );
    assert!(
        said.contains("/usr/local/share/ca-certificates")
            && said.contains("update-ca-certificates"),
        "{said}"
    );
    assert_eq!(std::fs::read(debian).unwrap(), before);
    // A copy of it is the app's own: no warning.
    std::fs::copy(debian, d.join("own-cacerts")).unwrap();
    let out = trustpath(d)
        .args(["store", "import", "own-cacerts", "root.pem", "--dry-run"])
        .output()
        .unwrap();
    assert!(
        !text(&out.stdout).contains("shared Java truststore"),
        "{}",
        text(&out.stdout)
    );
}
