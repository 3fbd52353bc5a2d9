//! A whole lab PKI in one call: root CA, issuing intermediate, one server (or client) certificate for
//! every requested name, PEM files, keystores, truststores and a README saying which file goes where.
//!
//! [`generate`] is pure: it takes the clock and returns every file's bytes ([`LabFile`]); the `gen`
//! command writes them.

use time::OffsetDateTime;

use super::key::LabKey;
use super::keystores::{self, DEFAULT_KEY_ALIAS, DEFAULT_PASSWORD};
use super::profile::{INTERMEDIATE_DAYS, LEAF_DAYS, ROOT_DAYS};
use super::readme::{self, ReadmeInput};
use super::{Authority, CaSpec, Issued, KeyType, LeafUsage, PkiError, SubjectName};
use crate::cert::Certificate;
use crate::truststore::StoreFormat;

/// File names of a lab directory.
pub mod files {
    /// Root CA certificate.
    pub const ROOT_CERT: &str = "root-ca.pem";
    /// Root CA private key.
    pub const ROOT_KEY: &str = "root-ca.key";
    /// Intermediate CA certificate.
    pub const INTERMEDIATE_CERT: &str = "intermediate-ca.pem";
    /// Intermediate CA private key.
    pub const INTERMEDIATE_KEY: &str = "intermediate-ca.key";
    /// Server (or client) chain without the root, for nginx and Apache.
    pub const FULLCHAIN: &str = "fullchain.pem";
    /// Truststore (JKS) holding the root.
    pub const TRUST_JKS: &str = "truststore.jks";
    /// Truststore (PKCS#12) holding the root.
    pub const TRUST_P12: &str = "truststore.p12";
    /// What goes where.
    pub const README: &str = "README.txt";
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct LabSpec {
    /// Names the leaf covers (at least one).
    pub names: Vec<SubjectName>,
    /// Key type of every new key.
    pub key_type: KeyType,
    /// Leaf lifetime in days ([`LEAF_DAYS`] when `None`).
    pub leaf_days: Option<u32>,
    /// Alias of the private-key entry in `server.p12` / `server.jks`.
    pub alias: String,
    /// Password of the keystores and truststores (the key is protected with it too).
    pub storepass: String,
    /// Whether to put an intermediate between root and leaf.
    pub intermediate: bool,
    /// Server or client certificate.
    pub usage: LeafUsage,
}

impl LabSpec {
    /// The defaults for `names`: EC P-256, 397 days, alias `tomcat`, password `changeit`, an intermediate,
    /// a server certificate.
    pub fn new(names: Vec<SubjectName>) -> LabSpec {
        LabSpec {
            names,
            key_type: KeyType::EcP256,
            leaf_days: None,
            alias: DEFAULT_KEY_ALIAS.to_owned(),
            storepass: DEFAULT_PASSWORD.to_owned(),
            intermediate: true,
            usage: LeafUsage::Server,
        }
    }
}

/// An existing lab CA to issue under (`--ca DIR`), so a new host needs no new trust.
#[derive(Debug)]
pub struct ExistingCa {
    /// The root certificate.
    pub root: Certificate,
    /// The root with its key, when the key is available (needed to make a new intermediate, or to issue
    /// directly without one).
    pub root_authority: Option<Authority>,
    /// An existing intermediate with its key: the issuer of new leaves when present.
    pub intermediate: Option<Authority>,
}

/// One file of a lab.
#[derive(Clone)]
pub struct LabFile {
    /// The file name inside the lab directory.
    pub name: String,
    /// Its contents.
    pub contents: Vec<u8>,
    /// Whether it holds a private key (written mode 0600).
    pub secret: bool,
}

impl std::fmt::Debug for LabFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LabFile({}, {} bytes{})",
            self.name,
            self.contents.len(),
            if self.secret { ", secret" } else { "" }
        )
    }
}

impl LabFile {
    fn public(name: impl Into<String>, contents: impl Into<Vec<u8>>) -> LabFile {
        LabFile {
            name: name.into(),
            contents: contents.into(),
            secret: false,
        }
    }

