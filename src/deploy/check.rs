//! `trustpath check` as one call: the app JVM's truststore loaded (the command line's, else the
//! deployment file's `[jvm]`), every endpoint and outbound connection observed live at the same time
//! ([`super::observe`], [`super::outbound`]), the issuers they lack fetched from caIssuers URLs when the
//! app's JVM does that (`[jvm] enable_aia`), each judged with that JVM's trust ([`crate::judge`],
//! [`super::assemble`]), and the server configurations checked offline.

use std::time::Duration;

use anyhow::Context;

use super::model::Deployment;
use super::run::DeploymentRun;
use crate::clock::Clock;
use crate::config::ConfigFiles;
use crate::error::Result;
use crate::jvm::{JvmTrust, TrustSpec};
use crate::password::PassSource;
use crate::probe::aia::JavaAia;
use crate::probe::{ProbeOptions, Resolve};

/// What to check and how.
#[derive(Debug, Clone)]
pub struct CheckPlan {
    /// The deployment, when a file was given.
    pub deployment: Option<Deployment>,
    /// The deployment file's name, for the report.
    pub file: Option<String>,
    /// The configuration files checked offline.
    pub configs: ConfigFiles,
    /// The app JVM's truststore (see [`trust_spec`]).
    pub trust: TrustSpec,
    /// `--resolve` overrides (an endpoint's own `connect` takes precedence).
    pub resolve: Vec<Resolve>,
    /// Every connection, handshake and HTTP exchange step.
    pub timeout: Duration,
    /// One endpoint's whole check: its connection, every request and redirect, its WebSocket upgrade.
    pub deadline: Duration,
    /// The `expires-soon` window.
    pub warn_days: u32,
    /// The client certificate presented to endpoints that ask for one (`--client-cert`).
    pub client_cert: Option<std::sync::Arc<crate::probe::ClientIdentity>>,
}

/// Runs the whole check at `clock`'s now.
pub fn check(mut plan: CheckPlan, clock: Clock) -> Result<DeploymentRun> {
    if plan.deployment.is_none() && plan.configs.is_empty() {
        anyhow::bail!(
            "nothing to check: give a deployment file (trustpath discover writes one) or --tomcat/--nginx/--apache"
        );
    }
    // The file's `[jvm] java_home`, when it is the one in use, is checked under its own name (the
    // command line's `--java-home` is checked as such when the stores load).
    if let (Some(home), Some(d)) = (&plan.trust.java_home, &plan.deployment)
        && d.jvm.java_home.as_ref() == Some(home)
    {
        let file = plan.file.as_deref().unwrap_or("the deployment file");
        let named_by = format!("{file}: [jvm] java_home");
        crate::jvm::locate::require_jvm(home, &named_by)?;
        plan.trust.java_home_named_by = Some(named_by);
    }
    let trust = plan
        .trust
        .load(plan.warn_days)
        .context("cannot load the app JVM's truststore")?;
    let now = clock.unix();
    let mut run = DeploymentRun {
        name: plan
            .deployment
            .as_ref()
            .map_or_else(|| "offline".to_owned(), |d| d.name.clone()),
        file: plan.file.clone(),
        truststores: trust.summaries.clone(),
        jvm: trust.jvm.clone(),
        now,
        ..DeploymentRun::default()
    };

    if let Some(d) = &plan.deployment {
        let options = ProbeOptions {
            timeout: plan.timeout,
            resolve: plan.resolve.clone(),
            sni: None,
            http1_only: true,
            jdk_tls_disabled: trust.tls_disabled.clone(),
            proxy: None,
            client_cert: plan.client_cert.clone(),
        };
        // The anchors are indexed while the endpoints and the outbound connections are being
        // connected to, all at once; each result keeps its place in the file's order.
        let outbound_options = ProbeOptions {
            http1_only: false,
            ..options.clone()
        };
        let (observed, outbound) = std::thread::scope(|s| {
            s.spawn(|| trust.anchors.index());
            // The app's outbound connections offer what the JVM's own clients offer (no HTTP ALPN for
            // mail, directory and database, set by their targets).
            let outbound = s.spawn(|| super::outbound::observe(d, outbound_options, plan.deadline));
            let observed = super::observe::observe(d, options, plan.deadline);
            let outbound = outbound
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            anyhow::Ok((observed?, outbound?))
        })?;
        let (mut captures, rest): (Vec<_>, Vec<_>) = observed
            .endpoints
            .into_iter()
            .map(|o| (o.capture, (o.http, o.websocket)))
            .unzip();
        let (http, websocket): (Vec<_>, Vec<_>) = rest.into_iter().unzip();
        let mut outbound = outbound;
        // `[jvm] enable_aia`: the app's JVM fetches the issuers a server does not send, so they are
        // fetched for every endpoint and outbound connection, and judged as that JVM judges them.
        let aia = java_aia(&d.jvm, &trust);
        if let Some(java) = &aia {
            let endpoints = captures.len();
            let mut all: Vec<_> = captures.into_iter().chain(outbound).collect();
            crate::judge::fetch_missing_issuers(&mut all, &trust, java, plan.timeout)?;
            outbound = all.split_off(endpoints);
            captures = all;
        }
        let judged = crate::judge::captures(captures, &trust, &[], now);
        let outbound = crate::judge::captures(outbound, &trust, &[], now);
        run.outbound = super::outbound::connections(d, outbound.endpoints);
        let live = super::assemble::assemble(
            d,
            judged.endpoints,
            &run.outbound,
            http,
            websocket,
            &observed.names,
            &trust.store_labels(),
        );
        run.endpoints = live.endpoints;
        name_import_lines(&mut run, d, &trust);
        run.names = live.names;
        run.chains = live.chains;
    }

    let spec = &plan.configs;
    if !spec.is_empty() {
        let loader = crate::config::FsLoader;
        let configs = crate::config::load_with(&loader, spec)?;
        run.config_files = spec.paths().map(|p| p.display().to_string()).collect();
        run.configs = super::offline::check_offline(
            &loader,
            &configs,
            plan.deployment.as_ref(),
            &trust.anchors,
            &trust.policy,
            now,
        );
    }
    Ok(run)
}

