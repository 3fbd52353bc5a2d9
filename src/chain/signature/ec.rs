//! ECDSA as the JDK verifies it (`ECDSASignature`): on the curves SunEC implements (P-256, P-384,
//! P-521), with any digest (truncated or zero-extended to the order, as FIPS 186 says), a DER signature
//! read strictly but with r and s taken as unsigned magnitudes, accepted in the range 1..n-1 (high s
//! included). RustCrypto `p256`/`p384`/`p521` with `ecdsa` do the arithmetic.

use ecdsa::signature::hazmat::PrehashVerifier;

use super::digest::Hash;
use super::{P256, P384, P521, SigCheck, der_r_s};

macro_rules! verify_on {
    ($curve:ty, $key:expr, $digest:expr, $r:expr, $s:expr) => {{
        type Fb = ecdsa::elliptic_curve::FieldBytes<$curve>;
        let size = Fb::default().len();
        let pad = |v: &[u8]| -> Option<Fb> {
            if v.len() > size {
                return None;
            }
            let mut fb = Fb::default();
            fb[size - v.len()..].copy_from_slice(v);
            Some(fb)
        };
        match (
            ecdsa::VerifyingKey::<$curve>::from_sec1_bytes($key),
            pad($r),
            pad($s),
        ) {
            (Ok(vk), Some(r), Some(s)) => match ecdsa::Signature::<$curve>::from_scalars(r, s) {
                Ok(sig) => match vk.verify_prehash($digest, &sig) {
                    Ok(()) => SigCheck::Valid,
                    Err(_) => SigCheck::Invalid,
                },
                Err(_) => SigCheck::Invalid,
            },
            _ => SigCheck::Invalid,
        }
    }};
}

/// Verifies an ECDSA signature over `tbs` with the SEC1 point `key` on `curve` (dotted OID).
pub(super) fn verify(curve: &str, key: &[u8], hash: Hash, tbs: &[u8], sig: &[u8]) -> SigCheck {
    if !matches!(curve, P256 | P384 | P521) {
        return SigCheck::Unsupported(format!(
            "ECDSA on curve {curve}, which the JVM (SunEC: P-256, P-384, P-521) cannot verify either"
        ));
    }
    let Some((r, s)) = der_r_s(sig) else {
        return SigCheck::Invalid;
    };
    let digest = hash.digest(tbs);
    match curve {
        P256 => verify_on!(p256::NistP256, key, &digest, &r, &s),
        P384 => verify_on!(p384::NistP384, key, &digest, &r, &s),
        _ => verify_on!(p521::NistP521, key, &digest, &r, &s),
    }
}
