//! "Now", in one place. Commands take a [`Clock`] from the caller (the binary passes the system clock,
//! `verify --at` and tests a fixed instant) and read the time from it; nothing else in trustpath asks the
//! operating system for the time.

use time::OffsetDateTime;

/// Where the current time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The operating system's clock.
    System,
    /// One fixed instant (tests, `verify --at`).
    Fixed(OffsetDateTime),
}

impl Clock {
    /// A clock that always reads the Unix time `unix` (seconds); the epoch when it is out of range.
    pub fn at_unix(unix: i64) -> Clock {
        Clock::Fixed(
            OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        )
    }

    /// The current instant, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(at) => *at,
        }
    }

    /// The current time in seconds since the epoch.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// The current time as `20261123T221005Z` (for backup file names).
    pub fn timestamp(&self) -> String {
        let now = self.now();
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_reads_the_same_instant_in_every_form() {
        let clock = Clock::at_unix(1_795_392_000);
        assert_eq!(clock.unix(), 1_795_392_000);
        assert_eq!(clock.timestamp(), "20261123T000000Z");
        assert_eq!(clock.now(), clock.now());
    }
}
