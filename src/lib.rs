//! trustpath: a TLS trust and certificate toolkit for Java app servers behind reverse proxies.
//!
//! One pipeline, I/O at the edges (ARCHITECTURE.md has the map): [`probe`] captures what endpoints serve
//! through one connect path; [`truststore`] turns keystore bytes into a [`truststore::TrustStore`] and
//! back, [`storefile`] does the file side; [`jvm`] finds the JVM's truststore and policy; [`judge`] runs
//! [`chain::diagnose`] — a pure function of the served certificates, the anchors, a policy and a time —
//! over many chains; [`deploy`] checks a deployment as one system (live, and offline on the
//! configurations [`config`] reads); [`report`] prints every run; [`cmd`] is the glue behind [`cli`].
//!
//! Layers, each importing only those below it: `cli` → `cmd` → `report` → `deploy`, `demo` → `judge` →
//! `jvm` → `storefile`, `serve` → `pki`, `probe`, `keypair`, `truststore` → `chain` → `cert`,
//! `password`; on the ground `config` (pure readers), `endpoint_url`, `finding`, `clock`, `asn1`, `pem`,
//! `input` (bounded reads of every file given), `error`.

pub mod asn1;
pub mod cert;
pub mod chain;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod demo;
pub mod deploy;
pub mod endpoint_url;
pub mod error;
pub mod finding;
pub mod input;
pub mod judge;
pub mod jvm;
pub mod keypair;
pub mod parallel;
pub mod password;
pub mod pem;
pub mod pki;
pub mod probe;
pub mod report;
pub mod serve;
pub mod storefile;
pub mod trust;
pub mod truststore;
