//! ENERGY STAR certified product lists (the CSV exports of
//! data.energystar.gov: wide, sparse, multi-line cells) read into
//! certified annual energy figures, and matched to the register's
//! manufacturer + model pairs.
//!
//! Parsing is separate from storing: [`parse`] turns one file's bytes into
//! products plus the rows it could not use, and [`match_models`] pairs them
//! with register models, all without a database. What each list gives:
//!
//! | list | class | annual energy |
//! |---|---|---|
//! | computers | notebook → laptop, desktop/integrated/workstation → desktop, thin client, slate → tablet | the model's TEC (kWh/yr, ENERGY STAR duty cycle); a workstation's weighted power × 8,760 h |
//! | displays | monitor (signage left out) | the monitor TEC (kWh/yr) |
//! | enterprise servers | server | SERT idle watts of the typical configuration × 8,760 h (before PUE; LBNL finds real idle draw higher, so this is a floor) |
//! | data-centre storage | storage | watts = devices × raw GB per device ÷ ready-idle GB/W, × 8,760 h |
//! | large network equipment | network | full-port 30% load watts (typical, else minimum, else maximum configuration) × 8,760 h |
//!
//! Matching folds names: manufacturers compare by their first word, with
//! Hewlett-Packard, HPE and HP as one; models ignore case, spacing,
//! punctuation, bracketed notes, a leading manufacturer name and the word
//! "PC", and read "Small Form Factor" as "SFF", "Micro Form Factor" as
//! "Micro", "Mini Tower" as "MT". A certified product answers to its model
//! name, model number and every name in its additional model information.
//! Several certified products under one name give the mean of their
//! figures, rounded to 0.01 kWh.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::domain::AssetClass;

/// Hours in a year, for watts figures.
const HOURS: u32 = 8_760;

/// Why a file is not an ENERGY STAR list estate reads.
#[derive(Debug, thiserror::Error)]
pub enum EnergyStarError {
    /// The CSV itself is broken.
    #[error("`{file}` is not a readable CSV file")]
    Csv {
        /// The file.
        file: String,
        /// Why.
        source: csv::Error,
    },
    /// A CSV, but not one of the lists estate reads.
    #[error(
        "`{file}` is not an ENERGY STAR list estate reads (computers, displays, enterprise servers, data-centre storage or large network equipment)"
    )]
    UnknownList {
        /// The file.
        file: String,
    },
}

/// Which certified product list a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Computers (notebooks, desktops, thin clients, workstations, tablets).
    Computers,
    /// Displays.
    Displays,
    /// Enterprise servers.
    Servers,
    /// Data-centre storage.
    Storage,
    /// Large network equipment.
    Network,
}

impl ListKind {
    /// The register classes the list can give figures for.
    pub fn classes(self) -> &'static [AssetClass] {
        match self {
            ListKind::Computers => &[
                AssetClass::Desktop,
                AssetClass::Laptop,
                AssetClass::ThinClient,
                AssetClass::Tablet,
            ],
            ListKind::Displays => &[AssetClass::Monitor],
            ListKind::Servers => &[AssetClass::Server],
            ListKind::Storage => &[AssetClass::Storage],
            ListKind::Network => &[AssetClass::Network],
        }
    }

    /// Its name for people.
    pub fn label(self) -> &'static str {
        match self {
            ListKind::Computers => "computers",
            ListKind::Displays => "displays",
            ListKind::Servers => "enterprise servers",
            ListKind::Storage => "data-centre storage",
            ListKind::Network => "large network equipment",
        }
    }
}

/// One certified product with a usable annual energy figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedProduct {
    /// ENERGY STAR unique id.
    pub id: String,
    /// Brand as listed.
    pub brand: String,
    /// Model name as listed.
    pub model_name: String,
    /// Every name it answers to (model name, number, additional names).
    pub names: Vec<String>,
    /// The class it gives figures for.
    pub class: AssetClass,
    /// Annual energy, kWh (before any PUE).
    pub kwh_per_year: Decimal,
}

/// A row that gave no product, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// The line number of the record's first line.
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// One list, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedList {
    /// The file name.
    pub file: String,
    /// Which list.
    pub kind: ListKind,
    /// Records read.
    pub rows: u64,
    /// Products with a figure.
    pub products: Vec<CertifiedProduct>,
    /// Records without one.
    pub skipped: Vec<SkippedRow>,
}

