//! Scenarios: a named set of overrides to the policy — lives per class or
//! model, unit prices per class or model, inflation, price base and caps —
//! kept as readable TOML files under `data/scenarios/`.
//!
//! The shipped scenarios are embedded; a user's own is read from a path by
//! the CLI and handed here as text. Money and rates are written as strings
//! (`"849.21"`, `"3.5%"`) or whole numbers, never TOML floats, so they stay
//! exact.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::assumptions::{AppliedScenario, Assumptions, Caps};
use super::levers::{Levers, Virtualise};
use crate::domain::{AssetClass, FinancialYear, Money, Rate};
use crate::policy::ModelLife;
use rust_decimal::Decimal;

/// The scenarios shipped in `data/scenarios/`, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base", include_str!("../../data/scenarios/base.toml")),
    (
        "capped-250k",
        include_str!("../../data/scenarios/capped-250k.toml"),
    ),
    (
        "extend-desktop-life",
        include_str!("../../data/scenarios/extend-desktop-life.toml"),
    ),
    (
        "green-refresh",
        include_str!("../../data/scenarios/green-refresh.toml"),
    ),
];

/// Why a scenario cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// No shipped scenario has that name.
    #[error(
        "no scenario `{name}`; the shipped ones are {known} (or give the path of a .toml file)"
    )]
    Unknown {
        /// The name given.
        name: String,
        /// The shipped names, comma separated.
        known: String,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("scenario `{origin}`: {message}")]
    Invalid {
        /// Where it came from (name or path).
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// A unit price in a scenario, for a class or one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioPrice {
    /// The class.
    pub class: AssetClass,
    /// Manufacturer ("" for the class price).
    pub manufacturer: String,
    /// Model ("" for the class price).
    pub model: String,
    /// Unit cost at the price base.
    pub unit_cost: Money,
}

