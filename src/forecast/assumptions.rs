//! The assumptions a capital forecast rests on — lives, prices, price base,
//! inflation, caps, approval thresholds and the programme-line mapping — as
//! one value that is passed into the engine and saved with every run.
//!
//! Built from the policy held in the register (`from_defaults`), then
//! adjusted by a scenario or the command line. Nothing here reads a file or
//! the database.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::{AssetClass, FinancialYear, Money, Rate};
use crate::policy::{Defaults, LifeRule, ModelLife, Price, ProgrammeLine};

/// Why the policy cannot be used for a forecast.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssumptionsError {
    /// A setting the forecast needs is missing.
    #[error("the policy has no `{key}` setting; reload the defaults with `estate policy load`")]
    MissingSetting {
        /// The key.
        key: &'static str,
    },
    /// A setting does not parse.
    #[error("policy setting `{key}` = `{value}`: {reason}")]
    BadSetting {
        /// The key.
        key: &'static str,
        /// The stored value.
        value: String,
        /// Why it is wrong.
        reason: String,
    },
    /// A class has no life or no price.
    #[error(
        "the policy has no {what} for class `{class}`; set one with `estate policy set {what} {class} …`"
    )]
    MissingClass {
        /// "life" or "price".
        what: &'static str,
        /// The class.
        class: AssetClass,
    },
    /// An inflation rate at or below -100% makes every price zero or negative.
    #[error("an inflation rate of {0} is not possible (it must be above -100%)")]
    BadInflation(Rate),
}

/// A limit on capital spending per financial year.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Caps {
    /// No limit: every replacement is funded in the year it falls due.
    #[default]
    None,
    /// The same limit every year.
    EveryYear(Money),
    /// A limit for the years named; the others are uncapped.
    PerYear(BTreeMap<FinancialYear, Money>),
}

impl Caps {
    /// The cap for `year`, if any.
    pub fn for_year(&self, year: FinancialYear) -> Option<Money> {
        match self {
            Caps::None => None,
            Caps::EveryYear(cap) => Some(*cap),
            Caps::PerYear(caps) => caps.get(&year).copied(),
        }
    }

    /// True when no year is capped.
    pub fn is_none(&self) -> bool {
        match self {
            Caps::None => true,
            Caps::EveryYear(_) => false,
            Caps::PerYear(caps) => caps.is_empty(),
        }
    }
}

/// Why a text is not a cap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a budget cap: {reason} (write --cap 250000 or --cap 2026/27=250000,2027/28=200000)"
)]
pub struct CapsError {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub reason: String,
}

impl FromStr for Caps {
    type Err = CapsError;

    /// `250000` (or `£250,000`) caps every year; `2026/27=250000,2027/28=…`
    /// caps the years named. Amounts may use thousands separators, so a
    /// comma only starts a new year when the text after it has an `=`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| CapsError {
            text: s.to_string(),
            reason,
        };
        let amount = |text: &str| -> Result<Money, CapsError> {
            let m = Money::parse_gbp(text).map_err(|e| err(e.to_string()))?;
            if m.is_negative() || m.to_pence().is_none() {
                return Err(err(format!(
                    "`{}` is not a whole-penny amount of 0 or more",
                    text.trim()
                )));
            }
            Ok(m)
        };
        if !s.contains('=') {
            return Ok(Caps::EveryYear(amount(s)?));
        }
        let mut entries: Vec<(String, String)> = Vec::new();
        for part in s.split(',') {
            if let Some((year, value)) = part.split_once('=') {
                entries.push((year.trim().to_string(), value.to_string()));
            } else if let Some(last) = entries.last_mut() {
                // A thousands separator inside the previous amount.
                last.1.push(',');
                last.1.push_str(part);
            } else {
                return Err(err(format!("`{}` has no year", part.trim())));
            }
        }
        let mut caps = BTreeMap::new();
        for (year, value) in entries {
            let year: FinancialYear =
                year.parse()
                    .map_err(|e: crate::domain::financial_year::FinancialYearError| {
                        err(e.to_string())
                    })?;
            if caps.insert(year, amount(&value)?).is_some() {
                return Err(err(format!("{year} is given twice")));
            }
        }
        Ok(Caps::PerYear(caps))
    }
}

