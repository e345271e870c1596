//! The reference data behind the running-cost forecasts — electricity
//! tariffs, grid carbon factors, phone-line migration costs and the
//! switch-off date, licence product synonyms — as read from `data/power/`,
//! `data/lines/` and `data/licences/`, each figure with its source.
//!
//! Parsing only, like the rest of `policy`; storing is in `store.rs`. What
//! the figures mean for a forecast (which tariff a year uses, which carbon
//! edition) is decided by the engines in `forecast`, not here.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{PolicyError, Row, read_rows, whole_pence};
use crate::domain::{AssetClass, FinancialYear, LineType, Money};

/// The shipped `data/power/tariffs.csv`.
pub const BUILTIN_TARIFFS: &str = include_str!("../../data/power/tariffs.csv");
/// The shipped `data/power/carbon-factors.csv`.
pub const BUILTIN_CARBON_FACTORS: &str = include_str!("../../data/power/carbon-factors.csv");
/// The shipped `data/lines/line-costs.csv`.
pub const BUILTIN_LINE_COSTS: &str = include_str!("../../data/lines/line-costs.csv");
/// The shipped `data/lines/settings.csv` (switch-off date, rental uplift).
pub const BUILTIN_LINE_SETTINGS: &str = include_str!("../../data/lines/settings.csv");
/// The shipped `data/licences/product-synonyms.csv`.
pub const BUILTIN_PRODUCT_SYNONYMS: &str = include_str!("../../data/licences/product-synonyms.csv");

/// The running-cost files, by their path under `data/`, with the shipped text.
pub const FILES: [(&str, &str); 5] = [
    ("power/tariffs.csv", BUILTIN_TARIFFS),
    ("power/carbon-factors.csv", BUILTIN_CARBON_FACTORS),
    ("lines/line-costs.csv", BUILTIN_LINE_COSTS),
    ("lines/settings.csv", BUILTIN_LINE_SETTINGS),
    ("licences/product-synonyms.csv", BUILTIN_PRODUCT_SYNONYMS),
];

/// The electricity price for one financial year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    /// The financial year.
    pub year: FinancialYear,
    /// Price per kWh ex VAT (fractions of a penny allowed: it is a rate).
    pub gbp_per_kwh: Money,
    /// Where the figure comes from.
    pub source: String,
}

/// One edition of the UK grid electricity carbon factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarbonFactor {
    /// The edition's year (2025 for the factors published in June 2025).
    pub edition: i32,
    /// kgCO2e per kWh generated (Scope 2).
    pub generation: Decimal,
    /// kgCO2e per kWh lost in transmission and distribution (Scope 3).
    pub transmission_distribution: Decimal,
    /// Where the figures come from.
    pub source: String,
}

impl CarbonFactor {
    /// Generation plus transmission and distribution losses, kgCO2e per kWh
    /// used: the factor the power forecast applies.
    pub fn total(&self) -> Decimal {
        self.generation + self.transmission_distribution
    }
}

/// What the switch-off means for one line type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCost {
    /// The line type.
    pub line_type: LineType,
    /// True when the PSTN/ISDN switch-off ends this type of line.
    pub switch_off: bool,
    /// What it migrates to.
    pub migrate_to: Option<LineType>,
    /// One-off cost of migrating one line, ex VAT.
    pub migration_cost: Money,
    /// Where the figures come from.
    pub source: String,
}

/// Who a product's per-user licences are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserScope {
    /// Every member of staff (an office suite): checked against the staff count.
    #[default]
    AllStaff,
    /// Named users of a line-of-business system: not checked against staff.
    NamedUsers,
}

impl UserScope {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserScope::AllStaff => "all_staff",
            UserScope::NamedUsers => "named_users",
        }
    }
}

/// What a product's per-device licences are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceScope {
    /// In-use devices of these classes.
    Classes(Vec<AssetClass>),
    /// Workloads the register does not hold (virtual machines): not checked.
    NotHeld,
}

