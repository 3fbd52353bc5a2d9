//! The directive tree nginx and Apache httpd configurations share — a name, its arguments, where it was
//! written, and a block — and the one reader of a configuration with its includes (`load`): each file
//! read through the [`Loader`], parsed by its `Language`, its include directives replaced by the
//! directives of the files they name, with the cycle, depth, file-count, total-size and nesting limits,
//! and the whole refused when it is of another kind or holds nothing to check.

use std::path::{Path, PathBuf};

use super::loader::{Loader, Source};
use super::{ConfigError, Expected};

/// Most bytes one configuration may read across all its includes (a file included many times counts
/// each time).
pub const MAX_CONFIG_TOTAL: u64 = 16 * 1024 * 1024;

/// How deep blocks (`{ … }` in nginx, `<Section>` in Apache) may nest, counted across includes. nginx and
/// httpd configurations nest a handful of levels; the limit keeps every reader's recursion shallow.
pub const MAX_NESTING: usize = 64;

/// How deep includes may nest (nginx has no limit but loops forever on a cycle; Apache stops at 128).
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// Most files one configuration may pull in through includes.
pub const MAX_INCLUDED_FILES: usize = 512;

/// One directive (or Apache section): its name, arguments, where it was written, and its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The name as written (`server`, `listen`; `ProxyPass`, `VirtualHost` for a section).
    pub name: String,
    /// The arguments, unquoted (and, in nginx, unescaped).
    pub args: Vec<String>,
    /// Where the name was written.
    pub source: Source,
    /// The `{ … }` block of an nginx block directive, the content of an Apache `<Section>`.
    pub block: Option<Vec<Directive>>,
}

impl Directive {
    /// Whether the directive is `name`, ignoring ASCII case (Apache's directive names).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// The files an include directive names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The files, in the order they are read.
    pub paths: Vec<PathBuf>,
    /// Whether a file that does not exist is skipped (Apache's `IncludeOptional`) rather than an error.
    pub optional: bool,
}

/// A configuration language over the directive tree (nginx, Apache httpd): how one file parses, which
/// directives include files, and what the whole tree means.
pub(crate) trait Language: Sized {
    /// What a file of the language is and must hold, as refusals name it.
    const EXPECTED: &'static Expected;

    /// Parses one file's text (no includes followed), its directives sitting `nesting` blocks deep (an
    /// include inside blocks): blocks may nest at most [`MAX_NESTING`] deep in all.
    fn parse(text: &str, source: &Source, nesting: usize) -> Result<Vec<Directive>, ConfigError>;

    /// The files `d` names when it is an include directive. `base` starts as `root`, the main file's
    /// directory, and is where the language takes relative names from (Apache's `ServerRoot` moves it).
    fn include(
        d: &Directive,
        root: &Path,
        base: &mut PathBuf,
        loader: &dyn Loader,
    ) -> Result<Option<Include>, ConfigError>;

    /// What the configuration read from `file` means: `tree` with every include expanded, `base` as
    /// reading left it.
    fn interpret(file: &Path, tree: Tree, base: PathBuf) -> Result<Self, ConfigError>;

    /// How many files were read, when the configuration holds nothing to check.
    fn nothing_to_check(&self) -> Option<usize>;
}

/// Parses one file's text: a [`Language::parse`].
type Parse = fn(&str, &Source, usize) -> Result<Vec<Directive>, ConfigError>;

/// Reads the configuration at `path` in its language, includes followed. A file that looks like another
/// kind of configuration, or holds nothing to check, is refused as [`super::checked_kind`] says.
pub(crate) fn load<L: Language>(loader: &dyn Loader, path: &Path) -> Result<L, ConfigError> {
    let read = read_config::<L>(loader, path);
    super::checked_kind(loader, path, L::EXPECTED, read, L::nothing_to_check)
}

/// Reads the configuration at `path` in its language, includes followed, its kind not checked.
pub(crate) fn read_config<L: Language>(loader: &dyn Loader, path: &Path) -> Result<L, ConfigError> {
    let root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut base = root.clone();
    let tree = read(loader, path, L::parse, &mut |d| {
        L::include(d, &root, &mut base, loader)
    })?;
    L::interpret(path, tree, base)
}

/// A configuration read with its includes.
#[derive(Debug)]
pub struct Tree {
    /// The directives, every include replaced by the directives of the files it names.
    pub directives: Vec<Directive>,
    /// Every file read, the main file first, then includes in order.
    pub files: Vec<PathBuf>,
}

