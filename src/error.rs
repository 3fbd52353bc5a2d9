//! The error type for jobs that could not be done (exit code 2), as opposed to findings (exit code 1).

/// Result with an `anyhow` error chain; printed as `error: outer: inner` by `main`.
pub type Result<T, E = anyhow::Error> = std::result::Result<T, E>;

/// Process exit codes, the same for every subcommand.
pub mod exit {
    /// Success: everything checked is fine.
    pub const OK: u8 = 0;
    /// The check ran and found problems.
    pub const PROBLEMS: u8 = 1;
    /// The job could not be done: bad usage, unreadable file, wrong password.
    pub const FAILED: u8 = 2;
}