impl DeviceScope {
    /// The stored form: `desktop;laptop`, or `not_held`.
    pub fn to_text(&self) -> String {
        match self {
            DeviceScope::NotHeld => "not_held".into(),
            DeviceScope::Classes(c) => c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(";"),
        }
    }

    /// Reads the stored form.
    ///
    /// # Errors
    /// A word that is neither `not_held` nor a class.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim() == "not_held" {
            return Ok(DeviceScope::NotHeld);
        }
        text.split([';', ','])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| w.parse::<AssetClass>().map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map(DeviceScope::Classes)
    }
}

/// A name a licensed product goes by, and how its licences are checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSynonym {
    /// The name as written on statements, e.g. `M365 E3 (User)`.
    pub alias: String,
    /// The one product it is, e.g. `Microsoft 365 E3`.
    pub product: String,
    /// The product's category, e.g. `antivirus`.
    pub category: Option<String>,
    /// Who its per-user licences are for.
    #[serde(default)]
    pub per_user: UserScope,
    /// What its per-device licences cover, when the entitlement does not say.
    #[serde(default)]
    pub per_device: Option<DeviceScope>,
    /// Where the equivalence comes from.
    pub source: String,
}

/// The matching key of a product name: bracketed notes dropped, then
/// lowercase letters and digits only, so `M365 E3 (User)`, `m365-e3` and
/// `M365 E3` are one name, as are `Idox Uniform (Planning)` and `Idox Uniform`.
pub fn product_key(name: &str) -> String {
    let mut depth = 0u32;
    let mut key = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_ascii_alphanumeric() => key.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    key
}

fn decimal(r: &Row<'_>, name: &str) -> Result<Decimal, String> {
    let v = r.get(name);
    v.parse::<Decimal>()
        .ok()
        .filter(|d| !d.is_sign_negative())
        .ok_or_else(|| format!("`{v}` in column `{name}` is not a non-negative number"))
}

/// Sorts `rows` by `key` and refuses a key given twice.
fn sorted_once<T, K: Ord + std::fmt::Display>(
    file: &str,
    rows: &mut [T],
    key: impl Fn(&T) -> K,
) -> Result<(), PolicyError> {
    rows.sort_by_key(&key);
    match rows.windows(2).find(|w| key(&w[0]) == key(&w[1])) {
        Some(w) => Err(PolicyError::Row {
            file: file.into(),
            line: 0,
            message: format!("{} is given twice", key(&w[0])),
        }),
        None => Ok(()),
    }
}

fn line_type(text: &str) -> Result<LineType, String> {
    text.parse::<LineType>().map_err(|e| e.to_string())
}

/// Reads `data/power/tariffs.csv`: `year,gbp_per_kwh,source`.
///
/// # Errors
/// A [`PolicyError`] naming the line; a year given twice.
pub fn parse_tariffs(text: &str) -> Result<Vec<Tariff>, PolicyError> {
    let file = "power/tariffs.csv";
    let mut tariffs: Vec<Tariff> = read_rows(file, text, |r| {
        let year = r
            .get("year")
            .parse::<FinancialYear>()
            .map_err(|e| e.to_string())?;
        Ok(Tariff {
            year,
            gbp_per_kwh: Money::from_decimal(decimal(r, "gbp_per_kwh")?),
            source: r.source()?,
        })
    })?;
    sorted_once(file, &mut tariffs, |t| t.year)?;
    Ok(tariffs)
}

/// Reads `data/power/carbon-factors.csv`:
/// `edition,generation,transmission_distribution,source`.
///
/// # Errors
/// A [`PolicyError`] naming the line; an edition given twice.
pub fn parse_carbon_factors(text: &str) -> Result<Vec<CarbonFactor>, PolicyError> {
    let file = "power/carbon-factors.csv";
    let mut factors: Vec<CarbonFactor> = read_rows(file, text, |r| {
        let edition = r
            .get("edition")
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2199).contains(y))
            .ok_or_else(|| format!("`{}` is not an edition year", r.get("edition")))?;
        Ok(CarbonFactor {
            edition,
            generation: decimal(r, "generation")?,
            transmission_distribution: decimal(r, "transmission_distribution")?,
            source: r.source()?,
        })
    })?;
    sorted_once(file, &mut factors, |f| f.edition)?;
    Ok(factors)
}

