//! Output for monitoring: the OpenMetrics text exposition (`--format openmetrics`), encoded by
//! `prometheus-client`, for node_exporter's textfile collector or any scraper of the Prometheus text
//! format. Every series is a gauge named by Prometheus conventions (`trustpath_` prefix, base units,
//! `_seconds` for instants and durations) with `# HELP`, `# TYPE` and, for seconds, `# UNIT` lines; the
//! exposition ends with `# EOF`.
//!
//! Series are written in a fixed order (families as listed below, samples in input order), so two runs
//! over the same endpoints differ only in their values. A label set appears at most once per family: a
//! target given twice is reported once, findings are counted per code and severity.
//!
//! `check` puts a `deployment` label first on every endpoint series (shown as `(deployment,)`).
//!
//! | family | labels | value |
//! |---|---|---|
//! | `trustpath_deployment_ok` | deployment | 1 when no finding of the check is an error |
//! | `trustpath_endpoint_ok` | (deployment,) endpoint | 1 when no error finding (probe, verify: and trusted) |
//! | `trustpath_endpoint_trusted` | (deployment,) endpoint, profile | 1 when the profile (`java`, `browser`) trusts the chain |
//! | `trustpath_cert_not_after_seconds` | (deployment,) endpoint, index, subject, sha256 | notAfter of each served certificate |
//! | `trustpath_chain_earliest_expiry_seconds` | (deployment,) endpoint | the earliest notAfter of the served chain |
//! | `trustpath_finding` | (deployment,) endpoint, code, severity | how many findings of that code |
//! | `trustpath_config_finding` | deployment, source, subject, code, severity | how many configuration findings |
//! | `trustpath_probe_duration_seconds` | (deployment,) endpoint | how long the probe took |
//! | `trustpath_store_entries` | store | how many entries the store holds |
//! | `trustpath_store_jvm_loadable` | store | 1 when the JVM can parse every certificate (else it cannot load the store) |
//! | `trustpath_store_entry_not_after_seconds` | store, alias, kind | notAfter of each entry's certificate |

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};

use crate::cert::Certificate;
use crate::deploy::run::DeploymentRun;
use crate::finding::Finding;
use crate::judge::{EndpointReport, Run};
use crate::truststore::TrustStore;

/// Writes OpenMetrics text expositions.
#[derive(Debug)]
pub struct OpenMetrics<W: Write> {
    out: W,
}

impl<W: Write> OpenMetrics<W> {
    /// An OpenMetrics printer on `out`.
    pub fn new(out: W) -> OpenMetrics<W> {
        OpenMetrics { out }
    }

    /// A probe or verify run: one set of endpoint series per target (or chain file).
    pub fn run(&mut self, run: &Run) -> io::Result<()> {
        let mut m = Metrics::endpoint_families();
        let mut seen = HashSet::new();
        for e in &run.endpoints {
            if seen.insert(e.target.as_str()) {
                m.endpoint(&[("endpoint", &e.target)], e, e.ok(), true, &e.findings);
            }
        }
        self.write(m)
    }

