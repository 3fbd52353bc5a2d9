//! The object identifiers PKCS#12 uses (`const-oid`; compare with what the reader returns through
//! [`ObjectIdentifier::as_bytes`], the content octets after the 06 tag and length).

use crate::asn1::ObjectIdentifier;

const fn oid(dotted: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(dotted)
}

/// PKCS#7 data.
pub const DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.1");
/// PKCS#7 encryptedData.
pub const ENCRYPTED_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.6");
/// pkcs8ShroudedKeyBag.
pub const SHROUDED_KEY_BAG: ObjectIdentifier = oid("1.2.840.113549.1.12.10.1.2");
/// certBag.
pub const CERT_BAG: ObjectIdentifier = oid("1.2.840.113549.1.12.10.1.3");
/// secretBag.
pub const SECRET_BAG: ObjectIdentifier = oid("1.2.840.113549.1.12.10.1.5");
/// x509Certificate, the certificate type of a certBag.
pub const X509_CERTIFICATE: ObjectIdentifier = oid("1.2.840.113549.1.9.22.1");
/// PKCS#9 friendlyName: the alias.
pub const FRIENDLY_NAME: ObjectIdentifier = oid("1.2.840.113549.1.9.20");
/// PKCS#9 localKeyId: ties a key to its certificate.
pub const LOCAL_KEY_ID: ObjectIdentifier = oid("1.2.840.113549.1.9.21");
/// Oracle's trustedKeyUsage attribute: marks a trust anchor for the JDK.
pub const ORACLE_TRUSTED_KEY_USAGE: ObjectIdentifier = oid("2.16.840.1.113894.746875.1.1");
/// anyExtendedKeyUsage, the value keytool puts in trustedKeyUsage.
pub const ANY_EXTENDED_KEY_USAGE: ObjectIdentifier = oid("2.5.29.37.0");
/// PKCS#5 PBES2.
pub const PBES2: ObjectIdentifier = oid("1.2.840.113549.1.5.13");
/// PKCS#5 PBMAC1 (RFC 9579).
pub const PBMAC1: ObjectIdentifier = oid("1.2.840.113549.1.5.14");
/// pbeWithSHAAnd128BitRC2-CBC.
pub const PBE_SHA1_RC2_128: ObjectIdentifier = oid("1.2.840.113549.1.12.1.5");
/// pbeWithSHAAnd40BitRC2-CBC (keytool 8 certificates).
pub const PBE_SHA1_RC2_40: ObjectIdentifier = oid("1.2.840.113549.1.12.1.6");
/// pbeWithSHAAnd3-KeyTripleDES-CBC (keytool 8 keys).
pub const PBE_SHA1_3DES: ObjectIdentifier = oid("1.2.840.113549.1.12.1.3");
/// SHA-1.
pub const SHA1: ObjectIdentifier = oid("1.3.14.3.2.26");
/// SHA-224.
pub const SHA224: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.4");
/// SHA-256.
pub const SHA256: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.1");
/// SHA-384.
pub const SHA384: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.2");
/// SHA-512.
pub const SHA512: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.3");
/// SHA-512/224.
pub const SHA512_224: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.5");
/// SHA-512/256.
pub const SHA512_256: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.6");
