//! Killed at any point, a store edit loses nothing: SIGKILL at random moments and at each system-call
//! phase (strace's fault injection: after the Nth `fsync`, `rename`, `fchmod`, …, and a full disk as
//! `ENOSPC` on the Nth `write`) of `store import`, `store remove` and an in-place `store convert`, on JKS,
//! JCEKS and PKCS#12 copies of the JDK's cacerts (mode 0600). After each: the JVM loads the store with
//! the old content or the new, every backup is complete and 0600; after the next successful run no
//! temporary file remains and the store holds the new content. And concurrent imports racing a removal
//! and an in-place convert all land.
//!
//! The suite runs a bounded sample. The long run is by hand, e.g.:
//! `TRUSTPATH_KILL_ROUNDS=25 TRUSTPATH_KILL_PHASES=all TRUSTPATH_KILL_SEED=7 cargo test --test it
//! store::kill -- --nocapture` (25 random kills per format and operation, every phase).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::storecheck::{self, Judged};
use crate::support::{self, certs};

/// A small deterministic generator (xorshift64*), seeded from `TRUSTPATH_KILL_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    Import,
    Remove,
    Convert,
}

struct Fixture {
    home: PathBuf,
    dir: PathBuf,
    ca: PathBuf,
    present: PathBuf,
    removed_alias: String,
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("trustpath")
}

/// The arguments of `op` on `store` (of `format`).
fn op_args(fx: &Fixture, op: Op, format: &str, store: &Path) -> Vec<String> {
    let s = store.display().to_string();
    match op {
        Op::Import => vec![
            "store".into(),
            "import".into(),
            s,
            fx.ca.display().to_string(),
        ],
        Op::Remove => vec![
            "store".into(),
            "remove".into(),
            s,
            "--alias".into(),
            fx.removed_alias.clone(),
        ],
        Op::Convert => {
            let to = if format == "pkcs12" { "jks" } else { "pkcs12" };
            vec![
                "store".into(),
                "convert".into(),
                s.clone(),
                s,
                "--to".into(),
                to.into(),
                "--force".into(),
            ]
        }
    }
}

fn run_ok(args: &[String]) {
    let out = Command::new(bin())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "trustpath {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Keytool copies of the JDK's cacerts in each format, a CA to import, a certificate already present,
/// an alias to remove.
fn fixture(name: &str) -> Option<Fixture> {
    if !support::have_tool("keytool") || !support::have_tool("java") {
        return None;
    }
    let (major, home) = support::jdks().into_iter().next()?;
    let cacerts = std::fs::canonicalize(home.join("lib/security/cacerts")).ok()?;
    let dir = support::javastore::scratch(name, major);
    for (format, file) in [
        ("JKS", "base.jks"),
        ("JCEKS", "base.jceks"),
        ("PKCS12", "base.p12"),
    ] {
        support::javastore::keytool(
            &home,
            &[
                "-importkeystore",
                "-noprompt",
                "-srckeystore",
                cacerts.to_str().unwrap(),
                "-srcstorepass",
                "changeit",
                "-destkeystore",
                dir.join(file).to_str().unwrap(),
                "-deststoretype",
                format,
                "-deststorepass",
                "changeit",
            ],
        );
    }
    let ca = dir.join("kill-test-root.pem");
    std::fs::write(&ca, certs::root("Kill Test Root").pem()).unwrap();
    let list = Command::new(bin())
        .args(["store", "list", "--json"])
        .arg(dir.join("base.jks"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let aliases: Vec<String> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["alias"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        aliases.len() >= 100,
        "cacerts has {} entries",
        aliases.len()
    );
    let present = dir.join("present.pem");
    let exported = Command::new(bin())
        .args(["store", "export", "--alias", &aliases[1]])
        .arg(dir.join("base.jks"))
        .output()
        .unwrap();
    std::fs::write(&present, exported.stdout).unwrap();
    Some(Fixture {
        home,
        dir,
        ca,
        present,
        removed_alias: aliases[0].clone(),
    })
}

fn base_of(fx: &Fixture, format: &str) -> PathBuf {
    fx.dir.join(match format {
        "jks" => "base.jks",
        "jceks" => "base.jceks",
        _ => "base.p12",
    })
}

/// A fresh 0600 copy of the base store in its own directory.
fn fresh(fx: &Fixture, format: &str, label: &str) -> PathBuf {
    let d = fx.dir.join(label);
    std::fs::create_dir_all(&d).unwrap();
    let store = d.join("cacerts");
    std::fs::copy(base_of(fx, format), &store).unwrap();
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o600)).unwrap();
    store
}

fn entries(dir: &Path, pred: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| pred(&p.file_name().unwrap().to_string_lossy()))
        .collect();
    v.sort();
    v
}

