//! The progress bar for runs over many targets: on stderr, and only when stderr is a terminal, so that
//! pipes, CI logs and golden files never see it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shown only for at least this many targets.
pub const MIN_TARGETS: usize = 4;

/// A progress bar, or nothing.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` probes, drawn only when stderr is a terminal and `total` ≥ `MIN_TARGETS`.
    pub fn new(total: usize) -> Progress {
        if total < MIN_TARGETS || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} probing {pos}/{len} {wide_bar} {elapsed}")
        {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// One more probe done.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
