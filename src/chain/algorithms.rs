//! The JVM's `jdk.certpath.disabledAlgorithms` (parsed from the text of `java.security`, applied as the
//! JDK's `DisabledAlgorithmConstraints` does for a TLS server certificate path) and the browsers' fixed
//! refusals (SHA-1, MD5, RSA below 2048 bits).
//!
//! The JDK semantics modelled: an entry without constraints disables every algorithm whose name or
//! decomposed part (`SHA1withRSA` → `SHA1`, `SHA-1`, `RSA`) equals it; an entry with constraints
//! (`keySize < N`, `jdkCA`, `usage TLSServer`, `denyAfter YYYY-MM-DD`, joined by `&`) restricts only when
//! every constraint holds. Key-size constraints apply to the key of each certificate on the path and to
//! the key that verified each signature (so also to the anchor's key).

use crate::cert::KeyInfo;

/// The JDK 17 default value of `jdk.certpath.disabledAlgorithms`.
pub const JDK17_DISABLED_ALGORITHMS: &str = "MD2, MD5, SHA1 jdkCA & usage TLSServer, \
    RSA keySize < 1024, DSA keySize < 1024, EC keySize < 224, \
    SHA1 usage SignedJAR & denyAfter 2019-01-01";

/// A parsed `jdk.certpath.disabledAlgorithms` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisabledAlgorithms {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The entry as written (for messages).
    text: String,
    /// The algorithm name, upper-case.
    name: String,
    constraints: Vec<Constraint>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Constraint {
    KeySize(Op, u32),
    JdkCa,
    Usage(Vec<String>),
    DenyAfter(i64),
    /// A constraint this model does not know: the entry never applies (stated in messages nowhere, since
    /// it cannot match).
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// The facts a constraint is evaluated against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AlgContext {
    /// The path is anchored at one of the JDK's bundled roots.
    pub jdk_ca: bool,
    /// The validation time.
    pub now: i64,
}

impl DisabledAlgorithms {
    /// The JDK 17 default.
    pub fn jdk17_default() -> Self {
        Self::parse(JDK17_DISABLED_ALGORITHMS)
    }

