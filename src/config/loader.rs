//! Where configuration files come from: a [`Loader`] reads files and lists directories, so the parsers
//! follow `include`s, and the offline checks read the keystores and certificates a configuration names,
//! without touching the file system themselves. [`FsLoader`] reads the real files (bounded); [`MemLoader`]
//! serves files held in memory (tests, and callers that already have the text).
//!
//! Also here: [`Source`] (a file and a line, printed `nginx.conf:42`) that every parsed item carries, and
//! the glob expansion nginx and Apache apply to `include` patterns (`*`, `?`, `[a-z]`, `[!x]`, sorted,
//! hidden files not matched by a wildcard, as glob(3)).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Largest configuration file read (nginx and Apache configurations are a few KiB).
pub const MAX_CONFIG_FILE: u64 = 4 * 1024 * 1024;

/// A place in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source {
    /// The file, as read.
    pub file: PathBuf,
    /// The file as shown in messages: its path relative to the main configuration's directory when it lies
    /// under it (`nginx.conf`, `conf.d/ssl.conf`), else the full path.
    pub label: String,
    /// 1-based line.
    pub line: usize,
}

impl Source {
    /// A source in `file`, labelled relative to `root` (the main configuration's directory).
    pub fn new(file: &Path, root: &Path, line: usize) -> Source {
        Source {
            file: file.to_path_buf(),
            label: label(file, root),
            line,
        }
    }

    /// The same file at another line.
    pub fn at(&self, line: usize) -> Source {
        Source {
            line,
            ..self.clone()
        }
    }

    /// The directory of the file (for paths relative to it).
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.label, self.line)
    }
}

/// `file` relative to `root` when under it, else as given.
pub fn label(file: &Path, root: &Path) -> String {
    match file.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => file.display().to_string(),
    }
}

/// A value parsed from a configuration, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub source: Source,
}

/// Reads the files of a deployment's configuration: the configuration text (and the includes it names,
/// listing directories for include expansion) and the keystores, certificates and keys it names.
pub trait Loader {
    /// The bytes of a file, refused when larger than `limit`.
    fn read_bytes(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>>;
    /// The text of a configuration file (at most [`MAX_CONFIG_FILE`] bytes; invalid UTF-8 replaced).
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let bytes = self.read_bytes(path, MAX_CONFIG_FILE)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
    /// The entries of a directory (full paths, any order).
    fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>>;
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// A name for `path` that is the same for every way of writing it (for cycle detection).
    fn identity(&self, path: &Path) -> PathBuf {
        normalize(path)
    }
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct FsLoader;

impl Loader for FsLoader {
    fn read_bytes(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        use crate::input::LimitedError;
        crate::input::read_limited(path, limit).map_err(|e| match e {
            LimitedError::Io(e) => e,
            LimitedError::TooLarge { size } => std::io::Error::other(format!(
                "{size} is larger than the {limit}-byte limit for one file"
            )),
            other => std::io::Error::other(other.to_string()),
        })
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?
            .map(|e| e.map(|e| e.path()))
            .collect()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn identity(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
    }
}

/// Files held in memory, by path (directories are implied by the files under them).
#[derive(Debug, Clone, Default)]
pub struct MemLoader {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemLoader {
    /// An empty set of files.
    pub fn new() -> MemLoader {
        MemLoader::default()
    }

    /// Adds (or replaces) a file.
    pub fn with(mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> MemLoader {
        self.files.insert(normalize(&path.into()), contents.into());
        self
    }
}

impl Loader for MemLoader {
    fn read_bytes(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        let bytes = self.files.get(&normalize(path)).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory")
        })?;
        if bytes.len() as u64 > limit {
            return Err(std::io::Error::other(format!(
                "{} bytes is larger than the {limit}-byte limit",
                bytes.len()
            )));
        }
        Ok(bytes.clone())
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let dir = normalize(dir);
        let mut out: Vec<PathBuf> = Vec::new();
        for path in self.files.keys() {
            if let Ok(rest) = path.strip_prefix(&dir)
                && let Some(first) = rest.components().next()
            {
                let child = dir.join(first);
                if !out.contains(&child) {
                    out.push(child);
                }
            }
        }
        if out.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "No such file or directory",
            ));
        }
        Ok(out)
    }

