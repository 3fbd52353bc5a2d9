//! The pure diagnosis core: served certificates + trust anchors + policy + a time → [`Diagnosis`].
//!
//! Nothing here touches the file system, the network, stdout or the clock: the caller passes the time and
//! the anchors, which is what makes every verdict testable at a fixed instant.

mod diagnosis;

pub use diagnosis::*;
