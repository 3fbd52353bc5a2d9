//! What a store edit or convert may and may not do to files, through the binary and judged by keytool where
//! a store is involved: modes (a converted keystore with keys is 0600, a replaced file is never widened,
//! backups have the store's mode), links (followed to a regular file and kept; dangling links, devices and
//! hard-linked stores refused), permissions as keytool meets them (a read-only or immutable store is refused
//! before a backup exists), temporary files of killed runs (reported by a read, removed by the next edit),
//! the JDK's cacerts through PEM and back with its aliases, and the last certificate of a PEM bundle.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{self, certs};

fn trustpath() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("trustpath"));
    c.env("NO_COLOR", "1").env_remove("JAVA_HOME");
    c
}

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut c = trustpath();
    for a in args {
        c.arg(a.as_ref());
    }
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The first JDK, for keytool.
fn jdk() -> Option<PathBuf> {
    if !support::have_tool("keytool") {
        return None;
    }
    support::jdks().into_iter().next().map(|(_, home)| home)
}

/// keytool's listing of a store: (alias, SHA-256 of each certificate), sorted.
fn keytool_list(home: &Path, store: &Path) -> Vec<(String, Vec<String>)> {
    let out = support::javastore::keytool(
        home,
        &[
            "-list",
            "-rfc",
            "-keystore",
            store.to_str().unwrap(),
            "-storepass",
            "changeit",
        ],
    );
    support::javastore::parse_list_rfc(&out)
        .into_iter()
        .map(|l| (l.alias, l.certs))
        .collect()
}

/// A keytool-made PKCS#12 keystore holding a private key (and a trusted CA), mode 0600.
fn keystore_with_key(home: &Path, dir: &Path) -> PathBuf {
    let store = dir.join("server.p12");
    support::javastore::keytool_chain_store(
        home, dir, &store, "PKCS12", "changeit", "lab-ca", true,
    );
    chmod(&store, 0o600);
    store
}

