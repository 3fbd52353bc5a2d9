//! Finding the JVM's truststore: which `cacerts` the default JVM uses, and every other candidate on the
//! machine (`trustpath store locate`).
//!
//! The search order is what decides "the default JVM": `--java-home`, then `$JAVA_HOME`, then the `java`
//! on `PATH` (symlinks resolved, as `/usr/bin/java → /etc/alternatives/java → /usr/lib/jvm/…/bin/java`),
//! then Debian's shared `/etc/ssl/certs/java/cacerts`. Then, for the listing only, every JDK under
//! `/usr/lib/jvm` and Atlassian's bundled JREs (`/opt/atlassian/*/jre`). Both layouts are understood:
//! `lib/security/cacerts` (JDK 9+) and `jre/lib/security/cacerts` (JDK 8 and bundled JREs).
//! [`locate_all`] also reads every candidate, for the listing.
//!
//! A JVM someone named (`--java-home`, `[jvm] java_home`, `$JAVA_HOME`) is used or refused, never
//! replaced: a named directory that does not exist or holds no `cacerts` is an error saying what is
//! missing ([`require_jvm`]); the search order only applies when nothing was named.

use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::error::Result;
use crate::truststore::TrustStore;

/// Where to look, so that tests can point the search at a fake file system.
#[derive(Debug, Clone, Default)]
pub struct LocateEnv {
    /// `--java-home`.
    pub java_home_flag: Option<PathBuf>,
    /// `$JAVA_HOME`.
    pub java_home_env: Option<PathBuf>,
    /// `$PATH`.
    pub path_env: Option<std::ffi::OsString>,
    /// Debian's shared Java truststore.
    pub system_cacerts: PathBuf,
    /// Directories whose children are JDKs (`/usr/lib/jvm`).
    pub jvm_dirs: Vec<PathBuf>,
    /// Directories whose children are Atlassian products with a bundled `jre` (`/opt/atlassian`).
    pub atlassian_dirs: Vec<PathBuf>,
}

impl LocateEnv {
    /// The real machine's environment, with `--java-home` when given.
    pub fn from_process(java_home_flag: Option<PathBuf>) -> LocateEnv {
        LocateEnv {
            java_home_flag,
            java_home_env: std::env::var_os("JAVA_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            path_env: std::env::var_os("PATH"),
            system_cacerts: PathBuf::from("/etc/ssl/certs/java/cacerts"),
            jvm_dirs: vec![PathBuf::from("/usr/lib/jvm")],
            atlassian_dirs: vec![PathBuf::from("/opt/atlassian")],
        }
    }
}

/// One `cacerts` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The path as found (may be a symlink).
    pub path: PathBuf,
    /// The file it resolves to.
    pub real_path: PathBuf,
    /// How it was found: `--java-home`, `$JAVA_HOME`, `java on PATH`, `system`, `/usr/lib/jvm`,
    /// `atlassian`.
    pub origin: String,
    /// The Java home it belongs to, when known.
    pub java_home: Option<PathBuf>,
    /// Whether this is the store the default JVM uses (the first of the default-defining origins).
    pub default: bool,
    /// Other places that resolve to the same file (e.g. a second JDK whose `cacerts` is a symlink to
    /// Debian's shared store): an edit of this store changes what they trust too.
    pub also: Vec<PathBuf>,
}

/// The `cacerts` inside a Java home, in either layout.
pub fn cacerts_in(java_home: &Path) -> Option<PathBuf> {
    ["lib/security/cacerts", "jre/lib/security/cacerts"]
        .iter()
        .map(|rel| java_home.join(rel))
        .find(|p| p.is_file())
}

/// The `java.security` file of a Java home (`conf/security` for JDK 9+, `jre/lib/security` for JDK 8),
/// whose `jdk.certpath.disabledAlgorithms` the JVM applies.
pub fn java_security_in(java_home: &Path) -> Option<PathBuf> {
    [
        "conf/security/java.security",
        "jre/lib/security/java.security",
        "lib/security/java.security",
    ]
    .iter()
    .map(|rel| java_home.join(rel))
    .find(|p| p.is_file())
}

