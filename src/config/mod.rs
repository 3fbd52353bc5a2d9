//! Server configuration files, read: Tomcat's `server.xml`, nginx and Apache httpd configurations, parsed
//! into what trustpath needs to know about them, every item with the file and line it came from. Nothing
//! here judges: `deploy::offline` checks what these readers return, `deploy::discover` writes a deployment
//! file from it.
//!
//! The parsers ([`tomcat`], [`nginx`], [`apache`]) are pure functions of text; files (and the includes
//! they name) are read through a [`loader::Loader`], so tests feed text; nginx and Apache share one
//! directive tree and one reader of includes ([`directive`]). [`front`] is the proxy-neutral
//! view (a TLS or plain listener with its names, certificate files and routes) of nginx servers and
//! Apache virtual hosts. [`setenv`] reads the app JVM's settings from Tomcat's start script beside
//! `server.xml`.

pub mod apache;
pub mod directive;
pub mod front;
pub mod kind;
pub mod loader;
pub mod nginx;
pub mod setenv;
pub mod tomcat;

use std::path::PathBuf;

use serde::Deserialize;

pub use loader::{FsLoader, Loader, Located, MemLoader, Source};

/// A redirect a proxy answers with itself, as written: nginx `return 301 URL;` and
/// `rewrite … URL redirect;`, Apache `Redirect`, `RedirectPermanent`, `RedirectMatch` and
/// `RewriteRule … [R]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Where it was written.
    pub source: Source,
    /// The local path it applies to, as a prefix (`/` for a whole server; a regex's literal start).
    pub path: String,
    /// The status it answers with (301, 302, 303, 307 or 308).
    pub status: u16,
    /// The target as written (it may hold variables such as `$host` or `%{HTTP_HOST}`).
    pub target: String,
}

/// The literal start of a path regex (`^/synchrony/(.*)$` → `/synchrony/`), `/` when it has none.
pub fn regex_prefix(pattern: &str) -> String {
    let p = pattern.trim_start_matches('^');
    let literal: String = p
        .chars()
        .take_while(|c| !"()[].*+?$|\\{".contains(*c))
        .collect();
    if literal.starts_with('/') {
        literal
    } else {
        "/".to_owned()
    }
}

/// The path a rule applies to: its `<Location>`/`location`, else the literal prefix of its regex.
pub(crate) fn front_path(location: Option<&str>, pattern: &str) -> String {
    match location {
        Some(l) => l.to_owned(),
        None => regex_prefix(pattern),
    }
}

/// Which configuration files to read (a deployment file's `[configs]`, or `--tomcat`/`--nginx`/`--apache`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFiles {
    /// Tomcat's `server.xml`.
    pub tomcat: Option<PathBuf>,
    /// The nginx configuration (includes are followed).
    pub nginx: Option<PathBuf>,
    /// The Apache httpd configuration (Include/IncludeOptional are followed).
    pub apache: Option<PathBuf>,
}

impl ConfigFiles {
    /// Whether no file is named.
    pub fn is_empty(&self) -> bool {
        *self == ConfigFiles::default()
    }

    /// The files named, in the order tomcat, nginx, apache.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        [&self.tomcat, &self.nginx, &self.apache]
            .into_iter()
            .flatten()
    }
}

/// The configurations of one deployment, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Configs {
    /// Tomcat's `server.xml`.
    pub tomcat: Option<tomcat::ServerXml>,
    /// nginx's configuration, includes followed.
    pub nginx: Option<nginx::NginxConfig>,
    /// Apache httpd's configuration, includes followed.
    pub apache: Option<apache::ApacheConfig>,
    /// The app's JVM settings (`bin/setenv.sh` and the bundled JRE beside `server.xml`'s `conf/`), read
    /// when `server.xml` is.
    pub jvm: Option<setenv::JvmSettings>,
}

/// Why configuration files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read.
    #[error("{}cannot read {}: {error}", at.as_ref().map(|a| format!("{a}: ")).unwrap_or_default(), path.display())]
    Read {
        /// The include directive that named it, when it was included.
        at: Option<String>,
        /// The file.
        path: PathBuf,
        /// The I/O error (shown in the message, not chained: it would be printed twice).
        error: std::io::Error,
    },
    /// A syntax error.
    #[error("{at}: {message}")]
    Syntax {
        /// `file:line`.
        at: String,
        /// What was wrong.
        message: String,
    },
    /// An include names a file that is already being read.
    #[error("{at}: include cycle: {} is already being read", path.display())]
    IncludeCycle {
        /// The include directive.
        at: String,
        /// The file included again.
        path: PathBuf,
    },
    /// Includes nest too deep.
    #[error("{at}: includes nest deeper than {limit} levels")]
    IncludeDepth {
        /// The include directive.
        at: String,
        /// The limit.
        limit: usize,
    },
    /// The files of one configuration add up to too many bytes.
    #[error(
        "{at}: including {} makes the configuration's files add up to more than {limit} bytes (the limit \
         for one configuration, includes counted each time they are included)",
        path.display()
    )]
    TooMuchText {
        /// The include directive.
        at: String,
        /// The file whose bytes went over.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// Too many files.
    #[error("{at}: more than {limit} files are included")]
    TooManyFiles {
        /// The include directive.
        at: String,
        /// The limit.
        limit: usize,
    },
    /// The file is not the kind of configuration it was given as.
    #[error("{}: not {expected}: it looks like {found}{}", file.display(), detail.as_deref().map(|d| format!("; {d}")).unwrap_or_default())]
    WrongKind {
        /// The file.
        file: PathBuf,
        /// What was expected (`an nginx configuration (with server { … } blocks)`).
        expected: &'static str,
        /// What it looks like ([`kind::Looks`], as text).
        found: String,
        /// What the reader of the expected kind said, when it refused the file (`read as nginx: …`).
        detail: Option<String>,
    },
    /// The file is of the kind expected but holds nothing to check.
    #[error("{}: {what}", file.display())]
    NothingToCheck {
        /// The file.
        file: PathBuf,
        /// What is missing, and what that usually means.
        what: String,
    },
}

