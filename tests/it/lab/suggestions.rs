//! Every command line a remediation suggests runs as written: for every `serve` scenario, each
//! `trustpath …` line of every finding of `probe` (with and without `--write-fixes`) and of `check`
//! parses with trustpath's own command line, every file it names exists (or the line says how it comes
//! about: the `--write-fixes` run it names, or a root saved from its CA), and each `store import` line is
//! run: it succeeds, and the JVM verdict it promises follows. The same for every command line of every
//! remediation in the golden outputs (`tests/golden/`): each parses, names no placeholder, and runs in a
//! lab standing in for the golden's endpoint (`GOLDEN_MAP`).

use std::path::Path;

use assert_cmd::Command;
use clap::Parser;
use time::OffsetDateTime;
use trustpath::pki::scenario::{self, SCENARIOS};
use trustpath::serve::ServeConfig;

use crate::docs::readme::shell_words;
use crate::support::serve::start;

fn trustpath(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("trustpath").unwrap();
    c.env("NO_COLOR", "1")
        .env_remove("JAVA_HOME")
        .current_dir(dir);
    c
}

/// Every `trustpath …` command line in `text` (not a name such as `CN=trustpath lab root CA`): from
/// `trustpath ` up to `;`, `)`, `` ` ``, ` (` or the
/// end. `trustpath` alone (as in "`trustpath probe` shows …") counts too: it must parse.
pub(crate) fn command_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("trustpath ") {
        let tail = &rest[at..];
        // Inside a name (`CN=trustpath scenario …`, `'trustpath lab root CA'`): not a command.
        let before = rest[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || "='\"-_".contains(c)) {
            rest = &tail["trustpath ".len()..];
            continue;
        }
        let end = [";", ")", "`", " (", "\n"]
            .iter()
            .filter_map(|d| tail.find(d))
            .min()
            .unwrap_or(tail.len());
        out.push(tail[..end].trim_end_matches(['.', ',']).trim().to_owned());
        rest = &tail[end..];
    }
    out
}

/// The words of a suggested line, checked against trustpath's own parser.
fn parses(line: &str) -> Vec<String> {
    let words = shell_words(line);
    if let Err(e) = trustpath::cli::Cli::try_parse_from(&words) {
        // A bare subcommand named in prose (`trustpath probe` shows …) needs its arguments; an unknown
        // flag or subcommand is a false word.
        assert!(
            e.kind() == clap::error::ErrorKind::MissingRequiredArgument
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
            "`{line}` does not parse: {e}"
        );
    }
    words
}

/// Files a line names: words that look like paths (not flags).
fn named_files(words: &[String]) -> Vec<&String> {
    words
        .iter()
        .skip(1)
        .filter(|w| !w.starts_with('-'))
        .filter(|w| {
            w.contains('/')
                || [".pem", ".p12", ".jks", ".key", ".der", ".toml"]
                    .iter()
                    .any(|e| w.ends_with(e))
        })
        .collect()
}

struct Suggestion {
    code: String,
    remediation: String,
    line: String,
    words: Vec<String>,
}

fn suggestions(doc: &serde_json::Value) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut findings: Vec<&serde_json::Value> = Vec::new();
    for e in doc["endpoints"].as_array().unwrap() {
        findings.extend(e["findings"].as_array().unwrap());
        if let Some(p) = e["probe"].as_object() {
            findings.extend(p["findings"].as_array().unwrap());
        }
    }
    for f in findings {
        let remediation = f["remediation"].as_str().unwrap().to_owned();
        // What a line needs said comes in one parenthesis, not two in a row.
        assert!(!remediation.contains(") ("), "{}: {remediation}", f["code"]);
        for line in command_lines(&remediation) {
            let words = parses(&line);
            out.push(Suggestion {
                code: f["code"].as_str().unwrap().to_owned(),
                remediation: remediation.clone(),
                line,
                words,
            });
        }
    }
    out
}

