//! The reference data the forecasts rest on — replacement lives, the price
//! book, power profiles and settings — as read from the readable files in
//! `data/`, each figure with its source.
//!
//! The files are embedded in the binary (so `estate init` works anywhere)
//! and can be re-read from an edited copy of `data/` with
//! `estate policy load DIR`. Parsing is here; storing is in `store.rs`.

pub mod running;
pub mod store;
pub mod support;

use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{AssetClass, Money};

pub use running::{CarbonFactor, LineCost, ProductSynonym, Tariff};

/// The shipped `data/policy/lives.csv`.
pub const BUILTIN_LIVES: &str = include_str!("../../data/policy/lives.csv");
/// The shipped `data/policy/prices.csv`.
pub const BUILTIN_PRICES: &str = include_str!("../../data/policy/prices.csv");
/// The shipped `data/policy/settings.csv`.
pub const BUILTIN_SETTINGS: &str = include_str!("../../data/policy/settings.csv");
/// The shipped `data/power/class-profiles.csv`.
pub const BUILTIN_POWER_PROFILES: &str = include_str!("../../data/power/class-profiles.csv");
/// The shipped `data/policy/model-lives.csv`.
pub const BUILTIN_MODEL_LIVES: &str = include_str!("../../data/policy/model-lives.csv");
/// The shipped `data/programme-lines.csv`.
pub const BUILTIN_PROGRAMME_LINES: &str = include_str!("../../data/programme-lines.csv");

/// Why a reference file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read from disk.
    #[error("cannot read `{file}`")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A row is malformed.
    #[error("`{file}`, line {line}: {message}")]
    Row {
        /// The file.
        file: String,
        /// The line number as a text editor shows it.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A class has no life or no price.
    #[error("`{file}`: no row for class `{class}`; every class needs one")]
    MissingClass {
        /// The file.
        file: String,
        /// The class missing.
        class: AssetClass,
    },
}

/// A class's replacement life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeRule {
    /// The class.
    pub class: AssetClass,
    /// Life in whole years.
    pub life_years: u32,
    /// Where the figure comes from.
    pub source: String,
}

/// A replacement life for one manufacturer's model, overriding its class's
/// life (an asset's own life override still comes first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelLife {
    /// Manufacturer, as written.
    pub manufacturer: String,
    /// Model, as written.
    pub model: String,
    /// Life in whole years.
    pub life_years: u32,
    /// Where the figure comes from.
    pub source: String,
}

/// The Cabinet programme line an asset class is reported on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeLine {
    /// The class.
    pub class: AssetClass,
    /// The line's name, e.g. "Desktop and laptop refresh".
    pub line: String,
    /// Where the line comes in the table (lower first).
    pub order: u32,
    /// Where the grouping comes from.
    pub source: String,
}

/// A unit replacement price for a class, or for one manufacturer's model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// The class.
    pub class: AssetClass,
    /// Manufacturer ('' for any).
    pub manufacturer: String,
    /// Model ('' for any).
    pub model: String,
    /// Unit cost ex VAT at the price-base year.
    pub unit_cost: Money,
    /// Where the figure comes from.
    pub source: String,
}

/// Which generation of kit a power profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    /// Kit as it stands in a typical estate.
    Legacy,
    /// What a replacement bought now uses.
    Current,
}

impl Generation {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Generation::Legacy => "legacy",
            Generation::Current => "current",
        }
    }
}

/// Typical energy use of a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerProfile {
    /// The class.
    pub class: AssetClass,
    /// Legacy or current kit.
    pub generation: Generation,
    /// Annual energy, when given directly.
    pub kwh_per_year: Option<Decimal>,
    /// Average draw in watts, when given that way.
    pub watts: Option<Decimal>,
    /// Hours a year at that draw.
    pub hours_per_year: Option<u32>,
    /// Where the figure comes from.
    pub source: String,
}

