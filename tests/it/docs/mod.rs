//! What the documentation promises: every help text's examples, every finding code in the README, the
//! shell completions and the man pages.

mod cli_help;
mod manual;
mod readme;
