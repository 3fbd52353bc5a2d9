//! What to change so that the JVM trusts the endpoint: the chain to serve (leaf first, intermediates in
//! order, no root) and the CA certificates to import into the truststore.
//!
//! The fix is found by a second search over everything known — served certificates, the caller's extra
//! certificates and the browsers' roots (as plain certificates, not as trust) — with the java rules: a
//! path that the JVM accepts gives a complete `fullchain`; a path whose only flaw is ending at a
//! self-signed root the store lacks gives `fullchain` plus that root to `import` (for a self-signed leaf,
//! the leaf itself: the JVM trusts a leaf that is in its truststore).

use super::checks::Rules;
use super::diagnosis::Fix;
use super::java;
use super::path::{self, Candidate};
use super::pool::Pool;
use crate::finding::Code;

/// The fix from a search over `pool` (anchors = the java anchors; everything else plain) from `leaf`.
pub(crate) fn find(pool: &Pool<'_>, leaf: usize, rules: &Rules<'_>) -> Fix {
    // The fix is a chain served in order, which the JVM validates without its builder, choosing the
    // anchor by the authorityKeyIdentifier.
    let search = path::build(pool, leaf, rules, false);
    if let Some(ok) = search
        .candidates
        .iter()
        .find(|c| c.ok() && java::anchor_selected(pool, c, rules))
    {
        return Fix {
            fullchain: chain_of(pool, ok, false),
            fullchain_complete: true,
            import: Vec::new(),
        };
    }
    let only_root = search.candidates.iter().find(|c| {
        let fatal: Vec<Code> = c
            .problems
            .iter()
            .filter(|p| p.fatal)
            .map(|p| p.code)
            .collect();
        fatal == [Code::UntrustedRoot]
    });
    if let Some(c) = only_root {
        let root = c.path[c.path.len() - 1];
        return Fix {
            fullchain: chain_of(pool, c, true),
            fullchain_complete: true,
            import: vec![pool.items[root].cert.clone()],
        };
    }
    match search.best() {
        Some(best) => Fix {
            fullchain: chain_of(pool, best, best.anchored || ends_self_signed(pool, best)),
            fullchain_complete: false,
            import: Vec::new(),
        },
        None => Fix::default(),
    }
}

fn ends_self_signed(pool: &Pool<'_>, c: &Candidate) -> bool {
    c.path.last().is_some_and(|&l| pool.self_signed(l))
}

/// The candidate's certificates without its last one when `drop_top` (the anchor or root), and never an
/// anchor.
fn chain_of(pool: &Pool<'_>, c: &Candidate, drop_top: bool) -> Vec<crate::cert::Certificate> {
    let keep = if drop_top || c.anchored {
        c.path.len().saturating_sub(1).max(1)
    } else {
        c.path.len()
    };
    c.path
        .iter()
        .take(keep)
        .map(|&i| pool.items[i].cert.clone())
        .collect()
}