/// A named set of overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// What it changes, in words.
    pub description: String,
    /// Why (the source of its figures).
    pub source: String,
    /// Class lives.
    pub lives: BTreeMap<AssetClass, u32>,
    /// Model lives.
    pub model_lives: Vec<ModelLife>,
    /// Unit prices.
    pub prices: Vec<ScenarioPrice>,
    /// Inflation.
    pub inflation: Option<Rate>,
    /// Price base.
    pub price_base: Option<FinancialYear>,
    /// Caps.
    pub caps: Option<Caps>,
    /// The levers that change capital, power and carbon together (thin
    /// clients at refresh, server virtualisation, MFD consolidation).
    pub levers: Levers,
    /// The text it was read from.
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: String,
    inflation: Option<String>,
    price_base: Option<String>,
    caps: Option<toml::Value>,
    #[serde(default)]
    lives: BTreeMap<String, u32>,
    #[serde(default)]
    prices: BTreeMap<String, toml::Value>,
    #[serde(default)]
    model_lives: Vec<RawModelLife>,
    #[serde(default)]
    model_prices: Vec<RawModelPrice>,
    thin_clients: Option<String>,
    virtualise: Option<String>,
    mfd_users_per_device: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModelLife {
    manufacturer: String,
    model: String,
    life_years: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModelPrice {
    class: String,
    manufacturer: String,
    model: String,
    unit_cost: toml::Value,
}

/// Staff per device from a TOML integer or decimal string (not a float, so
/// nothing passes through `f64`); above zero.
fn staff_ratio(value: &toml::Value) -> Result<Decimal, String> {
    let ratio = match value {
        toml::Value::Integer(i) => Decimal::from(*i),
        toml::Value::String(s) => s
            .trim()
            .parse::<Decimal>()
            .map_err(|_| format!("mfd_users_per_device: `{s}` is not a number"))?,
        _ => return Err(
            "mfd_users_per_device: write a whole number such as 14, or a string such as \"12.5\""
                .into(),
        ),
    };
    if ratio <= Decimal::ZERO {
        return Err(format!("mfd_users_per_device: {ratio} must be above 0"));
    }
    Ok(ratio)
}

/// Money from a TOML string or integer; floats are refused so nothing
/// passes through `f64`.
fn money(value: &toml::Value, what: &str) -> Result<Money, String> {
    let m = match value {
        toml::Value::String(s) => Money::parse_gbp(s).map_err(|e| format!("{what}: {e}"))?,
        toml::Value::Integer(i) => Money::from_pence(
            i.checked_mul(100)
                .ok_or_else(|| format!("{what}: {i} is too large"))?,
        ),
        toml::Value::Float(_) => {
            return Err(format!(
                "{what}: write the amount in quotes (e.g. \"849.21\") so it stays exact"
            ));
        }
        other => return Err(format!("{what}: `{other}` is not an amount")),
    };
    if m.is_negative() || m.to_pence().is_none() {
        return Err(format!(
            "{what}: `{m}` is not a whole-penny amount of 0 or more"
        ));
    }
    Ok(m)
}

fn life(years: u32, what: &str) -> Result<u32, String> {
    crate::domain::rules::life_years(years).map_err(|e| format!("{what}: {e}"))
}

impl Scenario {
    /// Checks the scenario's figures against the bounds of a likely slip
    /// (inflation, price base, unit prices), as `estate policy set` does;
    /// `today` places the price base.
    ///
    /// # Errors
    /// The first figure that looks like a slip, naming the scenario.
    pub fn likely(&self, today: time::Date) -> Result<(), crate::domain::rules::Implausible> {
        use crate::domain::rules;
        let named = |e: rules::Implausible| rules::Implausible {
            what: format!("scenario {}: {}", self.name, e.what),
        };
        if let Some(rate) = self.inflation {
            rules::likely_inflation(rate).map_err(named)?;
        }
        if let Some(base) = self.price_base {
            rules::likely_price_base(base, today).map_err(named)?;
        }
        for p in &self.prices {
            rules::likely_cost(&format!("a {} price", p.class), p.unit_cost).map_err(named)?;
        }
        Ok(())
    }

    /// Reads a scenario from TOML `text`; `origin` names it in errors.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] saying what is wrong and where.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let invalid = |message: String| ScenarioError::Invalid {
            origin: origin.to_string(),
            message,
        };
        let raw: RawScenario = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if raw.name.trim().is_empty() {
            return Err(invalid("a scenario needs a name".into()));
        }
        let class = |text: &str| {
            text.parse::<AssetClass>()
                .map_err(|e| invalid(e.to_string()))
        };
        let mut lives = BTreeMap::new();
        for (c, years) in &raw.lives {
            lives.insert(
                class(c)?,
                life(*years, &format!("lives.{c}")).map_err(invalid)?,
            );
        }
        let mut prices = Vec::new();
        for (c, value) in &raw.prices {
            prices.push(ScenarioPrice {
                class: class(c)?,
                manufacturer: String::new(),
                model: String::new(),
                unit_cost: money(value, &format!("prices.{c}")).map_err(invalid)?,
            });
        }
        for p in &raw.model_prices {
            prices.push(ScenarioPrice {
                class: class(&p.class)?,
                manufacturer: p.manufacturer.trim().to_string(),
                model: p.model.trim().to_string(),
                unit_cost: money(&p.unit_cost, &format!("model_prices {}", p.model))
                    .map_err(invalid)?,
            });
        }
        let model_lives = raw
            .model_lives
            .iter()
            .map(|m| {
                Ok(ModelLife {
                    manufacturer: m.manufacturer.trim().to_string(),
                    model: m.model.trim().to_string(),
                    life_years: life(m.life_years, &format!("model_lives {}", m.model))
                        .map_err(invalid)?,
                    source: format!("scenario {}", raw.name),
                })
            })
            .collect::<Result<Vec<_>, ScenarioError>>()?;
        let inflation = raw
            .inflation
            .as_deref()
            .map(|r| {
                r.parse::<Rate>()
                    .map_err(|e| invalid(format!("inflation: {e}")))
            })
            .transpose()?;
        let price_base = raw
            .price_base
            .as_deref()
            .map(|y| {
                y.parse::<FinancialYear>()
                    .map_err(|e| invalid(format!("price_base: {e}")))
            })
            .transpose()?;
        let caps = raw
            .caps
            .as_ref()
            .map(|v| caps(v).map_err(invalid))
            .transpose()?;
        let levers = Levers {
            thin_clients: raw
                .thin_clients
                .as_deref()
                .map(|r| {
                    r.parse::<Rate>()
                        .map_err(|e| invalid(format!("thin_clients: {e}")))
                })
                .transpose()?,
            virtualise: raw
                .virtualise
                .as_deref()
                .map(|v| {
                    v.parse::<Virtualise>()
                        .map_err(|e| invalid(format!("virtualise: {e}")))
                })
                .transpose()?,
            mfd_users_per_device: raw
                .mfd_users_per_device
                .as_ref()
                .map(|v| staff_ratio(v).map_err(invalid))
                .transpose()?,
        };
        Ok(Scenario {
            name: raw.name.trim().to_string(),
            description: raw.description,
            source: raw.source,
            lives,
            model_lives,
            prices,
            inflation,
            price_base,
            caps,
            levers,
            text: text.to_string(),
        })
    }

    /// The shipped scenario called `name`.
    ///
    /// # Errors
    /// [`ScenarioError::Unknown`] listing the shipped names.
    pub fn builtin(name: &str) -> Result<Scenario, ScenarioError> {
        let (_, text) =
            BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| ScenarioError::Unknown {
                    name: name.to_string(),
                    known: BUILTIN
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
        Scenario::parse(text, name)
    }

    /// `assumptions` with this scenario's overrides applied and recorded.
    pub fn apply(&self, assumptions: &Assumptions) -> Assumptions {
        let mut a = assumptions.clone();
        let source = format!("scenario {}", self.name);
        for (class, years) in &self.lives {
            a.set_class_life(*class, *years, &source);
        }
        for m in &self.model_lives {
            a.model_lives
                .retain(|x| !(x.manufacturer == m.manufacturer && x.model == m.model));
            a.model_lives.push(m.clone());
        }
        for p in &self.prices {
            a.set_price(p.class, &p.manufacturer, &p.model, p.unit_cost, &source);
        }
        if let Some(rate) = self.inflation {
            a.inflation = rate;
        }
        if let Some(year) = self.price_base {
            a.price_base = year;
        }
        if let Some(caps) = &self.caps {
            a.caps = caps.clone();
        }
        a.scenario = Some(AppliedScenario {
            name: self.name.clone(),
            description: self.description.clone(),
            text: self.text.clone(),
        });
        a
    }
}

