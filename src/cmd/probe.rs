//! `trustpath probe`: capture what each endpoint serves, judge it as the JVM would with the given
//! truststores, report, and optionally write fixes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::trust::{self, FixArgs, TrustArgs};
use crate::chain::{ChainInput, Diagnosis, TlsVersion};
use crate::error::Result;
use crate::finding;
use crate::probe::{self, CapturedChain, ProbeOptions, Prober, Resolve, Target};
use crate::report::{EndpointReport, Printer, Progress, Run};

/// Arguments of `trustpath probe`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ trustpath probe https://wiki.example.test
      Judge the chain wiki.example.test serves with the default JVM's cacerts.

  $ trustpath probe wiki.example.test collab.example.test:8443 \\
        --truststore /opt/atlassian/confluence/jre/lib/security/cacerts --write-fixes fixes/
      Judge two endpoints with the app's own truststore and write fullchain and CA files for each gap.

  $ trustpath probe --resolve wiki.example.test:443:10.0.0.5 https://wiki.example.test --json
      Probe one backend behind a load balancer, with SNI and the name check still for wiki.example.test.")]
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
    /// Print one JSON document instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Truststores and password.
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Fix options.
    #[command(flatten)]
    pub fix: FixArgs,
}

/// Runs `trustpath probe`.
pub fn run(args: ProbeArgs) -> Result<u8> {
    let targets = targets(&args)?;
    let resolve = args
        .resolve
        .iter()
        .map(|r| Resolve::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    let trust = args.trust.load(args.fix.warn_days)?;
    let extra = trust::extra_certs(&args.fix)?;
    let prober = Prober::new(ProbeOptions {
        timeout: Duration::from_secs_f64(args.timeout),
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

    let mut run = judge_all(captures, &trust, &extra, trust::now_unix());
    if let Some(dir) = &args.fix.write_fixes {
        for report in &mut run.endpoints {
            trust::write_fixes(dir, &fix_name(report), report)?;
        }
    }
    print(&run, args.json)?;
    Ok(run.exit_code())
}

/// The stem of an endpoint's `--write-fixes` files: `HOST_PORT`.
pub fn fix_name(report: &EndpointReport) -> String {
    format!(
        "{}_{}",
        report.host.clone().unwrap_or_default(),
        report.port.unwrap_or(0)
    )
}

/// Diagnoses every capture (each distinct chain and host once) and builds the run, in input order.
pub fn judge_all(
    captures: Vec<CapturedChain>,
    trust: &trust::Trust,
    extra: &[crate::cert::Certificate],
    now: i64,
) -> Run {
    let memo = diagnose_all(&captures, trust, extra, now);
    Run {
        truststores: trust.summaries.clone(),
        endpoints: captures.into_iter().map(|c| judge(c, &memo)).collect(),
        now,
    }
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

/// Diagnoses by served chain (SHA-256 of each certificate) and host name: the diagnosis is a pure
/// function of them, and fleets behind one load balancer serve the same chain.
type Memo = HashMap<(Vec<[u8; 32]>, String, Option<TlsVersion>), Diagnosis>;

/// The host name a capture's leaf is checked against: `--sni` when given, else the target's host.
fn checked_host(captured: &CapturedChain) -> String {
    captured
        .sni
        .clone()
        .unwrap_or_else(|| captured.target.host.clone())
}

fn memo_key(captured: &CapturedChain) -> (Vec<[u8; 32]>, String, Option<TlsVersion>) {
    (
        captured.chain.iter().map(|c| c.sha256()).collect(),
        checked_host(captured),
        negotiated(captured),
    )
}

/// The TLS version the probe negotiated, which decides the certificate signature algorithms the JVM's
/// client accepts (the JVM negotiates the same version with the server: the highest both speak).
fn negotiated(captured: &CapturedChain) -> Option<TlsVersion> {
    captured
        .tls
        .as_ref()
        .and_then(|t| t.version.as_deref())
        .and_then(TlsVersion::from_jdk_name)
}

/// Diagnoses every distinct (chain, host) once, on all cores: `chain::diagnose` is pure and CPU-bound.
fn diagnose_all(
    captures: &[CapturedChain],
    trust: &trust::Trust,
    extra: &[crate::cert::Certificate],
    now: i64,
) -> Memo {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&CapturedChain> = captures
        .iter()
        .filter(|c| !c.chain.is_empty() && seen.insert(memo_key(c)))
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = unique.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = unique
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|c| {
                            let input = ChainInput {
                                served: c.chain.clone(),
                                host: Some(checked_host(c)),
                                extra: extra.to_vec(),
                                tls_version: negotiated(c),
                            };
                            let d =
                                crate::chain::diagnose(&input, &trust.anchors, &trust.policy, now);
                            (memo_key(c), d)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A worker only panics if diagnose does; that endpoint is then reported without a diagnosis.
        workers
            .into_iter()
            .filter_map(|w| w.join().ok())
            .flatten()
            .collect()
    })
}

/// Turns a capture into a report entry, with its diagnosis when a chain was captured.
fn judge(captured: CapturedChain, memo: &Memo) -> EndpointReport {
    let diagnosis = if captured.chain.is_empty() {
        None
    } else {
        memo.get(&memo_key(&captured)).cloned()
    };
    let mut findings = captured.findings;
    if let Some(d) = &diagnosis {
        findings.extend(d.findings.iter().cloned());
    }
    finding::sort(&mut findings);
    EndpointReport {
        target: captured.target.input.clone(),
        host: Some(captured.target.host.clone()),
        port: Some(captured.target.port),
        sni: captured.sni,
        address: captured.address,
        tls: captured.tls,
        chain: captured.chain,
        diagnosis,
        findings,
        written: Vec::new(),
    }
}

/// Prints the run on stdout: JSON, or the human report with colour when stdout is a terminal and
/// `NO_COLOR` is unset.
pub(crate) fn print(run: &Run, json: bool) -> Result<()> {
    if json {
        Printer::json(std::io::BufWriter::new(std::io::stdout().lock())).print_run(run)?;
    } else {
        Printer::human(std::io::BufWriter::new(anstream::stdout().lock())).print_run(run)?;
    }
    Ok(())
}