/// Names the app's truststore and the CA files in every import line of the run's findings (the
/// diagnosis writes placeholders), each endpoint's and outbound connection's: the files the
/// `trustpath probe … --write-fixes fixes` of that endpoint writes, and that probe line.
pub fn name_import_lines(run: &mut DeploymentRun, d: &Deployment, trust: &JvmTrust) {
    let lines = crate::judge::ImportLines::new(trust, "");
    let aia = java_aia(&d.jvm, trust);
    for (e, spec) in run.endpoints.iter_mut().zip(&d.endpoints) {
        let (host, port) = (&spec.url.host, spec.url.port);
        let probe = probe_line(
            &spec.url.authority(),
            host,
            port,
            spec.connect,
            None,
            aia.as_ref(),
            &lines,
        );
        let lines = lines.writing_with(format!("`{probe}`"));
        let (files, written) = e.probe.import_files(&e.probe.fix_name());
        lines.apply(&mut e.probe.findings, &files, written);
        lines.apply(&mut e.findings, &files, written);
    }
    for (o, spec) in run.outbound.iter_mut().zip(&d.outbound) {
        let (host, port) = (&spec.target.host, spec.target.port);
        let target = if o.via.is_some() || spec.target.protocol.is_some() {
            spec.url.clone()
        } else {
            spec.target.to_string()
        };
        let probe = probe_line(
            &target,
            host,
            port,
            spec.connect,
            o.via.as_deref(),
            aia.as_ref(),
            &lines,
        );
        let lines = lines.writing_with(format!("`{probe}`"));
        let (files, written) = o.probe.import_files(&o.probe.fix_name());
        lines.apply(&mut o.probe.findings, &files, written);
    }
}

/// What the app's JVM fetches from caIssuers URLs: `None` unless `[jvm] enable_aia`; the allowed
/// locations are `[jvm] aia_locations` (the system property), else the JVM's `java.security` — and none
/// at all for a JDK without the filter (before 17.0.18), which fetches any URL whatever the property says.
fn java_aia(jvm: &super::model::JvmSpec, trust: &JvmTrust) -> Option<JavaAia> {
    jvm.enable_aia
        .then(|| trust.java_aia(true, jvm.aia_locations.as_deref()))
}