    /// A deployment check: the deployment's verdict, each endpoint's series labelled with the deployment,
    /// and the configuration findings.
    pub fn deployment(&mut self, run: &DeploymentRun) -> io::Result<()> {
        let mut m = Metrics::endpoint_families();
        let deployment = run.name.as_str();
        m.push(
            DEPLOYMENT_OK,
            labels(&[("deployment", deployment)]),
            Value::Int(i64::from(run.counts().0 == 0)),
        );
        for e in &run.endpoints {
            // The endpoint passes when none of its findings (connection, chain, HTTP, WebSocket,
            // cross-endpoint) is an error, as `check` judges it.
            m.endpoint(
                &[("deployment", deployment), ("endpoint", &e.name)],
                &e.probe,
                e.ok(),
                e.url.scheme.secure(),
                &e.findings,
            );
        }
        // The app's outbound connections, under their names (unique with the endpoints').
        for o in &run.outbound {
            m.endpoint(
                &[("deployment", deployment), ("endpoint", &o.name)],
                &o.probe,
                o.ok(),
                o.tls,
                o.findings(),
            );
        }
        let mut counted: Vec<(Vec<(&'static str, String)>, i64)> = Vec::new();
        for c in &run.configs {
            let key = labels(&[
                ("deployment", deployment),
                ("source", &c.source),
                ("subject", &c.subject),
                ("code", c.finding.code.name()),
                ("severity", c.finding.severity.name()),
            ]);
            match counted.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => counted.push((key, 1)),
            }
        }
        for (key, n) in counted {
            m.push(CONFIG_FINDING, key, Value::Int(n));
        }
        self.write(m)
    }

    /// `store list`: the number of entries, whether the JVM can load the store, and each certificate's
    /// notAfter.
    pub fn store_list(&mut self, path: &Path, store: &TrustStore) -> io::Result<()> {
        let mut m = Metrics::new(&[STORE_ENTRIES, STORE_JVM_LOADABLE, STORE_ENTRY_NOT_AFTER]);
        let label = path.display().to_string();
        m.push(
            STORE_ENTRIES,
            labels(&[("store", &label)]),
            Value::Int(i64::try_from(store.entries.len()).unwrap_or(i64::MAX)),
        );
        m.push(
            STORE_JVM_LOADABLE,
            labels(&[("store", &label)]),
            Value::Int(i64::from(
                crate::truststore::jvm_load::unparseable(store).is_empty(),
            )),
        );
        let mut seen = HashSet::new();
        for e in &store.entries {
            let Some(info) = e.certificate().and_then(|c| c.try_info().ok()) else {
                continue;
            };
            if seen.insert(e.alias.as_str()) {
                m.push(
                    STORE_ENTRY_NOT_AFTER,
                    labels(&[
                        ("store", &label),
                        ("alias", &e.alias),
                        ("kind", e.kind().name()),
                    ]),
                    Value::Int(info.not_after),
                );
            }
        }
        self.write(m)
    }

    fn write(&mut self, metrics: Metrics) -> io::Result<()> {
        let mut registry = Registry::default();
        registry.register_collector(Box::new(metrics));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry)
            .map_err(|_| io::Error::other("cannot encode the metrics"))?;
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }
}

/// One metric family: its name (without the unit suffix), help and unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Family {
    name: &'static str,
    help: &'static str,
    seconds: bool,
}

const DEPLOYMENT_OK: Family = Family {
    name: "trustpath_deployment_ok",
    help: "1 when no finding of the deployment check is an error, else 0.",
    seconds: false,
};
const ENDPOINT_OK: Family = Family {
    name: "trustpath_endpoint_ok",
    help: "1 when the endpoint has no error finding (probe, verify: and the JVM trusts its chain), else 0.",
    seconds: false,
};
const ENDPOINT_TRUSTED: Family = Family {
    name: "trustpath_endpoint_trusted",
    help: "1 when the profile (java: the JVM with the given truststores; browser: Mozilla roots and Web PKI rules) trusts the served chain, else 0 (also when no chain could be captured).",
    seconds: false,
};
const CERT_NOT_AFTER: Family = Family {
    name: "trustpath_cert_not_after",
    help: "The notAfter of each served certificate, in seconds since the epoch (index 0 is the leaf).",
    seconds: true,
};
const CHAIN_EARLIEST_EXPIRY: Family = Family {
    name: "trustpath_chain_earliest_expiry",
    help: "The earliest notAfter of the served chain, in seconds since the epoch.",
    seconds: true,
};
const FINDING: Family = Family {
    name: "trustpath_finding",
    help: "How many findings of this code and severity the endpoint has.",
    seconds: false,
};
const CONFIG_FINDING: Family = Family {
    name: "trustpath_config_finding",
    help: "How many offline configuration findings of this code and severity this place has.",
    seconds: false,
};
const PROBE_DURATION: Family = Family {
    name: "trustpath_probe_duration",
    help: "How long the probe of the endpoint took (connect, handshakes and retries), in seconds.",
    seconds: true,
};
const STORE_ENTRIES: Family = Family {
    name: "trustpath_store_entries",
    help: "How many entries the store holds.",
    seconds: false,
};
const STORE_JVM_LOADABLE: Family = Family {
    name: "trustpath_store_jvm_loadable",
    help: "1 when the JVM can parse every certificate of the store, else 0 (keytool and the JVM then fail to load it).",
    seconds: false,
};
const STORE_ENTRY_NOT_AFTER: Family = Family {
    name: "trustpath_store_entry_not_after",
    help: "The notAfter of the entry's certificate (a private-key entry's leaf), in seconds since the epoch.",
    seconds: true,
};

