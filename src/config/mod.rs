//! Server configuration files: Tomcat's `server.xml`, nginx and Apache httpd configurations, read into
//! what trustpath needs to know about them, turned into a deployment file ([`discover()`]) and checked
//! offline ([`check_offline()`]).
//!
//! The parsers ([`tomcat`], [`nginx`], [`apache`]) are pure functions of text; files (and the includes
//! they name) are read through a [`loader::Loader`], so tests feed text. [`front`] is the proxy-neutral
//! view (a TLS or plain listener with names and routes) that discovery and the proxy checks share.
//! [`material`] reads the keystores, certificates and keys the configurations name.

pub mod apache;
pub mod discover;
pub mod front;
pub mod loader;
pub mod material;
pub mod nginx;
pub mod offline;
pub mod tomcat;

use std::path::PathBuf;

use serde::Serialize;

use crate::deploy::model::ConfigSpec;
use crate::finding::Finding;

pub use discover::{Discovered, discover};
pub use loader::{FsLoader, Loader, Located, MemLoader, Source};
pub use offline::check_offline;

/// The configurations of one deployment, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Configs {
    /// Tomcat's `server.xml`.
    pub tomcat: Option<tomcat::ServerXml>,
    /// nginx's configuration, includes followed.
    pub nginx: Option<nginx::NginxConfig>,
    /// Apache httpd's configuration, includes followed.
    pub apache: Option<apache::ApacheConfig>,
}

/// One offline finding: where in the configuration, about what, and the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFinding {
    /// Where: `server.xml:42`, `nginx.conf:12`, or a keystore or certificate file.
    pub source: String,
    /// What: `Connector port 8443`, `server wiki.example.test:443`.
    pub subject: String,
    /// The finding.
    pub finding: Finding,
}

/// Why configuration files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read.
    #[error("{}cannot read {}: {source}", at.as_ref().map(|a| format!("{a}: ")).unwrap_or_default(), path.display())]
    Read {
        /// The include directive that named it, when it was included.
        at: Option<String>,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
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
pub fn load(spec: &ConfigSpec) -> Result<Configs, ConfigError> {
    load_with(&FsLoader, spec)
}

/// Reads every configuration `spec` names through `loader`.
pub fn load_with(loader: &dyn Loader, spec: &ConfigSpec) -> Result<Configs, ConfigError> {
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
    /// The files these configurations came from, as a `[configs]` section.
    pub fn spec(&self) -> ConfigSpec {
        ConfigSpec {
            tomcat: self.tomcat.as_ref().map(|t| t.file.clone()),
            nginx: self.nginx.as_ref().map(|n| n.file.clone()),
            apache: self.apache.as_ref().map(|a| a.file.clone()),
        }
    }
}
