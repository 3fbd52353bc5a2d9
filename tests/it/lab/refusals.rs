//! Typos on the command line are refused with the reason, never turned into something else: an
//! address-like name that is no address, `--concurrency 0`; and what a user reasonably types works:
//! `serve --listen localhost:0`, and every scenario covers `::1` for `--listen [::1]:PORT`.

use std::io::{BufRead, BufReader};
use std::process::{Command as Std, Stdio};

use assert_cmd::Command;
use time::OffsetDateTime;
use trustpath::pki::scenario::{self, SCENARIOS};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn gen_refuses_a_mistyped_ipv4_address_instead_of_making_it_a_dns_name() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["999.1.1.1", "10.0.0", "192.168.1.300"] {
        let out = Command::cargo_bin("trustpath")
            .unwrap()
            .args(["gen", "lab", "--out", "lab", name])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stdout));
        assert!(
            text(&out.stderr).contains("not a valid IPv4 address"),
            "{}",
            text(&out.stderr)
        );
        assert!(!dir.path().join("lab").exists(), "{name}: nothing written");
    }
}

#[test]
fn probe_refuses_a_concurrency_of_zero() {
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .args(["probe", "127.0.0.1:1", "--concurrency", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--concurrency"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn serve_listens_on_a_host_name_and_every_scenario_covers_the_ipv6_loopback() {
    let mut child = Std::new(env!("CARGO_BIN_EXE_trustpath"))
        .args([
            "serve",
            "--scenario",
            "good",
            "--listen",
            "localhost:0",
            "--for",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("listening on 127.0.0.1:") || first.starts_with("listening on [::1]:"),
        "{first:?}"
    );
    for info in SCENARIOS {
        let sc = scenario::build(info.name, "localhost", OffsetDateTime::now_utc()).unwrap();
        if let Some(leaf) = sc
            .chain
            .first()
            .filter(|_| sc.tls && info.name != "wrong-host")
        {
            assert!(
                leaf.info().ip_addresses.contains(&"::1".to_owned()),
                "{}: {:?}",
                info.name,
                leaf.info().ip_addresses
            );
        }
    }
}

#[test]
fn verify_at_takes_a_plain_date_as_its_start_in_utc_and_explains_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = crate::support::certs::root("At Root");
    std::fs::write(dir.path().join("root.pem"), root.pem()).unwrap();
    std::fs::write(
        dir.path().join("chain.pem"),
        crate::support::certs::leaf(&["a.test"], &root).pem(),
    )
    .unwrap();
    let run = |at: &str| {
        Command::cargo_bin("trustpath")
            .unwrap()
            .args([
                "verify",
                "chain.pem",
                "--truststore",
                "root.pem",
                "--json",
                "--at",
                at,
            ])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let date = run("2027-01-01");
    let exact = run("2027-01-01T00:00:00Z");
    assert_eq!(
        date.status.code(),
        exact.status.code(),
        "{}",
        text(&date.stderr)
    );
    assert_eq!(text(&date.stdout), text(&exact.stdout));
    for bad in ["2027-13-01", "01/02/2027", "2027-01-01T25:00:00Z"] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = text(&out.stderr);
        assert!(err.contains("not a date (YYYY-MM-DD"), "{err}");
        assert!(!err.contains("Error("), "no parser internals: {err}");
    }
}

#[test]
fn errors_name_the_targets_line_and_say_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("endpoints.txt"),
        "a.test  # the app\n\nhttps://b.test:84430/\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("trustpath")
            .unwrap()
            .args(args)
            .current_dir(d)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        text(&out.stderr)
    };
    let err = run(&["probe", "--targets", "endpoints.txt"]);
    assert!(
        err.contains("--targets endpoints.txt:3: target 'https://b.test:84430/'"),
        "{err}"
    );
    std::fs::create_dir(d.join("conf.d")).unwrap();
    for args in [
        &["check", "--nginx", "missing.conf"][..],
        &["check", "--tomcat", "conf.d"][..],
        &["discover", "--tomcat", "missing.xml"][..],
    ] {
        let err = run(args);
        let line = err.lines().next().unwrap();
        let parts: Vec<&str> = line.split(": ").collect();
        let mut seen = std::collections::HashSet::new();
        assert!(
            parts.iter().all(|p| seen.insert(*p)),
            "{args:?}: a cause is repeated: {line}"
        );
    }
}

#[test]
fn serve_refuses_a_key_that_does_not_belong_to_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for lab in ["one", "two"] {
        let out = Command::cargo_bin("trustpath")
            .unwrap()
            .args(["gen", "lab", "--out", lab, "a.test"])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .args([
            "serve",
            "--cert",
            "one/server.pem",
            "--key",
            "two/server.key",
        ])
        .args(["--listen", "127.0.0.1:0", "--for", "1"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("--key does not belong to --cert: two/server.key does not belong to the leaf"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing listened: {}",
        text(&out.stdout)
    );
}