/// What a configuration reader expects of its file, as its refusals name it.
pub(crate) struct Expected {
    /// The kind of file (`an nginx configuration (with …)`).
    what: &'static str,
    /// What the file is read as, in a syntax error's detail (`nginx`, `XML`).
    read_as: &'static str,
    /// How such a file looks.
    looks: kind::Looks,
    /// The item it must hold for anything to be checked (`server { … }` block).
    item: &'static str,
    /// What a file without one usually means.
    hint: &'static str,
}

/// What each reader expects.
pub(crate) mod expected {
    use super::Expected;
    use super::kind::Looks;

    /// `--nginx`.
    pub const NGINX: Expected = Expected {
        what: "an nginx configuration (with `server { … }` blocks)",
        read_as: "nginx",
        looks: Looks::Nginx,
        item: "`server { … }` block",
        hint: "are the sites included?",
    };
    /// `--apache`.
    pub const APACHE: Expected = Expected {
        what: "an Apache httpd configuration (with `<VirtualHost>` sections)",
        read_as: "Apache httpd",
        looks: Looks::Apache,
        item: "`<VirtualHost>`",
        hint: "is the site enabled and its file included?",
    };
    /// `--tomcat`.
    pub const TOMCAT: Expected = Expected {
        what: "Tomcat's server.xml (a `<Server>` with `<Connector>`s)",
        read_as: "XML",
        looks: Looks::TomcatServerXml,
        item: "`<Connector>`",
        hint: "Tomcat would serve nothing",
    };
}

/// The result of reading `file` as `expected`, checked against what the file looks like: a syntax
/// error in a file that looks like another kind, or a file without the item the kind must have
/// (`empty_of` gives the number of files read when it has none), is refused with what was expected and
/// what the file seems to be.
pub(crate) fn checked_kind<T>(
    loader: &dyn Loader,
    file: &std::path::Path,
    expected: &Expected,
    read: Result<T, ConfigError>,
    empty_of: impl Fn(&T) -> Option<usize>,
) -> Result<T, ConfigError> {
    let Expected {
        what: expected_what,
        read_as,
        item,
        hint,
        ..
    } = expected;
    // What the file looks like, when it is another kind (read again only when something is wrong).
    let other = || {
        loader
            .read(file)
            .ok()
            .map(|t| kind::looks_like(&t))
            .filter(|l| *l != expected.looks)
    };
    match read {
        Err(e @ ConfigError::Syntax { .. }) => match other() {
            Some(l) => Err(ConfigError::WrongKind {
                file: file.to_path_buf(),
                expected: expected_what,
                found: l.to_string(),
                detail: Some(format!("read as {read_as}: {e}")),
            }),
            None => Err(e),
        },
        Err(e) => Err(e),
        Ok(value) => match empty_of(&value) {
            None => Ok(value),
            Some(files) => match (files, other()) {
                (_, Some(l)) => Err(ConfigError::WrongKind {
                    file: file.to_path_buf(),
                    expected: expected_what,
                    found: l.to_string(),
                    detail: None,
                }),
                (files, None) => Err(ConfigError::NothingToCheck {
                    file: file.to_path_buf(),
                    what: match files {
                        0 | 1 => format!("no {item} in it: nothing to check ({hint})"),
                        2 => format!(
                            "no {item} in it or the file it includes: nothing to check ({hint})"
                        ),
                        n => format!(
                            "no {item} in it or the {} files it includes: nothing to check ({hint})",
                            n - 1
                        ),
                    },
                }),
            },
        },
    }
}

impl ConfigError {
    /// A syntax error at `source`.
    pub fn syntax(source: &Source, message: impl Into<String>) -> ConfigError {
        ConfigError::Syntax {
            at: source.to_string(),
            message: message.into(),
        }
    }
}

/// Reads every configuration `spec` names from the file system.
pub fn load(spec: &ConfigFiles) -> Result<Configs, ConfigError> {
    load_with(&FsLoader, spec)
}

/// Reads every configuration `spec` names through `loader`.
pub fn load_with(loader: &dyn Loader, spec: &ConfigFiles) -> Result<Configs, ConfigError> {
    let tomcat = spec
        .tomcat
        .as_deref()
        .map(|p| tomcat::load(loader, p))
        .transpose()?;
    let jvm = tomcat
        .as_ref()
        .map(|t| setenv::load(loader, &t.catalina_base));
    Ok(Configs {
        tomcat,
        jvm,
        nginx: spec
            .nginx
            .as_deref()
            .map(|p| nginx::load(loader, p))
            .transpose()?,
        apache: spec
            .apache
            .as_deref()
            .map(|p| apache::load(loader, p))
            .transpose()?,
    })
}

impl Configs {
    /// The files these configurations came from.
    pub fn files(&self) -> ConfigFiles {
        ConfigFiles {
            tomcat: self.tomcat.as_ref().map(|t| t.file.clone()),
            nginx: self.nginx.as_ref().map(|n| n.file.clone()),
            apache: self.apache.as_ref().map(|a| a.file.clone()),
        }
    }
}
