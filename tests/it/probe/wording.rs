//! The human report never contradicts itself: a path line that reaches an anchor in the truststore
//! never ends with "no anchor" (an expired certificate is refused for that), the browser line says the
//! browser view uses Mozilla's roots rather than claiming a root is missing from the truststore shown
//! above it, and fingerprints are printed whole.

use assert_cmd::Command;
use time::OffsetDateTime;
use trustpath::pki::scenario;
use trustpath::serve::ServeConfig;

use crate::support::serve::start;

fn human(name: &str) -> String {
    let sc = scenario::build(name, "localhost", OffsetDateTime::now_utc()).unwrap();
    let server = start(ServeConfig::scenario(&sc, "127.0.0.1:0".parse().unwrap()));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("root.pem"), sc.trust_anchor.to_pem()).unwrap();
    let out = Command::cargo_bin("trustpath")
        .unwrap()
        .env("NO_COLOR", "1")
        .env_remove("JAVA_HOME")
        .current_dir(dir.path())
        .args(["probe", &format!("localhost:{}", server.addr.port())])
        .args([
            "--resolve",
            &format!("localhost:{}:127.0.0.1", server.addr.port()),
        ])
        .args(["--truststore", "root.pem"])
        .output()
        .unwrap();
    server.stop();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn path_and_browser_lines_never_contradict_the_truststore_line_above_them() {
    for name in ["expired", "good", "untrusted-root", "self-signed"] {
        let out = human(name);
        for line in out.lines() {
            let t = line.trim_start();
            if t.starts_with("path ") && t.contains("(anchor ") {
                assert!(!t.contains("no anchor"), "{name}: {line}");
            }
            if t.starts_with("browser ") {
                assert!(!t.contains("not in the truststore"), "{name}: {line}");
                // One sentence: no parenthesis right after another.
                assert!(!t.contains(") ("), "{name}: {line}");
            }
            if t.starts_with("import ") {
                let fp = t.split("sha256 ").nth(1).unwrap().trim_end_matches(')');
                assert_eq!(fp.split(':').count(), 32, "{name}: {line}");
            }
        }
        if name == "expired" {
            assert!(out.contains("… refused (see the findings)"), "{out}");
        }
        if name == "good" {
            assert!(
                out.contains(
                    "was not served and is not among Mozilla's roots: the browser view judges with these alone, not with the truststore; --browser-roots FILE adds a lab's roots"
                ),
                "{out}"
            );
        }
    }
}

#[test]
fn only_problems_shows_the_endpoints_with_a_warning_or_an_error_and_the_summary_counts_all() {
    let now = OffsetDateTime::now_utc();
    let good = scenario::build("good", "localhost", now).unwrap();
    let expired = scenario::build("expired", "localhost", now).unwrap();
    let a = start(ServeConfig::scenario(&good, "127.0.0.1:0".parse().unwrap()));
    let b = start(ServeConfig::scenario(
        &expired,
        "127.0.0.1:0".parse().unwrap(),
    ));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("good.pem"), good.trust_anchor.to_pem()).unwrap();
    std::fs::write(d.join("expired.pem"), expired.trust_anchor.to_pem()).unwrap();
    let (ta, tb) = (
        format!("127.0.0.1:{}", a.addr.port()),
        format!("127.0.0.1:{}", b.addr.port()),
    );
    let run = |extra: &[&str]| {
        Command::cargo_bin("trustpath")
            .unwrap()
            .env("NO_COLOR", "1")
            .env_remove("JAVA_HOME")
            .current_dir(d)
            .args([
                "probe",
                &ta,
                &tb,
                "--truststore",
                "good.pem",
                "--truststore",
                "expired.pem",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--only-problems"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("✗ {tb}")), "{text}");
    assert!(
        !text.contains(&ta),
        "the healthy endpoint is left out: {text}"
    );
    assert!(
        text.contains("2 endpoints, 1 with problems (1 without a warning or an error not shown: --only-problems)"),
        "{text}"
    );
    let all = run(&["-q", "--json"]);
    assert_eq!(all.status.code(), Some(2));
    a.stop();
    b.stop();
}