/// Checks that `home`, named by `named_by` (`--java-home`, `JAVA_HOME`, `[jvm] java_home in FILE`), is
/// a Java home with a truststore: a directory holding `lib/security/cacerts` (or JDK 8's
/// `jre/lib/security/cacerts`). The error names what was given and what is missing, and the Java home
/// above it when the path points inside one (`…/bin`, `…/bin/java`, `…/lib/security/cacerts`).
pub fn require_jvm(home: &Path, named_by: &str) -> Result<()> {
    let shown = home.display();
    let meta = match std::fs::metadata(home) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("{named_by} {shown}: no such directory, so no JVM is there")
        }
        Err(e) => bail!("{named_by} {shown}: cannot read it: {}", io_cause(&e)),
    };
    if !meta.is_dir() {
        bail!(
            "{named_by} {shown} is a file, not a Java home (the directory holding bin/java and \
             lib/security/cacerts){}",
            java_home_near(home)
        );
    }
    if cacerts_in(home).is_some() {
        return Ok(());
    }
    let mut missing = vec!["no lib/security/cacerts (nor jre/lib/security/cacerts)"];
    if !home.join("release").is_file() {
        missing.push("no release file");
    }
    if !home.join("bin/java").is_file() {
        missing.push("no bin/java");
    }
    let what = if missing.len() == 1 {
        "is a JVM without its truststore"
    } else {
        "is not a JVM"
    };
    bail!(
        "{named_by} {shown} {what}: it has {}{}",
        missing.join(", "),
        java_home_near(home)
    )
}

/// "; the Java home above it is X" when `path` is inside a Java home, "; Java homes in it: A, B" when
/// it holds some (`/usr/lib/jvm`), else nothing.
fn java_home_near(path: &Path) -> String {
    if let Some(home) = path
        .ancestors()
        .skip(1)
        .take(4)
        .find(|a| !a.as_os_str().is_empty() && cacerts_in(a).is_some())
    {
        return format!("; the Java home above it is {}", home.display());
    }
    let inside: Vec<String> = children(path)
        .into_iter()
        .filter(|c| cacerts_in(c).is_some())
        .map(|c| c.display().to_string())
        .collect();
    if inside.is_empty() {
        String::new()
    } else {
        format!("; Java homes in it: {}", inside.join(", "))
    }
}

/// An I/O error's cause without the "(os error N)" suffix that would repeat it.
fn io_cause(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}

/// The Java home someone named, checked: `--java-home` (or what a caller put in its place), else
/// `$JAVA_HOME`; `None` when neither is set. A named home that is no JVM is an error, never skipped.
pub fn named_home(env: &LocateEnv) -> Result<Option<(PathBuf, &'static str)>> {
    if let Some(home) = &env.java_home_flag {
        require_jvm(home, "--java-home")?;
        return Ok(Some((home.clone(), "--java-home")));
    }
    if let Some(home) = &env.java_home_env {
        require_jvm(home, "JAVA_HOME")?;
        return Ok(Some((home.clone(), "$JAVA_HOME")));
    }
    Ok(None)
}

/// The Java home of the `java` found on `path_env`, symlinks resolved.
pub fn java_home_on_path(path_env: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let path_env = path_env?;
    let java = std::env::split_paths(path_env)
        .map(|d| d.join("java"))
        .find(|p| p.is_file())?;
    let real = std::fs::canonicalize(java).ok()?;
    let bin = real.parent()?;
    let home = bin.parent()?;
    // JDK 8's `jre/bin/java`: the Java home is above `jre`.
    if home.file_name().is_some_and(|n| n == "jre") && cacerts_in(home).is_none() {
        return home.parent().map(Path::to_path_buf);
    }
    Some(home.to_path_buf())
}

