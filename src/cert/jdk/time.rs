//! `DerValue.getTimeInternal`: which UTCTime and GeneralizedTime texts the JDK accepts. Seconds are
//! optional, GeneralizedTime may have a fraction (`.` or `,`, at least one digit), the zone is `Z` or
//! `±hhmm`; month 1–12, day 1–31 (a 31 February is normalised, not refused), hour < 24, minute and second
//! < 60.

use super::{Fail, R};

fn bad(kind: &str, what: &str) -> Fail {
    Fail::new("DerValue: time", format!("Parse {kind} time, {what}"))
}

/// Checks the content of a time value (its length was checked by the caller).
pub(super) fn check(text: &[u8], generalized: bool) -> R<()> {
    let kind = if generalized { "Generalized" } else { "UTC" };
    let mut pos = 0usize;
    let mut len = text.len() as isize;
    let digit = |pos: &mut usize| -> R<u32> {
        let b = *text
            .get(*pos)
            .ok_or_else(|| Fail::runtime("DerValue: time", "ArrayIndexOutOfBoundsException"))?;
        *pos += 1;
        if b.is_ascii_digit() {
            Ok(u32::from(b - b'0'))
        } else {
            Err(bad(kind, "invalid format"))
        }
    };
    let two = |pos: &mut usize| -> R<u32> { Ok(10 * digit(pos)? + digit(pos)?) };
    if generalized {
        two(&mut pos)?;
        two(&mut pos)?;
        len -= 2;
    } else {
        two(&mut pos)?;
    }
    let month = two(&mut pos)?;
    let day = two(&mut pos)?;
    let hour = two(&mut pos)?;
    let minute = two(&mut pos)?;
    len -= 10;
    let mut second = 0;
    let at = |p: usize| -> R<u8> {
        text.get(p)
            .copied()
            .ok_or_else(|| Fail::runtime("DerValue: time", "ArrayIndexOutOfBoundsException"))
    };
    if len > 2 {
        second = two(&mut pos)?;
        len -= 2;
        if generalized && matches!(at(pos)?, b'.' | b',') {
            len -= 1;
            if len == 0 {
                return Err(bad(kind, "empty fractional part"));
            }
            pos += 1;
            let mut precision = 0;
            while !matches!(at(pos)?, b'Z' | b'+' | b'-') {
                let b = at(pos)?;
                if !b.is_ascii_digit() {
                    return Err(bad(kind, "invalid format"));
                }
                precision += 1;
                len -= 1;
                if len == 0 {
                    return Err(bad(kind, "invalid fractional part"));
                }
                pos += 1;
            }
            if precision == 0 {
                return Err(bad(kind, "empty fractional part"));
            }
        }
    }
    if month == 0
        || day == 0
        || month > 12
        || day > 31
        || hour >= 24
        || minute >= 60
        || second >= 60
    {
        return Err(bad(kind, "invalid format"));
    }
    if len != 1 && len != 5 {
        return Err(bad(kind, "invalid offset"));
    }
    let sign = at(pos)?;
    pos += 1;
    match sign {
        b'+' | b'-' => {
            if len != 5 {
                return Err(bad(kind, "invalid offset"));
            }
            let hr = two(&mut pos)?;
            let min = two(&mut pos)?;
            if hr >= 24 || min >= 60 {
                return Err(bad(kind, if sign == b'+' { "+hhmm" } else { "-hhmm" }));
            }
        }
        b'Z' => {
            if len != 1 {
                return Err(bad(kind, "invalid format"));
            }
        }
        _ => return Err(bad(kind, "garbage offset")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn utc_times_without_seconds_or_with_an_offset_are_accepted() {
        assert!(check(b"2501010000Z", false).is_ok());
        assert!(check(b"250101000000+0130", false).is_ok());
        assert!(check(b"250231000000Z", false).is_ok());
    }

    #[test]
    fn leap_seconds_bad_offsets_and_missing_zones_are_refused() {
        assert!(check(b"250101000060Z", false).is_err());
        assert!(check(b"250101000000+2400", false).is_err());
        assert!(check(b"250101000000", false).is_err());
        assert!(check(b"250101000000z", false).is_err());
    }

    #[test]
    fn generalized_fractions_need_a_digit() {
        assert!(check(b"20250101000000.5Z", true).is_ok());
        assert!(check(b"20250101000000,123456Z", true).is_ok());
        assert!(check(b"20250101000000.Z", true).is_err());
    }
}
