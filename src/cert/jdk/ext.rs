//! `CertificateExtensions` and the decoding constructor of every extension class in the JDK's `OIDMap`.
//!
//! The JDK decodes each extension it has a class for; when that fails, a critical extension fails the
//! certificate and a non-critical one is set aside as unparseable (ignored). An extension without a
//! class is kept as is, critical or not (the validator refuses an unknown critical one later). Two
//! extensions decoded into the same class, or two unknown ones with one OID, are "Duplicate extensions
//! not allowed"; a duplicate that fails to decode (non-critical) is not noticed.

use std::collections::HashSet;

use super::der::{
    self, Input, TAG_BIT_STRING, TAG_BOOLEAN, TAG_GENERALIZED_TIME, TAG_INTEGER, TAG_OCTET_STRING,
    TAG_SEQUENCE, Val,
};
use super::oidmap::known_extension;
use super::{Fail, Jdk, R, name};

/// What the model keeps of the parsed extensions.
pub(super) struct Extensions {
    /// The decoded subjectAltName: how many names, and whether it is critical.
    san: Option<(usize, bool)>,
    /// Non-critical extensions of a known class that did not decode (and were not decoded from another
    /// copy either): the JDK keeps them as `UnparseableExtension`s, which its getters do not return.
    pub ignored: Vec<super::IgnoredExtension>,
}

impl Extensions {
    /// The decoded subjectAltName extension (`None` when absent or not decodable).
    pub fn subject_alt_name(&self) -> Option<(usize, bool)> {
        self.san
    }

    /// `CertificateExtensions(DerInputStream)`: the next value is the SEQUENCE of extensions.
    pub fn parse(input: &mut Input, jdk: Jdk) -> R<Extensions> {
        let exts = input.get_sequence()?;
        let mut names: HashSet<String> = HashSet::new();
        let mut san = None;
        let mut ignored: Vec<super::IgnoredExtension> = Vec::new();
        for e in &exts {
            let (oid, critical, value) = extension(e, jdk)?;
            let dup = || {
                Fail::new(
                    "CertificateExtensions: duplicate",
                    "Duplicate extensions not allowed",
                )
            };
            match known_extension(&oid) {
                None => {
                    if !names.insert(oid) {
                        return Err(dup());
                    }
                }
                Some(class) => match decode(&oid, critical, &value, jdk) {
                    Ok(count) => {
                        if !names.insert(class.to_owned()) {
                            return Err(dup());
                        }
                        if class == "SubjectAlternativeName" {
                            san = Some((count, critical));
                        }
                    }
                    Err(f) if critical => return Err(f),
                    Err(f) => ignored.push(super::IgnoredExtension { oid, reason: f.msg }),
                },
            }
        }
        let mut seen = HashSet::new();
        ignored.retain(|i| {
            known_extension(&i.oid).is_none_or(|class| !names.contains(class))
                && seen.insert(i.oid.clone())
        });
        Ok(Extensions { san, ignored })
    }
}

/// `Extension(DerValue)`: SEQUENCE (or SET) { OID, [BOOLEAN], OCTET STRING }; what follows is ignored.
fn extension(v: &Val, jdk: Jdk) -> R<(String, bool, Vec<u8>)> {
    let mut data = v.to_der_input_stream()?;
    let oid = data.get_oid()?.dotted();
    let mut val = data.get_der_value()?;
    let mut critical = false;
    if val.tag == TAG_BOOLEAN {
        critical = val.get_boolean()?;
        val = data.get_der_value()?;
    }
    let value = val.get_octet_string(jdk.parser_17u20())?;
    Ok((oid, critical, value))
}

