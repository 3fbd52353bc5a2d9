//! `trustpath store …` end to end through the binary: idempotent imports, refusals that leave the store
//! byte-identical, backups, modes, symlinks, concurrent imports, diff, convert, export, remove, locate.
//! Format-independent behaviour is exercised on every writable format (PEM bundle, JKS, PKCS#12).

use crate::support;
use crate::support::formats;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use support::certs;

fn trustpath() -> Command {
    let mut c = Command::cargo_bin("trustpath").unwrap();
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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct Lab {
    dir: tempfile::TempDir,
    root_a: PathBuf,
    root_b: PathBuf,
    leaf: PathBuf,
    garbage: PathBuf,
}

fn lab() -> Lab {
    let dir = tempfile::tempdir().unwrap();
    let a = certs::root("Lab Root A");
    let b = certs::root("Lab Root B");
    let inter = certs::intermediate("Lab Issuing CA", &a);
    let leaf = certs::leaf(&["app.lab.test"], &inter);
    let root_a = dir.path().join("root-a.pem");
    let root_b = dir.path().join("root-b.der");
    let leaf_p = dir.path().join("leaf.pem");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&root_a, format!("Subject: Lab Root A\n{}", a.pem())).unwrap();
    std::fs::write(&root_b, b.der()).unwrap();
    std::fs::write(&leaf_p, leaf.pem()).unwrap();
    std::fs::write(
        &garbage,
        "-----BEGIN CERTIFICATE-----\nTUlJQm9vb29vb29vb29vb29vb29v\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    Lab {
        dir,
        root_a,
        root_b,
        leaf: leaf_p,
        garbage,
    }
}

/// The formats a store can be created in; JKS and PKCS#12 go through the keystore codecs.
const FORMATS: &[&str] = &["pem", "jks", "pkcs12"];

fn new_store(lab: &Lab, format: &str) -> PathBuf {
    let store = lab.dir.path().join(format!("trust-{format}"));
    let o = run(&[
        &"store",
        &"import",
        &store,
        &lab.root_a,
        &"--store-type",
        &format,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    store
}

fn backups(store: &Path) -> Vec<PathBuf> {
    let name = store.file_name().unwrap().to_string_lossy().into_owned();
    let mut v: Vec<PathBuf> = std::fs::read_dir(store.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(&format!("{name}.")) && n.ends_with(".bak")
        })
        .collect();
    v.sort();
    v
}

#[test]
fn importing_the_same_certificate_twice_adds_nothing_and_names_the_existing_alias() {
    let lab = lab();
    for format in FORMATS {
        let store = new_store(&lab, format);
        let before = std::fs::read(&store).unwrap();
        let o = run(&[&"store", &"import", &store, &lab.root_a]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("already present as 'lab-root-a'"),
            "{format}: {}",
            stdout(&o)
        );
        assert_eq!(
            std::fs::read(&store).unwrap(),
            before,
            "{format}: store rewritten"
        );
        assert!(backups(&store).is_empty(), "{format}: backup for a no-op");
    }
}

#[test]
fn a_garbage_certificate_refuses_the_whole_import_and_leaves_the_store_byte_identical() {
    let lab = lab();
    for format in FORMATS {
        let store = new_store(&lab, format);
        let before = std::fs::read(&store).unwrap();
        let o = run(&[&"store", &"import", &store, &lab.root_b, &lab.garbage]);
        assert_eq!(o.status.code(), Some(2), "{format}");
        assert!(
            stderr(&o).contains("garbage.pem"),
            "{format}: {}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(&store).unwrap(), before, "{format}");
        assert!(backups(&store).is_empty());
    }
}

#[test]
fn a_wrong_password_exits_2_with_the_jdk_message_and_leaves_the_keystore_byte_identical() {
    let lab = lab();
    for format in ["jks", "pkcs12"] {
        let store = new_store(&lab, format);
        let before = std::fs::read(&store).unwrap();
        let o = run(&[
            &"store",
            &"import",
            &store,
            &lab.root_b,
            &"--storepass",
            &"wrong-password",
        ]);
        assert_eq!(o.status.code(), Some(2), "{format}");
        assert!(
            stderr(&o).contains("keystore was tampered with, or password was incorrect"),
            "{format}: {}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(&store).unwrap(), before, "{format}");
    }
}

#[test]
fn an_unknown_format_is_refused_and_left_untouched() {
    let lab = lab();
    let store = lab.dir.path().join("not-a-store");
    std::fs::write(&store, b"\x00\x01\x02 definitely not a keystore").unwrap();
    let o = run(&[&"store", &"import", &store, &lab.root_b]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown format"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&store).unwrap(),
        b"\x00\x01\x02 definitely not a keystore"
    );
}

#[test]
fn an_import_backs_the_store_up_keeps_its_mode_and_adds_the_new_anchor() {
    let lab = lab();
    for format in FORMATS {
        let store = new_store(&lab, format);
        std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o640)).unwrap();
        let before = std::fs::read(&store).unwrap();
        let o = run(&[&"store", &"import", &store, &lab.root_b]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        assert!(stdout(&o).contains("added 'lab-root-b'"), "{}", stdout(&o));
        let b = backups(&store);
        assert_eq!(b.len(), 1, "{format}: {b:?}");
        assert_eq!(std::fs::read(&b[0]).unwrap(), before);
        let mode = std::fs::metadata(&store).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "{format}");
        let list = run(&[&"store", &"list", &store, &"--json"]);
        let v = formats::json("store-list.schema.json", &list.stdout);
        let aliases: Vec<&str> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["alias"].as_str().unwrap())
            .collect();
        assert_eq!(aliases, ["lab-root-a", "lab-root-b"], "{format}");
    }
}

