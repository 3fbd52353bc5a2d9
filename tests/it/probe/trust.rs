//! `trustpath trust` end to end against the real servers of `support::outbound`: it imports the right
//! certificate (the served root; else the topmost served CA, saying it pins an intermediate) into a copy
//! of the lab truststore, after which the JVM's own client (JNDI StartTLS, an `SSLSocket` after SMTP
//! STARTTLS) connects where it failed before; re-running changes nothing; a missing intermediate, a name
//! mismatch, a dry run and a run without a terminal or `--yes` change nothing.

use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::prelude::*;

use crate::support::outbound::{self, Lab};
use crate::support::{self};

/// `trustpath trust TARGET --truststore STORE …`; (exit code, stdout and stderr).
fn trust(store: &Path, target: &str, extra: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("trust")
        .arg(target)
        .arg("--truststore")
        .arg(store)
        .args(["--storepass", "changeit", "--timeout", "5"])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A copy of the lab truststore, in `dir`.
fn store_copy(lab: &Lab, dir: &Path) -> std::path::PathBuf {
    let copy = dir.join("cacerts-copy.p12");
    std::fs::copy(lab.truststore(), &copy).unwrap();
    copy
}

fn tools() -> bool {
    support::have_tool("keytool") && support::have_tool("java")
}

#[test]
fn trust_imports_the_served_root_over_ldap_starttls_and_then_the_jvms_jndi_connects() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    let Some(server) = outbound::slapd(Some(&lab.untrusted_with_root)) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = store_copy(&lab, dir.path());
    let port = server.port("ldap");
    let resolve = format!("localhost:{port}:127.0.0.1");
    assert!(!outbound::java_verdict("ldap", port, &store).trusted());

    let url = format!("ldap://localhost:{port}");
    let (code, out) = trust(&store, &url, &["--resolve", &resolve, "--yes"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("what     the root"), "{out}");
    assert!(out.contains("CN=Outbound Stranger Root"), "{out}");
    assert!(out.contains("after    ✓ trusted by Java"), "{out}");
    let verdict = outbound::java_verdict("ldap", port, &store);
    assert!(verdict.trusted(), "the JVM after trust: {verdict:?}\n{out}");

    // Again: already trusted, the store untouched.
    let before = std::fs::read(&store).unwrap();
    let (code, out) = trust(&store, &url, &["--resolve", &resolve, "--yes"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("nothing to import"), "{out}");
    assert_eq!(std::fs::read(&store).unwrap(), before);
}

#[test]
fn trust_pins_the_topmost_served_ca_over_smtp_starttls_when_no_root_is_known() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    let Some(server) = outbound::exim(Some(&lab.untrusted)) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = store_copy(&lab, dir.path());
    let port = server.port("smtp");
    assert!(!outbound::java_verdict("smtp", port, &store).trusted());

    let (code, out) = trust(
        &store,
        &format!("127.0.0.1:{port}"),
        &["--starttls", "smtp", "--sni", "localhost", "--yes"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("what     the intermediate"), "{out}");
    assert!(out.contains("CN=Outbound Stranger CA"), "{out}");
    assert!(out.contains("pins an intermediate"), "{out}");
    let verdict = outbound::java_verdict("smtp", port, &store);
    assert!(verdict.trusted(), "the JVM after trust: {verdict:?}\n{out}");
}

#[test]
fn trust_changes_nothing_for_a_missing_intermediate_a_name_mismatch_a_dry_run_or_no_terminal() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    let dir = tempfile::tempdir().unwrap();
    let store = store_copy(&lab, dir.path());
    let original = std::fs::read(&store).unwrap();

    if let Some(server) = outbound::slapd(Some(&lab.missing)) {
        let port = server.port("ldaps");
        let resolve = format!("localhost:{port}:127.0.0.1");
        let url = format!("ldaps://localhost:{port}");
        let (code, out) = trust(&store, &url, &["--resolve", &resolve, "--yes"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("serve the full chain"), "{out}");
    }
    if let Some(server) = outbound::slapd(Some(&lab.untrusted_with_root)) {
        let port = server.port("ldaps");
        // The leaf names localhost only: a name mismatch is not fixed by an import.
        let (code, out) = trust(&store, &format!("ldaps://127.0.0.1:{port}"), &["--yes"]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("importing a certificate does not fix this"),
            "{out}"
        );
        assert!(out.contains("hostname-mismatch"), "{out}");

        let resolve = format!("localhost:{port}:127.0.0.1");
        let url = format!("ldaps://localhost:{port}");
        let (code, out) = trust(&store, &url, &["--resolve", &resolve, "--dry-run"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("dry run:"), "{out}");
        let (code, out) = trust(&store, &url, &["--resolve", &resolve]);
        assert_eq!(code, 2, "{out}");
        assert!(out.contains("not a terminal: pass --yes"), "{out}");
    }
    assert_eq!(std::fs::read(&store).unwrap(), original);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn on_ipv6_loopback_probe_and_trust_reach_ldap_starttls_and_ldaps_and_the_jvm_agrees() {
    if !tools() {
        return;
    }
    let lab = outbound::lab();
    let v6 = std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST);
    let dir = tempfile::tempdir().unwrap();
    let store = store_copy(&lab, dir.path());
    // A good chain for the IP SAN ::1: trusted over StartTLS and LDAPS, as the JVM decides.
    if let Some(server) = outbound::slapd_on(Some(&lab.ipv6_good), v6) {
        for (scheme, listener) in [("ldap", "ldap"), ("ldaps", "ldaps")] {
            let port = server.port(listener);
            let url = format!("{scheme}://[::1]:{port}");
            let (code, out) = trust(&store, &url, &["--dry-run"]);
            let jvm = outbound::java_verdict_at(scheme, ("::1", "::1"), port, &store, None);
            assert!(jvm.trusted(), "{jvm:?}");
            assert_eq!(code, 0, "{out}");
            assert!(out.contains(&format!("{url} ([::1]:{port}")), "{out}");
            assert!(out.contains("nothing to import"), "{out}");
        }
    }
    // Under an untrusted root, served: trust imports it over [::1] and the JVM connects after.
    if let Some(server) = outbound::slapd_on(Some(&lab.ipv6_untrusted_with_root), v6) {
        let port = server.port("ldaps");
        let before = outbound::java_verdict_at("ldaps", ("::1", "::1"), port, &store, None);
        assert!(!before.trusted(), "{before:?}");
        let (code, out) = trust(&store, &format!("ldaps://[::1]:{port}"), &["--yes"]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("what     the root"), "{out}");
        let after = outbound::java_verdict_at("ldaps", ("::1", "::1"), port, &store, None);
        assert!(after.trusted(), "{after:?}\n{out}");
    }
}
