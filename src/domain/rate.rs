//! `Rate`: a fraction such as an inflation rate or an apportionment share.
//!
//! Stored as a fraction (`0.035`), written and read as a percentage
//! (`3.5%`), so "is it 3 or 0.03?" never has to be asked.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A fraction, e.g. an annual inflation rate of 3.5% is `Rate(0.035)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(Decimal);

/// Why a text is not a rate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    /// Not a number at all.
    #[error("`{0}` is not a rate (write a percentage like 3.5%)")]
    Invalid(String),
    /// A bare number above 1 is almost certainly a percentage without its sign.
    #[error("`{0}` is ambiguous: write `{0}%` for a percentage, or a fraction below 1")]
    Ambiguous(String),
}

impl Rate {
    /// Zero.
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// A fraction: `Rate::from_fraction(0.035)` is 3.5%.
    pub fn from_fraction(fraction: Decimal) -> Self {
        Rate(fraction)
    }

    /// A percentage: `Rate::from_percent(3.5)` is the fraction 0.035.
    pub fn from_percent(percent: Decimal) -> Self {
        Rate(percent / Decimal::ONE_HUNDRED)
    }

    /// The fraction.
    pub fn fraction(self) -> Decimal {
        self.0
    }

    /// The percentage (0.035 → 3.5).
    pub fn percent(self) -> Decimal {
        (self.0 * Decimal::ONE_HUNDRED).normalize()
    }

    /// `(1 + self)^years`, exactly (no rounding); `None` on overflow or a
    /// negative exponent below -1000.
    pub fn compound(self, years: i32) -> Option<Decimal> {
        let base = Decimal::ONE.checked_add(self.0)?;
        let mut result = Decimal::ONE;
        for _ in 0..years.unsigned_abs() {
            result = result.checked_mul(base)?;
        }
        if years < 0 {
            Decimal::ONE.checked_div(result)
        } else {
            Some(result)
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent())
    }
}

impl FromStr for Rate {
    type Err = RateError;

    /// `3.5%` is 3.5 percent; a bare `0.035` is a fraction; a bare number
    /// above 1 is refused as ambiguous.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if let Some(number) = text.strip_suffix('%') {
            let value =
                Decimal::from_str(number.trim()).map_err(|_| RateError::Invalid(s.to_string()))?;
            return Ok(Rate::from_percent(value));
        }
        let value = Decimal::from_str(text).map_err(|_| RateError::Invalid(s.to_string()))?;
        if value.abs() > Decimal::ONE {
            return Err(RateError::Ambiguous(text.to_string()));
        }
        Ok(Rate(value))
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn percent_and_fraction_are_the_same_rate() {
        assert_eq!(
            "3.5%".parse::<Rate>().unwrap(),
            Rate::from_fraction(d("0.035"))
        );
        assert_eq!(
            "0.035".parse::<Rate>().unwrap(),
            Rate::from_percent(d("3.5"))
        );
        assert_eq!(Rate::from_fraction(d("0.035")).to_string(), "3.5%");
        assert_eq!(Rate::from_percent(d("40")).to_string(), "40%");
    }

    #[test]
    fn a_bare_number_above_one_is_ambiguous() {
        assert_eq!(
            "3.5".parse::<Rate>(),
            Err(RateError::Ambiguous("3.5".into()))
        );
        assert!("abc%".parse::<Rate>().is_err());
    }

    proptest::proptest! {
        /// A rate prints as a percentage that reads back as the same rate.
        #[test]
        fn display_then_parse_round_trips(units in -1_000_000i64..1_000_000, scale in 0u32..5) {
            let rate = Rate::from_percent(Decimal::new(units, scale));
            proptest::prop_assert_eq!(rate.to_string().parse::<Rate>(), Ok(rate));
        }

        /// Any text is a rate or an error; a bare number is a fraction only up to 1.
        #[test]
        fn any_text_parses_or_is_refused(text in "\\PC{0,12}|-?[0-9]{1,3}(\\.[0-9]{1,4})?%?") {
            if let Ok(rate) = text.parse::<Rate>() {
                proptest::prop_assert!(
                    text.trim().ends_with('%') || rate.fraction().abs() <= Decimal::ONE
                );
            }
        }
    }

    #[test]
    fn compounds_exactly() {
        let r = Rate::from_percent(d("2"));
        assert_eq!(r.compound(0), Some(Decimal::ONE));
        assert_eq!(r.compound(2), Some(d("1.0404")));
        assert_eq!(r.compound(3), Some(d("1.061208")));
    }
}