fn number(text: &str) -> Option<Decimal> {
    let t = text.trim();
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .ok()
        .filter(|d| !d.is_sign_negative())
}

fn per_year(watts: Decimal) -> Decimal {
    watts * Decimal::from(HOURS) / Decimal::ONE_THOUSAND
}

/// Columns looked up by exact header.
struct Columns {
    headers: Vec<String>,
}

impl Columns {
    fn find(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    fn has(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn ending(&self, suffix: &str) -> Vec<usize> {
        (0..self.headers.len())
            .filter(|i| self.headers[*i].ends_with(suffix))
            .collect()
    }
}

fn cell(record: &csv::StringRecord, col: Option<usize>) -> &str {
    col.and_then(|i| record.get(i)).map_or("", str::trim)
}

fn kind_of(c: &Columns) -> Option<ListKind> {
    if !c.ending("TEC of Model (kWh)").is_empty() {
        Some(ListKind::Computers)
    } else if c.has("Monitor Total Energy Consumption at 115 Volts (kWh/yr)") {
        Some(ListKind::Displays)
    } else if c.has("SERT Idle Measurement (Watts) Typical or Single Configuration") {
        Some(ListKind::Servers)
    } else if c.has("Storage Model Connectivity") {
        Some(ListKind::Storage)
    } else if c.has("Typ Power Config Full-port 30 Percent Load Power Measured (watts)") {
        Some(ListKind::Network)
    } else {
        None
    }
}

fn computer_class(kind: &str) -> Option<AssetClass> {
    match kind.trim().to_ascii_lowercase().as_str() {
        "notebook" | "two-in-one notebook" | "mobile workstation" => Some(AssetClass::Laptop),
        "desktop" | "integrated desktop" | "workstation" => Some(AssetClass::Desktop),
        "thin client" | "integrated thin client" => Some(AssetClass::ThinClient),
        "slate/tablet" => Some(AssetClass::Tablet),
        _ => None,
    }
}

/// The figure one record gives, or why not.
fn figure(
    kind: ListKind,
    c: &Columns,
    r: &csv::StringRecord,
) -> Result<(AssetClass, Decimal), String> {
    let first = |cols: &[usize]| cols.iter().find_map(|i| number(cell(r, Some(*i))));
    match kind {
        ListKind::Computers => {
            let t = cell(r, c.find("Type"));
            let class =
                computer_class(t).ok_or_else(|| format!("type `{t}` is not one estate reads"))?;
            first(&c.ending("TEC of Model (kWh)"))
                .or_else(|| {
                    number(cell(
                        r,
                        c.find("Workstations: Weighted Power of Model (watts)"),
                    ))
                    .map(per_year)
                })
                .map(|kwh| (class, kwh))
                .ok_or_else(|| "no typical energy consumption given".into())
        }
        ListKind::Displays => {
            let t = cell(r, c.find("Product Type"));
            if !t.eq_ignore_ascii_case("monitor") {
                return Err(format!("a {t}, not a monitor"));
            }
            number(cell(
                r,
                c.find("Monitor Total Energy Consumption at 115 Volts (kWh/yr)"),
            ))
            .map(|kwh| (AssetClass::Monitor, kwh))
            .ok_or_else(|| "no monitor total energy consumption given".into())
        }
        ListKind::Servers => number(cell(
            r,
            c.find("SERT Idle Measurement (Watts) Typical or Single Configuration"),
        ))
        .map(|w| (AssetClass::Server, per_year(w)))
        .ok_or_else(|| "no SERT idle measurement for the typical configuration".into()),
        ListKind::Storage => ["Trans", "Stream", "Cap"]
            .iter()
            .find_map(|p| {
                let get = |name: &str| number(cell(r, c.find(&format!("{p} {name}"))));
                let devices = get("Total Num Installed Storage Devices Optimal Point")?;
                let gb = get("Device Raw Capacity (GB) Highest Predicted Deployed Device")?;
                let gb_per_watt = get("Optimal Point Ready Idle Workload Test (GB/W)")
                    .filter(|g| !g.is_zero())?;
                let watts = (devices * gb / gb_per_watt)
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                Some((AssetClass::Storage, per_year(watts)))
            })
            .ok_or_else(|| "no ready-idle efficiency with a device count and capacity".into()),
        ListKind::Network => ["Typ", "Min", "Max"]
            .iter()
            .find_map(|p| {
                number(cell(
                    r,
                    c.find(&format!(
                        "{p} Power Config Full-port 30 Percent Load Power Measured (watts)"
                    )),
                ))
            })
            .map(|w| (AssetClass::Network, per_year(w)))
            .ok_or_else(|| "no full-port 30% load power measured".into()),
    }
}

/// The names a record answers to.
fn names(c: &Columns, r: &csv::StringRecord) -> Vec<String> {
    let mut out: Vec<String> = [
        cell(r, c.find("Model Name")),
        cell(r, c.find("Model Number")),
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    // "D11S,OptiPlex 3050 SFF,; D11S,OptiPlex 7050 SFF," and the like.
    out.extend(
        cell(r, c.find("Additional Model Information"))
            .split([',', ';', '\n'])
            .map(|s| s.trim().to_string()),
    );
    out.retain(|s| !s.is_empty());
    out.dedup();
    out
}

/// Reads one ENERGY STAR export (`file` names it in messages). Bytes that
/// are not UTF-8 are replaced, never fatal.
///
/// # Errors
/// [`EnergyStarError`] when the file is not a CSV with a header, or is not
/// one of the lists estate reads.
pub fn parse(bytes: &[u8], file: &str) -> Result<CertifiedList, EnergyStarError> {
    let csv_error = |source| EnergyStarError::Csv {
        file: file.to_string(),
        source,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.byte_headers().map_err(csv_error)?.clone();
    let columns = Columns {
        headers: headers
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect(),
    };
    let kind = kind_of(&columns).ok_or_else(|| EnergyStarError::UnknownList {
        file: file.to_string(),
    })?;
    let mut list = CertifiedList {
        file: file.to_string(),
        kind,
        rows: 0,
        products: Vec::new(),
        skipped: Vec::new(),
    };
    for record in reader.byte_records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        let record = csv::StringRecord::from_byte_record_lossy(record);
        list.rows += 1;
        let brand = cell(&record, columns.find("Brand Name")).to_string();
        let names = names(&columns, &record);
        if brand.is_empty() || names.is_empty() {
            list.skipped.push(SkippedRow {
                line,
                reason: "no brand or model name".into(),
            });
            continue;
        }
        match figure(kind, &columns, &record) {
            Ok((class, kwh_per_year)) => list.products.push(CertifiedProduct {
                id: cell(&record, columns.find("ENERGY STAR Unique ID")).to_string(),
                brand,
                model_name: names[0].clone(),
                names,
                class,
                kwh_per_year,
            }),
            Err(reason) => list.skipped.push(SkippedRow { line, reason }),
        }
    }
    Ok(list)
}

/// A manufacturer's matching key: its first word, lowercase, with
/// Hewlett-Packard, HPE and HP as `hp`.
pub fn manufacturer_key(text: &str) -> String {
    let first = words(text).into_iter().next().unwrap_or_default();
    match first.as_str() {
        "hpe" | "hewlett" => "hp".to_string(),
        _ => first,
    }
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A model's matching key under manufacturer key `maker`.
pub fn model_key(maker: &str, text: &str) -> String {
    // Bracketed notes go: "SFF(ENERGY STAR)", "(TAA)".
    let mut plain = String::with_capacity(text.len());
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => plain.push(' '),
        }
    }
    let mut text = format!(" {} ", words(&plain).join(" "));
    for (long, short) in [
        (" small form factor ", " sff "),
        (" micro form factor ", " micro "),
        (" mini tower ", " mt "),
    ] {
        text = text.replace(long, short);
    }
    let maker_words: &[&str] = if maker == "hp" {
        &["hp", "hpe", "hewlett", "packard", "enterprise"]
    } else {
        &[]
    };
    let mut tokens: Vec<&str> = text.split_whitespace().collect();
    while tokens
        .first()
        .is_some_and(|t| *t == maker || maker_words.contains(t))
    {
        tokens.remove(0);
    }
    tokens.retain(|t| *t != "pc");
    tokens.concat()
}

/// A register manufacturer + model, with how many live assets have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterModel {
    /// Manufacturer as written.
    pub manufacturer: String,
    /// Model as written.
    pub model: String,
    /// The class of those assets.
    pub class: AssetClass,
    /// How many live assets.
    pub assets: u64,
}

/// A register model matched to certified products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelMatch {
    /// Manufacturer as the register writes it.
    pub manufacturer: String,
    /// Model as the register writes it.
    pub model: String,
    /// The register class.
    pub class: AssetClass,
    /// Live assets with this model.
    pub assets: u64,
    /// The first certified product's brand and the name that matched.
    pub certified_model: String,
    /// The files the certified products came from, comma separated.
    pub files: String,
    /// The certified products' ids, comma separated.
    pub energystar_ids: String,
    /// How many certified products matched.
    pub products: u64,
    /// Their mean annual energy, to 0.01 kWh.
    pub kwh_per_year: Decimal,
}

