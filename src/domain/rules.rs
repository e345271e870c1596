//! The register's value rules, each in one place: the rules its CHECK
//! constraints enforce (so a person hears them as a sentence, not as SQL),
//! and the bounds beyond which a value is possible but almost certainly a
//! typo (refused unless the person says `--force`).
//!
//! Every path that takes such a value (add, update, import, policy, lines,
//! licences, scenarios, saved runs) calls these functions; the migrations'
//! CHECKs stay as the last line of defence. Nothing here reads the clock:
//! "today" is passed in.

use std::ops::RangeInclusive;

use rust_decimal::Decimal;
use time::Date;

use super::{FinancialYear, Money, Rate};

/// A broken rule, as a lowercase phrase naming the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

/// A replacement life, in whole years (CHECK `life_years BETWEEN 1 AND 50`).
pub const LIFE_YEARS: RangeInclusive<u32> = 1..=50;

/// A forecast horizon, in financial years (CHECK `years BETWEEN 1 AND 50`).
pub const HORIZON_YEARS: RangeInclusive<u32> = 1..=50;

/// Hours a year a device can draw power: up to a leap year's 8,784 (CHECK
/// `power_hours_per_year BETWEEN 0 AND 8784`).
pub const HOURS_PER_YEAR: RangeInclusive<u32> = 0..=8784;

/// A replacement life of `years`.
///
/// # Errors
/// Outside [`LIFE_YEARS`].
pub fn life_years(years: u32) -> Result<u32, RuleError> {
    if LIFE_YEARS.contains(&years) {
        Ok(years)
    } else {
        Err(RuleError(format!(
            "a life must be 1 to 50 years, not {years}"
        )))
    }
}

/// The earliest in-service (purchase) date estate takes: older dates are
/// slips of the century (`1921` for `2021`).
pub const EARLIEST_IN_SERVICE: Date = time::macros::date!(1980 - 01 - 01);

/// An asset's in-service (purchase) date: not after `today`, not before
/// [`EARLIEST_IN_SERVICE`]. The reason names the date: `2027-01-01 is in
/// the future`.
///
/// # Errors
/// As said.
pub fn in_service_date(date: Date, today: Date) -> Result<Date, RuleError> {
    if date > today {
        Err(RuleError(format!("{} is in the future", super::iso(date))))
    } else if date < EARLIEST_IN_SERVICE {
        Err(RuleError(format!(
            "{} is before {}",
            super::iso(date),
            EARLIEST_IN_SERVICE.year()
        )))
    } else {
        Ok(date)
    }
}

/// A life already held to [`LIFE_YEARS`] as the byte the engines keep
/// (clamped into the range, defensively, should one slip through).
pub fn life_u8(years: u32) -> u8 {
    let clamped = years.clamp(*LIFE_YEARS.start(), *LIFE_YEARS.end());
    u8::try_from(clamped).unwrap_or(u8::MAX)
}

/// A life override as the byte the engines keep, or why it is refused.
///
/// # Errors
/// Outside [`LIFE_YEARS`].
pub fn life_override(years: u32) -> Result<u8, RuleError> {
    life_years(years).map(life_u8)
}

/// Hours a year at a power draw.
///
/// # Errors
/// Above [`HOURS_PER_YEAR`].
pub fn hours_per_year(hours: u32) -> Result<u32, RuleError> {
    if HOURS_PER_YEAR.contains(&hours) {
        Ok(hours)
    } else {
        Err(RuleError(format!(
            "{hours} hours a year is more than a year holds (at most 8784, a leap year)"
        )))
    }
}

/// A name or number that must hold more than spaces (CHECK
/// `length(trim(x)) > 0`); `what` names it ("a run name").
///
/// # Errors
/// Blank text.
pub fn not_blank<'a>(what: &str, text: &'a str) -> Result<&'a str, RuleError> {
    if text.trim().is_empty() {
        Err(RuleError(format!("{what} cannot be blank")))
    } else {
        Ok(text)
    }
}

/// A period that must not end before it starts (CHECK `end_date >= start_date`).
///
/// # Errors
/// Both dates given and `end` before `start`.
pub fn dates_in_order(start: Option<Date>, end: Option<Date>) -> Result<(), RuleError> {
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(RuleError(format!(
            "it ends ({}) before it starts ({})",
            super::iso(e),
            super::iso(s)
        ))),
        _ => Ok(()),
    }
}

/// What `--force` lets through: a value that is possible but almost
/// certainly a slip of the keyboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}; if that is really meant, give --force (a change is recorded with it)")]
pub struct Implausible {
    /// The value and why it looks wrong.
    pub what: String,
}

