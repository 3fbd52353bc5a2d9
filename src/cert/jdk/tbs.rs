//! The certificate and its `tbsCertificate`: `X509Factory.readOneBlock`, `X509CertImpl.parse`,
//! `X509CertInfo.parse` and `verifyCert`.

use super::der::{self, Input, TAG_GENERALIZED_TIME, TAG_SEQUENCE, TAG_UTC_TIME, Val};
use super::ext::Extensions;
use super::{Fail, Jdk, R, alg, key, name};

const V1: i32 = 0;
const V3: i32 = 2;

/// `CertificateFactory.generateCertificate` on `bytes`; returns the non-critical extensions it set aside.
pub(super) fn certificate(bytes: &[u8], jdk: Jdk) -> R<Vec<super::IgnoredExtension>> {
    let block = one_block(bytes)?;
    let val = der::parse_exact(block, jdk)?;
    cert_impl(&val, jdk)
}

/// `X509Factory.readOneBlock` for DER input: the first BER value; bytes after it are left unread.
fn one_block(bytes: &[u8]) -> R<&[u8]> {
    if bytes.first() != Some(&TAG_SEQUENCE) {
        return Err(Fail::new(
            "X509Factory: readOneBlock",
            "Could not parse certificate: java.io.IOException: Empty input",
        ));
    }
    let end = ber_extent(bytes, 0, 0)?;
    Ok(&bytes[..end])
}

/// The end of the BER value at `pos` as `X509Factory.readBERInternal` reads it.
fn ber_extent(bytes: &[u8], pos: usize, depth: u32) -> R<usize> {
    const RULE: &str = "X509Factory: readBERInternal";
    if depth > 2048 {
        return Err(Fail::new(RULE, "Nesting sequence depth limit reached."));
    }
    let tag = *bytes
        .get(pos)
        .ok_or_else(|| Fail::new(RULE, "BER/DER tag info absent"))?;
    if tag & 0x1f == 0x1f {
        return Err(Fail::new(RULE, "Multi octets tag not supported"));
    }
    let n = *bytes
        .get(pos + 1)
        .ok_or_else(|| Fail::new(RULE, "BER/DER length info absent"))?;
    let mut p = pos + 2;
    if n == 0x80 {
        if tag & 0x20 == 0 {
            return Err(Fail::new(
                RULE,
                "Non constructed encoding must have definite length",
            ));
        }
        loop {
            let sub = bytes.get(p).copied();
            p = ber_extent(bytes, p, depth + 1)?;
            if sub == Some(0) {
                return Ok(p);
            }
        }
    }
    let len = match n {
        0..=0x7f => usize::from(n),
        0x81..=0x84 => {
            let k = usize::from(n & 0x7f);
            let lb = bytes
                .get(p..p + k)
                .ok_or_else(|| Fail::new(RULE, "Incomplete BER/DER length info"))?;
            if k == 4 && lb[0] > 127 {
                return Err(Fail::new(RULE, "Invalid BER/DER data (a little huge?)"));
            }
            p += k;
            lb.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b))
        }
        _ => return Err(Fail::new(RULE, "Invalid BER/DER data (too huge?)")),
    };
    if bytes.len() < p + len {
        return Err(Fail::new(RULE, "Incomplete BER/DER data"));
    }
    Ok(p + len)
}

/// `X509CertImpl.parse`.
fn cert_impl(val: &Val, jdk: Jdk) -> R<Vec<super::IgnoredExtension>> {
    const RULE: &str = "X509CertImpl: parse";
    let mut data = val.sequence_data(RULE, "invalid DER-encoded certificate data")?;
    let tbs = data.get_der_value()?;
    let sig_alg = data.get_der_value()?;
    let sig = data.get_der_value()?;
    if data.available() != 0 {
        return Err(Fail::new(
            RULE,
            format!("signed overrun, bytes = {}", data.available()),
        ));
    }
    tbs.require_tag(TAG_SEQUENCE, RULE, "signed fields invalid")?;
    let outer = alg::AlgorithmId::parse(&sig_alg, jdk)?;
    sig.get_bit_string()?;
    let (inner, ignored) = cert_info(&tbs, jdk)?;
    if !outer.same_as(&inner) {
        return Err(Fail::new(
            "X509CertImpl: signature algorithm mismatch",
            "Signature algorithm mismatch",
        ));
    }
    Ok(ignored)
}

