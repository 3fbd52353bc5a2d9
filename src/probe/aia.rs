//! Fetching missing issuers from a certificate's caIssuers URL (Authority Information Access), opt-in
//! with `--fetch-aia`, as the JDK's `URICertStore` does when `com.sun.security.enableAIAcaIssuers=true`:
//! plain `http://` only, a timeout per request, a bounded body ([`super::http::MAX_BODY`]) and a bounded
//! number of redirects ([`MAX_REDIRECTS`], `http://` to `http://` only), the answer read as one DER
//! certificate, a PKCS#7 "certs-only" bundle or PEM — the forms `CertificateFactory.generateCertificates`
//! reads. At most [`CONCURRENCY`] requests at once and one request per URL and run (a per-run cache).
//!
//! What is fetched is only a candidate: `chain::diagnose` decides whether a path uses it (the browser
//! profile always may; the java profile only when [`JavaAia`] says the app's JVM fetches that URL too).
//! The JDK (8u481, 11.0.30, 17.0.18, 21.0.10, 25.0.2 and later: JDK-8368032) also requires the URL to
//! be allowed by `com.sun.security.allowedAIALocations` (java.security, absent or empty = none), which
//! [`JavaAia`] models; an older update fetches any URL (`crate::jvm::security::aia_locations`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use der::{Decode, Reader, SliceReader};
use tokio::sync::{OnceCell, Semaphore};

use super::CapturedChain;
use crate::cert::Certificate;
use crate::chain::Fetched;
use crate::endpoint_url::{EndpointUrl, Scheme};
use crate::finding::{Code, Finding, Severity};

/// Redirects followed per URL (`http://` to `http://` only, as `HttpURLConnection` follows them).
pub const MAX_REDIRECTS: usize = 5;
/// caIssuers requests in flight at once, over the whole run.
pub const CONCURRENCY: usize = 8;
/// Levels fetched above the served chain (an issuer's own issuer, and so on).
pub const MAX_DEPTH: usize = 4;

/// Whether the app's JVM fetches caIssuers URLs itself, and which.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JavaAia {
    /// `com.sun.security.enableAIAcaIssuers=true`.
    pub enabled: bool,
    /// `com.sun.security.allowedAIALocations`: `None` for a JDK without the filter (any URL), else the
    /// property's value (empty: no URL is allowed; `any`: every URL).
    pub allowed: Option<String>,
}

impl JavaAia {
    /// Whether this JVM fetches `url` (`URICertStore.getInstance`'s filter: scheme, host and port
    /// equal, and the rule's path equal to the URL's or, ending in `/`, a prefix of it).
    pub fn fetches(&self, url: &str) -> bool {
        if !self.enabled {
            return false;
        }
        let Some(rules) = &self.allowed else {
            return true;
        };
        if rules.trim().eq_ignore_ascii_case("any") {
            return true;
        }
        let Ok(url) = url::Url::parse(url) else {
            return false;
        };
        rules.split_whitespace().any(|rule| {
            url::Url::parse(rule).is_ok_and(|rule| {
                rule.scheme() == url.scheme()
                    && rule.host_str().map(str::to_ascii_lowercase)
                        == url.host_str().map(str::to_ascii_lowercase)
                    && rule.port_or_known_default() == url.port_or_known_default()
                    && {
                        let base = if rule.path().is_empty() {
                            "/"
                        } else {
                            rule.path()
                        };
                        if base.ends_with('/') {
                            url.path().starts_with(base)
                        } else {
                            url.path() == base
                        }
                    }
            })
        })
    }
}

type Outcome = Result<Vec<Certificate>, String>;

/// Fetches caIssuers URLs for one run: bounded concurrency, one request per URL.
pub struct Fetcher {
    timeout: Duration,
    permits: Semaphore,
    cache: Mutex<HashMap<String, Arc<OnceCell<Outcome>>>>,
}