impl PowerProfile {
    /// Annual energy in kWh: as given, or watts × hours ÷ 1000 (exact).
    pub fn annual_kwh(&self) -> Decimal {
        match (self.kwh_per_year, self.watts, self.hours_per_year) {
            (Some(kwh), _, _) => kwh,
            (None, Some(w), Some(h)) => w * Decimal::from(h) / Decimal::ONE_THOUSAND,
            _ => Decimal::ZERO,
        }
    }
}

/// A named setting with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// The key, e.g. `inflation`.
    pub key: String,
    /// The value as written, e.g. `2.0%`.
    pub value: String,
    /// Where it comes from.
    pub source: String,
}

/// All the reference data, as read from `data/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Defaults {
    /// Replacement life per class.
    pub lives: Vec<LifeRule>,
    /// The price book.
    pub prices: Vec<Price>,
    /// Power profiles per class and generation.
    pub power_profiles: Vec<PowerProfile>,
    /// Settings.
    pub settings: Vec<Setting>,
    /// Replacement lives for particular models.
    #[serde(default)]
    pub model_lives: Vec<ModelLife>,
    /// Which programme line each class is reported on.
    #[serde(default)]
    pub programme_lines: Vec<ProgrammeLine>,
    /// Electricity price per financial year (`power/tariffs.csv`).
    #[serde(default)]
    pub tariffs: Vec<Tariff>,
    /// Grid carbon factors by edition (`power/carbon-factors.csv`).
    #[serde(default)]
    pub carbon_factors: Vec<CarbonFactor>,
    /// The switch-off's effect and migration cost per line type
    /// (`lines/line-costs.csv`).
    #[serde(default)]
    pub line_costs: Vec<LineCost>,
    /// Licence product names and categories (`licences/product-synonyms.csv`).
    #[serde(default)]
    pub product_synonyms: Vec<ProductSynonym>,
}

impl Defaults {
    /// The defaults shipped in the binary (copies of the files in `data/`).
    pub fn builtin() -> Self {
        Defaults::parse(
            BUILTIN_LIVES,
            BUILTIN_PRICES,
            BUILTIN_POWER_PROFILES,
            BUILTIN_SETTINGS,
        )
        .and_then(|d| d.with_model_lives(BUILTIN_MODEL_LIVES))
        .and_then(|d| d.with_running_costs(&running::FILES.map(|(_, text)| text)))
        .and_then(|d| d.with_support_settings(support::BUILTIN_SUPPORT_SETTINGS))
        .expect("invariant: the shipped data files are valid (tested)")
    }

    /// Reads the defaults from a copy of estate's `data/` folder:
    /// `policy/lives.csv`, `policy/prices.csv`, `policy/settings.csv` and
    /// `power/class-profiles.csv`.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the file and line.
    pub fn from_dir(dir: &Path) -> Result<Self, PolicyError> {
        let read = |rel: &str| {
            let path = dir.join(rel);
            std::fs::read_to_string(&path).map_err(|source| PolicyError::Io {
                file: path.display().to_string(),
                source,
            })
        };
        let lives = read("policy/lives.csv")?;
        let prices = read("policy/prices.csv")?;
        let power = read("power/class-profiles.csv")?;
        let settings = read("policy/settings.csv")?;
        let mut defaults = Defaults::parse(&lives, &prices, &power, &settings)?;
        // The forecast's files are optional in an edited copy of data/: without
        // them the shipped ones apply.
        if dir.join("policy/model-lives.csv").exists() {
            defaults = defaults.with_model_lives(&read("policy/model-lives.csv")?)?;
        }
        if dir.join("programme-lines.csv").exists() {
            defaults = defaults.with_programme_lines(&read("programme-lines.csv")?)?;
        }
        // So are the running-cost files, one by one.
        let mut texts = running::FILES.map(|(_, builtin)| builtin.to_string());
        for (text, (rel, _)) in texts.iter_mut().zip(running::FILES) {
            if dir.join(rel).exists() {
                *text = read(rel)?;
            }
        }
        let defaults = defaults.with_running_costs(&texts.each_ref().map(String::as_str))?;
        // And the end-of-support rule's settings.
        if dir.join("support/settings.csv").exists() {
            defaults.with_support_settings(&read("support/settings.csv")?)
        } else {
            defaults.with_support_settings(support::BUILTIN_SUPPORT_SETTINGS)
        }
    }

