//! `trustpath discover`: reads Tomcat's `server.xml` and the nginx or Apache configuration in front of it
//! and prints (or writes) the deployment file they describe, commented with where each item came from.

use std::path::PathBuf;

use anyhow::Context;

use crate::config;
use crate::config::ConfigFiles;
use crate::error::{Result, exit};

/// Arguments of `trustpath discover`.
#[derive(Debug, clap::Args)]
#[command(group(
    clap::ArgGroup::new("configs")
        .required(true)
        .multiple(true)
        .args(["tomcat", "nginx", "apache"])
))]
#[command(
    after_help = "What is read: Tomcat <Connector>s (port, address, scheme, secure, proxyName, \
proxyPort, SSLEnabled, keystoreFile/keystorePass/keystoreType/keyAlias and <SSLHostConfig><Certificate>), \
nginx server blocks (listen, server_name, ssl_certificate/_key, proxy_pass, WebSocket headers, return and \
rewrite redirects; includes followed) and Apache VirtualHosts (SSLCertificate*, ProxyPass, RewriteRule ws://… \
[P], Redirect*, Listen; Include and IncludeOptional followed). A host that proxies nothing to the app is not \
one of its names; a login redirect's target host is the auth endpoint; a listener that only redirects is an \
endpoint whose redirect is checked. Names no file gives are written as replace-me.invalid, marked EDIT. A \
file of the wrong kind is refused (exit 2).

Examples:
  $ trustpath discover --tomcat conf/server.xml --nginx /etc/nginx/nginx.conf
      Print the deployment file of a Confluence (run in its install directory) behind nginx.

  $ trustpath discover --tomcat conf/server.xml \\
        --apache /etc/apache2/apache2.conf -o wiki.toml
      Write it to wiki.toml (refused if the file exists; add --force to replace it).

  $ trustpath discover --tomcat conf/server.xml -o wiki.toml && \\
        trustpath check wiki.toml
      Tomcat alone: the base URL comes from proxyName/proxyPort/scheme, or the HTTPS connector."
)]
pub struct DiscoverArgs {
    /// Tomcat's server.xml.
    #[arg(long, value_name = "SERVER_XML")]
    pub tomcat: Option<PathBuf>,
    /// The nginx configuration (nginx.conf; includes are followed relative to its directory).
    #[arg(long, value_name = "FILE")]
    pub nginx: Option<PathBuf>,
    /// The Apache httpd configuration (apache2.conf, httpd.conf or one site's file).
    #[arg(long, value_name = "FILE")]
    pub apache: Option<PathBuf>,
    /// Write the deployment file here instead of printing it.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// Runs `trustpath discover`.
pub fn run(args: DiscoverArgs) -> Result<u8> {
    let absolute = |p: Option<PathBuf>| -> Result<Option<PathBuf>> {
        p.map(|p| std::path::absolute(&p).with_context(|| format!("{}", p.display())))
            .transpose()
    };
    let spec = ConfigFiles {
        tomcat: absolute(args.tomcat)?,
        nginx: absolute(args.nginx)?,
        apache: absolute(args.apache)?,
    };
    let configs = config::load(&spec)?;
    let mut found = crate::deploy::discover::discover(&configs);
    if let Some(path) = &args.output {
        found = found.written_to(path);
    }
    // The text must be a valid deployment file: a failure here is a bug in discover, said plainly.
    crate::deploy::model::parse(
        &found.text,
        "the discovered file",
        std::path::Path::new("/"),
    )
    .map_err(|e| anyhow::anyhow!("internal error: discover wrote an invalid file: {e}"))?;
    match &args.output {
        Some(path) => {
            let swept = crate::storefile::write_one(
                path,
                found.text.as_bytes(),
                crate::storefile::write::PUBLIC_MODE,
                &crate::storefile::Policy::named_output(args.force),
            )?;
            crate::report::swept(&swept);
            crate::report::human_stdout().discovered_written(path)?;
        }
        None => crate::report::data_stdout().discovered(&found.text)?,
    }
    Ok(exit::OK)
}
