//! The pure diagnosis core: served certificates + trust anchors + policy + a time → [`Diagnosis`].
//!
//! Nothing here touches the file system, the network, stdout or the clock: the caller passes the time and
//! the anchors, which is what makes every verdict testable at a fixed instant.
//!
//! [`diagnose()`] is the entry point. It runs two client profiles over a pool of certificates (`pool.rs`)
//! with a bounded path builder (`path.rs`, `budget.rs`): **java** (`java.rs`, the JVM's
//! `PKIXValidator` order rules and `SunCertPathBuilder`) gives the verdict `trusted`; **browser**
//! (`browser.rs`) the Web PKI's. `checks.rs` holds the per-path rules, with `signature.rs`,
//! `algorithms.rs` (`jdk.certpath.disabledAlgorithms`), `hostname.rs`, `name_constraints.rs`,
//! `policy.rs` (RFC 5280 certificate policy processing) and `structure.rs` beside it; `findings.rs` and
//! `fix.rs` turn the outcome into findings and a fix.

mod algorithms;
mod anchor;
mod anchor_index;
mod browser;
mod budget;
mod checks;
mod diagnose;
mod diagnosis;
mod findings;
mod fix;
mod hostname;
mod idn;
mod java;
mod jvm_parse;
mod name_constraints;
mod names;
mod path;
mod policy;
mod pool;
mod problem;
mod signature;
mod structure;
#[cfg(test)]
mod testkit;
mod tls_signatures;
mod x500;

pub use algorithms::{DisabledAlgorithms, JDK17_DISABLED_ALGORITHMS};
pub use diagnose::diagnose;
pub use diagnosis::*;
pub use findings::STORE_PLACEHOLDER;
pub use hostname::{san_covers, san_names};
pub use tls_signatures::TlsVersion;
