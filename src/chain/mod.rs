//! The pure diagnosis core: served certificates + trust anchors + policy + a time → [`Diagnosis`].
//!
//! Nothing here touches the file system, the network, stdout or the clock: the caller passes the time and
//! the anchors, which is what makes every verdict testable at a fixed instant.
//!
//! Layout: [`diagnose()`] (entry point) runs the [java](self) and browser searches (`java.rs`,
//! `browser.rs`) over a pool of certificates (`pool.rs`) with a bounded path builder (`path.rs`,
//! `budget.rs`); `checks.rs` holds the per-path rules, with `signature.rs`, `algorithms.rs`,
//! `hostname.rs` and `name_constraints.rs` beside it; `findings.rs` and `fix.rs` turn the outcome into
//! findings and a fix.

mod algorithms;
mod browser;
mod budget;
mod checks;
mod diagnose;
mod diagnosis;
mod findings;
mod fix;
mod hostname;
mod java;
mod name_constraints;
mod path;
mod pool;
mod problem;
mod signature;
mod structure;

pub use algorithms::{DisabledAlgorithms, JDK17_DISABLED_ALGORITHMS};
pub use diagnose::diagnose;
pub use diagnosis::*;
pub use findings::STORE_PLACEHOLDER;