/// `X509CertInfo.parse`; returns the inner signature algorithm for the comparison with the outer one,
/// and the extensions set aside.
fn cert_info(val: &Val, jdk: Jdk) -> R<(alg::AlgorithmId, Vec<super::IgnoredExtension>)> {
    const RULE: &str = "X509CertInfo: parse";
    let mut input = val.data();
    let mut tmp = input.get_der_value()?;
    let mut version = V1;
    if tmp.is_context_n(0) {
        if tmp.is_constructed() && tmp.is_context() {
            version = tmp.data().get_der_value()?.get_integer()?;
        }
        tmp = input.get_der_value()?;
    }
    // CertificateSerialNumber: any INTEGER (negative, zero and long serials are accepted).
    tmp.get_big_integer()?;
    let sig = alg::AlgorithmId::parse(&input.get_der_value()?, jdk)?;
    let issuer = name::X500Name::parse_stream(&mut input, jdk)?;
    if issuer.is_empty() {
        return Err(Fail::new(
            "X509CertInfo: empty issuer",
            "Empty issuer DN not allowed in X509Certificates",
        ));
    }
    validity(&mut input)?;
    let subject = name::X500Name::parse_stream(&mut input, jdk)?;
    if version == V1 && subject.is_empty() {
        return Err(Fail::new(
            "X509CertInfo: empty subject",
            "Empty subject DN not allowed in v1 certificate",
        ));
    }
    key::parse(&input.get_der_value()?, jdk)?;
    if input.available() == 0 {
        return Ok((sig, Vec::new()));
    }
    if version == V1 {
        return Err(Fail::new(
            RULE,
            "no more data allowed for version 1 certificate",
        ));
    }
    let mut tmp = input.get_der_value()?;
    if tmp.is_context_n(1) {
        tmp.get_unaligned_bit_string(true)?;
        if input.available() == 0 {
            return Ok((sig, Vec::new()));
        }
        tmp = input.get_der_value()?;
    }
    if tmp.is_context_n(2) {
        tmp.get_unaligned_bit_string(true)?;
        if input.available() == 0 {
            return Ok((sig, Vec::new()));
        }
        tmp = input.get_der_value()?;
    }
    if version != V3 {
        return Err(Fail::new(RULE, "Extensions not allowed in v2 certificate"));
    }
    let extensions = if tmp.is_constructed() && tmp.is_context_n(3) {
        Some(Extensions::parse(&mut tmp.data(), jdk)?)
    } else {
        None
    };
    verify_cert(&subject, extensions.as_ref())?;
    Ok((sig, extensions.map(|e| e.ignored).unwrap_or_default()))
}

/// `CertificateValidity`: a SEQUENCE of exactly two times, each UTCTime or GeneralizedTime.
fn validity(input: &mut Input) -> R<()> {
    const RULE: &str = "CertificateValidity";
    let v = input.get_der_value()?;
    v.require_tag(
        TAG_SEQUENCE,
        RULE,
        "Invalid encoded CertificateValidity, starting sequence tag missing.",
    )?;
    if v.data().available() == 0 {
        return Err(Fail::new(RULE, "No data encoded for CertificateValidity"));
    }
    let seq = v.subs_isolated(TAG_SEQUENCE)?;
    if seq.len() != 2 {
        return Err(Fail::new(RULE, "Invalid encoding for CertificateValidity"));
    }
    let mut data = v.data();
    for t in &seq {
        let generalized = match t.tag {
            TAG_UTC_TIME => false,
            TAG_GENERALIZED_TIME => true,
            _ => {
                return Err(Fail::new(RULE, "Invalid encoding for CertificateValidity"));
            }
        };
        data.get_der_value()?.get_time(generalized)?;
    }
    Ok(())
}

/// `X509CertInfo.verifyCert`: an empty subject needs a critical, non-empty subjectAltName.
fn verify_cert(subject: &name::X500Name, extensions: Option<&Extensions>) -> R<()> {
    const RULE: &str = "X509CertInfo: empty subject";
    if !subject.is_empty() {
        return Ok(());
    }
    let Some(exts) = extensions else {
        return Err(Fail::new(
            RULE,
            "X.509 Certificate is incomplete: subject field is empty, and certificate has no extensions",
        ));
    };
    match exts.subject_alt_name() {
        None => Err(Fail::new(
            RULE,
            "X.509 Certificate is incomplete: subject field is empty, and SubjectAlternativeName extension is absent",
        )),
        Some((0, _)) => Err(Fail::new(
            RULE,
            "X.509 Certificate is incomplete: subject field is empty, and SubjectAlternativeName extension is empty",
        )),
        Some((_, false)) => Err(Fail::new(
            RULE,
            "X.509 Certificate is incomplete: SubjectAlternativeName extension MUST be marked critical when subject field is empty",
        )),
        Some(_) => Ok(()),
    }
}