impl fmt::Display for Caps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caps::None => f.write_str("none"),
            Caps::EveryYear(cap) => write!(f, "{cap} each year"),
            Caps::PerYear(caps) => {
                let parts: Vec<String> = caps.iter().map(|(y, c)| format!("{y}: {c}")).collect();
                f.write_str(&parts.join(", "))
            }
        }
    }
}

/// The spending levels above which a programme line needs approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Above this a shared service's joint board must approve.
    pub joint_board: Money,
    /// Above this the strategy group must approve.
    pub strategy_group: Money,
}

/// A scenario applied to the policy: its name and what it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedScenario {
    /// The scenario's name.
    pub name: String,
    /// What it changes, in words.
    pub description: String,
    /// Its text as read, so a saved run holds it whole.
    pub text: String,
}

/// Everything a capital forecast assumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumptions {
    /// Life per class, with sources.
    pub lives: Vec<LifeRule>,
    /// Life per manufacturer + model.
    pub model_lives: Vec<ModelLife>,
    /// Unit prices per class and per model, at the price base.
    pub prices: Vec<Price>,
    /// The financial year the prices are quoted at.
    pub price_base: FinancialYear,
    /// Annual price inflation.
    pub inflation: Rate,
    /// Spending caps.
    pub caps: Caps,
    /// Approval thresholds.
    pub thresholds: Thresholds,
    /// The Cabinet programme line of each class.
    pub programme_lines: Vec<ProgrammeLine>,
    /// The scenario applied, if any.
    pub scenario: Option<AppliedScenario>,
    /// The end-of-support rule (off in runs saved before it).
    #[serde(default)]
    pub support: crate::policy::support::SupportRules,
    /// What counts as capital (runs saved before it: everything).
    #[serde(default)]
    pub capitalisation: Capitalisation,
}

/// The capitalisation de minimis: a replacement (or, grouped, a year's
/// replacements of one class) costing less than `threshold` is revenue.
/// A threshold of zero is off: everything is capital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Capitalisation {
    /// The de minimis, ex VAT.
    pub threshold: Money,
    /// Whether a year's replacements of one class are one scheme.
    pub grouped: bool,
}

impl Capitalisation {
    /// Whether any replacement can be revenue.
    pub fn is_on(self) -> bool {
        self.threshold > Money::ZERO
    }
}

impl fmt::Display for Capitalisation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_on() {
            f.write_str("none (every replacement is capital)")
        } else if self.grouped {
            write!(
                f,
                "{} per class per year (a year's replacements of one class are one scheme)",
                self.threshold
            )
        } else {
            write!(f, "{} per item", self.threshold)
        }
    }
}

fn setting<'a>(defaults: &'a Defaults, key: &'static str) -> Result<&'a str, AssumptionsError> {
    defaults
        .settings
        .iter()
        .find(|s| s.key == key)
        .map(|s| s.value.as_str())
        .ok_or(AssumptionsError::MissingSetting { key })
}