/// A sample's value.
#[derive(Debug, Clone, Copy)]
enum Value {
    Int(i64),
    Float(f64),
}

type Labels = Vec<(&'static str, String)>;

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// The families of one exposition, in order, with their samples.
#[derive(Debug)]
struct Metrics {
    families: Vec<(Family, Vec<(Labels, Value)>)>,
}

impl Metrics {
    fn new(families: &[Family]) -> Metrics {
        Metrics {
            families: families.iter().map(|f| (*f, Vec::new())).collect(),
        }
    }

    /// The families of `probe`, `verify` and `check`.
    fn endpoint_families() -> Metrics {
        Metrics::new(&[
            DEPLOYMENT_OK,
            ENDPOINT_OK,
            ENDPOINT_TRUSTED,
            CERT_NOT_AFTER,
            CHAIN_EARLIEST_EXPIRY,
            FINDING,
            CONFIG_FINDING,
            PROBE_DURATION,
        ])
    }

    fn push(&mut self, family: Family, labels: Labels, value: Value) {
        if let Some((_, samples)) = self.families.iter_mut().find(|(f, _)| *f == family) {
            samples.push((labels, value));
        }
    }

    /// One endpoint's series, labelled with `key`: whether it passes (`ok`), the trust series when it is
    /// `secure` (TLS), its certificates, its `findings` counted and the probe's duration.
    fn endpoint(
        &mut self,
        key: &[(&'static str, &str)],
        e: &EndpointReport,
        ok: bool,
        secure: bool,
        findings: &[Finding],
    ) {
        let with = |extra: &[(&'static str, &str)]| -> Labels {
            labels(key)
                .into_iter()
                .chain(labels(extra))
                .collect::<Labels>()
        };
        self.push(ENDPOINT_OK, with(&[]), Value::Int(i64::from(ok)));
        if secure {
            let (java, browser) = e
                .diagnosis
                .as_ref()
                .map_or((false, false), |d| (d.java.trusted, d.browser.trusted));
            for (profile, trusted) in [("java", java), ("browser", browser)] {
                self.push(
                    ENDPOINT_TRUSTED,
                    with(&[("profile", profile)]),
                    Value::Int(i64::from(trusted)),
                );
            }
        }
        let mut earliest: Option<i64> = None;
        for (index, cert) in e.chain.iter().enumerate() {
            let Ok(info) = cert.try_info() else {
                continue;
            };
            self.push(
                CERT_NOT_AFTER,
                with(&[
                    ("index", &index.to_string()),
                    ("subject", &info.subject),
                    ("sha256", &Certificate::sha256_hex(cert)),
                ]),
                Value::Int(info.not_after),
            );
            earliest = Some(earliest.map_or(info.not_after, |t| t.min(info.not_after)));
        }
        if let Some(t) = earliest {
            self.push(CHAIN_EARLIEST_EXPIRY, with(&[]), Value::Int(t));
        }
        let mut counted: Vec<(&Finding, i64)> = Vec::new();
        for f in findings {
            match counted
                .iter_mut()
                .find(|(c, _)| c.code == f.code && c.severity == f.severity)
            {
                Some((_, n)) => *n += 1,
                None => counted.push((f, 1)),
            }
        }
        for (f, n) in counted {
            self.push(
                FINDING,
                with(&[("code", f.code.name()), ("severity", f.severity.name())]),
                Value::Int(n),
            );
        }
        if let Some(elapsed) = e.elapsed {
            self.push(
                PROBE_DURATION,
                with(&[]),
                Value::Float(elapsed.as_secs_f64()),
            );
        }
    }
}

impl Collector for Metrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let seconds = Unit::Seconds;
        for (family, samples) in &self.families {
            if samples.is_empty() {
                continue;
            }
            let unit = family.seconds.then_some(&seconds);
            let mut metric =
                encoder.encode_descriptor(family.name, family.help, unit, MetricType::Gauge)?;
            for (labels, value) in samples {
                let set: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let sample = metric.encode_family(&set)?;
                match value {
                    Value::Int(v) => ConstGauge::new(*v).encode(sample)?,
                    Value::Float(v) => ConstGauge::new(*v).encode(sample)?,
                }
            }
        }
        Ok(())
    }
}
