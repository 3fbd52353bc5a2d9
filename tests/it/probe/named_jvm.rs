//! A JVM someone names (`--java-home`, `$JAVA_HOME`, `[jvm] java_home`) is used or refused, never
//! replaced by another: every command that finds a JVM (`probe`, `verify`, `store list/locate/import
//! --cacerts`, `check`) stops with exit 2 and says what was given and why it is no JVM, and the store the
//! fallback would have edited stays byte-identical. The real JDKs of the machine are accepted.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

use crate::support::{self, certs};

/// A lab: a fake JVM on PATH (the one the fallback would pick), its cacerts, a chain file, a CA file and
/// the bogus Java homes a user might type.
struct Lab {
    dir: tempfile::TempDir,
    path_bin: PathBuf,
    path_cacerts: PathBuf,
    chain: PathBuf,
    ca: PathBuf,
}

fn lab() -> Lab {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = certs::root("Named JVM Root");
    let other = certs::root("Named JVM Other Root");
    let leaf = certs::leaf(&["app.lab.test"], &root);
    let chain = d.join("chain.pem");
    let ca = d.join("other-root.pem");
    std::fs::write(&chain, leaf.pem()).unwrap();
    std::fs::write(&ca, other.pem()).unwrap();
    std::fs::write(d.join("root.pem"), root.pem()).unwrap();
    // The JVM on PATH: bin/java (never run) and a cacerts trusting the lab root.
    let home = d.join("path-jvm");
    std::fs::create_dir_all(home.join("bin")).unwrap();
    std::fs::create_dir_all(home.join("lib/security")).unwrap();
    std::fs::write(home.join("bin/java"), "#!/bin/sh\nexit 1\n").unwrap();
    let path_cacerts = home.join("lib/security/cacerts");
    let out = trustpath(&home.join("bin"))
        .args(["store", "import", "--store-type", "pkcs12"])
        .arg(&path_cacerts)
        .arg(d.join("root.pem"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    Lab {
        path_bin: home.join("bin"),
        dir,
        path_cacerts,
        chain,
        ca,
    }
}

/// trustpath with `path_bin` as the whole PATH and no JAVA_HOME.
fn trustpath(path_bin: &Path) -> Command {
    let mut c = Command::cargo_bin("trustpath").unwrap();
    c.env("NO_COLOR", "1")
        .env_remove("JAVA_HOME")
        .env("PATH", path_bin);
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every command that looks for a JVM, with `extra` (e.g. `--java-home DIR`) appended.
fn commands(lab: &Lab) -> Vec<Vec<String>> {
    let s = |p: &Path| p.display().to_string();
    vec![
        vec![
            "probe".into(),
            "127.0.0.1:1".into(),
            "--timeout".into(),
            "1".into(),
        ],
        vec![
            "verify".into(),
            s(&lab.chain),
            "--host".into(),
            "app.lab.test".into(),
        ],
        vec!["store".into(), "list".into(), "--cacerts".into()],
        vec!["store".into(), "locate".into()],
        vec![
            "store".into(),
            "import".into(),
            "--cacerts".into(),
            s(&lab.ca),
        ],
        vec!["check".into(), s(&lab.dir.path().join("plain.toml"))],
    ]
}

fn bogus_homes(lab: &Lab) -> Vec<(PathBuf, &'static str)> {
    let d = lab.dir.path();
    let empty = d.join("empty-dir");
    std::fs::create_dir_all(&empty).unwrap();
    vec![
        (
            PathBuf::from("/opt/atlassian/confluence/jre-does-not-exist"),
            "no such directory",
        ),
        (
            empty,
            "is not a JVM: it has no lib/security/cacerts (nor jre/lib/security/cacerts), no release file, no bin/java",
        ),
        (lab.path_bin.join("java"), "is a file, not a Java home"),
    ]
}

fn write_deployment(lab: &Lab, java_home: Option<&Path>) -> PathBuf {
    let jvm = java_home
        .map(|h| format!("[jvm]\njava_home = \"{}\"\n", h.display()))
        .unwrap_or_default();
    let name = if java_home.is_some() {
        "named.toml"
    } else {
        "plain.toml"
    };
    let file = lab.dir.path().join(name);
    std::fs::write(
        &file,
        format!(
            "{jvm}[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://127.0.0.1:1/\"\n"
        ),
    )
    .unwrap();
    file
}

fn assert_refused(out: &Output, named_by: &str, home: &Path, why: &str, what: &str) {
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: {err}{}",
        text(&out.stdout)
    );
    assert!(
        err.contains(&format!("{named_by} {}", home.display())) && err.contains(why),
        "{what}: the error names the JVM given and why it is none: {err}"
    );
    assert!(
        out.stdout.is_empty(),
        "{what}: nothing is reported: {}",
        text(&out.stdout)
    );
}

#[test]
fn a_named_java_home_that_is_no_jvm_is_refused_by_every_command_and_no_other_jvm_is_used() {
    let lab = lab();
    write_deployment(&lab, None);
    let before = std::fs::read(&lab.path_cacerts).unwrap();
    for (home, why) in bogus_homes(&lab) {
        for args in commands(&lab) {
            let what = format!("{args:?} --java-home {}", home.display());
            let out = trustpath(&lab.path_bin)
                .args(&args)
                .arg("--java-home")
                .arg(&home)
                .output()
                .unwrap();
            assert_refused(&out, "--java-home", &home, why, &what);
            let what = format!("JAVA_HOME={} {args:?}", home.display());
            let out = trustpath(&lab.path_bin)
                .args(&args)
                .env("JAVA_HOME", &home)
                .output()
                .unwrap();
            assert_refused(&out, "JAVA_HOME", &home, why, &what);
        }
        let file = write_deployment(&lab, Some(&home));
        let out = trustpath(&lab.path_bin)
            .arg("check")
            .arg(&file)
            .output()
            .unwrap();
        let named_by = format!("{}: [jvm] java_home", file.display());
        assert_refused(&out, &named_by, &home, why, "check with [jvm] java_home");
    }
    assert_eq!(
        std::fs::read(&lab.path_cacerts).unwrap(),
        before,
        "the JVM on PATH's cacerts is byte-identical"
    );

    // The control: named nothing, the same import lands in the JVM on PATH's cacerts, so the
    // refusals above are what kept it unchanged.
    let out = trustpath(&lab.path_bin)
        .args(["store", "import", "--cacerts"])
        .arg(&lab.ca)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&lab.path_cacerts.display().to_string()));
    assert_ne!(std::fs::read(&lab.path_cacerts).unwrap(), before);
}