fn parsed<T: FromStr>(defaults: &Defaults, key: &'static str) -> Result<T, AssumptionsError>
where
    T::Err: fmt::Display,
{
    let value = setting(defaults, key)?;
    value
        .parse()
        .map_err(|e: T::Err| AssumptionsError::BadSetting {
            key,
            value: value.to_string(),
            reason: e.to_string(),
        })
}

fn optional<T: FromStr>(
    defaults: &Defaults,
    key: &'static str,
) -> Result<Option<T>, AssumptionsError>
where
    T::Err: fmt::Display,
{
    if setting(defaults, key).is_err() {
        return Ok(None);
    }
    parsed(defaults, key).map(Some)
}

impl Assumptions {
    /// The assumptions the policy gives: lives, prices and the programme
    /// lines as held, and the `price_base`, `inflation` and approval
    /// threshold settings parsed. No caps and no scenario.
    ///
    /// # Errors
    /// A missing or malformed setting, or a class without a life or price.
    pub fn from_defaults(defaults: &Defaults) -> Result<Self, AssumptionsError> {
        let assumptions = Assumptions {
            lives: defaults.lives.clone(),
            model_lives: defaults.model_lives.clone(),
            prices: defaults.prices.clone(),
            price_base: parsed(defaults, "price_base")?,
            inflation: parsed(defaults, "inflation")?,
            caps: Caps::None,
            thresholds: Thresholds {
                joint_board: parsed(defaults, "approval_threshold_joint_board")?,
                strategy_group: parsed(defaults, "approval_threshold_strategy_group")?,
            },
            programme_lines: defaults.programme_lines.clone(),
            scenario: None,
            support: crate::policy::support::SupportRules::from_settings(&defaults.settings)
                .map_err(|(key, value, reason)| AssumptionsError::BadSetting {
                    key,
                    value,
                    reason,
                })?,
            // A register made before these settings existed has neither:
            // everything is capital, as it was.
            capitalisation: Capitalisation {
                threshold: optional(defaults, "capital_threshold")?.unwrap_or_default(),
                grouped: match setting(defaults, "capital_threshold_grouped").ok() {
                    None | Some("no") => false,
                    Some("yes") => true,
                    Some(other) => {
                        return Err(AssumptionsError::BadSetting {
                            key: "capital_threshold_grouped",
                            value: other.to_string(),
                            reason: "it must be yes or no".into(),
                        });
                    }
                },
            },
        };
        assumptions.validate()?;
        Ok(assumptions)
    }

    /// Checks that every class has a life and a class price, and that the
    /// inflation rate is above -100%.
    ///
    /// # Errors
    /// The first problem found.
    pub fn validate(&self) -> Result<(), AssumptionsError> {
        for class in AssetClass::ALL {
            if !self.lives.iter().any(|l| l.class == *class) {
                return Err(AssumptionsError::MissingClass {
                    what: "life",
                    class: *class,
                });
            }
            if self.class_price(*class).is_none() {
                return Err(AssumptionsError::MissingClass {
                    what: "price",
                    class: *class,
                });
            }
        }
        if self.inflation.fraction() <= -rust_decimal::Decimal::ONE {
            return Err(AssumptionsError::BadInflation(self.inflation));
        }
        Ok(())
    }

    /// The class's life in years.
    pub fn class_life(&self, class: AssetClass) -> Option<u32> {
        self.lives
            .iter()
            .find(|l| l.class == class)
            .map(|l| l.life_years)
    }

    /// The class's unit price (the price-book row with no manufacturer or model).
    pub fn class_price(&self, class: AssetClass) -> Option<Money> {
        self.prices
            .iter()
            .find(|p| p.class == class && p.manufacturer.is_empty() && p.model.is_empty())
            .map(|p| p.unit_cost)
    }

    /// Sets a class's life, with `source` saying why.
    pub fn set_class_life(&mut self, class: AssetClass, years: u32, source: &str) {
        self.lives.retain(|l| l.class != class);
        self.lives.push(LifeRule {
            class,
            life_years: years,
            source: source.to_string(),
        });
        self.lives.sort_by_key(|l| l.class.as_str());
    }

    /// Sets a unit price for a class (empty manufacturer and model) or for
    /// one model, with `source` saying why.
    pub fn set_price(
        &mut self,
        class: AssetClass,
        manufacturer: &str,
        model: &str,
        unit_cost: Money,
        source: &str,
    ) {
        self.prices
            .retain(|p| !(p.class == class && p.manufacturer == manufacturer && p.model == model));
        self.prices.push(Price {
            class,
            manufacturer: manufacturer.to_string(),
            model: model.to_string(),
            unit_cost,
            source: source.to_string(),
        });
        self.prices.sort_by(|a, b| {
            (a.class.as_str(), &a.manufacturer, &a.model).cmp(&(
                b.class.as_str(),
                &b.manufacturer,
                &b.model,
            ))
        });
    }

    /// The programme line a class is reported on, and its order; a class the
    /// mapping misses goes on "Other equipment" at the end.
    pub fn line_of(&self, class: AssetClass) -> (&str, u32) {
        self.programme_lines
            .iter()
            .find(|l| l.class == class)
            .map_or(("Other equipment", u32::MAX), |l| {
                (l.line.as_str(), l.order)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    #[test]
    fn caps_are_read_as_people_write_them() {
        assert_eq!(
            "250000".parse::<Caps>(),
            Ok(Caps::EveryYear(Money::from_pence(25_000_000)))
        );
        assert_eq!(
            "£250,000".parse::<Caps>(),
            Ok(Caps::EveryYear(Money::from_pence(25_000_000)))
        );
        let caps: Caps = "2026/27=250,000,2027/28=200000".parse().unwrap();
        assert_eq!(
            caps.for_year(fy("2026/27")),
            Some(Money::from_pence(25_000_000))
        );
        assert_eq!(
            caps.for_year(fy("2027/28")),
            Some(Money::from_pence(20_000_000))
        );
        assert_eq!(
            caps.for_year(fy("2028/29")),
            None,
            "a year not named is uncapped"
        );
        assert_eq!(
            caps.to_string(),
            "2026/27: £250,000.00, 2027/28: £200,000.00"
        );
    }

    #[test]
    fn a_bad_cap_says_how_to_write_one() {
        for bad in [
            "lots",
            "2026/27=",
            "2026=5",
            "-5",
            "2026/27=5,2026/27=6",
            "12.345",
        ] {
            assert!(bad.parse::<Caps>().is_err(), "{bad}");
        }
        assert_eq!(
            "2026/27=5,2026/27=6"
                .parse::<Caps>()
                .unwrap_err()
                .to_string(),
            "`2026/27=5,2026/27=6` is not a budget cap: 2026/27 is given twice (write --cap 250000 \
             or --cap 2026/27=250000,2027/28=200000)"
        );
    }

    #[test]
    fn the_shipped_policy_gives_the_seed_assumptions() {
        let a = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
        assert_eq!(a.price_base, fy("2026/27"));
        assert_eq!(a.inflation, "2%".parse().unwrap());
        assert_eq!(a.thresholds.joint_board, Money::from_pence(2_500_000));
        assert_eq!(a.thresholds.strategy_group, Money::from_pence(10_000_000));
        assert_eq!(a.class_life(AssetClass::Server), Some(3));
        assert_eq!(
            a.class_price(AssetClass::Laptop),
            Some(Money::from_pence(85_000))
        );
        assert_eq!(
            a.line_of(AssetClass::Monitor),
            ("Desktop and laptop refresh", 3)
        );
        assert_eq!(
            a.line_of(AssetClass::Printer),
            ("Print and MFD replacement", 4)
        );
    }

    #[test]
    fn a_missing_setting_names_the_fix() {
        let mut d = Defaults::builtin();
        d.settings.retain(|s| s.key != "inflation");
        assert_eq!(
            Assumptions::from_defaults(&d).unwrap_err().to_string(),
            "the policy has no `inflation` setting; reload the defaults with `estate policy load`"
        );
        let mut d = Defaults::builtin();
        d.settings
            .iter_mut()
            .find(|s| s.key == "price_base")
            .unwrap()
            .value = "2026".into();
        assert!(matches!(
            Assumptions::from_defaults(&d),
            Err(AssumptionsError::BadSetting {
                key: "price_base",
                ..
            })
        ));
    }
}