/// The class's `(Boolean critical, Object value)` constructor; returns the number of names for
/// subjectAltName (0 otherwise).
fn decode(oid: &str, critical: bool, value: &[u8], jdk: Jdk) -> R<usize> {
    let exact = || der::parse_exact(value, jdk);
    let decoded = match oid {
        "2.5.29.14" => exact()?.get_octet_string(jdk.parser_17u20()).map(|_| ()),
        "2.5.29.15" => key_usage(value, jdk),
        "2.5.29.16" => private_key_usage(value, jdk),
        "2.5.29.17" | "2.5.29.18" => return name::general_names(&exact()?, jdk),
        "2.5.29.19" => basic_constraints(&exact()?),
        "2.5.29.20" | "2.5.29.27" => exact()?.get_big_integer(),
        "2.5.29.21" => exact()?.get_enumerated().map(|_| ()),
        "2.5.29.28" => issuing_distribution_point(&exact()?, jdk),
        "2.5.29.29" => name::general_names(&exact()?, jdk).map(|_| ()),
        "2.5.29.30" => name_constraints(&exact()?, jdk),
        "2.5.29.31" => distribution_points(&exact()?, "CRLDistributionPoints", jdk),
        "2.5.29.46" => distribution_points(&exact()?, "FreshestCRL", jdk),
        "2.5.29.32" => certificate_policies(&exact()?),
        "2.5.29.33" => policy_mappings(&exact()?),
        "2.5.29.35" => authority_key_identifier(&exact()?, jdk),
        "2.5.29.36" => policy_constraints(&exact()?),
        "2.5.29.37" => extended_key_usage(&exact()?),
        "2.5.29.54" => inhibit_any_policy(critical, value, jdk),
        "1.3.6.1.5.5.7.1.1" => access_descriptions(&exact()?, "AuthorityInfoAccessExtension", jdk),
        "1.3.6.1.5.5.7.1.11" => access_descriptions(&exact()?, "SubjectInfoAccessExtension", jdk),
        "2.16.840.1.113730.1.1" => exact()?.get_unaligned_bit_string(false).map(|_| ()),
        // OCSPNoCheckExtension ignores its value.
        _ => Ok(()),
    };
    decoded.map(|()| 0)
}

/// `KeyUsageExtension`: a BIT STRING, which may be wrapped once more in an OCTET STRING.
fn key_usage(value: &[u8], jdk: Jdk) -> R<()> {
    let Some(&first) = value.first() else {
        return Err(Fail::runtime(
            "KeyUsageExtension",
            "ArrayIndexOutOfBoundsException: Index 0 out of bounds for length 0",
        ));
    };
    let inner = if first == TAG_OCTET_STRING {
        der::parse_exact(value, jdk)?.get_octet_string(jdk.parser_17u20())?
    } else {
        value.to_vec()
    };
    der::parse_exact(&inner, jdk)?.get_unaligned_bit_string(false)?;
    Ok(())
}

/// `PrivateKeyUsageExtension`: a SEQUENCE of `[0]`/`[1]` GeneralizedTime (implicit, primitive), each at
/// most once.
fn private_key_usage(value: &[u8], jdk: Jdk) -> R<()> {
    const RULE: &str = "PrivateKeyUsageExtension";
    let seq = Input::new(value, jdk).get_sequence()?;
    let (mut before, mut after) = (false, false);
    for opt in seq {
        if opt.is_context_n(0) && !opt.is_constructed() {
            first_time(&mut before, RULE, "Duplicate notBefore in PrivateKeyUsage.")?;
        } else if opt.is_context_n(1) && !opt.is_constructed() {
            first_time(&mut after, RULE, "Duplicate notAfter in PrivateKeyUsage.")?;
        } else {
            return Err(Fail::new(
                RULE,
                "Invalid encoding of PrivateKeyUsageExtension",
            ));
        }
        opt.with_tag(TAG_GENERALIZED_TIME)
            .reparsed()?
            .get_time(true)?;
    }
    Ok(())
}

/// `BasicConstraintsExtension`: SEQUENCE { [BOOLEAN cA [INTEGER pathLen]] }; the INTEGER is read only
/// after a BOOLEAN and must fit an `int`.
fn basic_constraints(v: &Val) -> R<()> {
    const RULE: &str = "BasicConstraintsExtension";
    let mut data = v.sequence_data(RULE, "Invalid encoding of BasicConstraints")?;
    if data.available() == 0 {
        return Ok(());
    }
    let opt = data.get_der_value()?;
    if opt.tag != TAG_BOOLEAN {
        return Ok(());
    }
    opt.get_boolean()?;
    if data.available() == 0 {
        return Ok(());
    }
    let opt = data.get_der_value()?;
    opt.require_tag(TAG_INTEGER, RULE, "Invalid encoding of BasicConstraints")?;
    opt.get_integer()?;
    Ok(())
}

