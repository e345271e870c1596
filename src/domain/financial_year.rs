//! `FinancialYear`: the UK public-sector year, 1 April to 31 March.
//!
//! Written `2026/27` (the form council documents use); `2026-27` and
//! `2026/2027` are read too.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

/// A UK financial year, identified by the calendar year it starts in:
/// `FinancialYear::new(2026)` runs from 1 April 2026 to 31 March 2027.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(i32);

/// Why a text is not a financial year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinancialYearError {
    /// Not in the `2026/27` form.
    #[error("`{0}` is not a financial year (write it like 2026/27)")]
    Invalid(String),
    /// The two halves are not consecutive years.
    #[error("`{0}` is not a financial year: the second year must follow the first (e.g. 2026/27)")]
    NotConsecutive(String),
    /// Outside the years estate handles.
    #[error("`{0}` is outside the years estate handles (1900/01 to 2199/00)")]
    OutOfRange(String),
}

impl FinancialYear {
    /// The year starting 1 April of `start_year`. Years from 1900 to 2199.
    ///
    /// # Errors
    /// When `start_year` is outside 1900..=2199.
    pub fn new(start_year: i32) -> Result<Self, FinancialYearError> {
        if (1900..=2199).contains(&start_year) {
            Ok(FinancialYear(start_year))
        } else {
            Err(FinancialYearError::OutOfRange(start_year.to_string()))
        }
    }

    /// The financial year that contains `date`.
    pub fn containing(date: Date) -> Self {
        if date.month() >= Month::April {
            FinancialYear(date.year())
        } else {
            FinancialYear(date.year() - 1)
        }
    }

