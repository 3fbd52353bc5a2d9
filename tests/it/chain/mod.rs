//! The diagnosis core against its judges: the scenario fixtures and their findings, the conformance suites, and the JVM itself.

mod conformance;
mod findings;
mod jvm_judge;
mod jvm_policy;
mod signatures_jvm;
mod testcerts;