impl Fetcher {
    /// A fetcher whose every request (connect, send, read) is bounded by `timeout`.
    pub fn new(timeout: Duration) -> Fetcher {
        Fetcher {
            timeout,
            permits: Semaphore::new(CONCURRENCY),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The certificates at `url` (fetched once per run).
    pub async fn fetch(&self, url: &str) -> Outcome {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(cache.entry(url.to_owned()).or_default())
        };
        cell.get_or_init(|| async {
            // The semaphore is never closed, so acquiring only fails if it were.
            let _permit = self.permits.acquire().await.ok();
            fetch_url(url, self.timeout).await
        })
        .await
        .clone()
    }

    /// Fetches the issuers `capture`'s chain lacks: for each certificate whose issuer is neither served
    /// nor among `known` subjects (the truststores' anchors, DER), its `http://` caIssuers URLs, keeping
    /// the certificates whose subject is that issuer; then the same for them, up to [`MAX_DEPTH`]
    /// levels. A URL that cannot be fetched is an `aia-fetch-failed` finding.
    pub async fn complete(
        &self,
        capture: &mut CapturedChain,
        known: &HashSet<Vec<u8>>,
        java: &JavaAia,
    ) {
        let mut have: HashSet<Vec<u8>> = capture
            .chain
            .iter()
            .filter_map(|c| c.try_info().ok().map(|i| i.subject_raw.clone()))
            .collect();
        let mut level: Vec<Certificate> = capture.chain.clone();
        let mut failed: Vec<String> = Vec::new();
        for _ in 0..MAX_DEPTH {
            let mut next = Vec::new();
            for cert in &level {
                let Ok(info) = cert.try_info() else { continue };
                if info.issuer_raw == info.subject_raw
                    || have.contains(&info.issuer_raw)
                    || known.contains(&info.issuer_raw)
                {
                    continue;
                }
                for url in &info.ca_issuers_urls {
                    if !url.to_ascii_lowercase().starts_with("http://") {
                        failed.push(format!(
                            "{url} (only http:// caIssuers URLs are fetched, as the JDK does)"
                        ));
                        continue;
                    }
                    match self.fetch(url).await {
                        Ok(certs) => {
                            let issuers: Vec<Certificate> = certs
                                .into_iter()
                                .filter(|c| {
                                    c.try_info().is_ok_and(|i| i.subject_raw == info.issuer_raw)
                                })
                                .collect();
                            if issuers.is_empty() {
                                failed.push(format!(
                                    "{url} (it holds no certificate for {})",
                                    info.issuer
                                ));
                                continue;
                            }
                            have.insert(info.issuer_raw.clone());
                            for c in issuers {
                                next.push(c.clone());
                                capture.fetched.push(Fetched {
                                    cert: c,
                                    url: url.clone(),
                                    java: java.fetches(url),
                                });
                            }
                            break;
                        }
                        Err(e) => failed.push(format!("{url} ({e})")),
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
        failed.dedup();
        for f in failed {
            capture.findings.push(Finding::new(
                Code::AiaFetchFailed,
                Severity::Info,
                format!("a missing issuer could not be fetched from its caIssuers URL {f}"),
                "serve the full chain, or give the issuer with --extra-certs",
            ));
        }
    }
}

/// Fetches issuers for every capture (see [`Fetcher::complete`]) on a fresh runtime.
pub fn complete_blocking(
    captures: &mut [CapturedChain],
    known: &HashSet<Vec<u8>>,
    java: &JavaAia,
    timeout: Duration,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let fetcher = Arc::new(Fetcher::new(timeout));
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, capture) in captures.iter().enumerate() {
            let (fetcher, known, java) = (Arc::clone(&fetcher), known.clone(), java.clone());
            let mut capture = capture.clone();
            tasks.spawn(async move {
                fetcher.complete(&mut capture, &known, &java).await;
                (i, capture.fetched, capture.findings)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            if let Ok((i, fetched, findings)) = joined {
                captures[i].fetched = fetched;
                captures[i].findings = findings;
            }
        }
    });
    Ok(())
}

/// One URL: GET with bounded redirects, the body read as certificates.
async fn fetch_url(url: &str, timeout: Duration) -> Outcome {
    let mut current = EndpointUrl::parse(url)?;
    for _ in 0..=MAX_REDIRECTS {
        if current.scheme != Scheme::Http {
            return Err(format!(
                "redirected to {}: only http:// is followed",
                current.text
            ));
        }
        let addr = format!("{}:{}", current.host, current.port);
        let tcp = tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr))
            .await
            .map_err(|_| format!("no connection within {} s", timeout.as_secs_f64()))?
            .map_err(|e| format!("cannot connect: {e}"))?;
        let response = super::http::get(Box::new(tcp), &current, &current.path, &[], timeout)
            .await
            .map_err(|f| f.to_string())?;
        match response.status {
            200 => {
                if response.body_truncated {
                    return Err(format!(
                        "the answer is larger than {} bytes",
                        super::http::MAX_BODY
                    ));
                }
                return certificates(&response.body);
            }
            301 | 302 | 303 | 307 | 308 => {
                let location = response
                    .header("location")
                    .ok_or_else(|| format!("HTTP {} without a Location", response.status))?;
                current = current.join(location)?;
            }
            status => return Err(format!("HTTP {status}")),
        }
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// The certificates of a caIssuers answer: one DER certificate, a PKCS#7 SignedData (certs-only), or
/// PEM.
pub fn certificates(body: &[u8]) -> Outcome {
    if body.starts_with(b"-----BEGIN") || body.iter().take(64).all(u8::is_ascii) {
        let blocks = crate::pem::parse_all(body).map_err(|e| format!("not PEM: {e}"))?;
        let certs: Vec<Certificate> = blocks
            .into_iter()
            .filter(|b| b.label == "CERTIFICATE")
            .filter_map(|b| Certificate::from_der(b.contents).ok())
            .collect();
        return if certs.is_empty() {
            Err("the answer holds no certificate".to_owned())
        } else {
            Ok(certs)
        };
    }
    if let Ok(cert) = Certificate::from_der(body.to_vec()) {
        return Ok(vec![cert]);
    }
    pkcs7_certificates(body)
        .map_err(|e| format!("the answer is neither a DER certificate nor PKCS#7: {e}"))
}

/// PKCS#7 / CMS `ContentInfo { signedData, [0] SignedData { …, certificates [0] IMPLICIT SET … } }`.
fn pkcs7_certificates(der: &[u8]) -> Result<Vec<Certificate>, String> {
    /// The DER of OID 1.2.840.113549.1.7.2 (signedData).
    const SIGNED_DATA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    let members = crate::asn1::sequence_members(der).map_err(|e| e.to_string())?;
    let [oid, content, ..] = members.as_slice() else {
        return Err("a ContentInfo has two members".to_owned());
    };
    if *oid != SIGNED_DATA {
        return Err("the content type is not signedData".to_owned());
    }
    let explicit = der::asn1::AnyRef::from_der(content).map_err(|e| e.to_string())?;
    let signed = crate::asn1::sequence_members(explicit.value()).map_err(|e| e.to_string())?;
    let Some(set) = signed.iter().find(|m| m.first() == Some(&0xA0)) else {
        return Err("the SignedData holds no certificates".to_owned());
    };
    let set = der::asn1::AnyRef::from_der(set).map_err(|e| e.to_string())?;
    let mut reader = SliceReader::new(set.value()).map_err(|e| e.to_string())?;
    let mut certs = Vec::new();
    while !reader.is_finished() {
        let tlv = reader.tlv_bytes().map_err(|e| e.to_string())?;
        // Other CertificateChoices (attribute certificates) are tagged [n]: only plain certificates.
        if tlv.first() == Some(&0x30)
            && let Ok(c) = Certificate::from_der(tlv.to_vec())
        {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        Err("the SignedData holds no certificates".to_owned())
    } else {
        Ok(certs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn java(allowed: Option<&str>) -> JavaAia {
        JavaAia {
            enabled: true,
            allowed: allowed.map(str::to_owned),
        }
    }

    #[test]
    fn the_jvm_fetches_only_urls_its_allowed_locations_name() {
        let url = "http://127.0.0.1:8080/ca/issuing.der";
        assert!(!JavaAia::default().fetches(url));
        assert!(java(None).fetches(url));
        assert!(!java(Some("")).fetches(url));
        assert!(java(Some("any")).fetches(url));
        assert!(java(Some("http://127.0.0.1:8080/ca/")).fetches(url));
        assert!(java(Some("http://127.0.0.1:8080/ca/issuing.der")).fetches(url));
        assert!(!java(Some("http://127.0.0.1:8080/ca")).fetches(url));
        assert!(!java(Some("http://127.0.0.1:8081/ca/")).fetches(url));
        assert!(!java(Some("https://127.0.0.1:8080/ca/")).fetches(url));
        assert!(java(Some("http://other.test/ http://127.0.0.1:8080/")).fetches(url));
    }

    #[test]
    fn an_answer_is_read_as_der_pem_or_pkcs7() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut p = rcgen::CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, "A");
        let cert = p.self_signed(&key).unwrap();
        let der = cert.der().to_vec();
        assert_eq!(certificates(&der).unwrap()[0].der(), der.as_slice());
        assert_eq!(certificates(cert.pem().as_bytes()).unwrap().len(), 1);
        // A certs-only SignedData as `openssl crl2pkcs7 -nocrl` writes it.
        // A context-specific constructed [0] element around `parts`.
        let a = |t: u8, parts: &[&[u8]]| {
            let body: Vec<u8> = parts.concat();
            let mut out = vec![t];
            out.extend(crate::asn1::length_octets(body.len()).unwrap());
            out.extend(body);
            out
        };
        let oid = crate::asn1::oid(&der::asn1::ObjectIdentifier::new_unwrap(
            "1.2.840.113549.1.7.2",
        ))
        .unwrap();
        let data_oid = crate::asn1::oid(&der::asn1::ObjectIdentifier::new_unwrap(
            "1.2.840.113549.1.7.1",
        ))
        .unwrap();
        let signed = crate::asn1::seq(&[
            &crate::asn1::uint(1).unwrap(),
            &crate::asn1::set(&[]).unwrap(),
            &crate::asn1::seq(&[&data_oid]).unwrap(),
            &a(0xA0, &[&der, &der]),
            &crate::asn1::set(&[]).unwrap(),
        ])
        .unwrap();
        let info = crate::asn1::seq(&[&oid, &a(0xA0, &[&signed])]).unwrap();
        assert_eq!(certificates(&info).unwrap().len(), 2);
        assert!(certificates(b"\x30\x03\x02\x01\x01").is_err());
    }
}
