//! Wall-clock time behind a trait, so tests can move through months, and UTC calendar months
//! computed from Unix time (`dbintel_core::time_fmt`, proleptic Gregorian).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the processor reads the time (ns since the Unix epoch, UTC).
pub trait Clock: Send + Sync {
    fn now_unix_nanos(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix_nanos(&self) -> u64 {
        dbintel_core::pdata::now_unix_nanos()
    }
}

/// A clock set by hand (tests, benches, replays).
#[derive(Debug, Default, Clone)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    pub fn new(unix_nanos: u64) -> Self {
        Self(Arc::new(AtomicU64::new(unix_nanos)))
    }
    pub fn set(&self, unix_nanos: u64) {
        self.0.store(unix_nanos, Ordering::Relaxed);
    }
    pub fn advance_secs(&self, secs: u64) {
        self.0.fetch_add(secs.saturating_mul(1_000_000_000), Ordering::Relaxed);
    }
}

impl Clock for ManualClock {
    fn now_unix_nanos(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

const NANOS: u64 = 1_000_000_000;
const DAY: u64 = 86_400;

/// A UTC calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

/// (year, month, day) of a count of days since 1970-01-01 (years of a `Month` fit an i32).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let (y, m, d) = dbintel_core::time_fmt::civil_from_days(z);
    (i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }), m, d)
}

/// Days since 1970-01-01 of (year, month, day).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    dbintel_core::time_fmt::days_from_civil(i64::from(y), m, d)
}

impl Month {
    /// The month holding `unix_nanos`.
    pub fn of(unix_nanos: u64) -> Self {
        let days = (unix_nanos / NANOS / DAY) as i64;
        let (year, month, _) = civil_from_days(days);
        Month { year, month }
    }

    /// Its first instant (ns since the epoch).
    pub fn start_nanos(self) -> u64 {
        let days = days_from_civil(self.year, self.month, 1).max(0) as u64;
        days.saturating_mul(DAY).saturating_mul(NANOS)
    }

    pub fn next(self) -> Self {
        if self.month >= 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }

    /// The first instant of the next month.
    pub fn end_nanos(self) -> u64 {
        self.next().start_nanos()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The UTC day number (days since the epoch) holding `unix_nanos`.
pub fn day_of(unix_nanos: u64) -> u64 {
    unix_nanos / NANOS / DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, secs: u64) -> u64 {
        (days_from_civil(y, m, d) as u64 * DAY + secs) * NANOS
    }

    #[test]
    fn months_roll_at_utc_midnight_of_the_first() {
        assert_eq!(Month::of(0), Month { year: 1970, month: 1 });
        assert_eq!(Month::of(at(2026, 11, 30, DAY - 1)), Month { year: 2026, month: 11 });
        assert_eq!(Month::of(at(2026, 12, 1, 0)), Month { year: 2026, month: 12 });
        assert_eq!(Month::of(at(2024, 2, 29, 3600)), Month { year: 2024, month: 2 });
        assert_eq!(Month::of(at(2026, 12, 31, DAY - 1)).next(), Month { year: 2027, month: 1 });
        let feb = Month { year: 2024, month: 2 };
        assert_eq!((feb.end_nanos() - feb.start_nanos()) / NANOS / DAY, 29);
        let feb = Month { year: 2100, month: 2 };
        assert_eq!((feb.end_nanos() - feb.start_nanos()) / NANOS / DAY, 28);
        // 2026-11-30T09:39:02Z
        assert_eq!(Month::of(1_796_031_542 * NANOS), Month { year: 2026, month: 11 });
    }

    #[test]
    fn civil_round_trips_over_centuries() {
        for days in (-1000..200_000).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