/// Reads `data/lines/line-costs.csv`:
/// `line_type,switch_off,migrate_to,migration_cost,source`.
///
/// # Errors
/// A [`PolicyError`] naming the line; a line type given twice or missing.
pub fn parse_line_costs(text: &str) -> Result<Vec<LineCost>, PolicyError> {
    let file = "lines/line-costs.csv";
    let costs = read_rows(file, text, |r| {
        let switch_off = match r.get("switch_off").to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => true,
            "no" | "false" | "0" => false,
            other => return Err(format!("`{other}` in column `switch_off` is not yes or no")),
        };
        let migrate_to = match r.get("migrate_to") {
            "" => None,
            t => Some(line_type(t)?),
        };
        if switch_off && migrate_to.is_none() {
            return Err("a line type the switch-off ends needs a `migrate_to` type".into());
        }
        let migration_cost = whole_pence(r.get("migration_cost"), "cost")?;
        Ok(LineCost {
            line_type: line_type(r.get("line_type"))?,
            switch_off,
            migrate_to,
            migration_cost,
            source: r.source()?,
        })
    })?;
    for t in LineType::ALL {
        match costs.iter().filter(|c| c.line_type == *t).count() {
            1 => {}
            n => {
                return Err(PolicyError::Row {
                    file: file.into(),
                    line: 0,
                    message: format!(
                        "line type `{t}` has {n} rows; every line type needs exactly one"
                    ),
                });
            }
        }
    }
    Ok(costs)
}

