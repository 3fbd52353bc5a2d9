//! Why talking to an endpoint stopped, as data: the [`Stage`] that failed and what it said, or how long
//! was waited. Opening a connection (TCP, TLS), the HTTP exchange and the following of redirects all report
//! through [`Failure`]; judges match on the stage, never on the text.

use std::fmt;
use std::time::Duration;

/// The step of reaching an endpoint and talking to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Stage {
    /// Finding the address (DNS, `--resolve`) and opening the TCP connection.
    Connect,
    /// The TLS handshake.
    #[strum(serialize = "TLS")]
    Tls,
    /// Writing the request.
    Send,
    /// Reading the response.
    Read,
    /// Following a redirect (a `Location` that cannot be followed, too many redirects).
    Redirect,
    /// A redirect back to a URL already requested.
    #[strum(serialize = "redirect loop")]
    Loop,
}

impl Stage {
    /// The stage's name as reports print it.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Why an exchange could not be completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// A step failed.
    #[error("{}: {message}", stage.name())]
    Failed {
        /// Which step.
        stage: Stage,
        /// What went wrong, lower-case.
        message: String,
    },
    /// A step did not finish in time.
    #[error("timeout: {}", timeout_text(*stage, *after))]
    Timeout {
        /// Which step was waited on.
        stage: Stage,
        /// How long was waited.
        after: Duration,
    },
    /// The whole exchange (one endpoint's check) ran out of its time, during this step.
    #[error("deadline: {}", deadline_text(*stage, *after))]
    Deadline {
        /// The step it was at.
        stage: Stage,
        /// The deadline's length.
        after: Duration,
    },
}

fn deadline_text(stage: Stage, after: Duration) -> String {
    let secs = after.as_secs_f64();
    let during = match stage {
        Stage::Connect => "before a connection was made",
        Stage::Tls => "during the TLS handshake",
        Stage::Send => "while sending the request",
        Stage::Read | Stage::Redirect | Stage::Loop => "while waiting for the response",
    };
    format!("the endpoint's {secs} s deadline passed {during}")
}

fn timeout_text(stage: Stage, after: Duration) -> String {
    let secs = after.as_secs_f64();
    match stage {
        Stage::Connect => format!("no connection within {secs} s"),
        Stage::Tls => format!("the TLS handshake did not finish within {secs} s"),
        Stage::Send => format!("the request could not be sent within {secs} s"),
        Stage::Read | Stage::Redirect | Stage::Loop => {
            format!("no complete response within {secs} s")
        }
    }
}

impl Failure {
    /// A failure of `stage`.
    pub fn failed(stage: Stage, message: impl Into<String>) -> Failure {
        Failure::Failed {
            stage,
            message: message.into(),
        }
    }

    /// The stage that failed or was waited on.
    pub fn stage(&self) -> Stage {
        match self {
            Failure::Failed { stage, .. }
            | Failure::Timeout { stage, .. }
            | Failure::Deadline { stage, .. } => *stage,
        }
    }

    /// Whether the step did not finish in time.
    pub fn timed_out(&self) -> bool {
        matches!(self, Failure::Timeout { .. })
    }

    /// Whether the whole exchange's deadline passed during the step.
    pub fn deadline(&self) -> bool {
        matches!(self, Failure::Deadline { .. })
    }

    /// Classifies a failure to open a connection reported as an I/O error (a caller's own opener): TLS
    /// errors (rustls errors, which tokio-rustls reports as `InvalidData`), timeouts, or else a connect
    /// failure.
    pub fn from_open(error: &std::io::Error, timeout: Duration) -> Failure {
        let tls = error
            .get_ref()
            .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            || error.kind() == std::io::ErrorKind::InvalidData;
        if error.kind() == std::io::ErrorKind::TimedOut {
            return Failure::Timeout {
                stage: Stage::Connect,
                after: timeout,
            };
        }
        Failure::failed(
            if tls { Stage::Tls } else { Stage::Connect },
            error.to_string(),
        )
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_errors_are_classified_by_stage() {
        let t = Duration::from_secs(3);
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(Failure::from_open(&refused, t).stage(), Stage::Connect);
        let tls = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure),
        );
        assert_eq!(Failure::from_open(&tls, t).stage(), Stage::Tls);
        let slow = std::io::Error::new(std::io::ErrorKind::TimedOut, "slow");
        assert_eq!(
            Failure::from_open(&slow, t).to_string(),
            "timeout: no connection within 3 s"
        );
    }

    #[test]
    fn redirect_failures_print_as_reports_always_did() {
        assert_eq!(
            Failure::failed(Stage::Loop, "https://a/ was already requested").to_string(),
            "redirect loop: https://a/ was already requested"
        );
        assert_eq!(Failure::failed(Stage::Tls, "bad").to_string(), "TLS: bad");
    }
}
