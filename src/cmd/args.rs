//! Option groups shared by several subcommands: the store password, the truststores a JVM verdict uses,
//! the fix options of `probe` and `verify`, and how `probe` and `trust` reach an endpoint. Each turns into the plain value the library takes.

use std::path::PathBuf;

use anyhow::Context;

use crate::cert::Certificate;
use crate::error::Result;
use crate::jvm::TrustSpec;
use crate::password::{self, PassSource};
use crate::report::Format;

/// The store-password options shared by every command that opens a store.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StorePassArgs {
    /// Store password. Visible in the process list: prefer --storepass-env or --storepass-file on shared
    /// machines. Default: changeit.
    #[arg(long, value_name = "PASS")]
    pub storepass: Option<String>,
    /// Read the store password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "storepass")]
    pub storepass_env: Option<String>,
    /// Read the store password from the first line of this file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["storepass", "storepass_env"])]
    pub storepass_file: Option<PathBuf>,
}

impl StorePassArgs {
    /// Where the options say the password comes from, when they name one.
    pub fn source(&self) -> Option<PassSource> {
        if let Some(p) = &self.storepass {
            Some(PassSource::Given(p.clone()))
        } else if let Some(v) = &self.storepass_env {
            Some(PassSource::Env(v.clone()))
        } else {
            self.storepass_file.clone().map(PassSource::File)
        }
    }

    /// Resolves the password the options name, or the default.
    pub fn resolve(&self) -> Result<String> {
        password::resolve(self.source().as_ref())
    }
}

/// Truststore options.
#[derive(Debug, Clone, clap::Args)]
pub struct TrustArgs {
    /// A truststore the JVM verdict uses: JKS, JCEKS, PKCS#12, a PEM bundle or a directory of PEM/DER
    /// files. Repeat for several; their trusted-certificate entries are all anchors.
    #[arg(long = "truststore", value_name = "FILE")]
    pub truststores: Vec<PathBuf>,
    /// Also use the default JVM's cacerts (found from JAVA_HOME, else the `java` on PATH). Without any
    /// --truststore this is the default when a JVM is found; otherwise Mozilla's roots are used.
    #[arg(long)]
    pub cacerts: bool,
    /// The JVM whose cacerts and java.security apply. Defaults to JAVA_HOME, else the `java` on PATH.
    #[arg(long, value_name = "DIR")]
    pub java_home: Option<PathBuf>,
    /// Also trust the certificates of FILE (PEM, DER or a keystore) in the browser view, beside
    /// Mozilla's roots: a lab's or a company's root that its browsers trust. The java verdict is not
    /// changed. Repeat for several.
    #[arg(long = "browser-roots", value_name = "FILE")]
    pub browser_roots: Vec<PathBuf>,
    /// The truststore password.
    #[command(flatten)]
    pub storepass: StorePassArgs,
}

impl TrustArgs {
    /// The truststores these options name.
    pub fn spec(&self) -> TrustSpec {
        TrustSpec {
            truststores: self.truststores.clone(),
            cacerts: self.cacerts,
            java_home: self.java_home.clone(),
            storepass: self.storepass.source(),
            java_home_named_by: None,
            browser_roots: self.browser_roots.clone(),
        }
    }
}

/// Options about the diagnosis and its fixes.
#[derive(Debug, Clone, clap::Args)]
pub struct FixArgs {
    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warn_days: u32,
    /// Write fixes into DIR: a corrected fullchain (leaf first, intermediates in order, no root) when the
    /// needed certificates are known, and the PEM of each CA the truststore lacks.
    /// Files are never written through a symbolic link, and an existing file is refused unless
    /// --overwrite-fixes is given.
    #[arg(long, value_name = "DIR")]
    pub write_fixes: Option<PathBuf>,
    /// Replace fix files that already exist in the --write-fixes directory.
    #[arg(long, requires = "write_fixes")]
    pub overwrite_fixes: bool,
    /// A PEM bundle of certificates known from elsewhere (e.g. the CA's intermediates), used to build
    /// the corrected fullchain, never as trust anchors.
    #[arg(long, value_name = "FILE")]
    pub extra_certs: Option<PathBuf>,
}

impl FixArgs {
    /// Reads `--extra-certs` (a PEM bundle or a DER certificate).
    pub fn extra_certs(&self) -> Result<Vec<Certificate>> {
        match &self.extra_certs {
            Some(path) => crate::storefile::read_cert_file(path).context("--extra-certs"),
            None => Ok(Vec::new()),
        }
    }
}

