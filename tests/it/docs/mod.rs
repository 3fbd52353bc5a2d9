//! What the documentation promises: every help text's examples and every finding code in the README.

mod cli_help;
mod readme;