/// `AuthorityKeyIdentifierExtension`: SEQUENCE of primitive `[0]`, constructed `[1]`, primitive `[2]`,
/// each at most once, nothing else.
fn authority_key_identifier(v: &Val, jdk: Jdk) -> R<()> {
    const RULE: &str = "AuthorityKeyIdentifierExtension";
    let (mut id, mut names, mut serial) = (false, false, false);
    each_in_sequence(
        v,
        RULE,
        "Invalid encoding for AuthorityKeyIdentifierExtension.",
        |opt| {
            if opt.is_context_n(0) && !opt.is_constructed() {
                first_time(
                    &mut id,
                    RULE,
                    "Duplicate KeyIdentifier in AuthorityKeyIdentifier.",
                )?;
                opt.with_tag(TAG_OCTET_STRING)
                    .get_octet_string(jdk.parser_17u20())?;
            } else if opt.is_context_n(1) && opt.is_constructed() {
                first_time(
                    &mut names,
                    RULE,
                    "Duplicate GeneralNames in AuthorityKeyIdentifier.",
                )?;
                name::general_names(&opt.with_tag(TAG_SEQUENCE), jdk)?;
            } else if opt.is_context_n(2) && !opt.is_constructed() {
                first_time(
                    &mut serial,
                    RULE,
                    "Duplicate SerialNumber in AuthorityKeyIdentifier.",
                )?;
                opt.with_tag(TAG_INTEGER).get_big_integer()?;
            } else {
                return Err(Fail::new(
                    RULE,
                    "Invalid encoding of AuthorityKeyIdentifierExtension.",
                ));
            }
            Ok(())
        },
    )
}

/// `NameConstraintsExtension`: SEQUENCE of constructed `[0]` permitted / `[1]` excluded subtrees.
fn name_constraints(v: &Val, jdk: Jdk) -> R<()> {
    const RULE: &str = "NameConstraintsExtension";
    let (mut permitted, mut excluded) = (false, false);
    each_in_sequence(
        v,
        RULE,
        "Invalid encoding for NameConstraintsExtension.",
        |opt| {
            let (seen, what) = if opt.is_context_n(0) && opt.is_constructed() {
                (&mut permitted, "permitted")
            } else if opt.is_context_n(1) && opt.is_constructed() {
                (&mut excluded, "excluded")
            } else {
                return Err(Fail::new(
                    RULE,
                    "Invalid encoding of NameConstraintsExtension.",
                ));
            };
            first_time(
                seen,
                RULE,
                format!("Duplicate {what} GeneralSubtrees in NameConstraintsExtension."),
            )?;
            general_subtrees(&opt.with_tag(TAG_SEQUENCE), jdk)
        },
    )
}

/// `GeneralSubtrees` and `GeneralSubtree`: each a SEQUENCE { GeneralName (constraint form),
/// primitive `[0]` minimum, `[1]` maximum (ints) }.
fn general_subtrees(v: &Val, jdk: Jdk) -> R<()> {
    each_in_sequence(
        v,
        "GeneralSubtrees",
        "Invalid encoding of GeneralSubtrees.",
        |t| {
            let mut td =
                t.sequence_data("GeneralSubtree", "Invalid encoding for GeneralSubtree.")?;
            name::general_name(&td.get_der_value()?, true, jdk)?;
            while td.available() != 0 {
                let opt = td.get_der_value()?;
                if (opt.is_context_n(0) || opt.is_context_n(1)) && !opt.is_constructed() {
                    opt.with_tag(TAG_INTEGER).get_integer()?;
                } else {
                    return Err(Fail::new(
                        "GeneralSubtree",
                        "Invalid encoding of GeneralSubtree.",
                    ));
                }
            }
            Ok(())
        },
    )
}

/// `CertificatePoliciesExtension` and `PolicyInformation`: SEQUENCE of SEQUENCE { OID, [SEQUENCE of
/// at least one PolicyQualifierInfo (SEQUENCE { OID, ... })] }; what follows the qualifiers is ignored.
fn certificate_policies(v: &Val) -> R<()> {
    const RULE: &str = "PolicyInformation";
    each_in_sequence(
        v,
        "CertificatePoliciesExtension",
        "Invalid encoding for CertificatePoliciesExtension.",
        |p| {
            let mut pd = p.sequence_data(RULE, "Invalid encoding of PolicyInformation")?;
            pd.get_der_value()?.get_oid()?;
            if pd.available() == 0 {
                return Ok(());
            }
            let opt = pd.get_der_value()?;
            let mut od = opt.sequence_data(RULE, "Invalid encoding of PolicyInformation")?;
            if od.available() == 0 {
                return Err(Fail::new(RULE, "No data available in policyQualifiers"));
            }
            while od.available() != 0 {
                let q = od.get_der_value()?.reparsed()?;
                q.require_tag(
                    TAG_SEQUENCE,
                    "PolicyQualifierInfo",
                    "Invalid encoding for PolicyQualifierInfo",
                )?;
                q.data().get_der_value()?.get_oid()?;
            }
            Ok(())
        },
    )
}