/// Reads the configuration at `path`: each file parsed by `parse` (sources named relative to the main
/// file's directory), and every directive, at any level and in the order written, given to `include`,
/// which names the files it includes when it is an include directive (its block, if any, is then not
/// read).
fn read(
    loader: &dyn Loader,
    path: &Path,
    parse: Parse,
    include: &mut dyn FnMut(&Directive) -> Result<Option<Include>, ConfigError>,
) -> Result<Tree, ConfigError> {
    let mut reader = Reader {
        parse,
        include,
        loader,
        root: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        walk: IncludeWalk::default(),
    };
    let directives = reader.file(path, None, 0, 0, false)?;
    Ok(Tree {
        directives,
        files: reader.walk.files,
    })
}

struct Reader<'a> {
    parse: Parse,
    include: &'a mut dyn FnMut(&Directive) -> Result<Option<Include>, ConfigError>,
    loader: &'a dyn Loader,
    root: PathBuf,
    walk: IncludeWalk,
}

impl Reader<'_> {
    /// The directives of `path` (included from `from` at `depth`, its directives `nesting` blocks deep),
    /// includes expanded; none when `optional` and the file does not exist.
    fn file(
        &mut self,
        path: &Path,
        from: Option<&Source>,
        depth: usize,
        nesting: usize,
        optional: bool,
    ) -> Result<Vec<Directive>, ConfigError> {
        let id = self.walk.check(self.loader, path, from, depth)?;
        let text = match self.loader.read(path) {
            Ok(t) => t,
            Err(e) if optional && e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => {
                return Err(ConfigError::Read {
                    at: from.map(ToString::to_string),
                    path: path.to_path_buf(),
                    error,
                });
            }
        };
        self.walk.account(path, from, text.len())?;
        self.walk.enter(path, id);
        let parsed = (self.parse)(&text, &Source::new(path, &self.root, 1), nesting)?;
        let expanded = self.expand(parsed, depth, nesting);
        self.walk.leave();
        expanded
    }

    /// Replaces include directives (at any level) by the directives of the files they name.
    fn expand(
        &mut self,
        directives: Vec<Directive>,
        depth: usize,
        nesting: usize,
    ) -> Result<Vec<Directive>, ConfigError> {
        let mut out = Vec::with_capacity(directives.len());
        for mut d in directives {
            if let Some(include) = (self.include)(&d)? {
                for p in &include.paths {
                    out.extend(self.file(
                        p,
                        Some(&d.source),
                        depth + 1,
                        nesting,
                        include.optional,
                    )?);
                }
                continue;
            }
            if let Some(inner) = d.block.take() {
                d.block = Some(self.expand(inner, depth, nesting + 1)?);
            }
            out.push(d);
        }
        Ok(out)
    }
}

/// The bookkeeping of an include walk, shared by the nginx and Apache readers: the files read so far
/// and the stack of files being read, with the cycle, depth, file-count and total-size limits.
#[derive(Debug, Default)]
struct IncludeWalk {
    /// Every file read, in order.
    files: Vec<PathBuf>,
    stack: Vec<PathBuf>,
    bytes: u64,
}

impl IncludeWalk {
    /// Checks that `path` may be read at `depth` (included from `from`) and returns its identity, to
    /// give to [`IncludeWalk::enter`].
    fn check(
        &self,
        loader: &dyn Loader,
        path: &Path,
        from: Option<&Source>,
        depth: usize,
    ) -> Result<PathBuf, ConfigError> {
        let at = || from.map(ToString::to_string).unwrap_or_default();
        let id = loader.identity(path);
        if self.stack.contains(&id) {
            return Err(ConfigError::IncludeCycle {
                at: at(),
                path: path.to_path_buf(),
            });
        }
        if depth > MAX_INCLUDE_DEPTH {
            return Err(ConfigError::IncludeDepth {
                at: at(),
                limit: MAX_INCLUDE_DEPTH,
            });
        }
        if self.files.len() >= MAX_INCLUDED_FILES {
            return Err(ConfigError::TooManyFiles {
                at: at(),
                limit: MAX_INCLUDED_FILES,
            });
        }
        Ok(id)
    }

    /// Counts `len` more bytes read for `path` (included from `from`), refusing the configuration when
    /// its files add up to more than [`MAX_CONFIG_TOTAL`].
    fn account(
        &mut self,
        path: &Path,
        from: Option<&Source>,
        len: usize,
    ) -> Result<(), ConfigError> {
        self.bytes = self.bytes.saturating_add(len as u64);
        if self.bytes > MAX_CONFIG_TOTAL {
            return Err(ConfigError::TooMuchText {
                at: from.map(ToString::to_string).unwrap_or_default(),
                path: path.to_path_buf(),
                limit: MAX_CONFIG_TOTAL,
            });
        }
        Ok(())
    }

    /// Records that `path` (identity `id`) is being read.
    fn enter(&mut self, path: &Path, id: PathBuf) {
        self.files.push(path.to_path_buf());
        self.stack.push(id);
    }

    /// Records that the innermost file has been read.
    fn leave(&mut self) {
        self.stack.pop();
    }
}