/// Every candidate, the default first, without duplicates (by resolved path; the first origin wins).
/// A named Java home that is no JVM is an error (see [`named_home`]).
pub fn candidates(env: &LocateEnv) -> Result<Vec<Candidate>> {
    let named = named_home(env)?;
    let mut out: Vec<Candidate> = Vec::new();
    let push =
        |out: &mut Vec<Candidate>, path: PathBuf, origin: &str, java_home: Option<PathBuf>| {
            let real_path = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if let Some(existing) = out.iter_mut().find(|c| c.real_path == real_path) {
                if existing.path != path && !existing.also.contains(&path) {
                    existing.also.push(path);
                }
                return;
            }
            out.push(Candidate {
                path,
                real_path,
                origin: origin.to_owned(),
                java_home,
                default: false,
                also: Vec::new(),
            });
        };
    // A named home is the default (checked above to hold a cacerts); the rest of the search order only
    // decides when nothing was named, and is listed all the same.
    let homes = [
        named,
        env.java_home_env.clone().map(|h| (h, "$JAVA_HOME")),
        java_home_on_path(env.path_env.as_deref()).map(|h| (h, "java on PATH")),
    ];
    for (home, origin) in homes.into_iter().flatten() {
        if let Some(c) = cacerts_in(&home) {
            push(&mut out, c, origin, Some(home));
        }
    }
    if env.system_cacerts.is_file() {
        push(&mut out, env.system_cacerts.clone(), "system", None);
    }
    let default_count = out.len();
    for dir in &env.jvm_dirs {
        for home in children(dir) {
            if let Some(c) = cacerts_in(&home) {
                push(&mut out, c, "/usr/lib/jvm", Some(home));
            }
        }
    }
    for dir in &env.atlassian_dirs {
        for product in children(dir) {
            let home = product.join("jre");
            if let Some(c) = cacerts_in(&home) {
                push(&mut out, c, "atlassian", Some(home));
            }
        }
    }
    if default_count > 0 {
        out[0].default = true;
    }
    Ok(out)
}

/// The store the default JVM uses, if one is found; an error when a named Java home is no JVM.
pub fn default_cacerts(env: &LocateEnv) -> Result<Option<Candidate>> {
    Ok(candidates(env)?.into_iter().find(|c| c.default))
}

/// The path of the default JVM's cacerts (`--cacerts`), or an error saying where trustpath looked.
pub fn default_cacerts_path(env: &LocateEnv) -> Result<PathBuf> {
    match default_cacerts(env)? {
        Some(c) => Ok(c.path),
        None => bail!(
            "no JVM truststore found (looked at --java-home, $JAVA_HOME, the java on PATH and {}); pass the \
             store's path instead of --cacerts",
            env.system_cacerts.display()
        ),
    }
}

/// One candidate with what reading it found.
#[derive(Debug, Clone)]
pub struct LocatedStore {
    /// The candidate.
    pub candidate: Candidate,
    /// The store, if it could be read (else why not).
    pub store: std::result::Result<TrustStore, String>,
}

/// Every candidate, each read with `password`; an error when a named Java home is no JVM.
pub fn locate_all(env: &LocateEnv, password: &str) -> Result<Vec<LocatedStore>> {
    Ok(candidates(env)?
        .into_iter()
        .map(|candidate| {
            let store =
                crate::storefile::load(&candidate.path, password).map_err(|e| format!("{e:#}"));
            LocatedStore { candidate, store }
        })
        .collect())
}