/// The HTTP proxy options of `probe` and `trust`.
#[derive(Debug, Clone, clap::Args)]
pub struct ProxyArgs {
    /// Tunnel HTTPS targets through the HTTP proxy at URL (`http://HOST[:PORT]`, port 1080 by default)
    /// with CONNECT, as the JVM does for https.proxyHost. Without it, `https_proxy` (then `HTTPS_PROXY`)
    /// applies as curl reads it; `no_proxy` (`NO_PROXY`) names hosts reached directly either way. Mail,
    /// directory and database targets are never tunnelled.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Read the proxy's credentials (`user:password`) from the environment variable VAR; never printed.
    #[arg(long, value_name = "VAR")]
    pub proxy_user_env: Option<String>,
    /// Read the proxy's credentials (`user:password`, first line) from FILE; never printed.
    #[arg(long, value_name = "FILE", conflicts_with = "proxy_user_env")]
    pub proxy_user_file: Option<PathBuf>,
    /// Ignore https_proxy and HTTPS_PROXY (connect directly unless --proxy is given).
    #[arg(long)]
    pub no_env_proxy: bool,
}

impl ProxyArgs {
    /// The proxy to use, if any: `--proxy`, else the environment (unless `--no-env-proxy`).
    pub fn proxy(&self) -> Result<Option<crate::probe::Proxy>> {
        use crate::probe::Proxy;
        use crate::probe::proxy::NoProxy;
        let credentials = match (&self.proxy_user_env, &self.proxy_user_file) {
            (Some(var), _) => Some(
                std::env::var(var)
                    .with_context(|| format!("--proxy-user-env {var}: the variable is not set"))?,
            ),
            (None, Some(file)) => {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("--proxy-user-file {}", file.display()))?;
                Some(text.lines().next().unwrap_or_default().to_owned())
            }
            (None, None) => None,
        };
        let env = |name: &str| std::env::var(name).ok();
        let proxy = match &self.proxy {
            Some(url) => {
                let mut p = Proxy::parse(url, credentials.as_deref())
                    .map_err(|e| anyhow::anyhow!("--proxy: {e}"))?;
                p.no_proxy = NoProxy::parse(
                    &env("no_proxy")
                        .or_else(|| env("NO_PROXY"))
                        .unwrap_or_default(),
                );
                Some(p)
            }
            None if self.no_env_proxy => None,
            None => match Proxy::from_env(env) {
                Some(p) => {
                    let mut p = p.map_err(|e| anyhow::anyhow!("https_proxy: {e}"))?;
                    if let Some(c) = credentials.as_deref() {
                        let no_proxy = p.no_proxy.clone();
                        p = Proxy::parse(&format!("http://{p}"), Some(c))
                            .map_err(|e| anyhow::anyhow!("https_proxy: {e}"))?;
                        p.no_proxy = no_proxy;
                    }
                    Some(p)
                }
                None => None,
            },
        };
        if credentials.is_some() && proxy.is_none() {
            anyhow::bail!("proxy credentials were given but no proxy: name it with --proxy URL");
        }
        Ok(proxy)
    }
}

/// Where and for how long `probe` and `trust` connect to an endpoint.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectArgs {
    /// Connect to ADDR when probing HOST:PORT, while SNI and the name check still use HOST (curl's
    /// syntax). Repeat for several.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Send NAME as SNI (and check the certificate against NAME) instead of the target's host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,
    /// Seconds allowed for connect, STARTTLS and handshake, per attempt.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
}

impl ConnectArgs {
    /// The `--resolve` entries.
    pub fn resolve(&self) -> Result<Vec<crate::probe::Resolve>> {
        resolve(&self.resolve)
    }

    /// The `--timeout`, checked.
    pub fn timeout(&self) -> Result<std::time::Duration> {
        timeout(self.timeout)
    }
}

/// How `probe` and `trust` reach an endpoint and complete its chain: where and for how long they
/// connect, the HTTP proxy, the client certificate, and fetching missing issuers.
#[derive(Debug, Clone, clap::Args)]
pub struct EndpointArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub proxy: ProxyArgs,
    #[command(flatten)]
    pub client: ClientCertArgs,
    #[command(flatten)]
    pub aia: AiaArgs,
}

impl EndpointArgs {
    /// The probe's options (HTTP/2 allowed; no TLS version or algorithm disabled as a JVM's would be).
    pub fn options(&self) -> Result<crate::probe::ProbeOptions> {
        Ok(crate::probe::ProbeOptions {
            timeout: self.connect.timeout()?,
            resolve: self.connect.resolve()?,
            sni: self.connect.sni.clone(),
            http1_only: false,
            jdk_tls_disabled: Default::default(),
            proxy: self.proxy.proxy()?,
            client_cert: self.client.identity()?,
        })
    }
}