/// `PolicyMappingsExtension` / `CertificatePolicyMap`: SEQUENCE of SEQUENCE { OID, OID, ... }.
fn policy_mappings(v: &Val) -> R<()> {
    each_in_sequence(
        v,
        "PolicyMappingsExtension",
        "Invalid encoding for PolicyMappingsExtension.",
        |m| {
            let mut md = m.sequence_data(
                "CertificatePolicyMap",
                "Invalid encoding for CertificatePolicyMap",
            )?;
            md.get_der_value()?.get_oid()?;
            md.get_der_value()?.get_oid()?;
            Ok(())
        },
    )
}

/// `PolicyConstraintsExtension`: SEQUENCE of primitive `[0]` require / `[1]` inhibit ints. A second one
/// is a duplicate only when the first was not -1 (the JDK's "unset" value).
fn policy_constraints(v: &Val) -> R<()> {
    const RULE: &str = "PolicyConstraintsExtension";
    let (mut require, mut inhibit) = (-1, -1);
    each_in_sequence(
        v,
        RULE,
        "Sequence tag missing for PolicyConstraint.",
        |next| {
            let field = if next.is_context_n(0) && !next.is_constructed() {
                &mut require
            } else if next.is_context_n(1) && !next.is_constructed() {
                &mut inhibit
            } else {
                return Err(Fail::new(RULE, "Invalid encoding of PolicyConstraint"));
            };
            if *field != -1 {
                return Err(Fail::new(RULE, "found in the PolicyConstraintsExtension"));
            }
            *field = next.with_tag(TAG_INTEGER).get_integer()?;
            Ok(())
        },
    )
}

/// `ExtendedKeyUsageExtension`: SEQUENCE of OIDs.
fn extended_key_usage(v: &Val) -> R<()> {
    each_in_sequence(
        v,
        "ExtendedKeyUsageExtension",
        "Invalid encoding for ExtendedKeyUsageExtension.",
        |oid| oid.get_oid().map(|_| ()),
    )
}

/// `InhibitAnyPolicyExtension`: must be critical, an INTEGER ≥ -1.
fn inhibit_any_policy(critical: bool, value: &[u8], jdk: Jdk) -> R<()> {
    const RULE: &str = "InhibitAnyPolicyExtension";
    if !critical {
        return Err(Fail::new(
            RULE,
            "Criticality cannot be false for InhibitAnyPolicy",
        ));
    }
    let v = der::parse_exact(value, jdk)?;
    v.require_tag(
        TAG_INTEGER,
        RULE,
        "Invalid encoding of InhibitAnyPolicy: data not integer",
    )?;
    if v.get_integer()? < -1 {
        return Err(Fail::new(RULE, "Invalid value for skipCerts"));
    }
    Ok(())
}

/// `CRLDistributionPointsExtension` (and `FreshestCRLExtension`): SEQUENCE of `DistributionPoint`.
fn distribution_points(v: &Val, name: &str, jdk: Jdk) -> R<()> {
    each_in_sequence(
        v,
        "CRLDistributionPointsExtension",
        format!("Invalid encoding for {name} extension."),
        |point| distribution_point(&point, jdk),
    )
}