    fn is_dir(&self, path: &Path) -> bool {
        let path = normalize(path);
        self.files
            .keys()
            .any(|f| f != &path && f.starts_with(&path))
    }
}

/// Removes `.` components and folds `dir/..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether a path pattern has glob characters.
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// Expands a glob pattern (already absolute or relative to the caller's base) into the matching paths,
/// sorted. Wildcards apply per path component; a wildcard does not match a leading `.`.
pub fn glob(loader: &dyn Loader, pattern: &Path) -> Vec<PathBuf> {
    let mut current: Vec<PathBuf> = vec![PathBuf::new()];
    let components: Vec<Component<'_>> = pattern.components().collect();
    for (i, c) in components.iter().enumerate() {
        let last = i + 1 == components.len();
        let text = c.as_os_str().to_string_lossy();
        let mut next = Vec::new();
        for base in &current {
            if !is_glob(&text) {
                let p = base.join(c.as_os_str());
                if last || loader.is_dir(&p) {
                    next.push(p);
                }
                continue;
            }
            let dir = if base.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                base.clone()
            };
            let Ok(entries) = loader.list(&dir) else {
                continue;
            };
            let mut matched: Vec<PathBuf> = entries
                .into_iter()
                .filter(|e| {
                    e.file_name()
                        .is_some_and(|n| fnmatch(&text, &n.to_string_lossy()))
                })
                .filter(|e| last || loader.is_dir(e))
                .map(|e| {
                    if base.as_os_str().is_empty() {
                        PathBuf::from(e.file_name().unwrap_or_default())
                    } else {
                        e
                    }
                })
                .collect();
            matched.sort();
            next.extend(matched);
        }
        current = next;
    }
    current.retain(|p| !loader.is_dir(p));
    current
}

/// Shell-style matching of one path component: `*`, `?`, `[set]`, `[!set]`, `[a-z]`, `\x`.
pub fn fnmatch(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    matches_from(&p, &n)
}

fn matches_from(p: &[char], n: &[char]) -> bool {
    // Iterative with one backtrack point for the last `*` (linear in practice).
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((ok, len)) = class(&p[pi..], n[ni])
                        && ok
                    {
                        pi += len;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() => {}
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Matches `c` against the bracket expression at the start of `p`: (matched, length of the expression).
/// `None` when the bracket is not closed (then it is a literal `[`).
fn class(p: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_follows_the_shell_rules() {
        assert!(fnmatch("*.conf", "ssl.conf"));
        assert!(!fnmatch("*.conf", "ssl.conf.bak"));
        assert!(!fnmatch("*.conf", ".hidden.conf"));
        assert!(fnmatch("site-?.conf", "site-a.conf"));
        assert!(fnmatch("[a-c]*", "b1"));
        assert!(!fnmatch("[!a-c]*", "b1"));
        assert!(fnmatch("*", "x"));
        assert!(fnmatch("a*b*c", "aXXbYYc"));
        assert!(!fnmatch("a*b*c", "aXXbYY"));
    }

    #[test]
    fn globs_expand_sorted_and_only_to_files() {
        let mem = MemLoader::new()
            .with("/etc/nginx/conf.d/b.conf", "")
            .with("/etc/nginx/conf.d/a.conf", "")
            .with("/etc/nginx/conf.d/notes.txt", "")
            .with("/etc/nginx/sites/x/y.conf", "");
        assert_eq!(
            glob(&mem, Path::new("/etc/nginx/conf.d/*.conf")),
            [
                PathBuf::from("/etc/nginx/conf.d/a.conf"),
                PathBuf::from("/etc/nginx/conf.d/b.conf")
            ]
        );
        assert_eq!(
            glob(&mem, Path::new("/etc/nginx/sites/*/*.conf")),
            [PathBuf::from("/etc/nginx/sites/x/y.conf")]
        );
        assert!(glob(&mem, Path::new("/etc/nginx/none/*.conf")).is_empty());
    }

    #[test]
    fn sources_print_relative_to_the_main_configuration() {
        let s = Source::new(
            Path::new("/etc/nginx/conf.d/ssl.conf"),
            Path::new("/etc/nginx"),
            3,
        );
        assert_eq!(s.to_string(), "conf.d/ssl.conf:3");
        let s = Source::new(Path::new("/opt/x.conf"), Path::new("/etc/nginx"), 1);
        assert_eq!(s.to_string(), "/opt/x.conf:1");
    }
}
