//! Capturing and judging chains: `trustpath probe` against real servers, `verify` on files, and the report's golden files.

mod aia;
mod capture;
mod cli;
mod client_cert;
mod fix_sources;
mod named_jvm;
mod outbound;
mod proxy;
pub mod report_golden;
mod trust;
mod verify_cli;
mod wording;