    /// Parses the property value (the text after `=`, line continuations already joined or not: `\` and
    /// newlines are treated as spaces). `include jdk.disabled.namedCurves` entries are ignored (they name
    /// curves the parser does not support anyway).
    pub fn parse(text: &str) -> Self {
        let cleaned: String = text
            .chars()
            .map(|c| {
                if c == '\\' || c == '\n' || c == '\r' {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let mut entries = Vec::new();
        for raw in cleaned.split(',') {
            let raw = raw.trim();
            if raw.is_empty() || raw.to_ascii_lowercase().starts_with("include ") {
                continue;
            }
            let (name, rest) = match raw.split_once(char::is_whitespace) {
                Some((n, r)) => (n, r.trim()),
                None => (raw, ""),
            };
            let constraints = if rest.is_empty() {
                Vec::new()
            } else {
                rest.split('&')
                    .map(|c| parse_constraint(c.trim()))
                    .collect()
            };
            entries.push(Entry {
                text: raw.to_owned(),
                name: name.to_ascii_uppercase(),
                constraints,
            });
        }
        DisabledAlgorithms { entries }
    }

    /// Why a signature algorithm (JDK name, e.g. `SHA1withRSA`) verified with `signer_key` is disabled, as
    /// the entry that disables it; `None` when permitted.
    pub(crate) fn signature_disabled(
        &self,
        sig_alg: &str,
        signer_key: &KeyInfo,
        ctx: AlgContext,
    ) -> Option<&str> {
        let parts = decompose(sig_alg);
        self.entries
            .iter()
            .find(|e| {
                // Key-size entries are applied to each key on its own (`key_disabled`), the anchor's
                // included, so they are not reported a second time as a signature problem.
                let name_hit = e.name == sig_alg.to_ascii_uppercase() || parts.contains(&e.name);
                let key_entry = e
                    .constraints
                    .iter()
                    .any(|c| matches!(c, Constraint::KeySize(..)));
                name_hit && !key_entry && e.applies(Some(signer_key), ctx, true)
            })
            .map(|e| e.text.as_str())
    }

    /// Why a public key is disabled (`RSA keySize < 1024`); `None` when permitted.
    pub(crate) fn key_disabled(&self, key: &KeyInfo, ctx: AlgContext) -> Option<&str> {
        let alg = key_algorithm(key)?;
        self.entries
            .iter()
            .find(|e| e.name == alg && e.applies(Some(key), ctx, false))
            .map(|e| e.text.as_str())
    }
}

impl Entry {
    fn applies(&self, key: Option<&KeyInfo>, ctx: AlgContext, for_signature: bool) -> bool {
        if self.constraints.is_empty() {
            return true;
        }
        self.constraints.iter().all(|c| match c {
            Constraint::KeySize(op, n) => {
                // A key-size constraint is about keys of the entry's algorithm only.
                match key.and_then(|k| Some((key_algorithm(k)?, key_bits(k)?))) {
                    Some((alg, bits)) if alg == self.name => op.holds(bits, *n),
                    _ => false,
                }
            }
            Constraint::JdkCa => ctx.jdk_ca,
            Constraint::Usage(u) => u.iter().any(|u| u.eq_ignore_ascii_case("TLSServer")),
            Constraint::DenyAfter(t) => ctx.now >= *t,
            Constraint::Unknown => false,
        }) && (for_signature
            || self
                .constraints
                .iter()
                .any(|c| matches!(c, Constraint::KeySize(..))))
    }
}

impl Op {
    fn holds(self, value: u32, limit: u32) -> bool {
        match self {
            Op::Lt => value < limit,
            Op::Le => value <= limit,
            Op::Gt => value > limit,
            Op::Ge => value >= limit,
            Op::Eq => value == limit,
            Op::Ne => value != limit,
        }
    }
}

fn parse_constraint(c: &str) -> Constraint {
    let words: Vec<&str> = c.split_whitespace().collect();
    match words.as_slice() {
        ["keySize", op, n] => {
            let op = match *op {
                "<" => Op::Lt,
                "<=" => Op::Le,
                ">" => Op::Gt,
                ">=" => Op::Ge,
                "==" => Op::Eq,
                "!=" => Op::Ne,
                _ => return Constraint::Unknown,
            };
            n.parse()
                .map_or(Constraint::Unknown, |n| Constraint::KeySize(op, n))
        }
        ["jdkCA"] => Constraint::JdkCa,
        ["usage", rest @ ..] if !rest.is_empty() => {
            Constraint::Usage(rest.iter().map(|s| (*s).to_owned()).collect())
        }
        ["denyAfter", date] => parse_date(date).map_or(Constraint::Unknown, Constraint::DenyAfter),
        _ => Constraint::Unknown,
    }
}

fn parse_date(d: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(d, &fmt).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// The JDK's `AlgorithmDecomposer`: `SHA256withRSA` → `SHA256`, `SHA-256`, `RSA` (upper-case).
fn decompose(alg: &str) -> Vec<String> {
    let upper = alg.to_ascii_uppercase();
    let mut parts: Vec<String> = upper
        .split("WITH")
        .flat_map(|p| p.split("AND"))
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let mut extra = Vec::new();
    for p in &parts {
        match p.as_str() {
            "SHA1" => extra.push("SHA-1".to_owned()),
            "SHA-1" => extra.push("SHA1".to_owned()),
            "SHA224" | "SHA256" | "SHA384" | "SHA512" => extra.push(format!("SHA-{}", &p[3..])),
            "ECDSA" => extra.push("EC".to_owned()),
            "RSASSA-PSS" => extra.push("RSA".to_owned()),
            "ED25519" => extra.push("EDDSA".to_owned()),
            _ => {}
        }
    }
    parts.extend(extra);
    parts
}

/// The JDK's key algorithm name, upper-case.
fn key_algorithm(key: &KeyInfo) -> Option<&'static str> {
    match key {
        KeyInfo::Rsa { .. } => Some("RSA"),
        KeyInfo::Ec { .. } => Some("EC"),
        KeyInfo::Dsa { .. } => Some("DSA"),
        KeyInfo::Ed25519 => Some("ED25519"),
        KeyInfo::Ed448 => Some("ED448"),
        KeyInfo::Other { .. } => None,
    }
}

fn key_bits(key: &KeyInfo) -> Option<u32> {
    match key {
        KeyInfo::Rsa { bits } | KeyInfo::Ec { bits, .. } | KeyInfo::Dsa { bits } => Some(*bits),
        KeyInfo::Ed25519 => Some(255),
        KeyInfo::Ed448 => Some(448),
        KeyInfo::Other { .. } => None,
    }
}

/// Whether browsers refuse this signature algorithm (JDK name): MD2, MD5 and SHA-1.
pub(crate) fn browser_refuses_signature(sig_alg: &str) -> bool {
    let u = sig_alg.to_ascii_uppercase();
    u.starts_with("MD2") || u.starts_with("MD5") || u.starts_with("SHA1")
}

/// Why browsers refuse this key, if they do: RSA below 2048 bits, DSA, curves other than P-256/384/521.
pub(crate) fn browser_refuses_key(key: &KeyInfo) -> Option<String> {
    match key {
        KeyInfo::Rsa { bits } if *bits < 2048 => {
            Some(format!("RSA {bits}-bit key (browsers need 2048)"))
        }
        KeyInfo::Dsa { .. } => Some("DSA key (browsers accept RSA and ECDSA only)".to_owned()),
        KeyInfo::Ec { curve, .. } if !matches!(curve.as_str(), "P-256" | "P-384" | "P-521") => {
            Some(format!("EC key on curve {curve}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600; // 2026-01-01

    #[test]
    fn the_jdk17_default_refuses_md5_and_small_rsa_but_not_sha1_under_a_private_root() {
        let d = DisabledAlgorithms::jdk17_default();
        let ctx = AlgContext {
            jdk_ca: false,
            now: NOW,
        };
        let rsa2048 = KeyInfo::Rsa { bits: 2048 };
        assert_eq!(
            d.signature_disabled("MD5withRSA", &rsa2048, ctx),
            Some("MD5")
        );
        assert_eq!(d.signature_disabled("SHA1withRSA", &rsa2048, ctx), None);
        assert_eq!(d.signature_disabled("SHA256withRSA", &rsa2048, ctx), None);
        let rsa512 = KeyInfo::Rsa { bits: 512 };
        assert_eq!(d.key_disabled(&rsa512, ctx), Some("RSA keySize < 1024"));
        assert_eq!(d.key_disabled(&KeyInfo::Rsa { bits: 1024 }, ctx), None);
        assert_eq!(d.signature_disabled("SHA256withRSA", &rsa512, ctx), None);
    }

    #[test]
    fn sha1_is_refused_under_a_jdk_bundled_root() {
        let d = DisabledAlgorithms::jdk17_default();
        let ctx = AlgContext {
            jdk_ca: true,
            now: NOW,
        };
        assert_eq!(
            d.signature_disabled("SHA1withRSA", &KeyInfo::Rsa { bits: 2048 }, ctx),
            Some("SHA1 jdkCA & usage TLSServer")
        );
    }

    #[test]
    fn a_custom_value_with_line_continuations_is_parsed() {
        let d = DisabledAlgorithms::parse("MD2, SHA1, \\\n    RSA keySize < 2048");
        let ctx = AlgContext {
            jdk_ca: false,
            now: NOW,
        };
        assert_eq!(
            d.signature_disabled(
                "SHA1withECDSA",
                &KeyInfo::Ec {
                    curve: "P-256".into(),
                    bits: 256
                },
                ctx
            ),
            Some("SHA1")
        );
        assert_eq!(
            d.key_disabled(&KeyInfo::Rsa { bits: 1024 }, ctx),
            Some("RSA keySize < 2048")
        );
    }
}
