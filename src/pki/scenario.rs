//! Named faults for `trustpath serve --scenario`: each builds a throwaway lab PKI and the exact chain a
//! misconfigured server would send, so that probes, the JVM and other clients can be tested against it.
//!
//! Every scenario has a lab root the client is meant to trust ([`Scenario::trust_anchor`]); the fault
//! is in what is served. Names covered: the host (default `localhost`), `127.0.0.1` and `::1`.

use rcgen::Issuer;
use time::{Duration, OffsetDateTime};

use super::key::LabKey;
use super::legacy_rsa::LegacyRsaKey;
use super::profile::{self, INTERMEDIATE_DAYS, LEAF_DAYS, ROOT_DAYS, Validity};
use super::{Authority, CaSpec, Issued, KeyType, LeafUsage, PkiError, SubjectName, resign};
use crate::cert::Certificate;

/// A scenario's name and what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// The name given to `--scenario`.
    pub name: &'static str,
    /// One line: what is served and what a client should make of it.
    pub summary: &'static str,
}

/// Every scenario, in the order `--list-scenarios` prints them.
pub const SCENARIOS: &[ScenarioInfo] = &[
    ScenarioInfo {
        name: "good",
        summary: "leaf + intermediate from the lab root: trusted everywhere the root is",
    },
    ScenarioInfo {
        name: "missing-intermediate",
        summary: "leaf only: the intermediate is not sent (the classic Java PKIX path building failure)",
    },
    ScenarioInfo {
        name: "wrong-order",
        summary: "leaf, then the root-side intermediate before the issuing one (two intermediates, reversed)",
    },
    ScenarioInfo {
        name: "served-root",
        summary: "leaf + intermediate + the root itself (harmless but wasteful; the root is still needed in the truststore)",
    },
    ScenarioInfo {
        name: "expired",
        summary: "leaf expired 30 days ago",
    },
    ScenarioInfo {
        name: "not-yet-valid",
        summary: "leaf valid only from 30 days from now",
    },
    ScenarioInfo {
        name: "wrong-host",
        summary: "leaf for other-host.invalid only: the host name does not match",
    },
    ScenarioInfo {
        name: "self-signed",
        summary: "a self-signed leaf not issued by the lab root",
    },
    ScenarioInfo {
        name: "untrusted-root",
        summary: "leaf + intermediate from a second root that the written truststore does not hold",
    },
    ScenarioInfo {
        name: "sha1",
        summary: "leaf signed with SHA1withRSA by an RSA intermediate (browsers refuse; a JVM trusts it under a private root)",
    },
    ScenarioInfo {
        name: "rsa-1024",
        summary: "the issuing intermediate has a 1024-bit RSA key (browsers refuse; the JDK's default limit is 1024)",
    },
    ScenarioInfo {
        name: "client-eku",
        summary: "leaf whose extendedKeyUsage is clientAuth only, not serverAuth",
    },
    ScenarioInfo {
        name: "plaintext-http",
        summary: "plain HTTP, no TLS at all on the port (what a client sees hitting an http:// connector with https)",
    },
];

/// The address every scenario leaf covers besides the requested name.
pub const LOOPBACK_IP: &str = "127.0.0.1";
/// The IPv6 loopback address every scenario leaf covers too (`serve --listen [::1]:PORT`).
pub const LOOPBACK_IPV6: &str = "::1";
/// The name the `wrong-host` leaf is issued for.
pub const WRONG_HOST: &str = "other-host.invalid";
/// How long before `now` scenario CAs start, so that expired leaves still nest inside their issuers.
const CA_BACKDATE: Duration = Duration::days(365);

/// A built scenario.
#[derive(Clone)]
pub struct Scenario {
    /// Which scenario.
    pub info: ScenarioInfo,
    /// The names requested (host and loopback IP).
    pub names: Vec<SubjectName>,
    /// The certificates to serve, in served order (empty for `plaintext-http`).
    pub chain: Vec<Certificate>,
    /// PKCS#8 DER of the key of `chain[0]` (empty for `plaintext-http`).
    pub key_pkcs8: Vec<u8>,
    /// The root a correctly configured client trusts.
    pub trust_anchor: Certificate,
    /// Whether the port speaks TLS.
    pub tls: bool,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.info.name)
            .field("chain", &self.chain)
            .field("trust_anchor", &self.trust_anchor)
            .finish()
    }
}

