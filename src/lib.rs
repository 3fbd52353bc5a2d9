//! trustpath: a TLS trust and certificate toolkit for Java app servers behind reverse proxies.
//!
//! The pipeline, with I/O at the edges:
//! `probe` (captures served chains) and chain files feed [`chain::diagnose`], a pure function of the
//! served certificates, the truststore anchors, a policy and a time; `report` prints the result.
//! `truststore` turns keystore bytes into a [`truststore::TrustStore`] and back; `storefile` does the
//! file-system side (locking, atomic writes, backups); `pki` and `serve` build and serve lab PKIs.

pub mod asn1;
pub mod cert;
pub mod chain;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod deploy;
pub mod error;
pub mod finding;
pub mod keypair;
pub mod locate;
pub mod password;
pub mod pem;
pub mod pki;
pub mod probe;
pub mod report;
pub mod serve;
pub mod storefile;
pub mod truststore;