/// `caps = "250000"` (every year) or a table `{ "2026/27" = "250000", … }`.
fn caps(value: &toml::Value) -> Result<Caps, String> {
    match value {
        toml::Value::Table(table) => {
            let mut caps = BTreeMap::new();
            for (year, amount) in table {
                let y: FinancialYear = year.parse().map_err(|e| format!("caps: {e}"))?;
                caps.insert(y, money(amount, &format!("caps.{year}"))?);
            }
            Ok(Caps::PerYear(caps))
        }
        other => Ok(Caps::EveryYear(money(other, "caps")?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Defaults;

    fn policy() -> Assumptions {
        Assumptions::from_defaults(&Defaults::builtin()).unwrap()
    }

    #[test]
    fn every_shipped_scenario_parses_under_its_own_name() {
        for (name, _) in BUILTIN {
            let s = Scenario::builtin(name).unwrap();
            assert_eq!(s.name, *name);
            assert!(!s.description.is_empty(), "{name} needs a description");
        }
        assert_eq!(
            Scenario::builtin("base").unwrap().apply(&policy()).lives,
            policy().lives
        );
    }

    #[test]
    fn extend_desktop_life_puts_desktops_on_six_years() {
        let a = Scenario::builtin("extend-desktop-life")
            .unwrap()
            .apply(&policy());
        assert_eq!(a.class_life(AssetClass::Desktop), Some(6));
        assert_eq!(a.class_life(AssetClass::Laptop), Some(4));
        assert_eq!(a.scenario.unwrap().name, "extend-desktop-life");
    }

    #[test]
    fn the_capped_scenario_caps_every_year() {
        let a = Scenario::builtin("capped-250k").unwrap().apply(&policy());
        assert_eq!(a.caps, Caps::EveryYear(Money::from_pence(25_000_000)));
    }

    #[test]
    fn a_scenario_can_override_everything() {
        let text = r#"
            name = "all"
            description = "every lever"
            inflation = "3.5%"
            price_base = "2025/26"
            [caps]
            "2026/27" = "100000"
            "2027/28" = 90000
            [lives]
            laptop = 5
            [prices]
            desktop = "650.00"
            [[model_prices]]
            class = "laptop"
            manufacturer = "Lenovo"
            model = "ThinkPad T14"
            unit_cost = "1125.00"
            [[model_lives]]
            manufacturer = "Cisco"
            model = "C9200"
            life_years = 10
        "#;
        let a = Scenario::parse(text, "all.toml").unwrap().apply(&policy());
        assert_eq!(a.inflation, "3.5%".parse().unwrap());
        assert_eq!(a.price_base, "2025/26".parse().unwrap());
        assert_eq!(a.class_life(AssetClass::Laptop), Some(5));
        assert_eq!(
            a.class_price(AssetClass::Desktop),
            Some(Money::from_pence(65_000))
        );
        assert!(
            a.prices
                .iter()
                .any(|p| p.model == "ThinkPad T14" && p.unit_cost == Money::from_pence(112_500))
        );
        assert_eq!(a.model_lives.len(), 1);
        assert_eq!(
            a.caps.for_year("2027/28".parse().unwrap()),
            Some(Money::from_pence(9_000_000))
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err =
            Scenario::parse("name = \"x\"\n[prices]\nlaptop = 849.21\n", "x.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "scenario `x.toml`: prices.laptop: write the amount in quotes (e.g. \"849.21\") so it \
             stays exact"
        );
        let err = Scenario::parse("name = \"x\"\n[lives]\ntoaster = 3\n", "x.toml").unwrap_err();
        assert!(
            err.to_string().contains("`toaster` is not an asset class"),
            "{err}"
        );
        let err = Scenario::parse("name = \"x\"\ncolour = \"red\"\n", "x.toml").unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
        let err = Scenario::builtin("nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no scenario `nope`; the shipped ones are base, capped-250k, extend-desktop-life, green-refresh (or \
             give the path of a .toml file)"
        );
    }

    #[test]
    fn a_scenario_can_carry_the_levers() {
        let s = Scenario::builtin("green-refresh").unwrap();
        assert_eq!(
            s.levers.thin_clients,
            Some(Rate::from_percent(Decimal::from(50)))
        );
        assert_eq!(
            s.levers.virtualise,
            Some(Virtualise {
                physical: 20,
                hosts: 4,
                year: None
            })
        );
        assert_eq!(s.levers.mfd_users_per_device, Some(Decimal::from(14)));
        assert!(Scenario::builtin("base").unwrap().levers.is_empty());
        let err =
            Scenario::parse("name = \"x\"\nmfd_users_per_device = 0\n", "x.toml").unwrap_err();
        assert!(
            err.to_string()
                .contains("mfd_users_per_device: 0 must be above 0"),
            "{err}"
        );
        let err =
            Scenario::parse("name = \"x\"\nmfd_users_per_device = 1.5\n", "x.toml").unwrap_err();
        assert!(
            err.to_string().contains("write a whole number such as 14"),
            "{err}"
        );
    }
}