/// `--resolve HOST:PORT:ADDR` values.
pub fn resolve(entries: &[String]) -> Result<Vec<crate::probe::Resolve>> {
    Ok(entries
        .iter()
        .map(|r| crate::probe::Resolve::parse(r))
        .collect::<Result<_, _>>()?)
}

/// The client-certificate options of `probe`, `check` and `trust`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClientCertArgs {
    /// Present this client certificate when a server asks for one: a PKCS#12, JKS or JCEKS key store
    /// holding a key entry (as the JVM's javax.net.ssl.keyStore), or a PEM certificate chain (leaf
    /// first) with --client-key. As the JVM's default key manager, it is sent only when the server
    /// names no acceptable issuers or one of them issued a certificate of its chain.
    #[arg(long, value_name = "FILE")]
    pub client_cert: Option<PathBuf>,
    /// The PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA) of a PEM --client-cert.
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// The key entry of a --client-cert key store holding several.
    #[arg(
        long,
        value_name = "NAME",
        requires = "client_cert",
        conflicts_with = "client_key"
    )]
    pub client_cert_alias: Option<String>,
    /// The --client-cert key store's password (also its key's, as javax.net.ssl.keyStorePassword).
    /// Visible in the process list: prefer --client-cert-pass-env or --client-cert-pass-file.
    /// Default: changeit.
    #[arg(
        long,
        value_name = "PASS",
        requires = "client_cert",
        conflicts_with = "client_key"
    )]
    pub client_cert_pass: Option<String>,
    /// Read the --client-cert key store's password from this environment variable.
    #[arg(long, value_name = "VAR", requires = "client_cert",
          conflicts_with_all = ["client_key", "client_cert_pass"])]
    pub client_cert_pass_env: Option<String>,
    /// Read the --client-cert key store's password from the first line of this file.
    #[arg(long, value_name = "FILE", requires = "client_cert",
          conflicts_with_all = ["client_key", "client_cert_pass", "client_cert_pass_env"])]
    pub client_cert_pass_file: Option<PathBuf>,
}

impl ClientCertArgs {
    /// The client certificate to present, if any.
    pub fn identity(&self) -> Result<Option<std::sync::Arc<crate::probe::ClientIdentity>>> {
        let Some(cert) = &self.client_cert else {
            return Ok(None);
        };
        let pass = if let Some(p) = &self.client_cert_pass {
            Some(PassSource::Given(p.clone()))
        } else if let Some(v) = &self.client_cert_pass_env {
            Some(PassSource::Env(v.clone()))
        } else {
            self.client_cert_pass_file.clone().map(PassSource::File)
        };
        let identity = crate::storefile::client_identity(
            cert,
            self.client_key.as_deref(),
            self.client_cert_alias.as_deref(),
            pass.as_ref(),
        )?;
        Ok(Some(std::sync::Arc::new(identity)))
    }
}

/// The AIA options of `probe` and `trust`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AiaArgs {
    /// Fetch an issuer the server does not send from its certificate's caIssuers URL (http:// only,
    /// as the JDK; 5 redirects at most, --timeout per request, one request per URL and run). Browsers
    /// use what is fetched; the java verdict only with --jvm-enable-aia; fixes always.
    #[arg(long)]
    pub fetch_aia: bool,
    /// Judge as a JVM started with -Dcom.sun.security.enableAIAcaIssuers=true: its path may use a
    /// fetched issuer when com.sun.security.allowedAIALocations allows the URL (read from the JVM's
    /// java.security, or --jvm-aia-locations).
    #[arg(long, requires = "fetch_aia")]
    pub jvm_enable_aia: bool,
    /// The JVM's com.sun.security.allowedAIALocations (space-separated URL prefixes, or `any`) when
    /// given as a system property (a JDK older than the filter, before 17.0.18, fetches any URL).
    #[arg(long, value_name = "URLS", requires = "jvm_enable_aia")]
    pub jvm_aia_locations: Option<String>,
}