impl Scenario {
    /// The trust anchor as PEM.
    pub fn trust_anchor_pem(&self) -> String {
        self.trust_anchor.to_pem()
    }

    /// The served chain as PEM, in served order.
    pub fn chain_pem(&self) -> String {
        self.chain.iter().map(Certificate::to_pem).collect()
    }

    /// The key as PEM.
    pub fn key_pem(&self) -> String {
        crate::pem::encode("PRIVATE KEY", &self.key_pkcs8)
    }
}

/// The scenario called `name`, if there is one.
pub fn find(name: &str) -> Option<ScenarioInfo> {
    SCENARIOS.iter().copied().find(|s| s.name == name)
}

struct Built {
    chain: Vec<Certificate>,
    leaf: Issued,
    root: Certificate,
}

impl Built {
    /// `leaf` served with the certificates of `served` after it, `anchor` the root to trust.
    fn new(leaf: Issued, served: &[&Authority], anchor: &Authority) -> Built {
        let chain = std::iter::once(leaf.cert.clone())
            .chain(served.iter().map(|a| a.certificate().clone()))
            .collect();
        Built {
            chain,
            leaf,
            root: anchor.certificate().clone(),
        }
    }
}

/// Builds scenario `name` for `host` at `now`.
pub fn build(name: &str, host: &str, now: OffsetDateTime) -> Result<Scenario, PkiError> {
    let info = find(name).ok_or_else(|| PkiError::UnknownScenario(name.to_owned()))?;
    let mut names = vec![SubjectName::parse(host)?];
    for ip in [LOOPBACK_IP, LOOPBACK_IPV6] {
        let loopback = SubjectName::parse(ip)?;
        if !names.contains(&loopback) {
            names.push(loopback);
        }
    }
    let ca_now = now - CA_BACKDATE;
    let ec = KeyType::EcP256;
    // A root and an intermediate under it; `inter_note` qualifies the intermediate's name ("(RSA)").
    let ca = CaSpec {
        common_name: None,
        not_before: ca_now,
        days: ROOT_DAYS,
        path_len: 0,
    };
    let root_ca = |label: &str, path_len: u8| {
        let name = format!("trustpath scenario {label} root CA");
        let spec = CaSpec {
            common_name: Some(&name),
            path_len,
            ..ca
        };
        Authority::new_root(&spec, LabKey::generate(ec)?)
    };
    let sub_ca = |issuer: &Authority, label: &str, key: LabKey, path_len: u8| {
        let name = format!("trustpath scenario {label}");
        let spec = CaSpec {
            common_name: Some(&name),
            days: INTERMEDIATE_DAYS,
            path_len,
            ..ca
        };
        issuer.new_intermediate(&spec, key)
    };
    let pair = |root_label: &str,
                inter_note: &str,
                inter_key: LabKey,
                root_path_len: u8|
     -> Result<(Authority, Authority), PkiError> {
        let root = root_ca(root_label, root_path_len)?;
        let inter = sub_ca(
            &root,
            &format!("{root_label} intermediate CA{inter_note}"),
            inter_key,
            0,
        )?;
        Ok((root, inter))
    };
    let standard = |root_path_len: u8| pair(name, "", LabKey::generate(ec)?, root_path_len);
    let server_leaf = |issuer: &Authority, names: &[SubjectName], at: OffsetDateTime, days: u32| {
        issuer.issue_leaf(names, LeafUsage::Server, ec, at, days)
    };

    let built = match name {
        "good" | "missing-intermediate" | "served-root" | "plaintext-http" => {
            let (root, inter) = standard(1)?;
            let leaf = server_leaf(&inter, &names, now, LEAF_DAYS)?;
            let chain = match name {
                "missing-intermediate" => vec![leaf.cert.clone()],
                "served-root" => vec![
                    leaf.cert.clone(),
                    inter.certificate().clone(),
                    root.certificate().clone(),
                ],
                "plaintext-http" => Vec::new(),
                _ => vec![leaf.cert.clone(), inter.certificate().clone()],
            };
            Built {
                chain,
                leaf,
                root: root.certificate().clone(),
            }
        }
        "wrong-order" => {
            let root = root_ca("wrong-order", 2)?;
            let upper = sub_ca(
                &root,
                "wrong-order upper intermediate CA",
                LabKey::generate(ec)?,
                1,
            )?;
            let issuing = sub_ca(
                &upper,
                "wrong-order issuing intermediate CA",
                LabKey::generate(ec)?,
                0,
            )?;
            let leaf = server_leaf(&issuing, &names, now, LEAF_DAYS)?;
            Built::new(leaf, &[&upper, &issuing], &root)
        }
        "expired" | "not-yet-valid" => {
            let (root, inter) = standard(1)?;
            let leaf = if name == "expired" {
                server_leaf(&inter, &names, now - Duration::days(120), 90)?
            } else {
                server_leaf(&inter, &names, now + Duration::days(30), LEAF_DAYS)?
            };
            Built::new(leaf, &[&inter], &root)
        }
        "wrong-host" => {
            let (root, inter) = standard(1)?;
            let leaf = server_leaf(&inter, &[SubjectName::parse(WRONG_HOST)?], now, LEAF_DAYS)?;
            Built::new(leaf, &[&inter], &root)
        }
        "self-signed" => {
            let (root, _) = standard(1)?;
            let key = ec.generate()?;
            let params = profile::leaf(
                &names,
                LeafUsage::Server,
                false,
                Validity::days_from(now, LEAF_DAYS)?,
            )?;
            let issuer = Issuer::from_params(&params, &key);
            let der = params.signed_by(&key, &issuer)?;
            let cert = Certificate::from_der(der.der().to_vec())
                .map_err(|e| PkiError::Ca(e.to_string()))?;
            let leaf = Issued {
                cert: cert.clone(),
                key_pkcs8: key.serialize_der(),
            };
            Built {
                chain: vec![cert],
                leaf,
                root: root.certificate().clone(),
            }
        }
        "untrusted-root" => {
            let (trusted_root, _) = standard(1)?;
            let (_, inter) = pair("untrusted-root other", "", LabKey::generate(ec)?, 1)?;
            let leaf = server_leaf(&inter, &names, now, LEAF_DAYS)?;
            Built::new(leaf, &[&inter], &trusted_root)
        }
        "sha1" => {
            let (root, inter) = pair("sha1", " (RSA)", LabKey::generate(KeyType::Rsa2048)?, 1)?;
            let modern = server_leaf(&inter, &names, now, LEAF_DAYS)?;
            let cert = resign::resign_sha1(&modern.cert, &inter.key_pkcs8())?;
            let leaf = Issued {
                cert,
                key_pkcs8: modern.key_pkcs8,
            };
            Built::new(leaf, &[&inter], &root)
        }
        "rsa-1024" => {
            let (root, inter) = pair(
                "rsa-1024",
                " (RSA 1024, public test key)",
                LabKey::Legacy(LegacyRsaKey::test_key_1024()?),
                1,
            )?;
            let leaf = server_leaf(&inter, &names, now, LEAF_DAYS)?;
            Built::new(leaf, &[&inter], &root)
        }
        "client-eku" => {
            let (root, inter) = standard(1)?;
            let leaf = inter.issue_leaf(&names, LeafUsage::Client, ec, now, LEAF_DAYS)?;
            Built::new(leaf, &[&inter], &root)
        }
        other => return Err(PkiError::UnknownScenario(other.to_owned())),
    };
    let tls = name != "plaintext-http";
    Ok(Scenario {
        info,
        names,
        chain: built.chain,
        key_pkcs8: if tls {
            built.leaf.key_pkcs8
        } else {
            Vec::new()
        },
        trust_anchor: built.root,
        tls,
    })
}
