//! `trustpath check` as one call: the app JVM's truststore loaded (the command line's, else the
//! deployment file's `[jvm]`), every endpoint observed live ([`super::observe`]) and judged with it
//! ([`crate::judge`], [`super::assemble`]), and the server configurations checked offline.

use std::time::Duration;

use anyhow::Context;

use super::model::Deployment;
use super::run::DeploymentRun;
use crate::clock::Clock;
use crate::config::ConfigFiles;
use crate::error::Result;
use crate::jvm::TrustSpec;
use crate::password::PassSource;
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
}

/// Runs the whole check at `clock`'s now.
pub fn check(plan: CheckPlan, clock: Clock) -> Result<DeploymentRun> {
    if plan.deployment.is_none() && plan.configs.is_empty() {
        anyhow::bail!(
            "nothing to check: give a deployment file (trustpath discover writes one) or --tomcat/--nginx/--apache"
        );
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
        now,
        ..DeploymentRun::default()
    };

    if let Some(d) = &plan.deployment {
        let observed = super::observe::observe(
            d,
            ProbeOptions {
                timeout: plan.timeout,
                resolve: plan.resolve.clone(),
                sni: None,
                http1_only: true,
                jdk_tls_disabled: trust.tls_disabled.clone(),
            },
            plan.deadline,
        )?;
        let (captures, rest): (Vec<_>, Vec<_>) = observed
            .endpoints
            .into_iter()
            .map(|o| (o.capture, (o.http, o.websocket)))
            .unzip();
        let (http, websocket): (Vec<_>, Vec<_>) = rest.into_iter().unzip();
        let judged = crate::judge::captures(captures, &trust, &[], now);
        let live = super::assemble::assemble(
            d,
            judged.endpoints,
            http,
            websocket,
            &observed.names,
            &trust.store_labels(),
        );
        run.endpoints = live.endpoints;
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