#[test]
fn a_converted_keystore_with_keys_is_private_and_a_replaced_file_is_never_widened() {
    let Some(home) = jdk() else { return };
    let dir = tempfile::tempdir().unwrap();
    let src = keystore_with_key(&home, dir.path());
    let dst = dir.path().join("server.jks");
    let o = run(&[&"store", &"convert", &src, &dst, &"--to", &"jks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&dst), 0o600, "keys are never written world-readable");
    assert_eq!(keytool_list(&home, &dst), keytool_list(&home, &src));

    // A private truststore (0600, no keys) converts to a private file too.
    let trust = dir.path().join("trust.pem");
    std::fs::write(&trust, certs::root("Private Root").pem()).unwrap();
    chmod(&trust, 0o600);
    let out = dir.path().join("trust.p12");
    let o = run(&[&"store", &"convert", &trust, &out, &"--to", &"pkcs12"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&out), 0o600);

    // --force over an existing 0600 file keeps 0600, whatever the source's mode.
    chmod(&trust, 0o644);
    let o = run(&[&"store", &"convert", &trust, &out, &"--to", &"pkcs12"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("exists; pass --force"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        &"store", &"convert", &trust, &out, &"--to", &"pkcs12", &"--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&out), 0o600);
    // A public source to a new name: 0644.
    let public = dir.path().join("public.p12");
    let o = run(&[&"store", &"convert", &trust, &public, &"--to", &"pkcs12"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&public), 0o644);
    assert!(!names(dir.path()).iter().any(|n| n.ends_with(".tmp")));
}

#[test]
fn convert_follows_a_link_to_a_regular_file_and_refuses_devices_and_dangling_links() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = d.join("trust.pem");
    std::fs::write(&src, certs::root("Link Root").pem()).unwrap();
    let real = d.join("real.p12");
    let o = run(&[&"store", &"convert", &src, &real, &"--to", &"pkcs12"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let link = d.join("link.p12");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = run(&[
        &"store", &"convert", &src, &link, &"--to", &"jks", &"--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        &std::fs::read(&real).unwrap()[..4],
        &[0xFE, 0xED, 0xFE, 0xED]
    );

    // /dev/stdout is a link to a descriptor: never replaced, never written through.
    let o = run(&[
        &"store",
        &"convert",
        &src,
        &"/dev/stdout",
        &"--to",
        &"pem",
        &"--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/dev/stdout is a symbolic link to a FIFO, not to a regular file"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        &"store",
        &"convert",
        &src,
        &"/dev/null",
        &"--to",
        &"pem",
        &"--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/dev/null is a character device, not a regular file"),
        "{}",
        stderr(&o)
    );

    let dangling = d.join("dangling.p12");
    std::os::unix::fs::symlink(d.join("nowhere.p12"), &dangling).unwrap();
    for args in [
        vec![
            "store", "convert", "SRC", "DST", "--to", "pkcs12", "--force",
        ],
        vec!["store", "import", "DST", "SRC"],
    ] {
        let mut c = trustpath();
        for a in args {
            match a {
                "SRC" => c.arg(&src),
                "DST" => c.arg(&dangling),
                a => c.arg(a),
            };
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("which does not exist"),
            "{}",
            stderr(&o)
        );
        assert!(
            !d.join("nowhere.p12").exists(),
            "no file is created through the link"
        );
        assert!(
            std::fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn an_in_place_convert_needs_force_and_keeps_a_complete_private_backup() {
    let Some(home) = jdk() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = keystore_with_key(&home, dir.path());
    let before = keytool_list(&home, &store);
    let o = run(&[&"store", &"convert", &store, &store, &"--to", &"jks"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
    let o = run(&[
        &"store", &"convert", &store, &store, &"--to", &"jks", &"--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        &std::fs::read(&store).unwrap()[..4],
        &[0xFE, 0xED, 0xFE, 0xED]
    );
    assert_eq!(keytool_list(&home, &store), before);
    assert_eq!(mode(&store), 0o600);
    let backups: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.starts_with("server.p12.") && n.ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup = dir.path().join(&backups[0]);
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(keytool_list(&home, &backup), before);
}

#[test]
fn a_backup_has_the_store_mode_and_owner_and_holds_the_whole_old_store() {
    let Some(home) = jdk() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = keystore_with_key(&home, dir.path());
    let before = std::fs::read(&store).unwrap();
    let ca = dir.path().join("new-ca.pem");
    std::fs::write(&ca, certs::root("Backup Test Root").pem()).unwrap();
    let o = run(&[&"store", &"import", &store, &ca]);
    assert!(o.status.success(), "{}", stderr(&o));
    let backup: Vec<PathBuf> = names(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".bak"))
        .map(|n| dir.path().join(n))
        .collect();
    assert_eq!(backup.len(), 1);
    assert_eq!(std::fs::read(&backup[0]).unwrap(), before);
    assert_eq!(mode(&backup[0]), 0o600);
    let (b, s) = (
        std::fs::metadata(&backup[0]).unwrap(),
        std::fs::metadata(&store).unwrap(),
    );
    assert_eq!((b.uid(), b.gid()), (s.uid(), s.gid()));
    assert_eq!(mode(&store), 0o600);
    assert_eq!(
        keytool_list(&home, &store).len(),
        4,
        "the two keys, the CA and the new root"
    );
}

/// Runs trustpath as an unprivileged user when the tests run as root (root may write a 0444 file, as
/// keytool run by root would).
fn unprivileged(c: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        c.uid(65534).gid(65534);
    }
    c
}

#[test]
fn a_store_the_user_may_not_write_is_refused_before_any_backup_is_written() {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o777);
    let store = dir.path().join("cacerts.pem");
    std::fs::write(&store, certs::root("Read Only Root").pem()).unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, certs::root("Another Root").pem()).unwrap();
    chmod(&ca, 0o644);
    chmod(&store, 0o444);
    let before = names(dir.path());
    let o = unprivileged(trustpath().args(["store", "import"]).arg(&store).arg(&ca))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    assert!(stderr(&o).contains("(mode 0444)"), "{}", stderr(&o));
    assert_eq!(names(dir.path()), before, "no backup, no temporary file");

    // An immutable store (chattr +i) is refused the same way, even for root.
    chmod(&store, 0o644);
    let immutable = Command::new("chattr").arg("+i").arg(&store).output();
    if !immutable.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED: chattr +i is not available here (needs root and an ext4-like file system)"
        );
        return;
    }
    let o = run(&[&"store", &"import", &store, &ca]);
    let _ = Command::new("chattr").arg("-i").arg(&store).status();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("immutable or append-only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(dir.path()), before, "no backup, no temporary file");
}

#[test]
fn a_hard_linked_store_is_refused_and_both_names_keep_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("cacerts.pem");
    std::fs::write(&store, certs::root("Linked Root").pem()).unwrap();
    let other = dir.path().join("other-name.pem");
    std::fs::hard_link(&store, &other).unwrap();
    let before = std::fs::read(&store).unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, certs::root("Another Root").pem()).unwrap();
    let o = run(&[&"store", &"import", &store, &ca]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has 2 hard links"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&store).unwrap(), before);
    assert_eq!(std::fs::read(&other).unwrap(), before);
    assert_eq!(std::fs::metadata(&store).unwrap().nlink(), 2);
}

#[test]
fn temporary_files_of_killed_runs_are_reported_by_a_read_and_removed_by_the_next_edit() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("cacerts.pem");
    std::fs::write(&store, certs::root("Temp Root").pem()).unwrap();
    let stale = dir.path().join(".trustpath-Ab12Cd.tmp");
    std::fs::write(&stale, b"half a store").unwrap();
    let o = run(&[&"store", &"list", &store]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("1 temporary file left by an interrupted run")
            && stderr(&o).contains(".trustpath-Ab12Cd.tmp"),
        "{}",
        stderr(&o)
    );
    assert!(stale.exists(), "a read removes nothing");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, certs::root("Another Root").pem()).unwrap();
    let o = run(&[&"store", &"import", &store, &ca, &"--no-backup"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("removed 1 temporary file left by an interrupted run"),
        "{}",
        stderr(&o)
    );
    assert!(!stale.exists());
}

#[test]
fn the_jdk_cacerts_converts_to_pem_and_back_with_every_alias() {
    let Some(home) = jdk() else { return };
    let Ok(cacerts) = std::fs::canonicalize(home.join("lib/security/cacerts")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("cacerts.pem");
    let o = run(&[&"store", &"convert", &cacerts, &pem, &"--to", &"pem"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (format, name) in [("jks", "back.jks"), ("pkcs12", "back.p12")] {
        let back = dir.path().join(name);
        let o = run(&[&"store", &"convert", &pem, &back, &"--to", &format]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            keytool_list(&home, &back),
            keytool_list(&home, &cacerts),
            "{format}: every alias and certificate survives the round trip"
        );
    }
}

#[test]
fn removing_the_last_certificate_of_a_pem_bundle_leaves_an_empty_bundle_that_takes_imports() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("bundle.pem");
    std::fs::write(&store, certs::root("Only Root").pem()).unwrap();
    let o = run(&[
        &"store",
        &"remove",
        &store,
        &"--alias",
        &"only-root",
        &"--no-backup",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[&"store", &"list", &store, &"--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "pem");
    assert_eq!(v["entries"].as_array().unwrap().len(), 0);
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, certs::root("Next Root").pem()).unwrap();
    let o = run(&[&"store", &"import", &store, &ca, &"--no-backup"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&store).unwrap();
    assert!(text.starts_with("# next-root: "), "{text}");
    // An empty file is not an empty bundle: it is refused, as keytool refuses an empty keystore file.
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, b"").unwrap();
    let o = run(&[&"store", &"list", &empty]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the file is empty"), "{}", stderr(&o));
}