/// What matching found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchReport {
    /// Models matched, by manufacturer and model.
    pub matched: Vec<ModelMatch>,
    /// Models of classes the lists cover that did not match.
    pub unmatched: Vec<RegisterModel>,
    /// Live assets in classes the lists cover.
    pub assets_covered: u64,
    /// Of those, assets whose model matched.
    pub assets_matched: u64,
}

/// A product in the matching index: the product, the name that gave the
/// key, its file.
type Entry<'a> = (&'a CertifiedProduct, &'a str, &'a str);

/// Matches `models` against the products of `lists`. Only models of the
/// classes the lists cover are considered.
pub fn match_models(lists: &[CertifiedList], models: &[RegisterModel]) -> MatchReport {
    let covered: BTreeSet<AssetClass> = lists
        .iter()
        .flat_map(|l| l.kind.classes().iter().copied())
        .collect();
    // (manufacturer key, model key) -> each product once.
    let mut index: BTreeMap<(String, String), Vec<Entry<'_>>> = BTreeMap::new();
    for list in lists {
        for p in &list.products {
            let maker = manufacturer_key(&p.brand);
            for name in &p.names {
                let key = (maker.clone(), model_key(&maker, name));
                if key.1.is_empty() {
                    continue;
                }
                let slot = index.entry(key).or_default();
                if !slot
                    .iter()
                    .any(|(q, _, _)| q.id == p.id && q.kwh_per_year == p.kwh_per_year)
                {
                    slot.push((p, name, &list.file));
                }
            }
        }
    }
    let mut report = MatchReport::default();
    for m in models.iter().filter(|m| covered.contains(&m.class)) {
        report.assets_covered += m.assets;
        let maker = manufacturer_key(&m.manufacturer);
        let found = index.get(&(maker.clone(), model_key(&maker, &m.model)));
        let Some(products) = found.filter(|p| !p.is_empty()) else {
            report.unmatched.push(m.clone());
            continue;
        };
        report.assets_matched += m.assets;
        let total: Decimal = products.iter().map(|(p, _, _)| p.kwh_per_year).sum();
        let mean = (total / Decimal::from(products.len() as u64))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        let sorted_unique = |mut v: Vec<&str>| {
            v.sort_unstable();
            v.dedup();
            v.join(", ")
        };
        let (first, name, _) = products[0];
        report.matched.push(ModelMatch {
            manufacturer: m.manufacturer.clone(),
            model: m.model.clone(),
            class: m.class,
            assets: m.assets,
            certified_model: format!("{} {name}", first.brand),
            files: sorted_unique(products.iter().map(|(_, _, f)| *f).collect()),
            energystar_ids: sorted_unique(products.iter().map(|(p, _, _)| p.id.as_str()).collect()),
            products: products.len() as u64,
            kwh_per_year: mean,
        });
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPUTERS: &str = "ENERGY STAR Unique ID,ENERGY STAR Partner,Brand Name,Model Name,Model Number,Additional Model Information,Type,Category 1: TEC of Model (kWh),Category 2: TEC of Model (kWh),Workstations: Weighted Power of Model (watts)
2336974,Dell Inc.,DELL,OptiPlex 3070 SFF,D11S,\"D11S,OptiPlex 5070 SFF,; D11S,OptiPlex 7050 SFF,\",Desktop,,24.6,
2357381,Lenovo Group Limited,Lenovo,ThinkPad T14 Gen 1,20S0,\",20S4,;
,20S5,\",Notebook,19,,
2357382,Lenovo Group Limited,Lenovo,ThinkPad T14 Gen 1,20S1,,Notebook,21.4,,
9,HP Inc.,HP,HP Z2 G9 Tower Workstation,Z2,,Workstation,,,50
10,HP Inc.,HP,HP Dragonfly,X,,Notebook,,,
";

    #[test]
    fn computers_give_their_tec_or_weighted_power() {
        let list = parse(COMPUTERS.as_bytes(), "computers.csv").unwrap();
        assert_eq!(list.kind, ListKind::Computers);
        assert_eq!(list.rows, 5);
        let kwh: Vec<(&str, Decimal)> = list
            .products
            .iter()
            .map(|p| (p.model_name.as_str(), p.kwh_per_year))
            .collect();
        // The workstation: 50 W × 8,760 h = 438 kWh.
        assert_eq!(
            kwh,
            [
                ("OptiPlex 3070 SFF", Decimal::new(246, 1)),
                ("ThinkPad T14 Gen 1", Decimal::new(19, 0)),
                ("ThinkPad T14 Gen 1", Decimal::new(214, 1)),
                ("HP Z2 G9 Tower Workstation", Decimal::new(438, 0)),
            ]
        );
        assert_eq!(list.skipped.len(), 1);
        assert_eq!(
            list.skipped[0].line, 7,
            "the multi-line cell counts as two lines"
        );
        assert_eq!(
            list.skipped[0].reason,
            "no typical energy consumption given"
        );
    }

    #[test]
    fn names_fold_suffixes_case_and_the_maker() {
        assert_eq!(manufacturer_key("Dell Inc."), "dell");
        assert_eq!(manufacturer_key("DELL EMC"), "dell");
        assert_eq!(manufacturer_key("Hewlett Packard Enterprise"), "hp");
        assert_eq!(manufacturer_key("HPE ProLiant DL385 Gen10"), "hp");
        assert_eq!(
            model_key("dell", "OptiPlex 7050 Small Form Factor"),
            "optiplex7050sff"
        );
        assert_eq!(model_key("dell", "OptiPlex 7050 SFF"), "optiplex7050sff");
        assert_eq!(
            model_key("hp", "HP EliteDesk 800 G4 SFF(ENERGY STAR)"),
            "elitedesk800g4sff"
        );
        assert_eq!(
            model_key("hp", "HPE ProLiant DL380 Gen 10"),
            "proliantdl380gen10"
        );
        assert_eq!(
            model_key("lenovo", "ThinkCentre M710s  "),
            "thinkcentrem710s"
        );
        assert_eq!(model_key("hp", "HP t640 Thin Client PC"), "t640thinclient");
    }

    #[test]
    fn register_models_match_by_any_name_and_take_the_mean() {
        let list = parse(COMPUTERS.as_bytes(), "computers.csv").unwrap();
        let models = vec![
            RegisterModel {
                manufacturer: "Dell".into(),
                model: "OptiPlex 7050 Small Form Factor".into(),
                class: AssetClass::Desktop,
                assets: 12,
            },
            RegisterModel {
                manufacturer: "LENOVO".into(),
                model: "thinkpad t14 gen 1".into(),
                class: AssetClass::Laptop,
                assets: 3,
            },
            RegisterModel {
                manufacturer: "Dell".into(),
                model: "OptiPlex 9999".into(),
                class: AssetClass::Desktop,
                assets: 2,
            },
            RegisterModel {
                manufacturer: "Apple".into(),
                model: "iPhone 16".into(),
                class: AssetClass::Mobile,
                assets: 50,
            },
        ];
        let report = match_models(&[list], &models);
        // ThinkPad: mean of 19 and 21.4 = 20.2 kWh.
        let got: Vec<(&str, Decimal, u64)> = report
            .matched
            .iter()
            .map(|m| (m.model.as_str(), m.kwh_per_year, m.products))
            .collect();
        assert_eq!(
            got,
            [
                ("OptiPlex 7050 Small Form Factor", Decimal::new(246, 1), 1),
                ("thinkpad t14 gen 1", Decimal::new(202, 1), 2),
            ]
        );
        assert_eq!(report.matched[0].certified_model, "DELL OptiPlex 7050 SFF");
        assert_eq!(report.matched[0].files, "computers.csv");
        assert_eq!(report.unmatched.len(), 1, "mobiles are not covered");
        assert_eq!((report.assets_covered, report.assets_matched), (17, 15));
    }

    #[test]
    fn a_file_that_is_not_a_list_is_refused_by_name() {
        let err = parse(b"a,b\n1,2\n", "prices.csv").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`prices.csv` is not an ENERGY STAR list"),
            "{err}"
        );
    }
}
