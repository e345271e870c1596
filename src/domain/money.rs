//! `Money`: an exact amount of pounds sterling on `rust_decimal`.
//!
//! Money never passes through `f64`. Amounts are exact; rounding happens only
//! where a rule names it (`round_to_penny`, `split_by_ratios`). Storage is in
//! whole pence (`to_pence`), which refuses an amount that is not whole pence
//! rather than rounding it silently.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact sum of money in pounds sterling (GBP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is not a number in any form estate accepts.
    #[error("`{0}` is not an amount of money (write it like 1234.56 or £1,234.56)")]
    Invalid(String),
    /// Thousands separators are not every three digits.
    #[error("`{0}` has misplaced thousands separators (write it like 1,234,567.89)")]
    Separators(String),
    /// The amount is too large to hold.
    #[error("`{0}` is too large an amount")]
    Overflow(String),
}

impl MoneyError {
    /// What is wrong, without the text (for messages that show the text
    /// already, such as an import's rejected rows).
    pub fn reason(&self) -> &'static str {
        match self {
            MoneyError::Invalid(_) => {
                "is not an amount of money (write it like 1234.56 or £1,234.56)"
            }
            MoneyError::Separators(_) => {
                "has misplaced thousands separators (write it like 1,234,567.89)"
            }
            MoneyError::Overflow(_) => "is too large an amount",
        }
    }
}

impl Money {
    /// Zero pounds.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Whole pence, e.g. `Money::from_pence(123_456)` is £1,234.56.
    pub fn from_pence(pence: i64) -> Self {
        Money(Decimal::new(pence, 2))
    }

    /// An exact decimal amount of pounds.
    pub fn from_decimal(amount: Decimal) -> Self {
        Money(amount)
    }

    /// The amount in pounds, exactly.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// The amount in whole pence, or `None` when it is not a whole number of
    /// pence (or does not fit in an `i64`).
    pub fn to_pence(self) -> Option<i64> {
        let pence = self.0.checked_mul(Decimal::ONE_HUNDRED)?;
        if pence.fract().is_zero() {
            i64::try_from(pence.trunc()).ok()
        } else {
            None
        }
    }

    /// Rounded to the penny, half away from zero (the rounding a finance
    /// officer expects: 0.005 becomes 0.01).
    #[must_use]
    pub fn round_to_penny(self) -> Self {
        Money(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// `self × factor` exactly (no rounding), or `None` on overflow.
    pub fn checked_mul(self, factor: Decimal) -> Option<Money> {
        self.0.checked_mul(factor).map(Money)
    }

    /// `self × count`, exactly.
    pub fn times(self, count: u64) -> Option<Money> {
        self.0.checked_mul(Decimal::from(count)).map(Money)
    }

    /// True when below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// True when exactly zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Splits this amount (rounded to the penny first) into parts in
    /// proportion to `weights`, handing out the remainder pennies by largest
    /// remainder, so the parts always add up exactly to the (rounded) whole.
    ///
    /// Ties in the remainder go to the earlier weight. Returns `None` when
    /// the weights are empty, any is negative, or they sum to zero.
    pub fn split_by_ratios(self, weights: &[Decimal]) -> Option<Vec<Money>> {
        let total_weight: Decimal = weights.iter().copied().sum();
        if weights.is_empty()
            || weights.iter().any(Decimal::is_sign_negative)
            || total_weight <= Decimal::ZERO
        {
            return None;
        }
        let whole = self.round_to_penny().to_pence()?;
        let sign = whole.signum();
        let whole_abs = Decimal::from(whole.unsigned_abs());
        let mut parts = Vec::with_capacity(weights.len());
        let mut remainders = Vec::with_capacity(weights.len());
        let mut handed_out = Decimal::ZERO;
        for (i, w) in weights.iter().enumerate() {
            let exact = whole_abs.checked_mul(*w)?.checked_div(total_weight)?;
            let floor = exact.floor();
            parts.push(floor);
            remainders.push((exact - floor, i));
            handed_out += floor;
        }
        let mut left = whole_abs - handed_out;
        // Largest remainder first; on a tie the earlier part wins.
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in remainders {
            if left <= Decimal::ZERO {
                break;
            }
            parts[i] += Decimal::ONE;
            left -= Decimal::ONE;
        }
        Some(
            parts
                .into_iter()
                .map(|p| Money(p * Decimal::from(sign) / Decimal::ONE_HUNDRED))
                .collect(),
        )
    }

    /// Parses the forms people write money in: `1234.5`, `1,234`,
    /// `£1,234.56`, `GBP 1,234`, `-£12.00`. Thousands separators must be
    /// every three digits. Negative amounts are allowed here; callers that
    /// hold costs reject them with their own message.
    ///
    /// # Errors
    /// A [`MoneyError`] naming the text when it is not an amount.
    pub fn parse_gbp(text: &str) -> Result<Money, MoneyError> {
        let invalid = || MoneyError::Invalid(text.to_string());
        let mut s = text.trim();
        let mut negative = false;
        if let Some(rest) = s.strip_prefix('-') {
            negative = true;
            s = rest.trim_start();
        }
        if let Some(rest) = s.strip_prefix('£') {
            s = rest.trim_start();
        } else if let Some(rest) = s
            .get(..3)
            .filter(|p| p.eq_ignore_ascii_case("gbp"))
            .and_then(|_| s.get(3..))
        {
            // `get`, not slicing: the text may start with a character wider
            // than one byte, and slicing inside it would panic.
            s = rest.trim_start();
        }
        if !negative {
            if let Some(rest) = s.strip_prefix('-') {
                negative = true;
                s = rest.trim_start();
            }
        }
        if s.is_empty() {
            return Err(invalid());
        }
        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return Err(invalid());
        }
        if let Some(f) = frac_part {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
        }
        let digits: String = if int_part.contains(',') {
            let groups: Vec<&str> = int_part.split(',').collect();
            let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
            let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
            if !first_ok || !rest_ok {
                return Err(MoneyError::Separators(text.to_string()));
            }
            groups.concat()
        } else {
            int_part.to_string()
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let canonical = match frac_part {
            Some(f) => format!("{}.{f}", if digits.is_empty() { "0" } else { &digits }),
            None => digits,
        };
        let amount =
            Decimal::from_str(&canonical).map_err(|_| MoneyError::Overflow(text.to_string()))?;
        Ok(Money(if negative { -amount } else { amount }))
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// See [`Money::parse_gbp`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse_gbp(s)
    }
}

/// Groups the digits of a non-negative integer string in threes
/// (`1234567` → `1,234,567`), as money is shown.
pub fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    /// `£1,234.56`; negative amounts as `-£1,234.56`. At least two decimal
    /// places, more only when the amount is not whole pence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut amount = self.0.abs();
        if amount.scale() < 2 {
            amount.rescale(2);
        }
        let text = amount.normalize().to_string();
        let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
        let mut frac = frac_part.to_string();
        while frac.len() < 2 {
            frac.push('0');
        }
        let sign = if self.is_negative() { "-" } else { "" };
        write!(f, "{sign}£{}.{frac}", group_thousands(int_part))
    }
}