impl AiaArgs {
    /// Fetches the issuers the captures lack, when `--fetch-aia` asks for it.
    pub fn complete(
        &self,
        captures: &mut [crate::probe::CapturedChain],
        trust: &crate::jvm::JvmTrust,
        timeout: std::time::Duration,
    ) -> Result<()> {
        if !self.fetch_aia {
            return Ok(());
        }
        if let (Some(given), None) = (&self.jvm_aia_locations, &trust.aia_allowed) {
            let jvm = trust.jvm.as_ref().filter(|j| j.home.is_some()).map_or_else(
                || "this JVM".to_owned(),
                |j| format!("the JVM {}", j.describe()),
            );
            crate::report::note(&format!(
                "--jvm-aia-locations {} is not used: {jvm} has no com.sun.security.allowedAIALocations \
                 filter (it came with 17.0.18, 21.0.10, 25.0.2) and fetches from any URL, as judged here",
                crate::judge::shell_word(given)
            ));
        }
        let java = trust.java_aia(self.jvm_enable_aia, self.jvm_aia_locations.as_deref());
        crate::judge::fetch_missing_issuers(captures, trust, &java, timeout)
    }
}

/// A `--starttls PROTO` value.
pub fn starttls(text: &str) -> std::result::Result<crate::probe::Protocol, String> {
    crate::probe::Protocol::parse(text)
        .ok_or_else(|| format!("expected one of {}", crate::probe::Protocol::names()))
}

/// A `--timeout SECONDS` value, checked.
pub fn timeout(seconds: f64) -> Result<std::time::Duration> {
    self::seconds("--timeout", seconds)
}

/// The option `name`'s value as a duration: a positive, finite number of seconds (at most a year).
pub fn seconds(name: &str, seconds: f64) -> Result<std::time::Duration> {
    if !(seconds > 0.0 && seconds.is_finite() && seconds <= 365.0 * 86_400.0) {
        anyhow::bail!("{name} must be a positive number of seconds");
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// The formats of a probe, verify or check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RunFormat {
    /// The report for people.
    Human,
    /// One JSON document (its schema is in schemas/).
    Json,
    /// A JUnit XML test report, for CI (Jenkins, GitLab, GitHub).
    Junit,
    /// The OpenMetrics text exposition, for Prometheus (node_exporter's textfile collector).
    Openmetrics,
}

/// The options `probe` and `verify` share after their inputs: the output format, the truststores of the
/// JVM verdict and the fix options.
#[derive(Debug, Clone, clap::Args)]
pub struct JudgeArgs {
    /// Output format.
    #[command(flatten)]
    pub output: RunFormatArgs,
    /// Truststores and password.
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Fix options.
    #[command(flatten)]
    pub fix: FixArgs,
}

/// `--format` (and its alias `--json`) of `probe`, `verify` and `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunFormatArgs {
    /// Output format. The exit code is the same in every format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = RunFormat::Human)]
    pub format: RunFormat,
    /// Print one JSON document: the same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl RunFormatArgs {
    /// The format chosen.
    pub fn format(&self) -> Format {
        match (self.json, self.format) {
            (true, _) | (false, RunFormat::Json) => Format::Json,
            (false, RunFormat::Human) => Format::Human,
            (false, RunFormat::Junit) => Format::Junit,
            (false, RunFormat::Openmetrics) => Format::OpenMetrics,
        }
    }
}

/// The formats of `store list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A table for people.
    Human,
    /// One JSON document (its schema is in schemas/).
    Json,
    /// The OpenMetrics text exposition: each entry's expiry, for Prometheus.
    Openmetrics,
}

/// `--format` (and its alias `--json`) of `store list`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListFormatArgs {
    /// Output format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    /// Print JSON: {"schema_version", "store", "format", "entries": [{"alias", "kind", "subject",
    /// "issuer", "not_before", "not_after", "sha256", …}]}; the same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl ListFormatArgs {
    /// The format chosen.
    pub fn format(&self) -> Format {
        match (self.json, self.format) {
            (true, _) | (false, ListFormat::Json) => Format::Json,
            (false, ListFormat::Human) => Format::Human,
            (false, ListFormat::Openmetrics) => Format::OpenMetrics,
        }
    }
}

/// The formats of `store diff` and `store locate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DataFormat {
    /// Text for people.
    Human,
    /// One JSON document (its schema is in schemas/).
    Json,
}

/// `--format` (and its alias `--json`) of `store diff` and `store locate`.
#[derive(Debug, Clone, clap::Args)]
pub struct DataFormatArgs {
    /// Output format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = DataFormat::Human)]
    pub format: DataFormat,
    /// Print one JSON document: the same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl DataFormatArgs {
    /// The format chosen.
    pub fn format(&self) -> Format {
        if self.json || self.format == DataFormat::Json {
            Format::Json
        } else {
            Format::Human
        }
    }
}