    /// These defaults with the end-of-support rule's settings read from
    /// `text` (the form of `data/support/settings.csv`) added.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the line, or a key another file gives.
    pub fn with_support_settings(mut self, text: &str) -> Result<Self, PolicyError> {
        let file = "support/settings.csv";
        for s in parse_settings(file, text)? {
            if self.settings.iter().any(|x| x.key == s.key) {
                return Err(PolicyError::Row {
                    file: file.into(),
                    line: 0,
                    message: format!("setting `{}` is also given by another file", s.key),
                });
            }
            self.settings.push(s);
        }
        Ok(self)
    }

    /// These defaults with the running-cost reference data read from the
    /// texts of [`running::FILES`], in that order: tariffs, carbon factors,
    /// line costs, the lines settings (added to `settings`) and product
    /// synonyms.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the file and line, or a setting key that a
    /// policy file already gives.
    pub fn with_running_costs(mut self, texts: &[&str; 5]) -> Result<Self, PolicyError> {
        let [tariffs, carbon, line_costs, line_settings, synonyms] = texts;
        self.tariffs = running::parse_tariffs(tariffs)?;
        self.carbon_factors = running::parse_carbon_factors(carbon)?;
        self.line_costs = running::parse_line_costs(line_costs)?;
        self.product_synonyms = running::parse_product_synonyms(synonyms)?;
        let file = "lines/settings.csv";
        let extra = parse_settings(file, line_settings)?;
        for s in extra {
            if self.settings.iter().any(|x| x.key == s.key) {
                return Err(PolicyError::Row {
                    file: file.into(),
                    line: 0,
                    message: format!("setting `{}` is also in policy/settings.csv", s.key),
                });
            }
            self.settings.push(s);
        }
        Ok(self)
    }

    /// These defaults with the model lives read from `text` (the form of
    /// `data/policy/model-lives.csv`) in place of any they had.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the line.
    pub fn with_model_lives(mut self, text: &str) -> Result<Self, PolicyError> {
        self.model_lives = read_rows("policy/model-lives.csv", text, |r| {
            let (manufacturer, model) = (r.get("manufacturer"), r.get("model"));
            if manufacturer.is_empty() || model.is_empty() {
                return Err("a model life needs both a manufacturer and a model".into());
            }
            Ok(ModelLife {
                manufacturer: manufacturer.to_string(),
                model: model.to_string(),
                life_years: parse_life(r.get("life_years"))?,
                source: r.source()?,
            })
        })?;
        Ok(self)
    }

    /// These defaults with the class-to-programme-line mapping read from
    /// `text` (the form of `data/programme-lines.csv`).
    ///
    /// # Errors
    /// A [`PolicyError`] naming the line, or the class that has no line.
    pub fn with_programme_lines(mut self, text: &str) -> Result<Self, PolicyError> {
        let lines: Vec<ProgrammeLine> = read_rows("programme-lines.csv", text, |r| {
            let line = r.get("line");
            if line.is_empty() {
                return Err("a class needs the name of its programme line".into());
            }
            let order = r.get("line_order").parse::<u32>().map_err(|_| {
                format!(
                    "`{}` is not a line order (a whole number)",
                    r.get("line_order")
                )
            })?;
            Ok(ProgrammeLine {
                class: parse_class(r.get("class"))?,
                line: line.to_string(),
                order,
                source: r.source()?,
            })
        })?;
        require_every_class("programme-lines.csv", lines.iter().map(|l| l.class))?;
        self.programme_lines = lines;
        Ok(self)
    }

