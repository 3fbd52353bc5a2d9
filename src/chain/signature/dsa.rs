//! DSA as the JDK verifies it (`sun.security.provider.DSA`): any digest with any (L, N) (the strength
//! check is the signer's), the DER signature read strictly with r and s as unsigned magnitudes, both in
//! 1..q-1, and the digest cut to q's whole bytes. The RustCrypto `dsa` crate does the arithmetic.

use dsa::BoxedUint;
use ecdsa::signature::hazmat::PrehashVerifier;

use super::digest::Hash;
use super::{SigCheck, der_r_s};

/// The unsigned INTEGERs of a SEQUENCE (BER lengths tolerated, as the JDK's parameter reader does).
fn integers(der: &[u8]) -> Option<Vec<Vec<u8>>> {
    let (_, v) = x509_parser::der_parser::parse_ber(der).ok()?;
    v.as_sequence()
        .ok()?
        .iter()
        .map(|i| {
            i.as_slice()
                .ok()
                .map(|b| b.iter().copied().skip_while(|&x| x == 0).collect())
        })
        .collect()
}

fn uint(b: &[u8], bits: u32) -> Option<BoxedUint> {
    BoxedUint::from_be_slice(b, bits).ok()
}

/// Verifies a DSA signature over `tbs` with the key `y` (the DER INTEGER of the SPKI) and the
/// parameters `params` (the DER `Dss-Parms`).
pub(super) fn verify(params: &[u8], key: &[u8], hash: Hash, tbs: &[u8], sig: &[u8]) -> SigCheck {
    let Some(pqg) = integers(params).filter(|v| v.len() == 3) else {
        return SigCheck::Unsupported("DSA parameters that do not parse".into());
    };
    let Some(y) = x509_parser::der_parser::parse_ber(key)
        .ok()
        .and_then(|(_, v)| v.as_slice().ok().map(<[u8]>::to_vec))
    else {
        return SigCheck::Unsupported("a DSA key that does not parse".into());
    };
    let (p, q, g) = (&pqg[0], &pqg[1], &pqg[2]);
    // The JDK checks the digest's strength against q when signing only; it verifies any pairing.
    let q_bits = q.len() * 8 - q.first().map_or(8, |b| b.leading_zeros() as usize);
    let Some((r, s)) = der_r_s(sig) else {
        return SigCheck::Invalid;
    };
    let bits = u32::try_from(p.len().max(q.len()).max(y.len()).max(g.len()) * 8).unwrap_or(0);
    let digest = hash.digest(tbs);
    let cut = &digest[..digest.len().min(q_bits / 8)];
    let parts = (|| {
        let components = dsa::Components::from_components_unchecked(
            uint(p, bits)?,
            uint(q, bits)?,
            uint(g, bits)?,
        )
        .ok()?;
        let key = dsa::VerifyingKey::from_components(components, uint(&y, bits)?).ok()?;
        let qb = u32::try_from(q.len().max(r.len()).max(s.len()) * 8).ok()?;
        let sig = dsa::Signature::from_components(uint(&r, qb)?, uint(&s, qb)?)?;
        Some((key, sig))
    })();
    match parts {
        Some((key, sig)) => match key.verify_prehash(cut, &sig) {
            Ok(()) => SigCheck::Valid,
            Err(_) => SigCheck::Invalid,
        },
        None => SigCheck::Invalid,
    }
}
