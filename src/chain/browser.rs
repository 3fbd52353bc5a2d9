//! The browser profile: any path through the served certificates to a Mozilla root that passes the Web
//! PKI's rules (no SHA-1, RSA of 2048 bits or more, intermediates' EKU chaining, anchors' name
//! constraints, no CN fallback). Browsers also fetch a missing intermediate from the AIA caIssuers URL;
//! this model does no I/O, so such a gap is reported as one a browser would fill.

use super::checks::Rules;
use super::path::{self, Search};
use super::pool::Pool;

/// The browser's search from the served leaf.
pub(crate) fn search(pool: &Pool<'_>, leaf: Option<usize>, rules: &Rules<'_>) -> Search {
    match leaf {
        Some(leaf) => path::build(pool, leaf, rules, false),
        None => Search::default(),
    }
}
