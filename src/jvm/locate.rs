//! Finding the JVM's truststore: which `cacerts` the default JVM uses, and every other candidate on the
//! machine (`trustpath store locate`).
//!
//! The search order is what decides "the default JVM": `--java-home`, then `$JAVA_HOME`, then the `java`
//! on `PATH` (symlinks resolved, as `/usr/bin/java → /etc/alternatives/java → /usr/lib/jvm/…/bin/java`),
//! then Debian's shared `/etc/ssl/certs/java/cacerts`. Then, for the listing only, every JDK under
//! `/usr/lib/jvm` and Atlassian's bundled JREs (`/opt/atlassian/*/jre`). Both layouts are understood:
//! `lib/security/cacerts` (JDK 9+) and `jre/lib/security/cacerts` (JDK 8 and bundled JREs).
//! [`locate_all`] also reads every candidate, for the listing.

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
pub fn candidates(env: &LocateEnv) -> Vec<Candidate> {
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
    let homes = [
        (env.java_home_flag.clone(), "--java-home"),
        (env.java_home_env.clone(), "$JAVA_HOME"),
        (java_home_on_path(env.path_env.as_deref()), "java on PATH"),
    ];
    for (home, origin) in homes {
        if let Some((home, c)) = home.and_then(|h| cacerts_in(&h).map(|c| (h, c))) {
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
    out
}

/// The store the default JVM uses, if one is found.
pub fn default_cacerts(env: &LocateEnv) -> Option<Candidate> {
    candidates(env).into_iter().find(|c| c.default)
}

/// The path of the default JVM's cacerts (`--cacerts`), or an error saying where trustpath looked.
pub fn default_cacerts_path(env: &LocateEnv) -> Result<PathBuf> {
    match default_cacerts(env) {
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

/// Every candidate, each read with `password`.
pub fn locate_all(env: &LocateEnv, password: &str) -> Vec<LocatedStore> {
    candidates(env)
        .into_iter()
        .map(|candidate| {
            let store =
                crate::storefile::load(&candidate.path, password).map_err(|e| format!("{e:#}"));
            LocatedStore { candidate, store }
        })
        .collect()
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
        let c = candidates(&env);
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
        let d = default_cacerts(&env).unwrap();
        assert_eq!(d.origin, "java on PATH");
        assert_eq!(d.java_home.unwrap(), std::fs::canonicalize(&home).unwrap());
    }

    #[test]
    fn no_jvm_means_no_default() {
        let t = tempfile::tempdir().unwrap();
        let env = LocateEnv {
            system_cacerts: t.path().join("none"),
            ..LocateEnv::default()
        };
        assert!(default_cacerts(&env).is_none());
    }
}
