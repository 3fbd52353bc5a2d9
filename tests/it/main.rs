//! trustpath's integration tests, one binary: the areas below, each a folder of test files, and one
//! [`support`] module (real tools and their skips, the JVM as judge, servers on loopback, the one place
//! that makes test certificates, golden files).
//!
//! Tests use real parts (rustls servers and `openssl s_server` on 127.0.0.1, keytool, a JVM, nginx):
//! a test that needs an absent tool prints `SKIPPED` and returns, unless `TRUSTPATH_REQUIRE_TOOLS=1`
//! (then it fails). Golden files are regenerated on purpose with `UPDATE_GOLDEN=1 cargo test`.

mod cert;
mod chain;
mod config;
mod deploy;
mod docs;
mod formats;
mod hostile;
mod lab;
mod oracle;
mod probe;
mod store;
mod support;