    /// Parses the four policy files' texts. Model lives start empty and the
    /// programme lines are the shipped mapping; `with_model_lives` and
    /// `with_programme_lines` replace them.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the file and line.
    pub fn parse(
        lives: &str,
        prices: &str,
        power: &str,
        settings: &str,
    ) -> Result<Self, PolicyError> {
        let lives: Vec<LifeRule> = read_rows("policy/lives.csv", lives, |r| {
            Ok(LifeRule {
                class: parse_class(r.get("class"))?,
                life_years: parse_life(r.get("life_years"))?,
                source: r.source()?,
            })
        })?;
        require_every_class("policy/lives.csv", lives.iter().map(|l| l.class))?;
        let prices: Vec<Price> = read_rows("policy/prices.csv", prices, |r| {
            let unit_cost = whole_pence(r.get("unit_cost"), "price")?;
            Ok(Price {
                class: parse_class(r.get("class"))?,
                manufacturer: r.get("manufacturer").to_string(),
                model: r.get("model").to_string(),
                unit_cost,
                source: r.source()?,
            })
        })?;
        require_every_class(
            "policy/prices.csv",
            prices
                .iter()
                .filter(|p| p.manufacturer.is_empty() && p.model.is_empty())
                .map(|p| p.class),
        )?;
        let power_profiles = read_rows("power/class-profiles.csv", power, |r| {
            let decimal = |name: &str| -> Result<Option<Decimal>, String> {
                let v = r.get(name);
                if v.is_empty() {
                    return Ok(None);
                }
                v.parse::<Decimal>()
                    .ok()
                    .filter(|d| !d.is_sign_negative())
                    .map(Some)
                    .ok_or_else(|| format!("`{v}` in column `{name}` is not a non-negative number"))
            };
            let generation = match r.get("generation") {
                "legacy" => Generation::Legacy,
                "current" => Generation::Current,
                other => return Err(format!("`{other}` is not a generation (legacy or current)")),
            };
            let hours = r.get("hours_per_year");
            let hours_per_year = if hours.is_empty() {
                None
            } else {
                Some(
                    hours
                        .parse::<u32>()
                        .ok()
                        .filter(|h| crate::domain::rules::HOURS_PER_YEAR.contains(h))
                        .ok_or_else(|| format!("`{hours}` is not hours in a year (0-8784)"))?,
                )
            };
            let profile = PowerProfile {
                class: parse_class(r.get("class"))?,
                generation,
                kwh_per_year: decimal("kwh_per_year")?,
                watts: decimal("watts")?,
                hours_per_year,
                source: r.source()?,
            };
            if profile.kwh_per_year.is_none()
                && (profile.watts.is_none() || profile.hours_per_year.is_none())
            {
                return Err("give kwh_per_year, or watts and hours_per_year".into());
            }
            Ok(profile)
        })?;
        let settings = parse_settings("policy/settings.csv", settings)?;
        // The programme-line mapping is not one of the four policy files; the
        // shipped one applies until `with_programme_lines` replaces it.
        Defaults {
            lives,
            prices,
            power_profiles,
            settings,
            model_lives: Vec::new(),
            programme_lines: Vec::new(),
            tariffs: Vec::new(),
            carbon_factors: Vec::new(),
            line_costs: Vec::new(),
            product_synonyms: Vec::new(),
        }
        .with_programme_lines(BUILTIN_PROGRAMME_LINES)
    }
}

/// Reads a `key,value,source` settings file.
fn parse_settings(file: &str, text: &str) -> Result<Vec<Setting>, PolicyError> {
    read_rows(file, text, |r| {
        let key = r.get("key");
        if key.is_empty() {
            return Err("a setting needs a key".into());
        }
        Ok(Setting {
            key: key.to_string(),
            value: r.get("value").to_string(),
            source: r.source()?,
        })
    })
}