#[test]
fn the_real_jdks_named_by_java_home_are_used_as_named() {
    if !support::have_tool("java") {
        return;
    }
    let lab = lab();
    for (_, home) in support::jdks() {
        let out = trustpath(&lab.path_bin)
            .args(["store", "locate", "--json", "--java-home"])
            .arg(&home)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let first = &v["candidates"][0];
        assert_eq!(first["default"], true, "{v:#}");
        assert_eq!(first["origin"], "--java-home", "{v:#}");
        assert_eq!(first["java_home"], home.display().to_string(), "{v:#}");

        let out = trustpath(&lab.path_bin)
            .arg("verify")
            .arg(&lab.chain)
            .args(["--json", "--java-home"])
            .arg(&home)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let label = v["truststores"][0]["label"].as_str().unwrap().to_owned();
        assert!(
            label.starts_with(&home.display().to_string()),
            "the named JDK's cacerts judges, not the JVM on PATH's: {v:#}"
        );
        // The same JDK through JAVA_HOME.
        let out = trustpath(&lab.path_bin)
            .args(["store", "list", "--cacerts", "--json"])
            .env("JAVA_HOME", &home)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            v["store"]
                .as_str()
                .unwrap()
                .starts_with(&home.display().to_string()),
            "{}",
            v["store"]
        );
    }
}

