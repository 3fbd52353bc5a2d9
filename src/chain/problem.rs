//! A problem found on one candidate path, before it becomes a [`Finding`](crate::finding::Finding): which
//! certificate (by position on the path), which code, whether the profile refuses because of it, and the
//! message. Problems are ranked so the most specific reason comes first, after rustls-webpki's
//! `Error::rank` (`src/error.rs`).

use crate::cert::CertInfo;
use crate::finding::Code;

/// One problem on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Stable code.
    pub code: Code,
    /// Position on the path (0 = leaf).
    pub pos: usize,
    /// Whether the profile refuses the path because of it.
    pub fatal: bool,
    /// What was expected and what was found.
    pub message: String,
    /// The JDK rule that decides this problem for the java profile (the class and check, e.g.
    /// `KeyChecker: keyCertSign`), named at the end of the java verdict's reason; `None` when the
    /// problem is the browser profile's own or no single JDK rule applies.
    pub rule: Option<&'static str>,
}

impl Problem {
    /// A problem that makes the profile refuse.
    pub fn fatal(code: Code, pos: usize, message: impl Into<String>) -> Self {
        Problem {
            code,
            pos,
            fatal: true,
            message: message.into(),
            rule: None,
        }
    }

    /// A problem the profile accepts (a warning).
    pub fn warn(code: Code, pos: usize, message: impl Into<String>) -> Self {
        Problem {
            code,
            pos,
            fatal: false,
            message: message.into(),
            rule: None,
        }
    }

    /// Names the JDK rule that decides this problem (see [`Problem::rule`]).
    pub fn by(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }
}

/// How specific a code is as the reason a path failed: higher is more useful to the reader.
pub(crate) fn rank(code: Code) -> u32 {
    match code {
        Code::Expired | Code::NotYetValid => 290,
        Code::HostnameMismatch => 280,
        Code::BadSignature => 260,
        Code::BadEku => 240,
        Code::NameConstraintViolation => 230,
        Code::PolicyViolation => 225,
        Code::PathLenExceeded => 220,
        Code::NotACa => 210,
        Code::BadKeyUsage => 200,
        Code::WeakSignature | Code::WeakKey => 150,
        Code::InvalidChain => 130,
        Code::SelfSigned => 120,
        Code::UntrustedRoot => 110,
        Code::MissingIntermediate => 100,
        _ => 0,
    }
}

/// Sorts problems: fatal first, then most specific first, then leaf-most first.
pub(crate) fn sort(problems: &mut [Problem]) {
    problems.sort_by_key(|p| (!p.fatal, std::cmp::Reverse(rank(p.code)), p.pos));
}

/// A short name for a certificate in messages: its CN, else its subject.
pub(crate) fn label(info: &CertInfo) -> String {
    match &info.common_name {
        Some(cn) => format!("'{cn}'"),
        None => format!("'{}'", info.subject),
    }
}