/// An amount of 0 or more in whole pence, e.g. a price (`what` names it in
/// the message).
fn whole_pence(text: &str, what: &str) -> Result<Money, String> {
    let m = Money::parse_gbp(text).map_err(|e| e.to_string())?;
    if m.is_negative() || m.to_pence().is_none() {
        return Err(format!("`{text}` is not a {what} in whole pence"));
    }
    Ok(m)
}

/// A life in whole years, 1 to 50.
fn parse_life(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|y| crate::domain::rules::LIFE_YEARS.contains(y))
        .ok_or_else(|| format!("`{text}` is not a life in whole years (1-50)"))
}

pub(crate) fn parse_class(text: &str) -> Result<AssetClass, String> {
    text.parse::<AssetClass>().map_err(|e| e.to_string())
}

fn require_every_class(
    file: &str,
    classes: impl Iterator<Item = AssetClass>,
) -> Result<(), PolicyError> {
    let have: Vec<AssetClass> = classes.collect();
    match AssetClass::ALL.iter().find(|c| !have.contains(c)) {
        Some(class) => Err(PolicyError::MissingClass {
            file: file.into(),
            class: *class,
        }),
        None => Ok(()),
    }
}

/// One row of a reference CSV, with access by column name.
struct Row<'a> {
    headers: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, name: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h.trim() == name)
            .and_then(|i| self.record.get(i))
            .map_or("", str::trim)
    }

    fn source(&self) -> Result<String, String> {
        let s = self.get("source");
        if s.is_empty() {
            Err("every figure needs its source (the `source` column is empty)".into())
        } else {
            Ok(s.to_string())
        }
    }
}