    /// The calendar year it starts in (2026 for 2026/27).
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// 1 April of its start year.
    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.0, Month::April, 1).expect("invariant: 1 April exists")
    }

    /// 31 March of the following year.
    pub fn last_day(self) -> Date {
        Date::from_calendar_date(self.0 + 1, Month::March, 31).expect("invariant: 31 March exists")
    }

    /// True when `date` falls in this year.
    pub fn contains(self, date: Date) -> bool {
        FinancialYear::containing(date) == self
    }

    /// The year after.
    #[must_use]
    pub fn next(self) -> Self {
        FinancialYear(self.0 + 1)
    }

    /// The year before.
    #[must_use]
    pub fn prev(self) -> Self {
        FinancialYear(self.0 - 1)
    }

    /// `n` years later (earlier when negative).
    #[must_use]
    pub fn offset(self, n: i32) -> Self {
        FinancialYear(self.0 + n)
    }

    /// How many years `self` is after `other` (negative when before).
    pub fn years_since(self, other: FinancialYear) -> i32 {
        self.0 - other.0
    }

    /// `count` consecutive years starting with this one.
    pub fn range(self, count: u32) -> impl Iterator<Item = FinancialYear> {
        (0..count).map(move |i| FinancialYear(self.0 + i32::try_from(i).unwrap_or(i32::MAX)))
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl FromStr for FinancialYear {
    type Err = FinancialYearError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let invalid = || FinancialYearError::Invalid(s.to_string());
        let (first, second) = text.split_once(['/', '-']).ok_or_else(invalid)?;
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if first.len() != 4 || !all_digits(first) || !all_digits(second) {
            return Err(invalid());
        }
        let start: i32 = first.parse().map_err(|_| invalid())?;
        let consecutive = match second.len() {
            2 => second.parse::<i32>().ok() == Some((start + 1).rem_euclid(100)),
            4 => second.parse::<i32>().ok() == Some(start + 1),
            _ => return Err(invalid()),
        };
        if !consecutive {
            return Err(FinancialYearError::NotConsecutive(s.to_string()));
        }
        FinancialYear::new(start).map_err(|_| FinancialYearError::OutOfRange(s.to_string()))
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    #[test]
    fn the_year_turns_on_the_first_of_april() {
        assert_eq!(
            FinancialYear::containing(date!(2027 - 03 - 31)),
            fy("2026/27")
        );
        assert_eq!(
            FinancialYear::containing(date!(2027 - 04 - 01)),
            fy("2027/28")
        );
        assert_eq!(
            FinancialYear::containing(date!(2026 - 04 - 01)),
            fy("2026/27")
        );
        assert_eq!(
            FinancialYear::containing(date!(2026 - 12 - 31)),
            fy("2026/27")
        );
        assert_eq!(
            FinancialYear::containing(date!(2027 - 01 - 01)),
            fy("2026/27")
        );
        assert_eq!(
            FinancialYear::containing(date!(2028 - 02 - 29)),
            fy("2027/28")
        );
    }

    #[test]
    fn first_and_last_days() {
        assert_eq!(fy("2026/27").first_day(), date!(2026 - 04 - 01));
        assert_eq!(fy("2026/27").last_day(), date!(2027 - 03 - 31));
    }

    #[test]
    fn displays_and_parses_the_council_form() {
        assert_eq!(FinancialYear::new(2026).unwrap().to_string(), "2026/27");
        assert_eq!(FinancialYear::new(1999).unwrap().to_string(), "1999/00");
        assert_eq!(fy("2026-27"), fy("2026/27"));
        assert_eq!(fy("2026/2027"), fy("2026/27"));
        assert_eq!(fy("1999/00").start_year(), 1999);
    }

    #[test]
    fn refuses_what_is_not_a_financial_year() {
        assert_eq!(
            "2026/28".parse::<FinancialYear>(),
            Err(FinancialYearError::NotConsecutive("2026/28".into()))
        );
        for bad in [
            "2026",
            "26/27",
            "2026/7",
            "abcd/ef",
            "",
            "2026/27/28",
            "1800/01",
        ] {
            assert!(bad.parse::<FinancialYear>().is_err(), "{bad}");
        }
        assert_eq!(
            "2026".parse::<FinancialYear>().unwrap_err().to_string(),
            "`2026` is not a financial year (write it like 2026/27)"
        );
    }

    #[test]
    fn arithmetic_and_ordering() {
        let y = fy("2026/27");
        assert_eq!(y.next(), fy("2027/28"));
        assert_eq!(y.prev(), fy("2025/26"));
        assert_eq!(y.offset(4), fy("2030/31"));
        assert_eq!(fy("2030/31").years_since(y), 4);
        assert!(fy("2025/26") < y);
        let years: Vec<String> = y.range(3).map(|y| y.to_string()).collect();
        assert_eq!(years, ["2026/27", "2027/28", "2028/29"]);
    }

    proptest! {
        #[test]
        fn containing_holds_the_date(days in 0i32..80_000) {
            let d = date!(1950 - 01 - 01) + time::Duration::days(i64::from(days));
            let y = FinancialYear::containing(d);
            prop_assert!(y.first_day() <= d && d <= y.last_day());
        }

        #[test]
        fn display_then_parse_round_trips(start in 1900i32..=2199) {
            let y = FinancialYear::new(start).unwrap();
            prop_assert_eq!(y.to_string().parse::<FinancialYear>(), Ok(y));
            // The other ways a year is written: with a hyphen, with both years whole.
            prop_assert_eq!(format!("{start}-{:02}", (start + 1) % 100).parse(), Ok(y));
            prop_assert_eq!(format!(" {start}/{} ", start + 1).parse(), Ok(y));
        }

        /// Any text is a year or an error; a year it reads prints as it reads.
        #[test]
        fn any_text_parses_or_is_refused(text in "\\PC{0,12}|[0-9]{4}[/-][0-9]{1,4}") {
            if let Ok(y) = text.parse::<FinancialYear>() {
                prop_assert_eq!(y.to_string().parse::<FinancialYear>(), Ok(y));
                prop_assert!(y.contains(y.first_day()) && y.contains(y.last_day()));
                prop_assert_eq!(y.next().prev(), y);
            }
        }

        /// Years that are not consecutive are refused as such.
        #[test]
        fn years_that_do_not_follow_are_refused(start in 1900i32..=2199, gap in 2i32..50) {
            let text = format!("{start}/{}", start + gap);
            prop_assert_eq!(
                text.parse::<FinancialYear>(),
                Err(FinancialYearError::NotConsecutive(text.clone()))
            );
        }
    }
}