fn probe_json(dir: &Path, target: &str, store: &Path, fixes: Option<&str>) -> serde_json::Value {
    let mut c = trustpath(dir);
    c.args(["probe", target, "--json", "--truststore"])
        .arg(store);
    if let Some(f) = fixes {
        c.args(["--write-fixes", f]);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.code().unwrap_or(9) <= 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_command_a_scenarios_findings_suggest_parses_names_real_files_and_its_imports_work() {
    let now = OffsetDateTime::now_utc();
    let mut imports_run = 0;
    for info in SCENARIOS {
        let sc = scenario::build(info.name, "localhost", now).unwrap();
        let server = start(ServeConfig::scenario(&sc, "127.0.0.1:0".parse().unwrap()));
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("lab-root.pem"), sc.trust_anchor.to_pem()).unwrap();
        let out = trustpath(d)
            .args(["store", "import", "truststore.p12", "lab-root.pem"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let target = format!("127.0.0.1:{}", server.addr.port());
        let store = d.join("truststore.p12");

        // Without --write-fixes: a file under fixes/ is one the line says `--write-fixes fixes` writes,
        // and the run it names writes it.
        let doc = probe_json(d, &target, &store, None);
        let found = suggestions(&doc);
        let announced: Vec<&String> = found
            .iter()
            .flat_map(|s| named_files(&s.words))
            .filter(|f| f.starts_with("fixes/"))
            .collect();
        for s in &found {
            for f in named_files(&s.words) {
                if f.starts_with("fixes/") {
                    assert!(
                        s.remediation
                            .contains(&format!("--write-fixes fixes writes {f}"))
                            || s.remediation
                                .contains(&format!("--write-fixes fixes` writes {f}")),
                        "{}: {}: {f} is not written and the fix does not say how: {}",
                        info.name,
                        s.code,
                        s.remediation
                    );
                }
            }
        }
        if !announced.is_empty() {
            probe_json(d, &target, &store, Some("fixes"));
            for f in &announced {
                assert!(
                    d.join(f).is_file(),
                    "{}: --write-fixes fixes did not write {f}",
                    info.name
                );
            }
        }

        // With --write-fixes: every file named exists (but a root the user saves from its CA), and every
        // import line runs.
        let doc = probe_json(d, &target, &store, Some("written"));
        for s in suggestions(&doc) {
            for f in named_files(&s.words) {
                let saved = s
                    .remediation
                    .contains(&format!("{f}: the root certificate, saved from its CA"))
                    || s.remediation
                        .contains(&format!("{f}: the CA certificate, saved from its CA"));
                assert!(
                    saved || d.join(f).exists(),
                    "{}: {}: `{}` names {f}, which does not exist",
                    info.name,
                    s.code,
                    s.line
                );
                if saved {
                    continue;
                }
            }
            let saved_only = named_files(&s.words).iter().any(|f| !d.join(f).exists());
            if s.words.get(1..3) == Some(&["store".to_owned(), "import".to_owned()]) && !saved_only
            {
                let out = trustpath(d).args(&s.words[1..]).output().unwrap();
                assert!(
                    out.status.success(),
                    "{}: `{}` fails: {}",
                    info.name,
                    s.line,
                    String::from_utf8_lossy(&out.stderr)
                );
                imports_run += 1;
                // What the import promised: the JVM verdict is now trusted.
                let after = probe_json(d, &target, &store, None);
                assert_eq!(
                    after["endpoints"][0]["trusted"], true,
                    "{}: after `{}` the endpoint is still not trusted",
                    info.name, s.line
                );
            }
        }
        server.stop();
    }
    assert!(
        imports_run >= 2,
        "the self-signed and untrusted-root imports ran ({imports_run})"
    );
}

#[test]
fn the_import_line_of_jvm_distrusts_proxy_in_check_parses_and_names_the_apps_truststore() {
    let now = OffsetDateTime::now_utc();
    let sc = scenario::build("untrusted-root", "localhost", now).unwrap();
    let server = start(ServeConfig::scenario(&sc, "127.0.0.1:0".parse().unwrap()));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let other = scenario::build("good", "localhost", now).unwrap();
    std::fs::write(d.join("lab-root.pem"), other.trust_anchor.to_pem()).unwrap();
    assert!(
        trustpath(d)
            .args(["store", "import", "app-truststore.jks", "lab-root.pem"])
            .output()
            .unwrap()
            .status
            .success()
    );
    std::fs::write(
        d.join("d.toml"),
        format!(
            "[jvm]\ntruststore = \"app-truststore.jks\"\n[[endpoint]]\nname = \"app\"\nrole = \"app\"\nurl = \"https://localhost:{}/\"\nconnect = \"127.0.0.1\"\n",
            server.addr.port()
        ),
    )
    .unwrap();
    let out = trustpath(d)
        .args(["check", "d.toml", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = suggestions(&doc);
    let distrusts: Vec<&Suggestion> = found
        .iter()
        .filter(|s| s.code == "jvm-distrusts-proxy" && s.words.get(1).is_some_and(|w| w == "store"))
        .collect();
    assert_eq!(distrusts.len(), 1, "{doc:#}");
    let import = distrusts[0];
    assert_eq!(import.words[1..3], ["store", "import"], "{}", import.line);
    assert!(
        import.words[3].ends_with("app-truststore.jks"),
        "the app's truststore is named: {}",
        import.line
    );
    // The CA file comes from the probe the remediation names, run as written; then the import runs and
    // the app's JVM trusts the endpoint.
    let probe = found
        .iter()
        .find(|s| s.code == "jvm-distrusts-proxy" && s.words.get(1).is_some_and(|w| w == "probe"))
        .unwrap_or_else(|| {
            panic!(
                "no probe line says how to write the CA file: {}",
                import.remediation
            )
        });
    let out = trustpath(d).args(&probe.words[1..]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in named_files(&import.words) {
        assert!(d.join(f).is_file(), "`{}` did not write {f}", probe.line);
    }
    let out = trustpath(d).args(&import.words[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = trustpath(d)
        .args(["check", "d.toml", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["endpoints"][0]["probe"]["trusted"], true, "{doc:#}");
    server.stop();
}

/// Every command line of every finding's remediation in the golden outputs (`tests/golden/`, JSON and
/// human), as `command_lines` finds them.
fn golden_command_lines() -> Vec<(String, String)> {
    fn remediations(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("remediation", serde_json::Value::String(s)) => out.push(s.clone()),
                        _ => remediations(v, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| remediations(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let dir = crate::support::golden::dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "txt"))
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&f).unwrap();
        let mut texts = Vec::new();
        if name.ends_with(".json") {
            remediations(&serde_json::from_str(&text).unwrap(), &mut texts);
        } else {
            texts.extend(
                text.lines()
                    .filter_map(|l| l.trim_start().strip_prefix("fix: "))
                    .map(str::to_owned),
            );
        }
        for t in texts {
            for line in command_lines(&t) {
                out.push((name.clone(), line));
            }
        }
    }
    out
}

/// The goldens' names → the lab's: the database of `check-deployment` (a self-signed certificate on
/// `localhost:5432`) is a PostgreSQL on a free port serving the `self-signed` scenario, and the app's
/// truststore `/opt/app/truststore.jks` one holding the golden root. `{pg}` is that port.
const GOLDEN_MAP: &[(&str, &str)] = &[
    ("/opt/app/truststore.jks", "truststore.jks"),
    ("localhost:5432", "localhost:{pg}"),
    ("localhost_5432", "localhost_{pg}"),
];

#[test]
fn every_command_line_of_every_golden_remediation_parses_and_runs_in_a_lab() {
    let lines = golden_command_lines();
    assert!(
        lines
            .iter()
            .any(|(_, l)| l.starts_with("trustpath store import")),
        "{lines:?}"
    );
    // Each parses, and names no placeholder of the diagnosis (`CA.pem`, `STORE`): `check` and `probe`
    // name the real store and files.
    for (file, line) in &lines {
        parses(line);
        for placeholder in ["CA.pem", "STORE"] {
            assert!(
                !shell_words(line).iter().any(|w| w == placeholder),
                "{file}: `{line}` names the placeholder {placeholder}"
            );
        }
    }
    let mut distinct: Vec<&String> = lines.iter().map(|(_, l)| l).collect();
    distinct.sort();
    distinct.dedup();
    // Run: the probe lines first (they write what the others import), then the rest.
    distinct.sort_by_key(|l| !l.starts_with("trustpath probe"));

    let now = OffsetDateTime::now_utc();
    let sc = scenario::build("self-signed", "localhost", now).unwrap();
    let served = crate::support::outbound::Served {
        chain_pem: sc.chain.iter().map(|c| c.to_pem()).collect(),
        key_pem: sc.key_pem(),
    };
    let Some(pg) = crate::support::outbound::postgres(Some(&served)) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        crate::support::golden::fixture("root.pem"),
        d.join("root.pem"),
    )
    .unwrap();
    assert!(
        trustpath(d)
            .args(["store", "import", "truststore.jks", "root.pem"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let port = pg.port("postgres").to_string();
    let mut ran = 0;
    for line in distinct {
        let mut mapped = line.clone();
        for (from, to) in GOLDEN_MAP {
            mapped = mapped.replace(from, &to.replace("{pg}", &port));
        }
        let words = shell_words(&mapped);
        let out = trustpath(d).args(&words[1..]).output().unwrap();
        // A probe of a faulty endpoint exits 1 (its findings); every other line succeeds.
        let want: &[i32] = if words[1] == "probe" { &[0, 1] } else { &[0] };
        assert!(
            out.status.code().is_some_and(|c| want.contains(&c)),
            "`{line}` (run as `{mapped}`) exits {:?}: {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for f in named_files(&words)
            .into_iter()
            .filter(|f| !f.contains("://"))
        {
            assert!(
                d.join(f).exists(),
                "`{mapped}` names {f}, which does not exist"
            );
        }
        ran += 1;
    }
    assert!(ran >= 2, "{ran}");
    // What the import promised: the database's certificate is now trusted.
    let out = trustpath(d)
        .args([
            "probe",
            &format!("postgres://localhost:{port}"),
            "--truststore",
            "truststore.jks",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
