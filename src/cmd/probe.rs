//! `trustpath probe`: capture what each endpoint serves, judge it as the JVM would with the given
//! truststores, report, and optionally write fixes.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use super::args::{self, JudgeArgs};
use crate::clock::Clock;
use crate::error::Result;
use crate::probe::{self, ProbeOptions, Prober, Resolve, Target};
use crate::report::{self, Progress};

/// Arguments of `trustpath probe`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath probe https://wiki.example.test
      Judge the chain wiki.example.test serves with the default JVM's cacerts.

  $ trustpath probe wiki.example.test collab.example.test:8443 \\
        --truststore /opt/atlassian/confluence/jre/lib/security/cacerts --write-fixes fixes/
      Judge two endpoints with the app's own truststore and write fullchain and CA files for each gap.

  $ trustpath probe --resolve wiki.example.test:443:10.0.0.5 https://wiki.example.test --json
      Probe one backend behind a load balancer, with SNI and the name check still for wiki.example.test.

  $ trustpath probe --targets endpoints.txt --format openmetrics > .trustpath.tmp; \\
        [ $? -le 1 ] && mv .trustpath.tmp trustpath.prom
      Expiry and trust of every endpoint as metrics for node_exporter's textfile collector, written
      beside the final file, then renamed when the job could be done (exit 0 or 1), so that a
      scrape never reads half a file (the README has a whole cron script).")]
pub struct ProbeArgs {
    /// Endpoints: host, host:port, `https://host[:port][/path]`, `wss://…`, IPv4 or `[IPv6]:port`. The port
    /// defaults to 443.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Read more targets from FILE, one per line; blank lines and text after # are ignored.
    #[arg(long = "targets", value_name = "FILE")]
    pub targets_file: Option<PathBuf>,
    /// Connect to ADDR when probing HOST:PORT, while SNI and the name check still use HOST (curl's
    /// syntax). Repeat for several.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Send NAME as SNI (and check the certificate against NAME) instead of the target's host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,
    /// Seconds allowed for connect plus handshake, per attempt.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// How many endpoints are probed at once.
    #[arg(long, value_name = "N", default_value_t = probe::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// Runs `trustpath probe`.
pub fn run(args: ProbeArgs, clock: Clock) -> Result<u8> {
    let targets = targets(&args)?;
    let resolve = args
        .resolve
        .iter()
        .map(|r| Resolve::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let timeout = args::timeout(args.timeout)?;
    let trust = args.judge.trust.spec().load(args.judge.fix.warn_days)?;
    let extra = args.judge.fix.extra_certs()?;
    let prober = Prober::new(ProbeOptions {
        timeout,
        resolve,
        sni: args.sni.clone(),
        http1_only: false,
        jdk_tls_disabled: trust.tls_disabled.clone(),
    })
    .context("cannot set up TLS")?;

    let progress = Progress::new(targets.len());
    let tick = progress.clone();
    let captures = probe::probe_blocking(
        prober,
        targets,
        args.concurrency,
        Arc::new(move |_| tick.inc()),
    )
    .context("cannot start the async runtime")?;
    progress.finish();

    let mut run = crate::judge::captures(captures, &trust, &extra, clock.unix());
    if let Some(dir) = &args.judge.fix.write_fixes {
        for report in &mut run.endpoints {
            let name = report.fix_name();
            report.write_fixes(dir, &name)?;
        }
    }
    report::stdout(args.judge.output.format()).print_run(&run)?;
    Ok(run.exit_code())
}

/// Positional targets, then those of --targets FILE, in order.
fn targets(args: &ProbeArgs) -> Result<Vec<Target>> {
    let mut out = args
        .targets
        .iter()
        .map(|t| Target::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(file) = &args.targets_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("--targets {}", file.display()))?;
        out.extend(
            probe::target::parse_list(&text)
                .with_context(|| format!("--targets {}", file.display()))?,
        );
    }
    if out.is_empty() {
        anyhow::bail!("no target given (name endpoints as arguments or with --targets FILE)");
    }
    Ok(out)
}