/// The `trustpath probe` line that writes an endpoint's fix files: `target`, at `connect` (as
/// `--resolve`), through `proxy`, judged with the app's truststore, fetching missing issuers as the
/// app's JVM does (`aia`).
fn probe_line(
    target: &str,
    host: &str,
    port: u16,
    connect: Option<std::net::SocketAddr>,
    proxy: Option<&str>,
    aia: Option<&JavaAia>,
    lines: &crate::judge::ImportLines,
) -> String {
    let mut probe = format!("trustpath probe {}", crate::judge::shell_word(target));
    if let Some(addr) = connect {
        let ip = match addr.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        probe.push_str(&format!(" --resolve {host}:{port}:{ip}"));
    }
    if let Some(proxy) = proxy {
        probe.push_str(&format!(" --proxy http://{proxy}"));
    }
    if let Some(store) = lines.store_option() {
        probe.push_str(&format!(" --truststore {store}"));
    }
    if let Some(java) = aia {
        // The locations in effect, the JVM's java.security's included (`any`: a JDK without the filter).
        let allowed = java.allowed.as_deref().unwrap_or("any");
        probe.push_str(&format!(
            " --fetch-aia --jvm-enable-aia --jvm-aia-locations {}",
            crate::judge::shell_word(allowed)
        ));
    }
    probe.push_str(&format!(
        " --write-fixes {}",
        crate::judge::SUGGESTED_FIXES_DIR
    ));
    probe
}

/// The truststores: the command line's when it names a store or a JVM, else the file's `[jvm]`.
pub fn trust_spec(cli: TrustSpec, deployment: Option<&Deployment>) -> TrustSpec {
    let Some(jvm) = deployment.map(|d| &d.jvm) else {
        return cli;
    };
    let mut spec = cli.clone();
    if !cli.names_store() {
        match &jvm.truststore {
            Some(path) => spec.truststores = vec![path.clone()],
            None => spec.cacerts = jvm.java_home.is_some(),
        }
    }
    if spec.java_home.is_none() {
        spec.java_home = jvm.java_home.clone();
    }
    if cli.storepass.is_none() {
        spec.storepass = jvm
            .storepass
            .clone()
            .map(PassSource::Given)
            .or_else(|| jvm.storepass_env.clone().map(PassSource::Env));
    }
    spec
}

/// The configuration files: those given on the command line, else the deployment file's `[configs]`.
pub fn config_spec(flags: ConfigFiles, deployment: Option<&Deployment>) -> ConfigFiles {
    let file = deployment.map(|d| d.configs.clone()).unwrap_or_default();
    ConfigFiles {
        tomcat: flags.tomcat.or(file.tomcat),
        nginx: flags.nginx.or(file.nginx),
        apache: flags.apache.or(file.apache),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_line_fetches_issuers_as_the_app_jvm_does_when_enable_aia_is_set() {
        let trust = crate::jvm::JvmTrust::from_store(
            std::path::Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/testcerts/keytool/small.jceks"
            )),
            "changeit",
        )
        .unwrap();
        let lines = crate::judge::ImportLines::new(&trust, "");
        let line = |aia: Option<&JavaAia>| {
            probe_line("h.test:636", "h.test", 636, None, None, aia, &lines)
        };
        assert!(!line(None).contains("aia"), "{}", line(None));
        let java = JavaAia {
            enabled: true,
            allowed: Some("http://pki.test/ http://ca.test/".to_owned()),
        };
        assert!(
            line(Some(&java)).ends_with(
                " --fetch-aia --jvm-enable-aia --jvm-aia-locations 'http://pki.test/ http://ca.test/' --write-fixes fixes"
            ),
            "{}",
            line(Some(&java))
        );
        let any = JavaAia {
            enabled: true,
            allowed: None,
        };
        assert!(line(Some(&any)).contains("--jvm-aia-locations any "));
    }
}