#[test]
fn no_backup_writes_no_backup_file() {
    let lab = lab();
    let store = new_store(&lab, "pem");
    let o = run(&[&"store", &"import", &store, &lab.root_b, &"--no-backup"]);
    assert!(o.status.success());
    assert!(backups(&store).is_empty());
}

#[test]
fn a_dry_run_reports_the_plan_and_changes_nothing() {
    let lab = lab();
    let store = new_store(&lab, "pem");
    let before = std::fs::read(&store).unwrap();
    let o = run(&[&"store", &"import", &store, &lab.root_b, &"--dry-run"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("would add 'lab-root-b'"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read(&store).unwrap(), before);
}

#[test]
fn importing_a_server_leaf_warns_to_import_its_issuing_ca_instead() {
    let lab = lab();
    let store = new_store(&lab, "pem");
    let o = run(&[&"store", &"import", &store, &lab.leaf]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("import its issuing CA instead"), "{out}");
    assert!(out.contains("CN=Lab Issuing CA"), "{out}");
}

#[test]
fn an_explicit_alias_that_is_taken_by_another_certificate_is_refused() {
    let lab = lab();
    let store = new_store(&lab, "jks");
    let before = std::fs::read(&store).unwrap();
    let o = run(&[
        &"store",
        &"import",
        &store,
        &lab.root_b,
        &"--alias",
        &"LAB-ROOT-A",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&store).unwrap(), before);
}

#[test]
fn concurrent_imports_into_one_store_all_land() {
    let lab = lab();
    for format in ["pem", "jks"] {
        let store = new_store(&lab, format);
        let roots: Vec<PathBuf> = (0..6)
            .map(|i| {
                let p = lab.dir.path().join(format!("conc-{format}-{i}.pem"));
                std::fs::write(&p, certs::root(&format!("Concurrent Root {i}")).pem()).unwrap();
                p
            })
            .collect();
        let bin = assert_cmd::cargo::cargo_bin("trustpath");
        let children: Vec<std::process::Child> = roots
            .iter()
            .map(|r| {
                std::process::Command::new(&bin)
                    .args(["store", "import", "--no-backup"])
                    .arg(&store)
                    .arg(r)
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let list = run(&[&"store", &"list", &store, &"--json"]);
        let v = formats::json("store-list.schema.json", &list.stdout);
        assert_eq!(v["entries"].as_array().unwrap().len(), 7, "{format}: {v}");
    }
}

#[test]
fn a_symlinked_store_is_edited_at_its_target_and_the_link_survives() {
    let lab = lab();
    let real = new_store(&lab, "pem");
    let link = lab.dir.path().join("cacerts-link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = run(&[&"store", &"import", &link, &lab.root_b, &"--no-backup"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("lab-root-b")
    );
}

#[test]
fn export_remove_and_diff_work_by_alias_and_fingerprint() {
    let lab = lab();
    let store = new_store(&lab, "pkcs12");
    let o = run(&[&"store", &"import", &store, &lab.root_b, &"--no-backup"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let copy = lab.dir.path().join("copy.p12");
    std::fs::copy(&store, &copy).unwrap();

    let pem = run(&[&"store", &"export", &store, &"--alias", &"Lab-Root-B"]);
    assert!(pem.status.success(), "{}", stderr(&pem));
    let der = run(&[
        &"store",
        &"export",
        &store,
        &"--alias",
        &"lab-root-b",
        &"--der",
    ]);
    assert_eq!(der.stdout, std::fs::read(&lab.root_b).unwrap());
    assert!(stdout(&pem).starts_with("-----BEGIN CERTIFICATE-----"));

    let missing = run(&[&"store", &"export", &store, &"--alias", &"nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("alias 'nope' not found"));

    let same = run(&[&"store", &"diff", &store, &copy]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));

    let o = run(&[
        &"store",
        &"remove",
        &store,
        &"--alias",
        &"lab-root-a",
        &"--no-backup",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let d = run(&[&"store", &"diff", &copy, &store, &"--json"]);
    assert_eq!(d.status.code(), Some(1));
    let v = formats::json("store-diff.schema.json", &d.stdout);
    assert_eq!(v["removed"][0]["alias"], "lab-root-a");
    assert!(v["added"].as_array().unwrap().is_empty());
}

#[test]
fn convert_round_trips_through_every_format_without_losing_an_entry() {
    let lab = lab();
    let pem = new_store(&lab, "pem");
    assert!(
        run(&[&"store", &"import", &pem, &lab.root_b, &"--no-backup"])
            .status
            .success()
    );
    let jks = lab.dir.path().join("c.jks");
    let p12 = lab.dir.path().join("c.p12");
    let open = lab.dir.path().join("c-open.p12");
    let back = lab.dir.path().join("c-back.pem");
    for (src, dst, to, extra) in [
        (&pem, &jks, "jks", None),
        (&jks, &p12, "pkcs12", None),
        (&p12, &open, "pkcs12", Some("--password-less")),
        (&open, &back, "pem", None),
    ] {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"store", &"convert", src, dst, &"--to", &to];
        if let Some(e) = &extra {
            args.push(e);
        }
        let o = run(&args);
        assert!(o.status.success(), "{to}: {}", stderr(&o));
    }
    let d = run(&[&"store", &"diff", &pem, &back]);
    assert_eq!(d.status.code(), Some(0), "{}", stdout(&d));
    let exists = run(&[&"store", &"convert", &pem, &jks, &"--to", &"jks"]);
    assert_eq!(exists.status.code(), Some(2));
    assert!(stderr(&exists).contains("--force"));
}

#[test]
fn list_reads_a_directory_of_certificates_and_flags_expired_anchors() {
    let dir = tempfile::tempdir().unwrap();
    let good = certs::root("Fresh Root");
    std::fs::write(dir.path().join("fresh.pem"), good.pem()).unwrap();
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "Old Root");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.not_before = rcgen::date_time_ymd(2000, 1, 1);
    p.not_after = rcgen::date_time_ymd(2010, 1, 1);
    let old = support::certs::self_signed(p, support::certs::EC).cert;
    std::fs::write(dir.path().join("old.crt"), old.der()).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a certificate").unwrap();
    let o = run(&[&"store", &"list", &dir.path()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("directory, 2 entries"), "{out}");
    assert!(out.contains("1 expired trust anchor: old.crt"), "{out}");
}

#[test]
fn locate_lists_the_given_java_home_first_as_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let lab = lab();
    let home = dir.path().join("jdk");
    std::fs::create_dir_all(home.join("lib/security")).unwrap();
    let store = new_store(&lab, "pkcs12");
    std::fs::copy(&store, home.join("lib/security/cacerts")).unwrap();
    let o = run(&[&"store", &"locate", &"--java-home", &home, &"--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = formats::json("store-locate.schema.json", &o.stdout);
    let first = &v["candidates"][0];
    assert_eq!(first["origin"], "--java-home");
    assert_eq!(first["default"], true);
    assert_eq!(first["format"], "pkcs12");
    assert_eq!(first["entries"], 1);
    let list = run(&[&"store", &"list", &"--cacerts", &"--java-home", &home]);
    assert!(stdout(&list).contains("lab-root-a"), "{}", stdout(&list));
}

#[test]
fn bad_usage_exits_2() {
    let o = run(&[&"store", &"list"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[&"store", &"frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}