impl Add for Money {
    type Output = Money;
    /// Panics only on overflow beyond 7.9 × 10^28 pounds; use
    /// [`Money::checked_add`] where inputs are unbounded.
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + *b)
    }
}

/// Serialised as a plain decimal string (`"1234.56"`), so JSON readers never
/// see a float.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut amount = self.0;
        if amount.scale() < 2 {
            amount.rescale(2);
        }
        serializer.serialize_str(&amount.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::parse_gbp(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn summing_ten_pence_a_million_times_is_exactly_one_hundred_thousand_pounds() {
        let total: Money = std::iter::repeat_n(Money::from_pence(10), 1_000_000).sum();
        assert_eq!(total, Money::from_pence(10_000_000));
        assert_eq!(total.to_string(), "£100,000.00");
    }

    #[test]
    fn displays_in_the_pound_style() {
        let cases = [
            (0, "£0.00"),
            (5, "£0.05"),
            (123_456, "£1,234.56"),
            (100_000_000, "£1,000,000.00"),
            (-61_234, "-£612.34"),
            (99_999, "£999.99"),
        ];
        for (pence, text) in cases {
            assert_eq!(Money::from_pence(pence).to_string(), text, "{pence}");
        }
        assert_eq!(Money::from_decimal(d("0.125")).to_string(), "£0.125");
    }

    #[test]
    fn parses_the_forms_people_write() {
        let cases = [
            ("1234.5", 123_450),
            ("£1,234.56", 123_456),
            ("1,234", 123_400),
            ("GBP 1,234", 123_400),
            ("gbp1234.00", 123_400),
            ("  £ 12.30 ", 1_230),
            ("-£12.00", -1_200),
            ("£-12", -1_200),
            (".5", 50),
            ("1,234,567.89", 123_456_789),
        ];
        for (text, pence) in cases {
            assert_eq!(
                Money::parse_gbp(text),
                Ok(Money::from_pence(pence)),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_money() {
        for text in [
            "", "£", "abc", "12,34.5", "1,2345", "1.2.3", "12.", "£12a", "1e5", "(120.00)", "ññ",
            "€12",
        ] {
            assert!(Money::parse_gbp(text).is_err(), "{text} should be refused");
        }
        assert_eq!(
            Money::parse_gbp("12,34.5").unwrap_err().to_string(),
            "`12,34.5` has misplaced thousands separators (write it like 1,234,567.89)"
        );
    }

    #[test]
    fn pence_round_trip_and_refuse_fractions_of_a_penny() {
        assert_eq!(Money::from_pence(61_234).to_pence(), Some(61_234));
        assert_eq!(Money::from_decimal(d("612.345")).to_pence(), None);
        assert_eq!(Money::from_decimal(d("612.3")).to_pence(), Some(61_230));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(
            Money::from_decimal(d("0.005")).round_to_penny(),
            Money::from_pence(1)
        );
        assert_eq!(
            Money::from_decimal(d("0.015")).round_to_penny(),
            Money::from_pence(2)
        );
        assert_eq!(
            Money::from_decimal(d("-0.005")).round_to_penny(),
            Money::from_pence(-1)
        );
        assert_eq!(
            Money::from_decimal(d("612.3449")).round_to_penny(),
            Money::from_pence(61_234)
        );
    }

    #[test]
    fn splits_hand_out_remainder_pennies_by_largest_remainder() {
        let parts = Money::from_pence(100)
            .split_by_ratios(&[d("1"), d("1"), d("1")])
            .unwrap();
        assert_eq!(
            parts,
            vec![
                Money::from_pence(34),
                Money::from_pence(33),
                Money::from_pence(33)
            ]
        );
        let parts = Money::from_pence(1_000_001)
            .split_by_ratios(&[d("0.4"), d("0.6")])
            .unwrap();
        assert_eq!(
            parts,
            vec![Money::from_pence(400_000), Money::from_pence(600_001)]
        );
        assert_eq!(Money::from_pence(5).split_by_ratios(&[]), None);
        assert_eq!(
            Money::from_pence(5).split_by_ratios(&[d("0"), d("0")]),
            None
        );
    }

    #[test]
    fn serialises_as_a_decimal_string() {
        let json = serde_json::to_string(&Money::from_pence(123_450)).unwrap();
        assert_eq!(json, "\"1234.50\"");
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Money::from_pence(123_450));
    }

    proptest! {
        #[test]
        fn split_parts_always_sum_to_the_whole(
            pence in -10_000_000_000i64..10_000_000_000,
            weights in proptest::collection::vec(0u32..1000, 1..8),
        ) {
            let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
            if let Some(parts) = Money::from_pence(pence).split_by_ratios(&weights) {
                let total: Money = parts.iter().sum();
                prop_assert_eq!(total, Money::from_pence(pence));
                prop_assert!(parts.iter().all(|p| p.to_pence().is_some()));
            } else {
                prop_assert!(weights.iter().all(Decimal::is_zero));
            }
        }

        #[test]
        fn display_then_parse_round_trips(pence in -1_000_000_000_000i64..1_000_000_000_000) {
            let money = Money::from_pence(pence);
            prop_assert_eq!(Money::parse_gbp(&money.to_string()), Ok(money));
        }

        /// Any text is an amount or an error naming the text; never a panic.
        #[test]
        fn any_text_parses_or_is_refused_by_name(text in "\\PC{0,24}") {
            match Money::parse_gbp(&text) {
                Ok(m) => prop_assert_eq!(Money::parse_gbp(&m.to_string()), Ok(m)),
                Err(e) => prop_assert!(e.to_string().contains(&text)),
            }
        }

        /// The forms people write the same amount in all read as that amount.
        #[test]
        fn every_written_form_of_an_amount_reads_the_same(
            pounds in 0u64..1_000_000_000_000,
            pence in 0u64..100,
        ) {
            let whole = pounds.to_string();
            let grouped = group_thousands(&whole);
            let want = Money::from_pence(
                i64::try_from(pounds * 100 + pence).expect("fits"),
            );
            for text in [
                format!("{whole}.{pence:02}"),
                format!("£{grouped}.{pence:02}"),
                format!("  £ {grouped}.{pence:02} "),
                format!("GBP {grouped}.{pence:02}"),
                format!("gbp{whole}.{pence:02}"),
            ] {
                prop_assert_eq!(Money::parse_gbp(&text), Ok(want), "{}", text);
            }
            let negative = Money::parse_gbp(&format!("-£{grouped}.{pence:02}")).unwrap();
            prop_assert_eq!(negative.checked_add(want), Some(Money::from_pence(0)));
        }

        /// Separators anywhere but every three digits are refused.
        #[test]
        fn misplaced_thousands_separators_are_refused(
            digits in "[1-9][0-9]{3,9}",
            at in 1usize..3,
        ) {
            let (head, tail) = digits.split_at(at);
            let text = format!("{head},{tail}");
            // A comma is right only when every group after it has three digits.
            if tail.len() % 3 != 0 || head.len() > 3 {
                prop_assert!(Money::parse_gbp(&text).is_err(), "{}", text);
            }
        }
    }
}