/// The JVM line of a human report (`JVM …`), and the `jvm` object of a JSON one.
fn jvm_said(
    args: &[&std::ffi::OsStr],
    env: &[(&str, &Path)],
    lab: &Lab,
) -> (String, serde_json::Value) {
    let run = |json: bool| {
        let mut c = trustpath(&lab.path_bin);
        c.args(args);
        if json {
            c.arg("--json");
        }
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let human = text(&run(false).stdout);
    let line = human
        .lines()
        .find(|l| l.starts_with("JVM "))
        .unwrap_or_else(|| panic!("no JVM line in:\n{human}"))
        .to_owned();
    let out = run(true);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    (line, v["jvm"].clone())
}

#[test]
fn every_report_says_which_jvm_was_used_and_why() {
    let lab = lab();
    let other = lab.dir.path().join("other-jvm");
    std::fs::create_dir_all(other.join("lib/security")).unwrap();
    std::fs::copy(&lab.path_cacerts, other.join("lib/security/cacerts")).unwrap();
    std::fs::write(other.join("release"), "JAVA_VERSION=\"21.0.5\"\n").unwrap();
    let path_home = lab.path_bin.parent().unwrap().to_path_buf();
    let chain = lab.chain.as_os_str();
    let verify: Vec<&std::ffi::OsStr> = vec!["verify".as_ref(), chain];
    let plain = write_deployment(&lab, None);
    let named = write_deployment(&lab, Some(&other));
    let check_plain: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), plain.as_os_str()];
    let check_named: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), named.as_os_str()];
    let probe: Vec<&std::ffi::OsStr> = vec![
        "probe".as_ref(),
        "127.0.0.1:1".as_ref(),
        "--timeout".as_ref(),
        "1".as_ref(),
    ];
    let mut flagged = verify.clone();
    flagged.extend(["--java-home".as_ref(), other.as_os_str()]);
    let mut probe_flagged = probe.clone();
    probe_flagged.extend(["--java-home".as_ref(), other.as_os_str()]);
    let other_s = other.display().to_string();
    let path_s = path_home.display().to_string();
    /// Arguments, environment, the human line and the JSON object expected.
    type Case<'a> = (
        &'a [&'a std::ffi::OsStr],
        Vec<(&'a str, &'a Path)>,
        String,
        serde_json::Value,
    );
    let cases: Vec<Case> = vec![
        (
            &flagged,
            vec![],
            format!("JVM {other_s} (Java 21.0.5), named by --java-home"),
            serde_json::json!({"java_home": other_s, "java_version": 21, "chosen_by": "--java-home", "why": "named by --java-home"}),
        ),
        (
            &probe_flagged,
            vec![],
            format!("JVM {other_s} (Java 21.0.5), named by --java-home"),
            serde_json::json!({"java_home": other_s, "java_version": 21, "chosen_by": "--java-home", "why": "named by --java-home"}),
        ),
        (
            &verify,
            vec![("JAVA_HOME", other.as_path())],
            format!("JVM {other_s} (Java 21.0.5), named by JAVA_HOME"),
            serde_json::json!({"java_home": other_s, "java_version": 21, "chosen_by": "JAVA_HOME", "why": "named by JAVA_HOME"}),
        ),
        (
            &verify,
            vec![],
            format!("JVM {path_s}, the java found on PATH (no --java-home or JAVA_HOME named one)"),
            serde_json::json!({"java_home": path_s, "java_version": null, "chosen_by": "PATH", "why": "the java found on PATH (no --java-home or JAVA_HOME named one)"}),
        ),
        (
            &check_plain,
            vec![],
            format!("JVM {path_s}, the java found on PATH (no --java-home or JAVA_HOME named one)"),
            serde_json::json!({"java_home": path_s, "java_version": null, "chosen_by": "PATH", "why": "the java found on PATH (no --java-home or JAVA_HOME named one)"}),
        ),
        (
            &check_named,
            vec![],
            format!(
                "JVM {other_s} (Java 21.0.5), named by {}: [jvm] java_home",
                named.display()
            ),
            serde_json::json!({"java_home": other_s, "java_version": 21, "chosen_by": "[jvm] java_home", "why": format!("named by {}: [jvm] java_home", named.display())}),
        ),
    ];
    for (args, env, line, json) in cases {
        let (got_line, got_json) = jvm_said(args, &env, &lab);
        assert_eq!(got_line, line, "{args:?} {env:?}");
        assert_eq!(got_json, json, "{args:?} {env:?}");
    }
    // Nothing named and no java on PATH: said so.
    let empty = lab.dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let out = trustpath(&empty)
        .arg("verify")
        .arg(&lab.chain)
        .output()
        .unwrap();
    let human = text(&out.stdout);
    if !Path::new("/etc/ssl/certs/java/cacerts").is_file() {
        assert!(
            human.contains("JVM none: no JVM named (--java-home, JAVA_HOME) or found on PATH"),
            "{human}"
        );
    }
    // A store command's --cacerts names the JVM whose cacerts it edits.
    let out = trustpath(&lab.path_bin)
        .args(["store", "list", "--cacerts", "--java-home"])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "--cacerts is {other_s}/lib/security/cacerts of the JVM {other_s} (Java 21.0.5), named by --java-home"
        )),
        "{}",
        text(&out.stderr)
    );
}
