//! `trustpath check`: check a deployment as one system. Every endpoint of the deployment file is probed
//! at once; each chain is judged with the app JVM's own truststore; HTTP requests and a WebSocket upgrade
//! go over the probed connections; cross-endpoint findings compare them; the server configurations named
//! in the file (or with `--tomcat`/`--nginx`/`--apache`) are checked offline.

use std::path::PathBuf;

use super::args::{self, RunFormatArgs, TrustArgs};
use crate::clock::Clock;
use crate::config::ConfigFiles;
use crate::deploy::check::{self, CheckPlan};
use crate::deploy::model;
use crate::error::Result;
use crate::report;

/// Arguments of `trustpath check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath check deployment.toml
      Probe every endpoint of the deployment (app, proxy, RTC port, nodes, auth proxy), judge
      each chain with the app JVM's truststore, make the HTTP and WebSocket checks, compare
      the endpoints, and check the server configurations the file names. Endpoints with role
      ldap, mail, db or outbound (ldaps://, smtp://, postgres://, https:// through [jvm] proxy)
      are the app's own outbound connections, reported in a section of their own.

  $ trustpath discover --tomcat conf/server.xml --nginx nginx.conf \\
        > deployment.toml
  $ trustpath check deployment.toml --format junit > trustpath-junit.xml
      Build the deployment file from the configurations, edit it, then check it in CI: a JUnit
      test case per endpoint, HTTP check, WebSocket upgrade and configured place, failures with
      the finding and its fix (--json: one JSON document). The exit code still fails the job.

  $ trustpath check --tomcat conf/server.xml --nginx /etc/nginx/nginx.conf
      Offline only: the keystore opens with keystorePass and holds keyAlias with a complete
      chain, nginx serves a fullchain in order with its key, WebSocket locations carry the
      Upgrade headers, and Tomcat's proxyName/proxyPort/scheme agree with what nginx listens on.")]
pub struct CheckArgs {
    /// The deployment file (TOML; see the README or `trustpath discover`). Without it, only the
    /// configurations given with --tomcat/--nginx/--apache are checked, offline.
    #[arg(value_name = "DEPLOYMENT.toml")]
    pub deployment: Option<PathBuf>,
    /// Tomcat's server.xml to check offline (overrides `tomcat` in the file's `[configs]`).
    #[arg(long, value_name = "FILE")]
    pub tomcat: Option<PathBuf>,
    /// The nginx configuration to check offline; includes are followed.
    #[arg(long, value_name = "FILE")]
    pub nginx: Option<PathBuf>,
    /// The Apache httpd configuration to check offline; Include is followed.
    #[arg(long, value_name = "FILE")]
    pub apache: Option<PathBuf>,
    /// Connect to ADDR when reaching HOST:PORT, while SNI, Host and the name check still use HOST.
    /// Repeat for several. An endpoint's own `connect` takes precedence.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Seconds allowed for each connection, handshake and HTTP exchange.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Seconds allowed for one endpoint's whole check (connection, every request and redirect, the
    /// WebSocket upgrade); an endpoint still busy then is a `timeout` finding naming where it stopped.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub deadline: f64,
    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warn_days: u32,
    /// Output format.
    #[command(flatten)]
    pub output: RunFormatArgs,
    /// Human report: show only the endpoints with a finding of severity warning or above (and the
    /// summary, which counts every endpoint). The other formats always hold every endpoint.
    #[arg(long, short = 'q')]
    pub only_problems: bool,
    /// The app JVM's truststore, when it is not the file's `[jvm]` (these options win over the file).
    #[command(flatten)]
    pub trust: TrustArgs,
    /// The client certificate presented to endpoints that ask for one.
    #[command(flatten)]
    pub client: super::args::ClientCertArgs,
}

/// Runs `trustpath check`.
pub fn run(args: CheckArgs, clock: Clock) -> Result<u8> {
    if args.only_problems && args.output.format() != crate::report::Format::Human {
        anyhow::bail!(
            "--only-problems applies to the human report; the json, junit and openmetrics outputs always \
             hold every endpoint"
        );
    }
    let timeout = args::timeout(args.timeout)?;
    let deadline = args::seconds("--deadline", args.deadline)?;
    let deployment = match &args.deployment {
        Some(path) => Some(model::load(path)?),
        None => None,
    };
    let flags = ConfigFiles {
        tomcat: args.tomcat.clone(),
        nginx: args.nginx.clone(),
        apache: args.apache.clone(),
    };
    let plan = CheckPlan {
        configs: check::config_spec(flags, deployment.as_ref()),
        trust: check::trust_spec(args.trust.spec(), deployment.as_ref()),
        resolve: args::resolve(&args.resolve)?,
        file: args.deployment.as_ref().map(|p| p.display().to_string()),
        deployment,
        timeout,
        deadline,
        warn_days: args.warn_days,
        client_cert: args.client.identity()?,
    };
    let run = check::check(plan, clock)?;
    report::stdout(args.output.format())
        .only_problems(args.only_problems)
        .deployment(&run)?;
    Ok(run.exit_code())
}
