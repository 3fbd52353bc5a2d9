//! Capturing and judging chains: `trustpath probe` against real servers, `verify` on files, and the report's golden files.

mod capture;
mod cli;
mod fix_sources;
mod named_jvm;
mod outbound;
mod proxy;
mod report_golden;
mod trust;
mod verify_cli;
mod wording;
