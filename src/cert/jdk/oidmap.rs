//! `OIDMap`: the extension OIDs the JDK has a class for, and the class each is filed under.

/// The extension classes of `OIDMap`: OID and the name the JDK files the decoded extension under.
const KNOWN: &[(&str, &str)] = &[
    ("2.5.29.14", "SubjectKeyIdentifier"),
    ("2.5.29.15", "KeyUsage"),
    ("2.5.29.16", "PrivateKeyUsage"),
    ("2.5.29.17", "SubjectAlternativeName"),
    ("2.5.29.18", "IssuerAlternativeName"),
    ("2.5.29.19", "BasicConstraints"),
    ("2.5.29.20", "CRLNumber"),
    ("2.5.29.21", "CRLReasonCode"),
    ("2.5.29.27", "DeltaCRLIndicator"),
    ("2.5.29.28", "IssuingDistributionPoint"),
    ("2.5.29.29", "CertificateIssuer"),
    ("2.5.29.30", "NameConstraints"),
    ("2.5.29.31", "CRLDistributionPoints"),
    ("2.5.29.32", "CertificatePolicies"),
    ("2.5.29.33", "PolicyMappings"),
    ("2.5.29.35", "AuthorityKeyIdentifier"),
    ("2.5.29.36", "PolicyConstraints"),
    ("2.5.29.37", "ExtendedKeyUsage"),
    ("2.5.29.46", "FreshestCRL"),
    ("2.5.29.54", "InhibitAnyPolicy"),
    ("1.3.6.1.5.5.7.1.1", "AuthorityInfoAccess"),
    ("1.3.6.1.5.5.7.1.11", "SubjectInfoAccess"),
    ("1.3.6.1.5.5.7.48.1.5", "OCSPNoCheck"),
    ("2.16.840.1.113730.1.1", "NetscapeCertType"),
];

/// The name of the JDK's extension class for `oid`, if it has one.
pub(super) fn known_extension(oid: &str) -> Option<&'static str> {
    KNOWN.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}