/// Inflation below this is taken for a typo.
pub const LOWEST_LIKELY_INFLATION: Decimal = Decimal::from_parts(10, 0, 0, true, 2);
/// Inflation above this is taken for a typo.
pub const HIGHEST_LIKELY_INFLATION: Decimal = Decimal::from_parts(25, 0, 0, false, 2);
/// A cost (an asset's, a unit price) above this, in pence, is taken for a typo.
pub const HIGHEST_LIKELY_COST_PENCE: i64 = 10_000_000 * 100;
/// A price base further than this many years from today is taken for a typo.
pub const PRICE_BASE_YEARS: i32 = 10;

/// An inflation rate a person most likely meant: −10% to +25% a year.
///
/// # Errors
/// Outside that range.
pub fn likely_inflation(rate: Rate) -> Result<Rate, Implausible> {
    let f = rate.fraction();
    if (LOWEST_LIKELY_INFLATION..=HIGHEST_LIKELY_INFLATION).contains(&f) {
        Ok(rate)
    } else {
        Err(Implausible {
            what: format!("an inflation rate of {rate} a year is outside −10% to +25%"),
        })
    }
}

/// A cost a person most likely meant: at most £10,000,000. `what` names it
/// ("asset PC-1's cost").
///
/// # Errors
/// Above that.
pub fn likely_cost(what: &str, cost: Money) -> Result<Money, Implausible> {
    if cost > Money::from_pence(HIGHEST_LIKELY_COST_PENCE) {
        Err(Implausible {
            what: format!("{what} of {cost} is over £10,000,000"),
        })
    } else {
        Ok(cost)
    }
}

/// A price base a person most likely meant: within ten years of `today`'s
/// financial year.
///
/// # Errors
/// Further away than that.
pub fn likely_price_base(base: FinancialYear, today: Date) -> Result<FinancialYear, Implausible> {
    let now = FinancialYear::containing(today);
    if (now.offset(-PRICE_BASE_YEARS)..=now.offset(PRICE_BASE_YEARS)).contains(&base) {
        Ok(base)
    } else {
        Err(Implausible {
            what: format!(
                "a price base of {base} is more than {PRICE_BASE_YEARS} years from this year ({now})"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_in_service_date_is_neither_after_today_nor_before_1980() {
        use time::macros::date;
        let today = date!(2026 - 11 - 28);
        assert_eq!(in_service_date(today, today), Ok(today));
        assert_eq!(
            in_service_date(date!(2026 - 11 - 29), today).unwrap_err().0,
            "2026-11-29 is in the future"
        );
        assert_eq!(
            in_service_date(date!(1979 - 12 - 31), today).unwrap_err().0,
            "1979-12-31 is before 1980"
        );
        assert_eq!(life_u8(0), 1);
        assert_eq!(life_u8(99), 50);
        assert_eq!(
            life_override(51).unwrap_err().0,
            "a life must be 1 to 50 years, not 51"
        );
    }

    use super::*;
    use time::macros::date;

    #[test]
    fn each_check_rule_holds_at_its_bounds() {
        assert!(life_years(1).is_ok() && life_years(50).is_ok());
        assert!(life_years(0).is_err() && life_years(51).is_err());
        assert!(hours_per_year(0).is_ok() && hours_per_year(8784).is_ok());
        assert_eq!(
            hours_per_year(9000).unwrap_err().to_string(),
            "9000 hours a year is more than a year holds (at most 8784, a leap year)"
        );
        assert!(not_blank("a run name", " \t").is_err());
        assert!(not_blank("a run name", "Feb").is_ok());
        let (a, b) = (date!(2026 - 01 - 01), date!(2027 - 01 - 01));
        assert!(dates_in_order(Some(a), Some(b)).is_ok());
        assert!(dates_in_order(Some(a), Some(a)).is_ok());
        assert_eq!(
            dates_in_order(Some(b), Some(a)).unwrap_err().to_string(),
            "it ends (2026-01-01) before it starts (2027-01-01)"
        );
        assert!(dates_in_order(None, Some(a)).is_ok());
    }

    #[test]
    fn likely_values_stop_at_their_bounds() {
        let pct = |p: i64| Rate::from_percent(Decimal::new(p, 1));
        for p in [-100, 0, 35, 250] {
            assert!(likely_inflation(pct(p)).is_ok(), "{p}");
        }
        for p in [-101, 251, 350] {
            assert!(likely_inflation(pct(p)).is_err(), "{p}");
        }
        let ten_million = Money::from_pence(1_000_000_000);
        assert!(likely_cost("a cost", ten_million).is_ok());
        assert!(likely_cost("a cost", Money::from_pence(1_000_000_001)).is_err());
        let today = date!(2026 - 11 - 28);
        let year = |y: &str| y.parse::<FinancialYear>().unwrap();
        for y in ["2016/17", "2026/27", "2036/37"] {
            assert!(likely_price_base(year(y), today).is_ok(), "{y}");
        }
        for y in ["2015/16", "2037/38", "2090/91"] {
            assert!(likely_price_base(year(y), today).is_err(), "{y}");
        }
    }
}
