//! `trustpath probe`: capture what each endpoint serves, judge it as the JVM would with the given
//! truststores, report, and optionally write fixes.

use crate::judge::{ImportLines, SUGGESTED_FIXES_DIR};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use super::args::{self, JudgeArgs};
use crate::clock::Clock;
use crate::error::Result;
use crate::probe::{self, ProbeOptions, Prober, Protocol, Target};
use crate::report::{self, Progress};

/// Arguments of `trustpath probe`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath probe https://wiki.example.test
      Judge the chain wiki.example.test serves with the default JVM's cacerts.

  $ trustpath probe wiki.example.test collab.example.test:8443 \\
        --truststore /opt/atlassian/confluence/jre/lib/security/cacerts \\
        --write-fixes fixes/
      Judge two endpoints with the app's own truststore and write fullchain and CA files for each gap.

  $ trustpath probe --resolve wiki.example.test:443:10.0.0.5 \\
        https://wiki.example.test --json
      Probe one backend behind a load balancer, with SNI and the name check still for wiki.example.test.

  $ trustpath probe --targets endpoints.txt --format openmetrics \\
        > .trustpath.tmp; \\
        [ $? -le 1 ] && mv .trustpath.tmp trustpath.prom
      Expiry and trust of every endpoint as metrics for node_exporter's textfile collector, written
      beside the final file, then renamed when the job could be done (exit 0 or 1), so that a
      scrape never reads half a file (the README has a whole cron script).")]
pub struct ProbeArgs {
    /// Endpoints: host, host:port, `https://host[:port][/path]`, `wss://…`, IPv4 or `[IPv6]:port`, or
    /// the app's outbound services: `smtp://`, `imap://`, `pop3://`, `ldap://`, `postgres://` (upgraded
    /// with STARTTLS) and `smtps://`, `imaps://`, `pop3s://`, `ldaps://` (TLS from the first byte). The
    /// port defaults to the scheme's (443 for host:port).
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Upgrade every host[:port] target with PROTO's STARTTLS before the TLS handshake: smtp, imap, pop3,
    /// ldap (the StartTLS extended operation) or postgres (SSLRequest); the port then defaults to the
    /// protocol's (25, 143, 110, 389, 5432). URL targets name their protocol themselves.
    #[arg(long, value_name = "PROTO", value_parser = args::starttls)]
    pub starttls: Option<Protocol>,
    /// Read more targets from FILE, one per line; blank lines and text after # are ignored.
    #[arg(long = "targets", value_name = "FILE")]
    pub targets_file: Option<PathBuf>,
    /// How many endpoints are probed at once.
    #[arg(long, value_name = "N", default_value_t = probe::DEFAULT_CONCURRENCY as u32,
          value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub concurrency: u32,
    /// Connect, proxy, client certificate, fetching missing issuers.
    #[command(flatten)]
    pub endpoint: args::EndpointArgs,
    /// Human report: show only the endpoints with a finding of severity warning or above (and the
    /// summary, which counts every endpoint). The other formats always hold every endpoint.
    #[arg(long, short = 'q')]
    pub only_problems: bool,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// Runs `trustpath probe`.
pub fn run(args: ProbeArgs, clock: Clock) -> Result<u8> {
    if args.only_problems && args.judge.output.format() != crate::report::Format::Human {
        anyhow::bail!(
            "--only-problems applies to the human report; the json, junit and openmetrics outputs always \
             hold every endpoint"
        );
    }
    let targets = targets(&args)?;
    let options = args.endpoint.options()?;
    let timeout = options.timeout;
    let trust = args.judge.trust.spec().load(args.judge.fix.warn_days)?;
    let extra = args.judge.fix.extra_certs()?;
    let prober = Prober::new(ProbeOptions {
        jdk_tls_disabled: trust.tls_disabled.clone(),
        ..options
    })
    .context("cannot set up TLS")?;

    let progress = Progress::new(targets.len());
    let tick = progress.clone();
    let mut captures = probe::probe_blocking(
        prober,
        targets,
        args.concurrency as usize,
        Arc::new(move |_| tick.inc()),
    )
    .context("cannot start the async runtime")?;
    progress.finish();
    args.endpoint.aia.complete(&mut captures, &trust, timeout)?;

    let mut run = crate::judge::captures(captures, &trust, &extra, clock.unix());
    if let Some(dir) = &args.judge.fix.write_fixes {
        for report in &mut run.endpoints {
            let name = report.fix_name();
            let swept = report.write_fixes(dir, &name, args.judge.fix.overwrite_fixes)?;
            crate::report::swept(&swept);
        }
    }
    let lines = ImportLines::new(&trust, format!("--write-fixes {SUGGESTED_FIXES_DIR}"));
    for report in &mut run.endpoints {
        let name = report.fix_name();
        report.name_import_files(&lines, &name);
    }
    report::stdout(args.judge.output.format())
        .only_problems(args.only_problems)
        .print_run(&run)?;
    Ok(run.exit_code())
}

/// Positional targets, then those of --targets FILE, in order.
fn targets(args: &ProbeArgs) -> Result<Vec<Target>> {
    let mut out = args
        .targets
        .iter()
        .map(|t| Target::parse_with(t, args.starttls))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(file) = &args.targets_file {
        let text = crate::input::read_text(file, &crate::input::TARGETS).context("--targets")?;
        // Each line on its own, so that an error names the file and the line (`endpoints.txt:3: …`).
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let at = || format!("--targets {}:{}", file.display(), n + 1);
            if line.len() > probe::target::MAX_TARGET_LEN {
                anyhow::bail!(
                    "{}: {} bytes is longer than a target can be ({} bytes)",
                    at(),
                    line.len(),
                    probe::target::MAX_TARGET_LEN
                );
            }
            out.push(Target::parse_with(line, args.starttls).with_context(at)?);
        }
    }
    if out.is_empty() {
        anyhow::bail!("no target given (name endpoints as arguments or with --targets FILE)");
    }
    Ok(out)
}