    fn secret(name: impl Into<String>, contents: impl Into<Vec<u8>>) -> LabFile {
        LabFile {
            name: name.into(),
            contents: contents.into(),
            secret: true,
        }
    }
}

/// A generated lab.
#[derive(Debug)]
pub struct Lab {
    /// The root CA certificate (new, or the one of `--ca`).
    pub root: Certificate,
    /// The intermediate CA certificate, when there is one.
    pub intermediate: Option<Certificate>,
    /// The leaf certificate and its key.
    pub leaf: Issued,
    /// Every file to write, in a sensible listing order.
    pub files: Vec<LabFile>,
}

impl Lab {
    /// The file with this name.
    pub fn file(&self, name: &str) -> Option<&LabFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// `root-ca.pem` and `root-ca.key`.
pub fn root_files(root: &Authority) -> Vec<LabFile> {
    let issued = root.issued();
    vec![
        LabFile::public(files::ROOT_CERT, issued.cert_pem()),
        LabFile::secret(files::ROOT_KEY, issued.key_pem()),
    ]
}

/// `intermediate-ca.pem` and `intermediate-ca.key`.
pub fn intermediate_files(intermediate: &Authority) -> Vec<LabFile> {
    let issued = intermediate.issued();
    vec![
        LabFile::public(files::INTERMEDIATE_CERT, issued.cert_pem()),
        LabFile::secret(files::INTERMEDIATE_KEY, issued.key_pem()),
    ]
}

/// A CA directory of its own for a new intermediate: `intermediate-ca.pem`/`.key` and a copy of the root's
/// certificate as `root-ca.pem` (never its key), so that the directory works as `--ca` for `gen leaf` and
/// `gen lab` (which need the root for truststores) while the root's key stays where it is.
pub fn intermediate_dir_files(intermediate: &Authority, root: &Certificate) -> Vec<LabFile> {
    let mut out = intermediate_files(intermediate);
    out.push(LabFile::public(files::ROOT_CERT, root.to_pem()));
    out
}

/// `server.pem`, `server.key`, `fullchain.pem`, `server.p12`, `server.jks` (or `client.*`): the leaf
/// and its chain without the root.
pub fn leaf_files(
    usage: LeafUsage,
    leaf: &Issued,
    intermediates: &[Certificate],
    alias: &str,
    storepass: &str,
    now: OffsetDateTime,
) -> Result<Vec<LabFile>, PkiError> {
    let stem = usage.stem();
    let mut fullchain = leaf.cert_pem();
    for c in intermediates {
        fullchain.push_str(&c.to_pem());
    }
    let p12 = keystores::key_store(
        StoreFormat::Pkcs12,
        alias,
        leaf,
        intermediates,
        storepass,
        now,
    )?;
    let jks = keystores::key_store(StoreFormat::Jks, alias, leaf, intermediates, storepass, now)?;
    Ok(vec![
        LabFile::public(format!("{stem}.pem"), leaf.cert_pem()),
        LabFile::secret(format!("{stem}.key"), leaf.key_pem()),
        LabFile::public(files::FULLCHAIN, fullchain),
        LabFile::secret(format!("{stem}.p12"), p12),
        LabFile::secret(format!("{stem}.jks"), jks),
    ])
}

/// `truststore.jks` and `truststore.p12`, trusting `root`.
pub fn trust_files(
    root: &Certificate,
    storepass: &str,
    now: OffsetDateTime,
) -> Result<Vec<LabFile>, PkiError> {
    Ok(vec![
        LabFile::public(
            files::TRUST_JKS,
            keystores::trust_store(StoreFormat::Jks, root, storepass, now)?,
        ),
        LabFile::public(
            files::TRUST_P12,
            keystores::trust_store(StoreFormat::Pkcs12, root, storepass, now)?,
        ),
    ])
}

/// Generates a complete new lab.
pub fn generate(spec: &LabSpec, now: OffsetDateTime) -> Result<Lab, PkiError> {
    generate_under(spec, None, now)
}

/// Generates a lab, under an existing CA when `ca` is given (only the new CA material is returned as
/// files, plus a copy of the root certificate; existing keys are never copied).
pub fn generate_under(
    spec: &LabSpec,
    ca: Option<&ExistingCa>,
    now: OffsetDateTime,
) -> Result<Lab, PkiError> {
    if spec.names.is_empty() {
        return Err(PkiError::NoNames);
    }
    let leaf_days = spec.leaf_days.unwrap_or(LEAF_DAYS);
    // CAs outlive the leaves they issue, even with a long --days.
    let intermediate_days = INTERMEDIATE_DAYS.max(leaf_days.saturating_add(1));
    let root_days = ROOT_DAYS.max(intermediate_days.saturating_add(1));
    let mut out = Vec::new();

    let intermediate_spec = CaSpec {
        common_name: None,
        not_before: now,
        days: intermediate_days,
        path_len: 0,
    };
    let new_root;
    let new_intermediate;
    let (root_cert, issuer): (Certificate, &Authority);
    let mut intermediate_cert = None;
    match ca {
        None => {
            let root_spec = CaSpec {
                days: root_days,
                path_len: 1,
                ..intermediate_spec
            };
            new_root = Authority::new_root(&root_spec, LabKey::generate(spec.key_type)?)?;
            out.extend(root_files(&new_root));
            root_cert = new_root.certificate().clone();
            if spec.intermediate {
                new_intermediate = new_root
                    .new_intermediate(&intermediate_spec, LabKey::generate(spec.key_type)?)?;
                out.extend(intermediate_files(&new_intermediate));
                intermediate_cert = Some(new_intermediate.certificate().clone());
                issuer = &new_intermediate;
            } else {
                issuer = &new_root;
            }
        }
        Some(existing) => {
            root_cert = existing.root.clone();
            out.push(LabFile::public(files::ROOT_CERT, root_cert.to_pem()));
            match (
                &existing.intermediate,
                &existing.root_authority,
                spec.intermediate,
            ) {
                (Some(inter), _, true) => {
                    out.push(LabFile::public(
                        files::INTERMEDIATE_CERT,
                        inter.certificate().to_pem(),
                    ));
                    intermediate_cert = Some(inter.certificate().clone());
                    issuer = inter;
                }
                (None, Some(root), true) => {
                    new_intermediate = root
                        .new_intermediate(&intermediate_spec, LabKey::generate(spec.key_type)?)?;
                    out.extend(intermediate_files(&new_intermediate));
                    intermediate_cert = Some(new_intermediate.certificate().clone());
                    issuer = &new_intermediate;
                }
                (_, Some(root), false) => issuer = root,
                (_, None, false) => {
                    return Err(PkiError::Ca(
                        "issuing without an intermediate needs the root key (root-ca.key)".into(),
                    ));
                }
                (None, None, true) => {
                    return Err(PkiError::Ca(
                        "neither an intermediate (intermediate-ca.pem and .key) nor the root key \
                         (root-ca.key) is available to issue with"
                            .into(),
                    ));
                }
            }
        }
    }

    let leaf = issuer.issue_leaf(&spec.names, spec.usage, spec.key_type, now, leaf_days)?;
    let intermediates: Vec<Certificate> = intermediate_cert.iter().cloned().collect();
    out.extend(leaf_files(
        spec.usage,
        &leaf,
        &intermediates,
        &spec.alias,
        &spec.storepass,
        now,
    )?);
    out.extend(trust_files(&root_cert, &spec.storepass, now)?);
    let ca_keys = out
        .iter()
        .any(|f| f.name == files::ROOT_KEY || f.name == files::INTERMEDIATE_KEY);
    out.push(LabFile::public(
        files::README,
        readme::lab_readme(&ReadmeInput {
            names: &spec.names,
            alias: &spec.alias,
            storepass: &spec.storepass,
            usage: spec.usage,
            has_intermediate: intermediate_cert.is_some(),
            ca_keys,
            leaf: &leaf.cert,
        }),
    ));
    Ok(Lab {
        root: root_cert,
        intermediate: intermediate_cert,
        leaf,
        files: out,
    })
}