/// Reads a `#`-commented CSV with a header row, turning each row with
/// `parse`, and naming the file and line of the first bad row.
fn read_rows<T>(
    file: &str,
    text: &str,
    parse: impl Fn(&Row<'_>) -> Result<T, String>,
) -> Result<Vec<T>, PolicyError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| PolicyError::Row {
            file: file.into(),
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| PolicyError::Row {
            file: file.into(),
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let row = Row {
            headers: &headers,
            record: &record,
        };
        out.push(parse(&row).map_err(|message| PolicyError::Row {
            file: file.into(),
            line,
            message,
        })?);
    }
    Ok(out)
}

/// Marks of a note written for estate's maintainers rather than a citation
/// for its users: where a figure was researched, what the tests check, which
/// sources were set aside.
const INTERNAL_NOTES: [&str; 7] = [
    "domain facts",
    "../",
    "the tests",
    "issue ",
    "judged unreliable",
    "not retrieved",
    "not found",
];

/// The source of a default figure as shown to people: a plain citation.
/// The data files keep fuller notes for those who maintain them; here an
/// `[ASSUMPTION]` tag becomes a leading "Assumption:", and each part (split
/// at `;`, inside brackets too) that is a maintainer's note is left out.
pub fn citation(source: &str) -> String {
    let (assumption, text) = match source.trim().strip_prefix("[ASSUMPTION]") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, source.trim()),
    };
    let text = text.replace("[ASSUMPTION]", "assumption:");
    let keep = |part: &str| !INTERNAL_NOTES.iter().any(|n| part.contains(n));
    // Brackets first: keep the citing parts of each, drop it when none is left.
    let mut plain = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        plain.push_str(&rest[..open]);
        let kept: Vec<&str> = rest[open + 1..close]
            .split(';')
            .map(str::trim)
            .filter(|p| keep(p))
            .collect();
        if kept.is_empty() {
            plain = plain.trim_end().to_string();
        } else {
            plain.push('(');
            plain.push_str(&kept.join("; "));
            plain.push(')');
        }
        rest = &rest[close + 1..];
    }
    plain.push_str(rest);
    let parts: Vec<&str> = plain
        .split("; ")
        .map(str::trim)
        .filter(|p| !p.is_empty() && keep(p))
        .collect();
    let joined = parts.join("; ");
    if assumption {
        format!("Assumption: {joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_citation_leaves_out_the_maintainers_notes() {
        assert_eq!(
            citation(
                "[ASSUMPTION] ISDN withdrawn at the switch-off (Openreach, 16 May 2024; domain facts \
                 §6.2, Nov 2026): move to SIP channels; £250 a line is a placeholder (no public \
                 price found)"
            ),
            "Assumption: ISDN withdrawn at the switch-off (Openreach, 16 May 2024): move to SIP \
             channels; £250 a line is a placeholder (no public price found)"
        );
        assert_eq!(
            citation(
                "2025 edition, published 10 Jun 2025: Scope 2 0.17700 (ID 7_400); checked against \
                 ../shared/real-inputs/uk-ghg by the tests"
            ),
            "2025 edition, published 10 Jun 2025: Scope 2 0.17700 (ID 7_400)"
        );
        assert_eq!(
            citation("[ASSUMPTION] 24p/kWh (domain facts §7, Nov 2026): broker averages"),
            "Assumption: 24p/kWh: broker averages"
        );
        let plain = "HM Treasury group ICT asset policy para 5.12: network switches 7 years";
        assert_eq!(citation(plain), plain);
    }

    #[test]
    fn the_shipped_defaults_parse_and_carry_the_seed_lives() {
        let d = Defaults::builtin();
        let life = |c: AssetClass| d.lives.iter().find(|l| l.class == c).unwrap().life_years;
        assert_eq!(life(AssetClass::Server), 3);
        assert_eq!(life(AssetClass::Storage), 5);
        assert_eq!(life(AssetClass::Network), 7);
        assert_eq!(life(AssetClass::Desktop), 5);
        assert_eq!(life(AssetClass::Laptop), 4);
        assert_eq!(life(AssetClass::ThinClient), 7);
        assert_eq!(life(AssetClass::Monitor), 7);
        assert_eq!(life(AssetClass::Tablet), 4);
        assert_eq!(life(AssetClass::Mobile), 3);
        assert_eq!(life(AssetClass::Mfd), 5);
        assert_eq!(life(AssetClass::Printer), 5);
        let laptop = d
            .prices
            .iter()
            .find(|p| p.class == AssetClass::Laptop)
            .unwrap();
        assert_eq!(laptop.unit_cost, Money::from_pence(85_000));
        assert!(d.lives.iter().all(|l| !l.source.is_empty()));
        assert_eq!(d.power_profiles.len(), 24);
    }

    #[test]
    fn a_server_profile_in_watts_becomes_kwh_exactly() {
        let d = Defaults::builtin();
        let server = d
            .power_profiles
            .iter()
            .find(|p| p.class == AssetClass::Server && p.generation == Generation::Legacy)
            .unwrap();
        assert_eq!(server.annual_kwh(), Decimal::new(3723, 0));
    }

    #[test]
    fn a_figure_without_a_source_is_refused_with_its_line() {
        let lives = "class,life_years,source\nserver,3,\n";
        let err = Defaults::parse(
            lives,
            BUILTIN_PRICES,
            BUILTIN_POWER_PROFILES,
            BUILTIN_SETTINGS,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`policy/lives.csv`, line 2: every figure needs its source (the `source` column is empty)"
        );
    }

    #[test]
    fn a_missing_class_is_named() {
        let lives = "class,life_years,source\nserver,3,x\n";
        let err = Defaults::parse(
            lives,
            BUILTIN_PRICES,
            BUILTIN_POWER_PROFILES,
            BUILTIN_SETTINGS,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`policy/lives.csv`: no row for class `storage`; every class needs one"
        );
    }

    #[test]
    fn a_bad_life_is_named() {
        let lives = "# c\nclass,life_years,source\nserver,three,x\n";
        let err = Defaults::parse(
            lives,
            BUILTIN_PRICES,
            BUILTIN_POWER_PROFILES,
            BUILTIN_SETTINGS,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`policy/lives.csv`, line 3: `three` is not a life in whole years (1-50)"
        );
    }
}