/// Reads `data/licences/product-synonyms.csv`:
/// `alias,product,category,per_user,per_device,source`.
///
/// # Errors
/// A [`PolicyError`] naming the line; an alias that names two products.
pub fn parse_product_synonyms(text: &str) -> Result<Vec<ProductSynonym>, PolicyError> {
    let file = "licences/product-synonyms.csv";
    let synonyms = read_rows(file, text, |r| {
        let (alias, product) = (r.get("alias"), r.get("product"));
        if product_key(alias).is_empty() || product.is_empty() {
            return Err("a synonym needs an alias and a product".into());
        }
        let per_user = match r.get("per_user") {
            "" | "all_staff" => UserScope::AllStaff,
            "named_users" => UserScope::NamedUsers,
            other => {
                return Err(format!(
                    "`{other}` in column `per_user` is not all_staff or named_users"
                ));
            }
        };
        let per_device = match r.get("per_device") {
            "" => None,
            text => Some(
                DeviceScope::parse(text)
                    .map_err(|e| format!("column `per_device`: {e} (or write not_held)"))?,
            ),
        };
        Ok(ProductSynonym {
            alias: alias.to_string(),
            product: product.to_string(),
            category: Some(r.get("category").to_string()).filter(|c| !c.is_empty()),
            per_user,
            per_device,
            source: r.source()?,
        })
    })?;
    let mut keys: Vec<(String, &str)> = synonyms
        .iter()
        .map(|s| (product_key(&s.alias), s.alias.as_str()))
        .collect();
    keys.sort();
    if let Some(w) = keys.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(PolicyError::Row {
            file: file.into(),
            line: 0,
            message: format!("`{}` and `{}` are the same alias", w[0].1, w[1].1),
        });
    }
    Ok(synonyms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_running_cost_files_parse() {
        let tariffs = parse_tariffs(BUILTIN_TARIFFS).unwrap();
        assert_eq!(tariffs[0].year, "2025/26".parse().unwrap());
        assert_eq!(tariffs[0].gbp_per_kwh, Money::from_pence(24));
        let factors = parse_carbon_factors(BUILTIN_CARBON_FACTORS).unwrap();
        let f2025 = factors.iter().find(|f| f.edition == 2025).unwrap();
        assert_eq!(f2025.total(), Decimal::new(19553, 5));
        let f2024 = factors.iter().find(|f| f.edition == 2024).unwrap();
        assert_eq!(
            f2024.transmission_distribution,
            Decimal::new(1792, 5),
            "2024 T&D is carried forward from 2023"
        );
        let costs = parse_line_costs(BUILTIN_LINE_COSTS).unwrap();
        assert_eq!(costs.len(), LineType::ALL.len());
        let pstn = costs
            .iter()
            .find(|c| c.line_type == LineType::Pstn)
            .unwrap();
        assert!(pstn.switch_off);
        assert_eq!(pstn.migrate_to, Some(LineType::Sogea));
        let synonyms = parse_product_synonyms(BUILTIN_PRODUCT_SYNONYMS).unwrap();
        for alias in ["Microsoft 365 E3", "M365 E3 (User)", "O365 E3"] {
            let s = synonyms
                .iter()
                .find(|s| product_key(&s.alias) == product_key(alias))
                .unwrap();
            assert_eq!(s.product, "Microsoft 365 E3", "{alias}");
        }
        let veeam = synonyms
            .iter()
            .find(|s| s.alias == "Veeam Data Platform Foundation")
            .unwrap();
        assert_eq!(veeam.per_device, Some(DeviceScope::NotHeld));
    }

    #[test]
    fn product_names_fold_case_spaces_and_punctuation() {
        assert_eq!(product_key("M365 E3 (User)"), "m365e3");
        assert_eq!(product_key("m365-e3 (USER)"), "m365e3");
        assert_eq!(
            product_key("Idox Uniform (Planning & Building Control)"),
            "idoxuniform"
        );
        assert_eq!(product_key("Idox Information@Work"), "idoxinformationwork");
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let err = parse_tariffs("year,gbp_per_kwh,source\n2026/27,cheap,x\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`power/tariffs.csv`, line 2: `cheap` in column `gbp_per_kwh` is not a non-negative number"
        );
        let err = parse_line_costs("line_type,switch_off,migrate_to,migration_cost,source\n")
            .unwrap_err();
        assert!(
            err.to_string().contains("line type `pstn` has 0 rows"),
            "{err}"
        );
        let err =
            parse_product_synonyms("alias,product,category,source\nM365 E3,A,,x\nm365-e3,B,,y\n")
                .unwrap_err();
        assert!(err.to_string().contains("are the same alias"), "{err}");
        let err = parse_carbon_factors(
            "edition,generation,transmission_distribution,source\n2025,0.177,0.01853,\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("needs its source"), "{err}");
    }
}

/// The shipped `data/power/embodied-carbon.csv`.
pub const BUILTIN_EMBODIED_CARBON: &str = include_str!("../../data/power/embodied-carbon.csv");

/// The embodied carbon of one new item of a class, from a manufacturer's
/// published product carbon footprint (all phases but use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbodiedFactor {
    /// The class.
    pub class: AssetClass,
    /// kgCO2e per new item.
    pub kg_co2e: Decimal,
    /// Where the figure comes from.
    pub source: String,
}

/// Reads `data/power/embodied-carbon.csv`: `class,kg_co2e,source`.
///
/// # Errors
/// A [`PolicyError`] naming the line; a class given twice.
pub fn parse_embodied_carbon(text: &str) -> Result<Vec<EmbodiedFactor>, PolicyError> {
    let file = "power/embodied-carbon.csv";
    let mut factors: Vec<EmbodiedFactor> = read_rows(file, text, |r| {
        Ok(EmbodiedFactor {
            class: super::parse_class(r.get("class"))?,
            kg_co2e: decimal(r, "kg_co2e")?,
            source: r.source()?,
        })
    })?;
    sorted_once(file, &mut factors, |f| f.class.as_str())?;
    Ok(factors)
}

/// The shipped embodied-carbon figures.
///
/// # Errors
/// Only if the shipped file is malformed (a test reads it).
pub fn builtin_embodied_carbon() -> Result<Vec<EmbodiedFactor>, PolicyError> {
    parse_embodied_carbon(BUILTIN_EMBODIED_CARBON)
}