fn backups(store: &Path) -> Vec<PathBuf> {
    entries(store.parent().unwrap(), |n| {
        n.starts_with("cacerts.") && n.ends_with(".bak")
    })
}

fn temps(store: &Path) -> Vec<PathBuf> {
    entries(store.parent().unwrap(), |n| {
        n.starts_with(".trustpath-") && n.ends_with(".tmp")
    })
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// One faulted run: how it was faulted, and the store it ran on.
struct Round {
    label: String,
    op: Op,
    format: &'static str,
    store: PathBuf,
}

/// The system-call phases faulted: (strace injection, occurrence). By default each (format, operation)
/// gets every third point of a short list, so the suite covers every point once per operation; with
/// `TRUSTPATH_KILL_PHASES=all` every combination gets every point of a long list (the early and frequent
/// calls too: the run's first dozens of `openat` and `write`).
fn phases(combination: usize) -> Vec<(String, u32)> {
    let all = std::env::var("TRUSTPATH_KILL_PHASES").is_ok_and(|v| v == "all");
    let points: Vec<(String, u32)> = phase_list(all)
        .into_iter()
        .flat_map(|(inject, range)| range.map(move |n| (inject.clone(), n)))
        .collect();
    if all {
        return points;
    }
    points
        .into_iter()
        .enumerate()
        .filter(|(j, _)| j % 3 == combination % 3)
        .map(|(_, p)| p)
        .collect()
}

fn phase_list(all: bool) -> Vec<(String, std::ops::RangeInclusive<u32>)> {
    let mut v: Vec<(String, std::ops::RangeInclusive<u32>)> = vec![
        ("flock:signal=SIGKILL".into(), 1..=1),
        ("fchmod:signal=SIGKILL".into(), 1..=2),
        ("fsync:signal=SIGKILL".into(), 1..=3),
        ("fdatasync:signal=SIGKILL".into(), 1..=1),
        ("rename:signal=SIGKILL".into(), 1..=1),
        ("renameat2:signal=SIGKILL".into(), 1..=1),
        ("write:error=ENOSPC".into(), 1..=3),
    ];
    if all {
        v = vec![
            ("flock:signal=SIGKILL".into(), 1..=2),
            ("fchmod:signal=SIGKILL".into(), 1..=4),
            ("fchown:signal=SIGKILL".into(), 1..=2),
            ("fsync:signal=SIGKILL".into(), 1..=4),
            ("fdatasync:signal=SIGKILL".into(), 1..=2),
            ("rename:signal=SIGKILL".into(), 1..=2),
            ("renameat2:signal=SIGKILL".into(), 1..=2),
            ("linkat:signal=SIGKILL".into(), 1..=2),
            ("unlink:signal=SIGKILL".into(), 1..=2),
            ("write:signal=SIGKILL".into(), 1..=12),
            ("openat:signal=SIGKILL".into(), 1..=40),
            ("write:error=ENOSPC".into(), 1..=12),
            ("fsync:error=EIO".into(), 1..=4),
            ("fdatasync:error=EIO".into(), 1..=2),
        ];
    }
    v
}

#[test]
fn a_store_edit_killed_at_any_point_loses_nothing_and_leaves_no_partial_file() {
    let Some(fx) = fixture("kill") else { return };
    let strace = support::have_tool("strace");
    let rounds_per = env_number("TRUSTPATH_KILL_ROUNDS", 2);
    let mut rng = Rng(env_number("TRUSTPATH_KILL_SEED", 11).max(1));
    let formats: [&'static str; 3] = ["jks", "jceks", "pkcs12"];
    let ops = [Op::Import, Op::Remove, Op::Convert];

    // The content before and after each operation, as the JVM reads it.
    let mut expected = Vec::new();
    let mut durations = Vec::new();
    for format in formats {
        for op in ops {
            let store = fresh(&fx, format, &format!("ref-{format}-{op:?}"));
            let t = Instant::now();
            run_ok(&op_args(&fx, op, format, &store));
            durations.push(t.elapsed());
            expected.push((format, op, base_of(&fx, format), store));
        }
    }
    let mut to_judge: Vec<PathBuf> = Vec::new();
    for (_, _, old, new) in &expected {
        to_judge.push(old.clone());
        to_judge.push(new.clone());
    }
    let verdicts = storecheck::judge(&fx.home, &fx.dir, &to_judge);
    let mut contents = std::collections::HashMap::new();
    for (i, (format, op, _, _)) in expected.iter().enumerate() {
        let (old, new) = (&verdicts[2 * i], &verdicts[2 * i + 1]);
        assert!(matches!(old, Judged::Loaded(..)), "{format} base: {old:?}");
        assert!(
            matches!(new, Judged::Loaded(..)),
            "{format} {op:?}: {new:?}"
        );
        assert_ne!(old, new, "{format} {op:?} changes the store");
        contents.insert((*format, *op), (old.clone(), new.clone()));
    }

    // Fault every (format, operation) at random moments and at each system-call phase.
    let mut rounds = Vec::new();
    let mut k = 0;
    for (i, (format, op, _, _)) in expected.iter().enumerate() {
        let (format, op) = (*format, *op);
        let span = durations[i].as_micros().max(1000) as u64 * 6 / 5;
        for r in 0..rounds_per {
            let label = format!("r{k}-{format}-{op:?}-random{r}");
            k += 1;
            let store = fresh(&fx, format, &label);
            let mut child = Command::new(bin())
                .args(op_args(&fx, op, format, &store))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_micros(rng.next() % span));
            let _ = child.kill();
            child.wait().unwrap();
            rounds.push(Round {
                label,
                op,
                format,
                store,
            });
        }
        if !strace {
            continue;
        }
        for (inject, n) in phases(i) {
            let syscall = inject.split(':').next().unwrap().to_owned();
            {
                let label = format!(
                    "r{k}-{format}-{op:?}-{}-{n}",
                    inject.replace([':', '='], "_")
                );
                k += 1;
                let store = fresh(&fx, format, &label);
                let out = Command::new("strace")
                    .args(["-f", "-qq", "-o", "/dev/null", "-e"])
                    .arg(format!("trace={syscall}"))
                    .arg("-e")
                    .arg(format!("inject={inject}:when={n}"))
                    .arg(bin())
                    .args(op_args(&fx, op, format, &store))
                    .env("NO_COLOR", "1")
                    .output()
                    .unwrap();
                if inject.contains("error=") {
                    // Not killed: an error is reported and cleaned up after, on the spot.
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    assert!(
                        out.status.success() || stderr.contains("trustpath: error:"),
                        "{label}: {stderr}"
                    );
                    assert!(temps(&store).is_empty(), "{label}: {:?}", temps(&store));
                }
                rounds.push(Round {
                    label,
                    op,
                    format,
                    store,
                });
            }
        }
    }

    // What each fault left: the store with the old content or the new, complete 0600 backups.
    let mut paths = Vec::new();
    let mut owners = Vec::new();
    for (i, round) in rounds.iter().enumerate() {
        assert_eq!(
            mode(&round.store),
            0o600,
            "{}: the store's mode",
            round.label
        );
        paths.push(round.store.clone());
        owners.push((i, false));
        for b in backups(&round.store) {
            assert_eq!(
                mode(&b),
                0o600,
                "{}: backup {} mode",
                round.label,
                b.display()
            );
            paths.push(b);
            owners.push((i, true));
        }
    }
    let verdicts = storecheck::judge(&fx.home, &fx.dir, &paths);
    let mut new_after_fault = vec![false; rounds.len()];
    let (mut old_seen, mut new_seen, mut backups_seen, mut temps_seen) = (0, 0, 0, 0);
    for ((i, is_backup), (verdict, path)) in owners.iter().zip(verdicts.iter().zip(&paths)) {
        let round = &rounds[*i];
        let (old, new) = &contents[&(round.format, round.op)];
        if *is_backup {
            backups_seen += 1;
            assert_eq!(
                verdict,
                old,
                "{}: backup {} is not the old store",
                round.label,
                path.display()
            );
        } else if verdict == old {
            old_seen += 1;
        } else {
            assert_eq!(
                verdict, new,
                "{}: the store is neither old nor new",
                round.label
            );
            new_seen += 1;
            new_after_fault[*i] = true;
        }
    }

    // The next successful run removes every temporary file and leaves the new content.
    for (i, round) in rounds.iter().enumerate() {
        temps_seen += temps(&round.store).len();
        let args = if new_after_fault[i] {
            vec![
                "store".to_owned(),
                "import".to_owned(),
                round.store.display().to_string(),
                fx.present.display().to_string(),
            ]
        } else {
            op_args(&fx, round.op, round.format, &round.store)
        };
        run_ok(&args);
        assert!(
            temps(&round.store).is_empty(),
            "{}: temporary files survive the next run: {:?}",
            round.label,
            temps(&round.store)
        );
    }
    let finals: Vec<PathBuf> = rounds.iter().map(|r| r.store.clone()).collect();
    let verdicts = storecheck::judge(&fx.home, &fx.dir, &finals);
    for (round, verdict) in rounds.iter().zip(&verdicts) {
        let (_, new) = &contents[&(round.format, round.op)];
        assert_eq!(verdict, new, "{}: after the next run", round.label);
        assert_eq!(mode(&round.store), 0o600, "{}", round.label);
    }
    eprintln!(
        "kill test: {} faulted runs ({} left the old store, {} the new), {} backups checked, {} temporary \
         files left by kills and removed by the next run",
        rounds.len(),
        old_seen,
        new_seen,
        backups_seen,
        temps_seen
    );
    let _ = std::fs::remove_dir_all(&fx.dir);
}

#[test]
fn concurrent_imports_racing_a_removal_and_an_in_place_convert_all_land() {
    let Some(fx) = fixture("race") else { return };
    let roots: Vec<(String, PathBuf)> = (0..6)
        .map(|i| {
            let cn = format!("Race Root {i}");
            let p = fx.dir.join(format!("race-{i}.pem"));
            std::fs::write(&p, certs::root(&cn).pem()).unwrap();
            (format!("race-root-{i}"), p)
        })
        .collect();
    let rounds = env_number("TRUSTPATH_RACE_ROUNDS", 2);
    let mut finals = Vec::new();
    let mut base_count = 0;
    for format in ["jks", "jceks", "pkcs12"] {
        for r in 0..rounds {
            let store = fresh(&fx, format, &format!("race-{format}-{r}"));
            if base_count == 0 {
                let v = storecheck::judge(&fx.home, &fx.dir, std::slice::from_ref(&store));
                let Judged::Loaded(n, _) = &v[0] else {
                    panic!("{v:?}")
                };
                base_count = *n;
            }
            let mut jobs: Vec<Vec<String>> = roots
                .iter()
                .map(|(_, p)| {
                    vec![
                        "store".into(),
                        "import".into(),
                        store.display().to_string(),
                        p.display().to_string(),
                        "--no-backup".into(),
                    ]
                })
                .collect();
            jobs.insert(3, op_args(&fx, Op::Remove, format, &store));
            jobs.insert(5, op_args(&fx, Op::Convert, format, &store));
            let children: Vec<(Vec<String>, std::process::Child)> = jobs
                .into_iter()
                .map(|args| {
                    let c = Command::new(bin())
                        .args(&args)
                        .stdout(Stdio::null())
                        .stderr(Stdio::piped())
                        .spawn()
                        .unwrap();
                    (args, c)
                })
                .collect();
            for (args, c) in children {
                let out = c.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "{args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let list = Command::new(bin())
                .args(["store", "list", "--json"])
                .arg(&store)
                .output()
                .unwrap();
            let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
            let aliases: Vec<&str> = v["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["alias"].as_str().unwrap())
                .collect();
            for (alias, _) in &roots {
                assert!(aliases.contains(&alias.as_str()), "{format}: {alias} lost");
            }
            assert!(!aliases.contains(&fx.removed_alias.as_str()));
            assert!(temps(&store).is_empty());
            finals.push(store);
        }
    }
    for (store, verdict) in finals
        .iter()
        .zip(storecheck::judge(&fx.home, &fx.dir, &finals))
    {
        assert!(
            matches!(verdict, Judged::Loaded(n, _) if n == base_count - 1 + roots.len()),
            "{}: {verdict:?}",
            store.display()
        );
    }
    let _ = std::fs::remove_dir_all(&fx.dir);
}
