//! Server configuration files, read: Tomcat's `server.xml`, nginx and Apache httpd configurations, parsed
//! into what trustpath needs to know about them, every item with the file and line it came from. Nothing
//! here judges: `deploy::offline` checks what these readers return, `deploy::discover` writes a deployment
//! file from it.
//!
//! The parsers ([`tomcat`], [`nginx`], [`apache`]) are pure functions of text; files (and the includes
//! they name) are read through a [`loader::Loader`], so tests feed text. [`front`] is the proxy-neutral
//! view (a TLS or plain listener with its names, certificate files and routes) of nginx servers and
//! Apache virtual hosts.

pub mod apache;
pub mod front;
pub mod loader;
pub mod nginx;
pub mod tomcat;

use std::path::PathBuf;

use serde::Deserialize;

pub use loader::{FsLoader, Loader, Located, MemLoader, Source};

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
    Ok(Configs {
        tomcat: spec
            .tomcat
            .as_deref()
            .map(|p| tomcat::load(loader, p))
            .transpose()?,
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
