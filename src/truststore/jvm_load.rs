//! What a JVM makes of a store's certificates, by the JDK parser model ([`crate::cert::jdk`]).
//!
//! `KeyStore.load` parses every certificate of a JKS, JCEKS or PKCS#12 file (trusted entries and the
//! chains of key entries) with `CertificateFactory`; one it cannot parse fails the whole load. keytool
//! then refuses the file (for a PKCS#12 with encrypted certificates, with the misleading "keystore password
//! was incorrect"), and a JVM given it as `javax.net.ssl.trustStore` cannot build its default
//! `SSLContext` ("problem accessing trust store"), so every TLS connection it makes fails. These functions
//! find such certificates, and guard every write of a store so that none enters one.

use crate::cert::jdk::{Jdk, JdkParseError};
use crate::cert::{Certificate, JdkRefusal};

use super::{EntryBody, StoreFormat, TrustStore};

/// A certificate of a store that a modelled JDK cannot parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparseable {
    /// The alias of the entry holding it.
    pub alias: String,
    /// The certificate.
    pub cert: Certificate,
    /// Which JDKs refuse it, and why.
    pub refusal: JdkRefusal,
}

/// Every certificate `KeyStore.load` parses, with its entry's alias: trusted certificates and every
/// certificate of a key entry's chain.
fn loaded(store: &TrustStore) -> impl Iterator<Item = (&str, &Certificate)> {
    store.entries.iter().flat_map(|e| {
        let certs: &[Certificate] = match &e.body {
            EntryBody::TrustedCert(c) => std::slice::from_ref(c),
            EntryBody::PrivateKey(k) => &k.chain,
            EntryBody::SecretKey(_) => &[],
        };
        certs.iter().map(move |c| (e.alias.as_str(), c))
    })
}

/// The certificates of `store` that some modelled JDK cannot parse, in entry order.
/// The model runs on every core for a large store (each certificate's outcome is then cached in it).
pub fn unparseable(store: &TrustStore) -> Vec<Unparseable> {
    let certs: Vec<(&str, &Certificate)> = loaded(store).collect();
    crate::parallel::map(&certs, 256, |(_, cert)| cert.jdk_refusal())
        .into_iter()
        .zip(certs)
        .filter_map(|(refusal, (alias, cert))| {
            refusal.map(|refusal| Unparseable {
                alias: alias.to_owned(),
                cert: cert.clone(),
                refusal,
            })
        })
        .collect()
}

/// Whether a JVM loads this kind of store as a whole: then one unparseable certificate fails the whole
/// store. Keystores (JKS, JCEKS, PKCS#12) fail `KeyStore.load`; a PEM bundle (or one DER certificate) is
/// read by Java code with `CertificateFactory.generateCertificates`, or block by block with
/// `generateCertificate` as Tomcat's `PEMFile`, Spring Boot's PEM SSL bundles and Netty do, and fails as a
/// whole too (the JVM oracle of `tests/oracle` loads one so). Only a directory is read file by file
/// (trustpath's form of `/etc/ssl/certs`), so an unparseable file there is just not an anchor.
pub fn loads_as_a_whole(format: StoreFormat) -> bool {
    !matches!(format, StoreFormat::Directory)
}

/// The first certificate that fails `KeyStore.load` of `store` in `jdk`, with its alias and the reason.
pub fn load_failure(store: &TrustStore, jdk: Jdk) -> Option<(&str, &Certificate, &JdkParseError)> {
    loaded(store).find_map(|(alias, cert)| cert.jdk_parse(jdk).err().map(|e| (alias, cert, e)))
}

/// Why a write was refused: a certificate the JVM cannot parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to write '{subject}' (SHA-256 {sha256}): the JVM cannot parse it ({refusal}); a keystore \
     holding it fails to load in keytool and in every JVM given it as a truststore, so nothing was written"
)]
pub struct UnparseableCert {
    /// The certificate's subject (or where it came from, when it has no readable subject).
    pub subject: String,
    /// Its SHA-256, colon-separated.
    pub sha256: String,
    /// Which JDKs refuse it, and why.
    pub refusal: JdkRefusal,
}

/// The guard before a store (or a fix file) is written: an error naming the first certificate that a
/// modelled JDK cannot parse, else `Ok`.
pub fn refuse_unparseable<'a>(
    certs: impl IntoIterator<Item = &'a Certificate>,
) -> Result<(), UnparseableCert> {
    for cert in certs {
        if let Some(refusal) = cert.jdk_refusal() {
            return Err(UnparseableCert {
                subject: cert
                    .try_info()
                    .map(|i| i.subject.clone())
                    .unwrap_or_else(|e| e.to_string()),
                sha256: cert.sha256_colons(),
                refusal,
            });
        }
    }
    Ok(())
}

/// [`refuse_unparseable`] over every certificate a JVM would parse when loading `store`.
pub fn refuse_unparseable_store(store: &TrustStore) -> Result<(), UnparseableCert> {
    refuse_unparseable(loaded(store).map(|(_, c)| c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::truststore::{Entry, KeyMaterial, PrivateKeyEntry};

    fn good() -> Certificate {
        let mut p = rcgen::CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, "good");
        let key = rcgen::KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    /// A self-signed certificate with an empty name: x509-parser reads it, the JDK refuses its empty
    /// issuer.
    fn empty_issuer() -> Certificate {
        let mut p = rcgen::CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        p.distinguished_name = rcgen::DistinguishedName::new();
        let key = rcgen::KeyPair::generate().unwrap();
        Certificate::from_der(p.self_signed(&key).unwrap().der().to_vec()).unwrap()
    }

    #[test]
    fn a_certificate_the_jdk_cannot_parse_is_named_with_its_alias_and_reason() {
        let mut store = TrustStore::new(StoreFormat::Jks);
        store.entries.push(Entry::trusted("ok", good(), None));
        store.entries.push(Entry {
            alias: "tomcat".to_owned(),
            created_ms: None,
            body: EntryBody::PrivateKey(PrivateKeyEntry {
                key: KeyMaterial::Pkcs8(vec![0]),
                chain: vec![good(), empty_issuer()],
                local_key_id: None,
            }),
        });
        let bad = unparseable(&store);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].alias, "tomcat");
        assert_eq!(bad[0].refusal.jdks, Jdk::LATEST.to_vec());
        let (alias, _, e) = load_failure(&store, Jdk::V17).expect("the load fails");
        assert_eq!(alias, "tomcat");
        assert_eq!(e.rule, "X509CertInfo: empty issuer");
        let err = refuse_unparseable_store(&store).expect_err("refused");
        assert!(
            err.to_string()
                .contains("Empty issuer DN not allowed in X509Certificates"),
            "{err}"
        );
    }

    #[test]
    fn a_store_of_parseable_certificates_passes_the_guard() {
        let mut store = TrustStore::new(StoreFormat::Pkcs12);
        store.entries.push(Entry::trusted("ok", good(), None));
        assert!(unparseable(&store).is_empty());
        assert!(load_failure(&store, Jdk::V25).is_none());
        assert_eq!(refuse_unparseable_store(&store), Ok(()));
        assert!(loads_as_a_whole(StoreFormat::Pkcs12));
        assert!(loads_as_a_whole(StoreFormat::Pem));
        assert!(!loads_as_a_whole(StoreFormat::Directory));
    }
}
