//! Money cells: the one place a spreadsheet's `f64` becomes money (converted
//! at once to pence), amounts written as text, VAT-inclusive costs made net,
//! and the foreign currencies refused.

use super::{Cells, Decimal, Field, Money, Value, read_pairs};

impl Cells<'_> {
    /// Money, never negative: numbers converted at once, text in the forms
    /// people write (`£1,234.56`, `GBP 1,234`, `1234.5`).
    pub(super) fn money(&mut self, f: Field) -> Option<Money> {
        let v = self.cell(f)?;
        let amount = match v {
            Value::Number(x) => {
                if !x.is_finite() || x.abs() >= 1e13 {
                    self.reject(f, v, "is not an amount of money");
                    return None;
                }
                // The spreadsheet hands money over as an f64; convert it to
                // exact pence here and never let the float travel further.
                // x*100 rounded is exact for any value that was pennies
                // (and ~20× cheaper than Decimal::from_f64).
                #[allow(clippy::cast_possible_truncation, reason = "checked below 1e13 pounds")]
                let pence = (x * 100.0).round() as i64;
                Money::from_decimal(Decimal::new(pence, 2))
            }
            Value::Int(i) => Money::from_decimal(Decimal::from(*i)),
            Value::Text(t) => {
                let t = t.trim();
                if t.starts_with('(') && t.ends_with(')') {
                    self.reject(
                        f,
                        v,
                        "is a negative amount (in brackets); a cost cannot be negative",
                    );
                    return None;
                }
                if let Some(currency) = foreign_currency(t) {
                    self.reject(
                        f,
                        v,
                        format!(
                            "is in {currency}; estate keeps pounds: convert it to pounds (ex VAT) \
                             in the file, or clear the cell"
                        ),
                    );
                    return None;
                }
                let t = t
                    .strip_suffix("GBP")
                    .or_else(|| t.strip_suffix("gbp"))
                    .unwrap_or(t);
                match Money::parse_gbp(t) {
                    Ok(m) => m,
                    Err(e) => {
                        self.reject(f, v, e.reason());
                        return None;
                    }
                }
            }
            _ => {
                self.reject(f, v, "is not an amount of money");
                return None;
            }
        };
        if amount.is_negative() {
            self.reject(f, v, "is negative; a cost cannot be negative");
            return None;
        }
        if amount.to_pence().is_none() {
            self.reject(
                f,
                v,
                "has fractions of a penny; give the amount in pounds and pence",
            );
            return None;
        }
        if !self.rules.force && crate::domain::rules::likely_cost("", amount).is_err() {
            self.reject(
                f,
                v,
                "is over £10,000,000, almost certainly a slip; if it is right, import with --force",
            );
            return None;
        }
        Some(amount)
    }

    /// The row's money: the ex-VAT column, or the inc-VAT one converted to
    /// net at the VAT rate (rounded to the penny, half away from zero).
    pub(super) fn cost(&mut self) -> Option<Money> {
        if let Some(m) = self.money(Field::Cost) {
            return Some(m);
        }
        let gross = self.money(Field::CostIncVat)?;
        self.given.insert(Field::Cost);
        let divisor = Decimal::ONE + self.rules.vat_rate.fraction();
        gross
            .amount()
            .checked_div(divisor)
            .map(|net| Money::from_decimal(net).round_to_penny())
    }
}

/// The shipped currency signs (`data/import/currency-signs.csv`).
pub const BUILTIN_CURRENCY_SIGNS: &str = include_str!("../../../data/import/currency-signs.csv");

/// Reads `sign,currency` lines: a sign or code and the currency it names.
///
/// # Errors
/// A message naming the line that is wrong.
pub fn parse_currency_signs(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut signs = Vec::new();
    read_pairs(text, "sign,currency", |_, sign, currency| {
        if sign.is_empty() || currency.is_empty() {
            return Err("write it as sign,currency".to_string());
        }
        signs.push((sign.to_string(), currency.to_string()));
        Ok(())
    })?;
    Ok(signs)
}

/// The shipped currency signs, in the file's order, read once.
pub fn currency_signs() -> &'static [(String, String)] {
    static SIGNS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    SIGNS.get_or_init(|| {
        parse_currency_signs(BUILTIN_CURRENCY_SIGNS)
            .expect("invariant: the shipped data/import/currency-signs.csv is valid (tested)")
    })
}

/// The currency an amount is written in when it is not pounds: `$12.58`
/// is in US dollars, `€500` in euros, `500 EUR` in euros.
pub fn foreign_currency(text: &str) -> Option<&'static str> {
    let t = text.trim().trim_start_matches('-').trim();
    currency_signs()
        .iter()
        .find(|(sign, _)| {
            t.get(..sign.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(sign))
                || t.len() >= sign.len()
                    && t.get(t.len() - sign.len()..)
                        .is_some_and(|p| p.eq_ignore_ascii_case(sign))
        })
        .map(|(_, name)| name.as_str())
}