fn children(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    #[test]
    fn java_home_flag_wins_and_both_layouts_are_found() {
        let t = tempfile::tempdir().unwrap();
        let jdk17 = t.path().join("jvm/jdk-17");
        let jre8 = t.path().join("atl/confluence/jre");
        touch(&jdk17.join("lib/security/cacerts"));
        touch(&jre8.join("lib/security/cacerts"));
        let jdk8 = t.path().join("jvm/jdk8");
        touch(&jdk8.join("jre/lib/security/cacerts"));
        let env = LocateEnv {
            java_home_flag: Some(jdk8.clone()),
            java_home_env: Some(jdk17.clone()),
            path_env: None,
            system_cacerts: t.path().join("none"),
            jvm_dirs: vec![t.path().join("jvm")],
            atlassian_dirs: vec![t.path().join("atl")],
        };
        let shared = t.path().join("jvm/jdk-25");
        std::fs::create_dir_all(shared.join("lib/security")).unwrap();
        std::os::unix::fs::symlink(
            jdk17.join("lib/security/cacerts"),
            shared.join("lib/security/cacerts"),
        )
        .unwrap();
        let c = candidates(&env).unwrap();
        assert_eq!(c[1].also, [shared.join("lib/security/cacerts")]);
        let origins: Vec<&str> = c.iter().map(|c| c.origin.as_str()).collect();
        assert_eq!(origins, ["--java-home", "$JAVA_HOME", "atlassian"]);
        assert!(c[0].default && !c[1].default);
        assert!(c[0].path.ends_with("jre/lib/security/cacerts"));
    }

    #[test]
    fn java_on_path_is_resolved_through_symlinks() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("jvm/jdk-21");
        touch(&home.join("bin/java"));
        touch(&home.join("lib/security/cacerts"));
        let bin = t.path().join("usr/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(home.join("bin/java"), bin.join("java")).unwrap();
        let env = LocateEnv {
            path_env: Some(bin.into_os_string()),
            system_cacerts: t.path().join("none"),
            ..LocateEnv::default()
        };
        let d = default_cacerts(&env).unwrap().unwrap();
        assert_eq!(d.origin, "java on PATH");
        assert_eq!(d.java_home.unwrap(), std::fs::canonicalize(&home).unwrap());
    }

    #[test]
    fn a_named_java_home_that_is_no_jvm_is_refused_never_replaced() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().join("jvm/jdk-17");
        touch(&real.join("lib/security/cacerts"));
        touch(&real.join("bin/java"));
        let empty = t.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let base = LocateEnv {
            java_home_env: Some(real.clone()),
            system_cacerts: t.path().join("none"),
            jvm_dirs: vec![t.path().join("jvm")],
            ..LocateEnv::default()
        };
        let cases = [
            (t.path().join("missing"), "no such directory"),
            (
                empty.clone(),
                "is not a JVM: it has no lib/security/cacerts (nor jre/lib/security/cacerts), no release file, no bin/java",
            ),
            (real.join("bin/java"), "is a file, not a Java home"),
        ];
        for (home, why) in cases {
            let env = LocateEnv {
                java_home_flag: Some(home.clone()),
                ..base.clone()
            };
            let e = format!("{:#}", default_cacerts(&env).unwrap_err());
            assert!(
                e.starts_with(&format!("--java-home {}", home.display())),
                "{e}"
            );
            assert!(e.contains(why), "{e}");
        }
        let e = format!(
            "{:#}",
            candidates(&LocateEnv {
                java_home_flag: Some(real.join("bin")),
                ..base.clone()
            })
            .unwrap_err()
        );
        assert!(
            e.contains(&format!("; the Java home above it is {}", real.display())),
            "{e}"
        );
        let env = LocateEnv {
            java_home_flag: None,
            java_home_env: Some(empty.clone()),
            ..base.clone()
        };
        let e = format!("{:#}", default_cacerts_path(&env).unwrap_err());
        assert!(
            e.starts_with(&format!("JAVA_HOME {} is not a JVM", empty.display())),
            "{e}"
        );
        assert_eq!(
            default_cacerts(&base).unwrap().unwrap().java_home,
            Some(real)
        );
    }

    #[test]
    fn no_jvm_means_no_default() {
        let t = tempfile::tempdir().unwrap();
        let env = LocateEnv {
            system_cacerts: t.path().join("none"),
            ..LocateEnv::default()
        };
        assert!(default_cacerts(&env).unwrap().is_none());
    }
}
