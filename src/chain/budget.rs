//! Bounds on path building, so that a hostile or merely huge bag of certificates (many cross-signs, loops,
//! duplicates) cannot make a diagnosis run for ever.
//!
//! The limits are rustls-webpki's (`Budget` in `src/verify_cert.rs`), whose origins are cited below; the
//! depth limit is wider than webpki's six sub-CAs because the JDK's builder has none of its own.

/// What path building may still spend.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    /// Signature verifications left. From golang's remediation of CVE-2018-16875, as in rustls-webpki.
    pub signatures: usize,
    /// Recursive build steps left. From mozilla::pkix (`pkixbuild.cpp`, 200,000), as in rustls-webpki.
    pub build_calls: usize,
}

/// The most certificates on one path (leaf and intermediates, not the anchor). rustls-webpki allows six
/// sub-CAs; the JDK's `SunCertPathBuilder` has no fixed limit, so this is a loop guard well above any real
/// deployment rather than a policy.
pub(crate) const MAX_PATH_LEN: usize = 10;

impl Default for Budget {
    fn default() -> Self {
        Budget {
            signatures: 100,
            build_calls: 200_000,
        }
    }
}

impl Budget {
    /// Takes one signature check; false when none is left.
    pub fn take_signature(&mut self) -> bool {
        if self.signatures == 0 {
            return false;
        }
        self.signatures -= 1;
        true
    }

    /// Takes one build step; false when none is left.
    pub fn take_call(&mut self) -> bool {
        if self.build_calls == 0 {
            return false;
        }
        self.build_calls -= 1;
        true
    }
}
