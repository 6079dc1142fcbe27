//! Calendar dates, for sunset dates, and the one place that tells today's date.
//!
//! `TREATY_TODAY=YYYY-MM-DD` stands in for the system clock, so date-dependent rules can be
//! tested deterministically; [`today`] reads it (or the clock) once per process.

use std::ffi::OsStr;
use std::sync::OnceLock;

use crate::diag::InputError;

/// The variable that sets today's date (`YYYY-MM-DD`) instead of the system clock.
pub const TODAY_VAR: &str = "TREATY_TODAY";

/// A calendar date (proleptic Gregorian, no time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days from 1970-01-01 to this date, negative before it (the inverse of
    /// [`Date::from_days`]).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Days from this date to `later` (negative when `later` is earlier), for sunset policies.
    pub fn days_until(self, later: Date) -> i64 {
        later.days() - self.days()
    }

    /// Exactly `YYYY-MM-DD`, a date that exists.
    pub fn ymd(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |s: &str| -> Option<u32> {
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        let (year, month, day) = (num(&text[..4])?, num(&text[5..7])?, num(&text[8..])?);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month).contains(&day).then_some(Date {
            year: year as i32,
            month,
            day,
        })
    }

    /// `2025-12-31`, or the date of an RFC 3339 timestamp (`2025-12-31T00:00:00Z`), as oasdiff
    /// accepts; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        match text.len() {
            10 => Date::ymd(text),
            n if n > 10 && matches!(text.as_bytes()[10], b'T' | b't') => Date::ymd(&text[..10]),
            _ => None,
        }
    }

    /// The date of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP dates take
    /// (RFC 9110, formerly RFC 1123); the weekday and time are not checked beyond their shape.
    pub fn http(text: &str) -> Option<Date> {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [weekday, day, month, year, time, zone] = parts.as_slice() else {
            return None;
        };
        if !weekday.ends_with(',') || *zone != "GMT" || time.len() != 8 {
            return None;
        }
        let month = MONTHS.iter().position(|m| m == month)? + 1;
        if day.len() != 2 || year.len() != 4 {
            return None;
        }
        Date::ymd(&format!("{year}-{month:02}-{day}"))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `TREATY_TODAY` is set to something that is not a `YYYY-MM-DD` date (its value, lossily).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadToday(pub String);

impl std::fmt::Display for BadToday {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{TODAY_VAR} must be a date, YYYY-MM-DD (it is {:?})",
            self.0
        )
    }
}

impl std::error::Error for BadToday {}

/// An input error in no file: the variable is part of the run's input.
impl From<BadToday> for InputError {
    fn from(e: BadToday) -> InputError {
        InputError::new(e.to_string())
    }
}

/// Today: `TREATY_TODAY` when it is set (and not empty), else the system clock's date in UTC.
/// Read once per process, so every rule of every comparison sees the same day.
pub fn today() -> Result<Date, BadToday> {
    static TODAY: OnceLock<Result<Date, BadToday>> = OnceLock::new();
    TODAY
        .get_or_init(|| clock(std::env::var_os(TODAY_VAR).as_deref(), system_today))
        .clone()
}

/// Today from the variable's value, or from `system` when it is unset or empty.
fn clock(var: Option<&OsStr>, system: impl FnOnce() -> Date) -> Result<Date, BadToday> {
    match var {
        None => Ok(system()),
        Some(v) if v.is_empty() => Ok(system()),
        Some(v) => v
            .to_str()
            .and_then(Date::ymd)
            .ok_or_else(|| BadToday(v.to_string_lossy().into_owned())),
    }
}

/// The system clock's date in UTC (1970-01-01 for a clock set before it).
fn system_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_days((secs / 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::ymd(text).unwrap()
    }

    #[test]
    fn dates_parse_like_oasdiff() {
        assert_eq!(
            Date::parse("2025-02-28"),
            Some(Date {
                year: 2025,
                month: 2,
                day: 28
            })
        );
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2025-02-29").is_none());
        assert_eq!(
            Date::parse("2025-12-31T23:00:00Z").map(|d| d.to_string()),
            Some("2025-12-31".into())
        );
        assert_eq!(Date::parse(" 2025-12-31 "), Some(date("2025-12-31")));
        for bad in [
            "2025-1-01",
            "tomorrow",
            "2025-13-01",
            "",
            "20250101",
            "2025-12-31x",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        for bad in [" 2025-12-31", "2025-12-31T00:00:00Z", "+025-12-31"] {
            assert!(Date::ymd(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn http_dates() {
        let d = Date::http("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(d.to_string(), "1994-11-06");
        for bad in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "",
        ] {
            assert!(Date::http(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn days_to_civil_and_back() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_723).to_string(), "2024-01-01");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        for days in [
            -1_000_000, -1000, -1, 0, 1, 59, 60, 365, 11_016, 19_723, 2_932_896,
        ] {
            assert_eq!(Date::from_days(days).days(), days, "{days}");
        }
        assert_eq!(date("2031-01-01").days() - date("2030-12-31").days(), 1);
    }

    #[test]
    fn the_variable_stands_in_for_the_clock() {
        let system = || date("2026-12-06");
        assert_eq!(clock(None, system), Ok(date("2026-12-06")));
        assert_eq!(clock(Some(OsStr::new("")), system), Ok(date("2026-12-06")));
        assert_eq!(
            clock(Some(OsStr::new("2031-01-02")), system),
            Ok(date("2031-01-02"))
        );
        let err = clock(Some(OsStr::new("2031-02-30")), system).unwrap_err();
        assert_eq!(
            err.to_string(),
            "TREATY_TODAY must be a date, YYYY-MM-DD (it is \"2031-02-30\")"
        );
        // The CLI reports it as an input error (exit 2) in no file.
        let error = InputError::from(err);
        assert_eq!(error.place, None);
        assert_eq!(
            error.message,
            "TREATY_TODAY must be a date, YYYY-MM-DD (it is \"2031-02-30\")"
        );
        assert!(clock(Some(OsStr::new("tomorrow")), system).is_err());
    }
}