/// `DistributionPoint`: SEQUENCE of constructed `[0]` name (full name `[0]` or relative name `[1]`),
/// primitive `[1]` reasons, constructed `[2]` CRL issuer, each once; at least a name or an issuer.
fn distribution_point(v: &Val, jdk: Jdk) -> R<()> {
    const RULE: &str = "DistributionPoint";
    let (mut point, mut reasons, mut issuer) = (false, false, false);
    each_in_sequence(v, RULE, "Invalid encoding of DistributionPoint.", |opt| {
        if opt.is_context_n(0) && opt.is_constructed() {
            first_time(
                &mut point,
                RULE,
                "Duplicate DistributionPointName in DistributionPoint.",
            )?;
            distribution_point_name(
                &opt,
                RULE,
                "Invalid DistributionPointName in DistributionPoint",
                jdk,
            )
        } else if opt.is_context_n(1) && !opt.is_constructed() {
            first_time(
                &mut reasons,
                RULE,
                "Duplicate Reasons in DistributionPoint.",
            )?;
            opt.with_tag(TAG_BIT_STRING)
                .get_unaligned_bit_string(false)
                .map(|_| ())
        } else if opt.is_context_n(2) && opt.is_constructed() {
            first_time(
                &mut issuer,
                RULE,
                "Duplicate CRLIssuer in DistributionPoint.",
            )?;
            name::general_names(&opt.with_tag(TAG_SEQUENCE), jdk).map(|_| ())
        } else {
            Err(Fail::new(RULE, "Invalid encoding of DistributionPoint."))
        }
    })?;
    if !point && !issuer {
        return Err(Fail::new(
            RULE,
            "One of fullName, relativeName,  and crlIssuer has to be set",
        ));
    }
    Ok(())
}

/// `DistributionPointName`, the value inside a constructed `[0]`: a constructed `[0]` full name or `[1]`
/// relative name; anything else fails with `msg` of `rule`.
fn distribution_point_name(opt: &Val, rule: &'static str, msg: &'static str, jdk: Jdk) -> R<()> {
    let dp = opt.data().get_der_value()?;
    if dp.is_context_n(0) && dp.is_constructed() {
        name::general_names(&dp.with_tag(TAG_SEQUENCE), jdk).map(|_| ())
    } else if dp.is_context_n(1) && dp.is_constructed() {
        name::relative_name(&dp, jdk).map(|_| ())
    } else {
        Err(Fail::new(rule, msg))
    }
}

/// `IssuingDistributionPointExtension` (a CRL extension, decoded in certificates too).
fn issuing_distribution_point(v: &Val, jdk: Jdk) -> R<()> {
    const RULE: &str = "IssuingDistributionPointExtension";
    each_in_sequence(
        v,
        RULE,
        "Invalid encoding for IssuingDistributionPointExtension.",
        |opt| {
            if opt.is_context_n(0) && opt.is_constructed() {
                distribution_point_name(
                    &opt,
                    "DistributionPointName",
                    "Invalid encoding for DistributionPointName",
                    jdk,
                )
            } else if opt.is_context_n(3) && !opt.is_constructed() {
                opt.get_unaligned_bit_string(true).map(|_| ())
            } else if [1u8, 2, 4, 5]
                .iter()
                .any(|&n| opt.is_context_n(n) && !opt.is_constructed())
            {
                opt.with_tag(TAG_BOOLEAN).get_boolean().map(|_| ())
            } else {
                Err(Fail::new(
                    RULE,
                    "Invalid encoding of IssuingDistributionPoint",
                ))
            }
        },
    )
}

/// `AuthorityInfoAccessExtension` / `SubjectInfoAccessExtension`: SEQUENCE of `AccessDescription`,
/// each read from its content whatever its tag: OID, then a GeneralName.
fn access_descriptions(v: &Val, class: &str, jdk: Jdk) -> R<()> {
    each_in_sequence(
        v,
        "AuthorityInfoAccessExtension",
        format!("Invalid encoding for {class}."),
        |d| {
            let mut dd = d.data();
            dd.get_oid()?;
            name::general_name(&dd.get_der_value()?, false, jdk).map(|_| ())
        },
    )
}

/// The loop of every class that holds a list: `v` must be a SEQUENCE (else `msg`, an `IOException` of
/// `rule`), and each value in it is read by `each`, in order, until the first failure.
fn each_in_sequence(
    v: &Val,
    rule: &'static str,
    msg: impl Into<String>,
    mut each: impl FnMut(Val) -> R<()>,
) -> R<()> {
    let mut data = v.sequence_data(rule, msg)?;
    while data.available() != 0 {
        each(data.get_der_value()?)?;
    }
    Ok(())
}

/// Marks a field that may appear at most once as seen; fails with `msg` (of `rule`) when it already
/// was: the JDK's "Duplicate … in …" checks.
fn first_time(seen: &mut bool, rule: &'static str, msg: impl Into<String>) -> R<()> {
    if std::mem::replace(seen, true) {
        return Err(Fail::new(rule, msg));
    }
    Ok(())
}
