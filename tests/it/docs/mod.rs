//! What the documentation promises: every help text's examples, every finding code in the README, the
//! shell completions and the man pages.

mod cli_help;
mod lines_run;
mod manual;
pub(crate) mod readme;
