//! Turns a table's cells into register records: which column is which field
//! (the heading dictionary in `data/import/columns.csv`, a profile, `--map`
//! overrides), what the sheet holds (hardware, lines or licences), and each
//! cell's value (spreadsheet dates in both epochs, UK and ISO dates as text,
//! money as numbers or text, class words and model names).
//!
//! Parsing never fails: a row becomes records or a list of problems naming
//! the column heading and the value. Nothing here touches the database.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Date, Month};

use super::profiles::Profile;
use super::read::{Row, Value};
use crate::domain::{
    AgreementType, AssetClass, AssetStatus, BudgetType, ClassSynonyms, CostBasis, Funding,
    LicenceMetric, LineType, Money, Rate, add_years,
};
use crate::register::{AssetFields, LicenceFields, LineFields};

/// What a sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Hardware assets.
    Hardware,
    /// External phone lines.
    Lines,
    /// Licence entitlements.
    Licences,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 3] = [Kind::Hardware, Kind::Lines, Kind::Licences];

    /// The stable name (`hardware`, `lines`, `licences`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Hardware => "hardware",
            Kind::Lines => "lines",
            Kind::Licences => "licences",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalise_heading(s).as_str() {
            "hardware" | "assets" | "asset" | "devices" => Ok(Kind::Hardware),
            "lines" | "line" | "phone lines" | "telecoms" => Ok(Kind::Lines),
            "licences" | "licence" | "licenses" | "license" | "software" => Ok(Kind::Licences),
            _ => Err(format!(
                "`{}` is not a kind of record; use hardware, lines or licences",
                s.trim()
            )),
        }
    }
}

macro_rules! fields {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// A register field a column can fill.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Field {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant
            ),+
        }

        impl Field {
            /// Every field, in the order the dictionary documents them.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// The name used in `columns.csv`, profiles and `--map`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Field::$variant => $name),+
                }
            }
        }
    };
}

fields! {
    Organisation => "organisation",
    AssetTag => "asset_tag",
    Serial => "serial",
    Class => "class",
    Manufacturer => "manufacturer",
    Model => "model",
    Site => "site",
    Department => "department",
    AssignedUser => "assigned_user",
    InServiceDate => "in_service_date",
    Cost => "cost",
    CostIncVat => "cost_inc_vat",
    Supplier => "supplier",
    OrderRef => "order_ref",
    WarrantyEnd => "warranty_end",
    WarrantyMonths => "warranty_months",
    Funding => "funding",
    LeaseEnd => "lease_end",
    Status => "status",
    LifeYears => "life_years",
    PowerWatts => "power_watts",
    PowerKwh => "power_kwh_per_year",
    Os => "os",
    OsVersion => "os_version",
    Cpu => "cpu",
    Notes => "notes",
    Quantity => "quantity",
    Number => "number",
    LineType => "line_type",
    ContractEnd => "contract_end",
    CriticalCare => "critical_care",
    LineUse => "line_use",
    Product => "product",
    Vendor => "vendor",
    Agreement => "agreement",
    AgreementType => "agreement_type",
    Metric => "metric",
    CostBasis => "cost_basis",
    StartDate => "start_date",
    EndDate => "end_date",
    Budget => "budget",
    CoversClasses => "covers_classes",
    Category => "category",
    Ignore => "ignore",
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let want = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == want)
            .ok_or_else(|| {
                format!(
                    "`{}` is not a field; use one of: {}",
                    s.trim(),
                    Field::ALL
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl Field {
    /// Whether a column of this field means something on a sheet of `kind`
    /// (others are kept in notes). Some fields stand in for another on
    /// another kind: a licence's manufacturer is its vendor, a line's
    /// "Type" column its line type, a licence's purchase date its start.
    pub fn applies_to(self, kind: Kind) -> bool {
        use Field as F;
        match self {
            F::Organisation | F::Notes | F::Cost | F::CostIncVat | F::Ignore | F::Class => true,
            F::AssetTag
            | F::Serial
            | F::Model
            | F::Department
            | F::AssignedUser
            | F::OrderRef
            | F::WarrantyEnd
            | F::WarrantyMonths
            | F::Funding
            | F::LeaseEnd
            | F::LifeYears
            | F::PowerWatts
            | F::PowerKwh
            | F::Os
            | F::OsVersion
            | F::Cpu => kind == Kind::Hardware,
            F::Manufacturer | F::InServiceDate | F::Quantity => kind != Kind::Lines,
            F::Site | F::Supplier | F::Status => kind != Kind::Licences,
            F::Number | F::LineType | F::ContractEnd | F::CriticalCare | F::LineUse => {
                kind == Kind::Lines
            }
            F::Product
            | F::Vendor
            | F::Agreement
            | F::AgreementType
            | F::Metric
            | F::CostBasis
            | F::StartDate
            | F::EndDate
            | F::Budget
            | F::CoversClasses
            | F::Category => kind == Kind::Licences,
        }
    }

    /// How strongly a column of this field says the sheet is of `kind`.
    fn weight(self, kind: Kind) -> u32 {
        use Field as F;
        match (kind, self) {
            (Kind::Hardware, F::Serial | F::AssetTag)
            | (Kind::Lines, F::Number)
            | (Kind::Licences, F::Product) => 3,
            (Kind::Hardware, F::Model | F::Class)
            | (Kind::Lines, F::LineType | F::CriticalCare)
            | (Kind::Licences, F::Metric | F::Agreement) => 2,
            (Kind::Hardware, F::Manufacturer | F::WarrantyEnd | F::InServiceDate)
            | (Kind::Lines, F::ContractEnd | F::LineUse)
            | (Kind::Licences, F::AgreementType | F::CostBasis | F::EndDate | F::Vendor) => 1,
            _ => 0,
        }
    }
}

/// A set of fields (a row's non-blank fields).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldSet(u64);

impl FieldSet {
    /// Adds a field.
    pub fn insert(&mut self, f: Field) {
        self.0 |= 1 << (f as u32);
    }

    /// Removes a field.
    pub fn remove(&mut self, f: Field) {
        self.0 &= !(1 << (f as u32));
    }

    /// True when the field is in the set.
    pub fn has(self, f: Field) -> bool {
        self.0 & (1 << (f as u32)) != 0
    }
}

/// A heading as compared with the dictionary: lowercase, every run of
/// characters other than letters and digits made one space.
pub fn normalise_heading(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The shipped heading dictionary.
pub const BUILTIN_COLUMNS: &str = include_str!("../../data/import/columns.csv");
/// The shipped model-name rules.
pub const BUILTIN_MODEL_RULES: &str = include_str!("../../data/import/model-rules.csv");
/// The shipped line uses that mean critical care.
pub const BUILTIN_CRITICAL_USES: &str = include_str!("../../data/import/critical-line-uses.csv");

/// Line uses that make a line critical care (`data/import/critical-line-uses.csv`).
#[derive(Debug, Clone, Default)]
pub struct CriticalUses {
    words: Vec<String>,
}

impl CriticalUses {
    /// The shipped list.
    pub fn builtin() -> Self {
        CriticalUses::parse(BUILTIN_CRITICAL_USES)
    }

    /// Reads one use a line after a `use` header, with `#` comments.
    pub fn parse(text: &str) -> Self {
        let words = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.eq_ignore_ascii_case("use"))
            .map(normalise_heading)
            .collect();
        CriticalUses { words }
    }

    /// True when `line_use` names a critical-care use.
    pub fn is_critical(&self, line_use: &str) -> bool {
        let hay = format!(" {} ", normalise_heading(line_use));
        self.words.iter().any(|w| hay.contains(&format!(" {w}")))
    }
}

/// Reads a two-column `key,value` file with `#` comments and a header line,
/// calling `f` with each pair and its line number.
pub(crate) fn read_pairs(
    text: &str,
    header: &str,
    mut f: impl FnMut(usize, &str, &str) -> Result<(), String>,
) -> Result<(), String> {
    let mut seen_header = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.rsplit_once(',') else {
            return Err(format!(
                "line {}: expected `{header}`, found `{line}`",
                i + 1
            ));
        };
        if !seen_header && line.eq_ignore_ascii_case(header) {
            seen_header = true;
            continue;
        }
        seen_header = true;
        f(i + 1, key.trim(), value.trim()).map_err(|e| format!("line {}: {e}", i + 1))?;
    }
    Ok(())
}

/// Headings → fields, from `data/import/columns.csv` (or a profile), with
/// the headings the register was taught (`estate vocabulary add heading`)
/// looked up first.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    headings: BTreeMap<String, Field>,
    taught: BTreeMap<String, Field>,
}

impl Dictionary {
    /// The shipped dictionary.
    pub fn builtin() -> Self {
        Dictionary::parse(BUILTIN_COLUMNS)
            .expect("invariant: the shipped data/import/columns.csv is valid (tested)")
    }

    /// Reads `heading,field` lines.
    ///
    /// # Errors
    /// A message naming the line that is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut headings = BTreeMap::new();
        read_pairs(text, "heading,field", |_, heading, field| {
            headings.insert(normalise_heading(heading), field.parse::<Field>()?);
            Ok(())
        })?;
        Ok(Dictionary {
            headings,
            taught: BTreeMap::new(),
        })
    }

    /// Adds (or replaces) one heading.
    pub fn insert(&mut self, heading: &str, field: Field) {
        self.headings.insert(normalise_heading(heading), field);
    }

    /// Adds a heading the register was taught; it wins over the others.
    pub fn teach(&mut self, heading: &str, field: Field) {
        self.taught.insert(normalise_heading(heading), field);
    }

    /// Every heading (as compared) and its field, built-in ones only.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Field)> {
        self.headings.iter().map(|(h, f)| (h.as_str(), *f))
    }

    /// The field a heading names, if known. A heading that says its money
    /// includes VAT ("Unit Price inc VAT", "Cost (incl. VAT)") is found
    /// through its base heading and becomes `cost_inc_vat`; one that says
    /// "ex VAT" is found through its base heading.
    pub fn lookup(&self, heading: &str) -> Option<Field> {
        self.lookup_with_source(heading).map(|(f, _)| f)
    }

    /// Like [`Dictionary::lookup`], saying whether the heading was taught
    /// ([`Source::Vocabulary`]) or built in ([`Source::Dictionary`]).
    pub fn lookup_with_source(&self, heading: &str) -> Option<(Field, Source)> {
        let n = normalise_heading(heading);
        let find = |n: &str| {
            find_heading(&self.taught, n)
                .map(|f| (f, Source::Vocabulary))
                .or_else(|| find_heading(&self.headings, n).map(|f| (f, Source::Dictionary)))
        };
        if let Some(found) = find(&n) {
            return Some(found);
        }
        // `SerialNumber`, `AssetTag`, `PONumber`: split into words as
        // snake_case already is; then a plural (`Serial Numbers`).
        let split = normalise_heading(&split_camel_case(heading));
        if split != n {
            if let Some(found) = find(&split) {
                return Some(found);
            }
        }
        let singular = split.strip_suffix('s').filter(|s| s.len() > 2)?;
        find(singular)
    }
}

/// `SerialNumber` → `Serial Number`, `PONumber` → `PO Number`,
/// `assetTag` → `asset Tag`: a space before each capital that starts a
/// word. Text without such capitals comes back as it was.
pub fn split_camel_case(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars.get(i - 1).copied().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next.is_lowercase())
            {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

fn find_heading(headings: &BTreeMap<String, Field>, n: &str) -> Option<Field> {
    if let Some(f) = headings.get(n) {
        return Some(*f);
    }
    for (marker, inc) in VAT_MARKERS {
        let padded = format!(" {n} ");
        if padded.contains(&format!(" {marker} ")) {
            let base = normalise_heading(&padded.replace(&format!(" {marker} "), " "));
            return match headings.get(&base) {
                Some(Field::Cost) if *inc => Some(Field::CostIncVat),
                Some(f) => Some(*f),
                None => None,
            };
        }
    }
    None
}

const VAT_MARKERS: &[(&str, bool)] = &[
    ("including vat", true),
    ("incl vat", true),
    ("inc vat", true),
    ("vat inclusive", true),
    ("vat inc", true),
    ("excluding vat", false),
    ("excl vat", false),
    ("ex vat", false),
    ("vat exclusive", false),
    ("exc vat", false),
];

/// Model-name rules: a word or phrase in the model → a class
/// (`data/import/model-rules.csv`), first match wins.
#[derive(Debug, Clone, Default)]
pub struct ModelRules {
    rules: Vec<(String, AssetClass, Option<String>)>,
    makers: Vec<String>,
}

impl ModelRules {
    /// The shipped rules.
    pub fn builtin() -> Self {
        ModelRules::parse(BUILTIN_MODEL_RULES)
            .expect("invariant: the shipped data/import/model-rules.csv is valid (tested)")
    }

    /// Reads `pattern,class` lines.
    ///
    /// # Errors
    /// A message naming the line that is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rules = Vec::new();
        let mut makers: Vec<String> = Vec::new();
        let mut seen_header = false;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split(',').map(str::trim).collect();
            if !seen_header
                && parts
                    .first()
                    .is_some_and(|p| p.eq_ignore_ascii_case("pattern"))
            {
                seen_header = true;
                continue;
            }
            seen_header = true;
            let (pattern, class, maker) = match parts.as_slice() {
                [p, c] => (*p, *c, None),
                [p, c, m] => (*p, *c, Some(*m).filter(|m| !m.is_empty())),
                _ => {
                    return Err(format!(
                        "line {}: expected `pattern,class,manufacturer`, found `{line}`",
                        i + 1
                    ));
                }
            };
            let class: AssetClass = class.parse().map_err(|e| format!("line {}: {e}", i + 1))?;
            if let Some(m) = maker {
                if !makers.iter().any(|k| k.eq_ignore_ascii_case(m)) {
                    makers.push(m.to_string());
                }
            }
            rules.push((normalise_heading(pattern), class, maker.map(str::to_string)));
        }
        // Longer names first, so "Konica Minolta" is tried before "Konica".
        makers.sort_by_key(|m| std::cmp::Reverse(m.len()));
        Ok(ModelRules { rules, makers })
    }

    /// Every rule: its pattern, class and maker, in the order tried.
    pub fn entries(&self) -> impl Iterator<Item = (&str, AssetClass, Option<&str>)> {
        self.rules
            .iter()
            .map(|(p, c, m)| (p.as_str(), *c, m.as_deref()))
    }

    /// Adds a rule tried before the others (a taught model word).
    pub fn prepend(&mut self, pattern: &str, class: AssetClass, maker: Option<String>) {
        if let Some(m) = &maker {
            if !self.makers.iter().any(|k| k.eq_ignore_ascii_case(m)) {
                self.makers.push(m.clone());
                self.makers.sort_by_key(|m| std::cmp::Reverse(m.len()));
            }
        }
        self.rules
            .insert(0, (normalise_heading(pattern), class, maker));
    }

    fn rule_for(&self, text: &str) -> Option<&(String, AssetClass, Option<String>)> {
        let hay = format!(" {} ", normalise_heading(text));
        self.rules
            .iter()
            .find(|(p, _, _)| hay.contains(&format!(" {p}")))
    }

    /// The class the first rule found in `text` names (matching whole words
    /// from their start, ignoring case and punctuation).
    pub fn class_of(&self, text: &str) -> Option<AssetClass> {
        self.rule_for(text).map(|(_, c, _)| *c)
    }

    /// The maker of a model: the known maker its name starts with ("HP
    /// E24 G5"), else the maker of the rule it matches ("OptiPlex" → Dell).
    pub fn maker_of(&self, model: &str) -> Option<String> {
        let m = normalise_heading(model);
        for maker in &self.makers {
            let k = normalise_heading(maker);
            if m == k || m.starts_with(&format!("{k} ")) {
                return Some(maker.clone());
            }
        }
        self.rule_for(model).and_then(|(_, _, maker)| maker.clone())
    }
}

// ---------------------------------------------------------------- columns

/// Where a column's meaning came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A `--map` given for this import.
    Map,
    /// `--age-from` (or the profile's `age from`): an enrolment or
    /// first-seen date standing in for the in-service date.
    AgeFrom,
    /// The chosen profile.
    Profile,
    /// The built-in dictionary.
    Dictionary,
    /// The register's vocabulary (`estate vocabulary add heading`).
    Vocabulary,
    /// Not recognised: kept in notes.
    Unknown,
    /// A second column for a field already taken: kept in notes.
    Duplicate,
    /// A field that does not apply to this kind of sheet: kept in notes.
    NotForKind,
    /// An organisation column none of whose values is an organisation in
    /// the register, with `--org` given: kept in notes.
    NotOrganisation,
}

/// One column of a table and what it fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// 0-based column index.
    pub index: usize,
    /// The heading as written (cleaned).
    pub heading: String,
    /// The field, or `None` when the column goes into notes.
    #[serde(serialize_with = "ser_field")]
    pub field: Option<Field>,
    /// Why.
    pub source: Source,
}

#[allow(
    clippy::ref_option,
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's serialize_with passes a reference"
)]
fn ser_field<S: serde::Serializer>(f: &Option<Field>, s: S) -> Result<S::Ok, S::Error> {
    match f {
        Some(f) => s.serialize_str(f.as_str()),
        None => s.serialize_none(),
    }
}

/// Maps a header's headings to fields and decides the sheet's kind.
/// `maps` are `--map` pairs (heading → field) and win over the profile,
/// which wins over the dictionary. Returns `None` for the kind when nothing
/// says what the sheet holds.
pub fn map_columns(
    headings: &[String],
    dict: &Dictionary,
    profile: Option<&Profile>,
    maps: &[(String, Field)],
    kind: Option<Kind>,
) -> (Vec<Column>, Option<Kind>) {
    let mut columns: Vec<Column> = headings
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_empty())
        .map(|(index, heading)| {
            let n = normalise_heading(heading);
            let (field, source) =
                if let Some((_, f)) = maps.iter().find(|(h, _)| normalise_heading(h) == n) {
                    (Some(*f), Source::Map)
                } else if let Some(f) = profile.and_then(|p| p.columns.lookup(heading)) {
                    (Some(f), Source::Profile)
                } else if let Some((f, source)) = dict.lookup_with_source(heading) {
                    (Some(f), source)
                } else {
                    (None, Source::Unknown)
                };
            Column {
                index,
                heading: heading.clone(),
                field,
                source,
            }
        })
        .collect();
    let kind = kind.or_else(|| profile.and_then(|p| p.kind)).or_else(|| {
        let scores = Kind::ALL.map(|k| {
            let score: u32 = columns
                .iter()
                .filter_map(|c| c.field)
                .map(|f| f.weight(k))
                .sum();
            (score, k)
        });
        // Highest score; on a tie the earlier kind (hardware, lines, licences).
        let best = scores
            .iter()
            .copied()
            .reduce(|a, b| if b.0 > a.0 { b } else { a })?;
        (best.0 > 0).then_some(best.1)
    });
    if kind == Some(Kind::Licences) {
        // A statement with both "Agreement" and "Agreement Number": the
        // number identifies the agreement, the other names its kind.
        let agreements: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.field == Some(Field::Agreement))
            .map(|(i, _)| i)
            .collect();
        let numbered = agreements.iter().copied().find(|&i| {
            columns.get(i).is_some_and(|c| {
                let h = format!(" {} ", normalise_heading(&c.heading));
                [" number ", " no ", " ref ", " id ", " reference "]
                    .iter()
                    .any(|w| h.contains(w))
            })
        });
        if let Some(keep) = numbered {
            for i in agreements.into_iter().filter(|&i| i != keep) {
                if let Some(c) = columns.get_mut(i) {
                    c.field = Some(Field::AgreementType);
                }
            }
        }
    }
    if let Some(kind) = kind {
        let mut taken = FieldSet::default();
        for c in &mut columns {
            let Some(f) = c.field else { continue };
            if f == Field::Ignore {
                continue;
            }
            if !f.applies_to(kind) {
                c.field = None;
                c.source = Source::NotForKind;
            } else if taken.has(f) {
                c.field = None;
                c.source = Source::Duplicate;
            } else {
                taken.insert(f);
            }
        }
    }
    (columns, kind)
}

/// Why a table is not a list of records of `kind` at all, saying what it
/// looks like instead (a list of people, of places, a catalogue of models,
/// a stock list), or `None` when it is one. Such a file is refused whole:
/// every row would be rejected for the same reason, or, worse, read as
/// something it is not.
pub fn not_a_list(columns: &[Column], kind: Kind) -> Option<String> {
    let has = |f: Field| columns.iter().any(|c| c.field == Some(f));
    let headings: Vec<String> = columns
        .iter()
        .map(|c| normalise_heading(&c.heading))
        .collect();
    let count = |words: &[&str]| {
        headings
            .iter()
            .filter(|h| words.contains(&h.as_str()))
            .count()
    };
    let licence_words = count(&[
        "seats",
        "licensed to name",
        "licensed to email",
        "product key",
        "expiration date",
        "reassignable",
        "maintained",
        "license name",
        "licence name",
    ]);
    match kind {
        Kind::Hardware if licence_words >= 2 => {
            return Some(
                "a list of software licences (it has seats and who each is licensed to); import \
                 it with --profile snipe-it-licences, or --kind licences"
                    .into(),
            );
        }
        Kind::Hardware if has(Field::Quantity) && !has(Field::Model) && !has(Field::AssetTag) => {
            return Some(
                "a stock list of items counted by quantity (accessories, consumables or \
                 components), not of individual devices"
                    .into(),
            );
        }
        _ => {}
    }
    let keyed = match kind {
        Kind::Hardware => has(Field::Serial) || has(Field::AssetTag) || has(Field::Quantity),
        Kind::Lines => has(Field::Number),
        Kind::Licences => has(Field::Product),
    };
    if keyed {
        return None;
    }
    Some(looks_like(&headings).map_or_else(
        || {
            format!(
                "a table with no column that says which record a row is (for {kind}: {})",
                match kind {
                    Kind::Hardware => "a serial number, asset tag or quantity",
                    Kind::Lines => "a phone number",
                    Kind::Licences => "a product",
                }
            )
        },
        str::to_string,
    ))
}

/// What a table whose headings (as compared) are `headings` looks like
/// when it is plainly not a list of assets, lines or licences: people,
/// places, a catalogue of models, a stock list.
pub fn looks_like(headings: &[String]) -> Option<&'static str> {
    let count = |words: &[&str]| {
        headings
            .iter()
            .filter(|h| words.contains(&h.as_str()))
            .count()
    };
    let people = count(&[
        "first name",
        "last name",
        "email",
        "username",
        "job title",
        "employee number",
        "manager",
        "phone",
    ]);
    let places = count(&[
        "address",
        "address2",
        "address 2",
        "city",
        "town",
        "state",
        "county",
        "country",
        "zip",
        "postal code",
        "postcode",
    ]);
    let models = count(&["fieldset", "eol", "min qty", "model number", "requestable"]);
    let stock = count(&["min amount", "min qty", "qty", "quantity", "item number"]);
    if people >= 2 {
        Some("a list of people (users)")
    } else if places >= 2 {
        Some("a list of places (locations)")
    } else if models >= 2 {
        Some("a catalogue of models (kinds of device, not the devices)")
    } else if stock >= 1 {
        Some("a stock list of items counted by quantity, not of individual devices")
    } else {
        None
    }
}

// ---------------------------------------------------------------- values

/// How values are read.
#[derive(Debug, Clone)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each bool is one command-line flag or profile setting, set and read by name"
)]
pub struct ValueRules {
    /// Read `03/04/2024` month-first (US) rather than day-first (UK).
    pub us_dates: bool,
    /// The VAT rate taken off "inc VAT" money columns.
    pub vat_rate: Rate,
    /// Today, for "not in the future" (the CLI passes it in).
    pub today: Date,
    /// The workbook's date system, for plain numbers in date columns.
    pub is_1904: bool,
    /// Take amounts over £10,000,000 (`--force`), which are otherwise
    /// rejected as almost certainly a slip.
    pub force: bool,
    /// The order each date column of the table is read in (a column not
    /// here is read as `us_dates` says).
    pub dates: Vec<DateColumn>,
    /// Status words the register was taught, as compared, with their status.
    pub statuses: Vec<(String, AssetStatus)>,
    /// Placeholders the register was taught, as compared.
    pub placeholders: Vec<String>,
    /// An unknown class word falls back to the model's class (the word kept
    /// in notes) instead of rejecting the row: a profile says so for a tool
    /// whose categories are free-form (Snipe-IT).
    pub class_fallback: bool,
}

impl ValueRules {
    /// Rules with no per-column dates and nothing taught.
    pub fn new(vat_rate: Rate, today: Date, is_1904: bool) -> Self {
        ValueRules {
            us_dates: false,
            vat_rate,
            today,
            is_1904,
            force: false,
            dates: Vec::new(),
            statuses: Vec::new(),
            placeholders: Vec::new(),
            class_fallback: false,
        }
    }

    fn is_taught_placeholder(&self, text: &str) -> bool {
        !self.placeholders.is_empty() && {
            let n = normalise_heading(text);
            self.placeholders.contains(&n)
        }
    }
}

/// Texts that mean "nothing here" in any cell (besides an empty one).
pub const PLACEHOLDERS: &[&str] = &[
    "-", "--", "–", "n/a", "na", "none", "null", "nil", "tbc", "unknown",
];

/// Texts that mean "no identifier" in a serial or asset tag column (as
/// well as [`PLACEHOLDERS`]): not 130 copies of one tag.
pub const IDENTIFIER_PLACEHOLDERS: &[&str] = &[
    "no tag",
    "no asset tag",
    "not tagged",
    "untagged",
    "not checked",
    "no serial",
    "no serial number",
    "tba",
    "?",
    "??",
    "???",
    "0",
    "x",
];

fn is_identifier_placeholder(t: &str) -> bool {
    let t = t.trim();
    t.len() <= "no serial number".len()
        && IDENTIFIER_PLACEHOLDERS
            .iter()
            .any(|p| t.eq_ignore_ascii_case(p) || normalise_heading(t) == *p && !p.is_empty())
}

/// Texts that mean "nothing here" in any cell.
fn is_placeholder(t: &str) -> bool {
    let t = t.trim();
    // Asked of every text cell: compared in place, not lower-cased into a copy.
    t.is_empty()
        || (t.len() <= "unknown".len() && PLACEHOLDERS.iter().any(|p| t.eq_ignore_ascii_case(p)))
}

/// The earliest date estate accepts (no kit in service is older).
pub fn earliest_date() -> Date {
    time::macros::date!(1980 - 01 - 01)
}

/// The latest date estate accepts for end dates.
pub fn latest_date() -> Date {
    time::macros::date!(2100 - 12 - 31)
}

/// A date from an Excel serial: days since 1899-12-31 in the 1900 system
/// (which counts the 29 February 1900 that never was, serial 60), or since
/// 1904-01-01 in the 1904 system. The fraction (time of day) is dropped.
/// Converted arithmetically, never through formatted text.
pub fn date_from_serial(serial: f64, is_1904: bool) -> Option<Date> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "checked to be within 1..2958466"
    )]
    let days = serial.floor() as i64;
    let (base, days) = if is_1904 {
        (time::macros::date!(1904 - 01 - 01), days)
    } else if days == 60 {
        return None;
    } else if days < 60 {
        (time::macros::date!(1899 - 12 - 31), days)
    } else {
        (time::macros::date!(1899 - 12 - 30), days)
    };
    base.checked_add(time::Duration::days(days))
}

fn month_from_name(name: &str) -> Option<Month> {
    let n = name.to_ascii_lowercase();
    let months = [
        ("jan", Month::January),
        ("feb", Month::February),
        ("mar", Month::March),
        ("apr", Month::April),
        ("may", Month::May),
        ("jun", Month::June),
        ("jul", Month::July),
        ("aug", Month::August),
        ("sep", Month::September),
        ("oct", Month::October),
        ("nov", Month::November),
        ("dec", Month::December),
    ];
    if n.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    months
        .iter()
        .zip(full)
        .find(|((abbr, _), full)| n == *abbr || n == *full || (n == "sept" && *abbr == "sep"))
        .map(|((_, m), _)| *m)
}

fn year_from(text: &str) -> Option<i32> {
    let y: i32 = text.parse().ok()?;
    match text.len() {
        4 => Some(y),
        // Two-digit years: 00–79 are this century, 80–99 the last.
        2 => Some(if y < 80 { 2000 + y } else { 1900 + y }),
        _ => None,
    }
}

/// Reads a date written as text: ISO `2024-03-31` (a time after it is
/// ignored), UK `31/03/2024`, `31-03-24`, `31.03.2024`, `31-Mar-24`,
/// `31 March 2024`; month-first for `/` dates when `us_dates`. A text of
/// digits alone is an Excel serial.
#[allow(
    clippy::many_single_char_names,
    reason = "a, b, c are the three parts of a date, in the order written"
)]
pub fn parse_date_text(text: &str, us_dates: bool, is_1904: bool) -> Option<Date> {
    let t = text.trim();
    let t = t
        .split(['T', ' '])
        .next()
        .filter(|d| d.len() >= 8 && d.contains(['-', '/']))
        .unwrap_or(t);
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 7 {
        return t
            .parse::<f64>()
            .ok()
            .and_then(|s| date_from_serial(s, is_1904));
    }
    let parts: Vec<&str> = t
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| -> Option<u8> {
        (s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = if a.len() == 4 && a.bytes().all(|b| b.is_ascii_digit()) {
        (year_from(a)?, Month::try_from(num(b)?).ok()?, num(c)?)
    } else if let Some(m) = month_from_name(b) {
        (year_from(c)?, m, num(a)?)
    } else if let Some(m) = month_from_name(a) {
        (year_from(c)?, m, num(b)?)
    } else {
        let (first, second) = (num(a)?, num(b)?);
        let (d, m) = if us_dates {
            (second, first)
        } else {
            (first, second)
        };
        (year_from(c)?, Month::try_from(m).ok()?, d)
    };
    Date::from_calendar_date(year, month, day).ok()
}

/// The order of day and month in a column's numeric dates (`10/1/22`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// `10/1/22` is 10 January 2022 (UK).
    DayFirst,
    /// `10/1/22` is 1 October 2022 (US).
    MonthFirst,
}

impl DateOrder {
    /// `day-first` or `month-first`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "day-first",
            DateOrder::MonthFirst => "month-first",
        }
    }
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a date written as numbers allows on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Only day-first makes a date (`23/1/23`).
    DayFirstOnly,
    /// Only month-first makes a date (`1/23/23`).
    MonthFirstOnly,
    /// Either order makes a date (`10/1/22`).
    Either,
    /// Not a day-and-month date of numbers (ISO, month names, serials, junk).
    Neither,
}

/// Whether `text`, a date of three numbers (`10/1/22`, `23-1-2023`), can
/// only be read day-first, only month-first, or either way.
pub fn date_reading(text: &str) -> Reading {
    let t = text.trim();
    let t = t.split(['T', ' ']).next().unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Reading::Neither;
    };
    let small = |s: &str| -> Option<u8> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let year_ok = matches!(c.len(), 2 | 4) && c.bytes().all(|b| b.is_ascii_digit());
    let (Some(a), Some(b), true) = (small(a), small(b), year_ok) else {
        return Reading::Neither;
    };
    match (a, b) {
        (13..=31, 1..=12) => Reading::DayFirstOnly,
        (1..=12, 13..=31) => Reading::MonthFirstOnly,
        (1..=12, 1..=12) => Reading::Either,
        _ => Reading::Neither,
    }
}

/// True for the fields whose columns hold dates.
pub fn is_date_field(f: Field) -> bool {
    matches!(
        f,
        Field::InServiceDate
            | Field::WarrantyEnd
            | Field::LeaseEnd
            | Field::ContractEnd
            | Field::StartDate
            | Field::EndDate
    )
}

/// The order one date column was read in, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateColumn {
    /// 0-based column index.
    #[serde(skip)]
    pub index: usize,
    /// The heading as written.
    pub column: String,
    /// The order its numeric dates were read in.
    pub order: DateOrder,
    /// Why: `--us-dates`, the value that settled it, or none was unambiguous.
    pub why: String,
    /// The value (and its row) that settled the order, for messages.
    #[serde(skip)]
    pub settled_by: Option<(String, u32)>,
    /// How many of its values could only be read the other way (rejected).
    pub contradicting: u64,
}

impl DateColumn {
    /// The summary's line for this column.
    pub fn describe(&self) -> String {
        if self.settled_by.is_none() && self.why.starts_with("none was") {
            let other = match self.order {
                DateOrder::DayFirst => "`--us-dates` if they are US",
                DateOrder::MonthFirst => "`--uk-dates` if they are UK",
            };
            format!(
                "dates in `{}` read {}; none was unambiguous — {other}",
                self.column, self.order
            )
        } else {
            format!(
                "dates in `{}` read {} ({})",
                self.column, self.order, self.why
            )
        }
    }
}

/// What the values of a table's date columns say about their order,
/// gathered over the whole column before any row is read.
#[derive(Debug, Clone, Default)]
pub struct DateEvidence {
    /// Per date column: (index, heading, day-first only, month-first only,
    /// first of each as (text, row), ambiguous count).
    columns: Vec<ColumnEvidence>,
}

#[derive(Debug, Clone, Default)]
struct ColumnEvidence {
    index: usize,
    heading: String,
    day_first: u64,
    month_first: u64,
    either: u64,
    first_day_first: Option<(String, u32)>,
    first_month_first: Option<(String, u32)>,
}

impl DateEvidence {
    /// Evidence for the date columns among `columns`.
    pub fn new(columns: &[Column]) -> Self {
        DateEvidence {
            columns: columns
                .iter()
                .filter(|c| c.field.is_some_and(is_date_field))
                .map(|c| ColumnEvidence {
                    index: c.index,
                    heading: c.heading.clone(),
                    ..ColumnEvidence::default()
                })
                .collect(),
        }
    }

    /// True when the table has a date column.
    pub fn wanted(&self) -> bool {
        !self.columns.is_empty()
    }

    /// True when some value seen was a date of day and month numbers
    /// (whose order matters).
    pub fn any_seen(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.day_first + c.month_first + c.either > 0)
    }

    /// Looks at one data row's date cells.
    pub fn observe(&mut self, row: &Row) {
        for c in &mut self.columns {
            let Some(Value::Text(t)) = row.cells.get(c.index) else {
                continue;
            };
            match date_reading(t) {
                Reading::DayFirstOnly => {
                    c.day_first += 1;
                    if c.first_day_first.is_none() {
                        c.first_day_first = Some((t.trim().to_string(), row.number));
                    }
                }
                Reading::MonthFirstOnly => {
                    c.month_first += 1;
                    if c.first_month_first.is_none() {
                        c.first_month_first = Some((t.trim().to_string(), row.number));
                    }
                }
                Reading::Either => c.either += 1,
                Reading::Neither => {}
            }
        }
    }

    /// Every date column read in the order a flag forces, without looking
    /// at a value.
    pub fn forced(&self, order: DateOrder, flag: &str) -> Vec<DateColumn> {
        self.columns
            .iter()
            .map(|c| DateColumn {
                index: c.index,
                column: c.heading.clone(),
                order,
                why: format!("as {flag} says"),
                settled_by: None,
                contradicting: 0,
            })
            .collect()
    }

    /// Each date column's order: `forced` (`--us-dates`/`--uk-dates`)
    /// when given; else the order its unambiguous values settle (the more
    /// common, the first seen on a tie); else day-first, said so. Columns
    /// with no date written as day and month numbers are left out.
    pub fn decide(&self, forced: Option<(DateOrder, &str)>) -> Vec<DateColumn> {
        self.columns
            .iter()
            .filter(|c| c.day_first + c.month_first + c.either > 0)
            .map(|c| {
                let (order, why, settled_by, contradicting) = if let Some((order, flag)) = forced {
                    let against = match order {
                        DateOrder::DayFirst => c.month_first,
                        DateOrder::MonthFirst => c.day_first,
                    };
                    (order, format!("as {flag} says"), None, against)
                } else {
                    let month_wins = c.month_first > c.day_first
                        || (c.month_first == c.day_first
                            && c.month_first > 0
                            && c.first_month_first.as_ref().map(|(_, r)| *r)
                                < c.first_day_first.as_ref().map(|(_, r)| *r));
                    if month_wins {
                        let by = c.first_month_first.clone();
                        let why = by.as_ref().map_or_else(String::new, |(t, r)| {
                            format!("`{t}` on row {r} can only be month-first")
                        });
                        (DateOrder::MonthFirst, why, by, c.day_first)
                    } else if c.day_first > 0 {
                        let by = c.first_day_first.clone();
                        let why = by.as_ref().map_or_else(String::new, |(t, r)| {
                            format!("`{t}` on row {r} can only be day-first")
                        });
                        (DateOrder::DayFirst, why, by, c.month_first)
                    } else {
                        (
                            DateOrder::DayFirst,
                            "none was unambiguous".to_string(),
                            None,
                            0,
                        )
                    }
                };
                DateColumn {
                    index: c.index,
                    column: c.heading.clone(),
                    order,
                    why,
                    settled_by,
                    contradicting,
                }
            })
            .collect()
    }
}

/// One problem with one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The column heading as written.
    pub column: String,
    /// The cell as written.
    pub value: String,
    /// What is wrong, and what to do.
    pub reason: String,
}

/// Reads one cell for one column, gathering problems.
struct Cells<'a> {
    row: &'a Row,
    columns: &'a [Column],
    by_field: &'a BTreeMap<Field, usize>,
    rules: &'a ValueRules,
    problems: Vec<Problem>,
    given: FieldSet,
    /// The whole address a site was taken from, for notes.
    address: Option<String>,
    /// The supplier's own class word, for notes, when it is not the class.
    class_word: Option<String>,
    /// The whole value and the site taken from it, when a site was.
    site_derived: Option<(String, String)>,
}

/// True when text after a location's comma names a place inside a
/// building: `Rack A09`, `Room 2.14`, `Floor 3`, `Comms Room`.
fn is_place_in_building(rest: &str) -> bool {
    let n = normalise_heading(rest);
    let first = n.split(' ').next().unwrap_or("");
    matches!(
        first,
        "rack"
            | "room"
            | "floor"
            | "level"
            | "cabinet"
            | "cab"
            | "bay"
            | "shelf"
            | "comms"
            | "server"
            | "desk"
            | "suite"
            | "wing"
            | "basement"
            | "ground"
            | "first"
            | "second"
            | "third"
    )
}

/// True when a heading says its column is an address (a site is then the
/// part before the first comma).
pub fn is_address_heading(heading: &str) -> bool {
    normalise_heading(heading)
        .split(' ')
        .any(|w| w == "address")
}

impl<'a> Cells<'a> {
    fn new(
        row: &'a Row,
        columns: &'a [Column],
        by_field: &'a BTreeMap<Field, usize>,
        rules: &'a ValueRules,
    ) -> Self {
        Cells {
            row,
            columns,
            by_field,
            rules,
            problems: Vec::new(),
            given: FieldSet::default(),
            address: None,
            class_word: None,
            site_derived: None,
        }
    }

    fn has_column(&self, f: Field) -> bool {
        self.by_field.contains_key(&f)
    }

    fn column(&self, f: Field) -> Option<&'a Column> {
        self.by_field.get(&f).and_then(|&i| self.columns.get(i))
    }

    fn heading(&self, f: Field) -> String {
        self.column(f)
            .map_or_else(|| f.as_str().to_string(), |c| c.heading.clone())
    }

    /// The cell of a field's column, unless blank. An error cell (`#N/A`)
    /// is a problem: its value is unknown.
    fn cell(&mut self, f: Field) -> Option<&'a Value> {
        let col = self.column(f)?;
        let v = self.row.cells.get(col.index)?;
        match v {
            Value::Empty => None,
            Value::Text(t) if is_placeholder(t) || self.rules.is_taught_placeholder(t) => None,
            Value::Text(t)
                if matches!(f, Field::Serial | Field::AssetTag) && is_identifier_placeholder(t) =>
            {
                None
            }
            Value::Int(0) if matches!(f, Field::Serial | Field::AssetTag) => None,
            Value::Number(x) if *x == 0.0 && matches!(f, Field::Serial | Field::AssetTag) => None,
            Value::Error(e) => {
                self.problems.push(Problem {
                    column: col.heading.clone(),
                    value: e.clone(),
                    reason: "is a formula error, so the value is unknown; fix the formula in the \
                             spreadsheet or clear the cell"
                        .into(),
                });
                None
            }
            _ => {
                self.given.insert(f);
                Some(v)
            }
        }
    }

    fn reject(&mut self, f: Field, value: &Value, reason: impl Into<String>) {
        self.problems.push(Problem {
            column: self.heading(f),
            value: value.display().into_owned(),
            reason: reason.into(),
        });
    }

    fn missing(&mut self, f: Field, reason: impl Into<String>) {
        self.problems.push(Problem {
            column: self.heading(f),
            value: String::new(),
            reason: reason.into(),
        });
    }

    fn text(&mut self, f: Field) -> Option<String> {
        let v = self.cell(f)?;
        let t = collapse_whitespace(&v.display());
        (!t.is_empty()).then_some(t)
    }

    fn date(&mut self, f: Field, not_future: bool) -> Option<Date> {
        let v = self.cell(f)?;
        if let Value::Text(t) = v {
            // Words that mean "no end date" in a date column.
            if matches!(
                normalise_heading(t).as_str(),
                "rolling"
                    | "perpetual"
                    | "ongoing"
                    | "open"
                    | "evergreen"
                    | "out of contract"
                    | "no end date"
                    | "none"
            ) {
                self.given.remove(f);
                return None;
            }
        }
        let date = match v {
            Value::DateSerial { serial, is_1904 } => date_from_serial(*serial, *is_1904),
            Value::Number(n) => date_from_serial(*n, self.rules.is_1904),
            #[allow(clippy::cast_precision_loss, reason = "a serial is far below 2^52")]
            Value::Int(n) => date_from_serial(*n as f64, self.rules.is_1904),
            Value::Text(t) | Value::DateIso(t) => {
                let column = self.column(f).map(|c| c.index);
                let decided = self.rules.dates.iter().find(|d| Some(d.index) == column);
                let month_first =
                    decided.map_or(self.rules.us_dates, |d| d.order == DateOrder::MonthFirst);
                let against = match (decided.map(|d| d.order), date_reading(t)) {
                    (Some(DateOrder::MonthFirst), Reading::DayFirstOnly) => Some("day-first"),
                    (Some(DateOrder::DayFirst), Reading::MonthFirstOnly) => Some("month-first"),
                    _ => None,
                };
                if let (Some(against), Some(d)) = (against, decided) {
                    let settled = d.settled_by.as_ref().map_or_else(
                        || d.why.clone(),
                        |(text, row)| format!("settled by `{text}` on row {row}"),
                    );
                    self.reject(
                        f,
                        v,
                        format!(
                            "can only be read {against}, but this column's dates are {} \
                             ({settled}); check both, or say the order with --us-dates or \
                             --uk-dates",
                            d.order
                        ),
                    );
                    return None;
                }
                parse_date_text(t, month_first, self.rules.is_1904)
            }
            _ => None,
        };
        let Some(date) = date else {
            self.reject(
                f,
                v,
                "is not a date (write it like 31/03/2024 or 2024-03-31)",
            );
            return None;
        };
        if date < earliest_date() {
            self.reject(f, v, format!("{date} is before 1980"));
            return None;
        }
        if not_future && date > self.rules.today {
            self.reject(f, v, format!("{date} is in the future"));
            return None;
        }
        if date > latest_date() {
            self.reject(f, v, format!("{date} is after 2100"));
            return None;
        }
        Some(date)
    }

    /// Money, never negative: numbers converted at once, text in the forms
    /// people write (`£1,234.56`, `GBP 1,234`, `1234.5`).
    fn money(&mut self, f: Field) -> Option<Money> {
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
    fn cost(&mut self) -> Option<Money> {
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

    fn whole(&mut self, f: Field, max: u32) -> Option<u32> {
        let v = self.cell(f)?;
        let n: Option<i64> = match v {
            Value::Int(i) => Some(*i),
            #[allow(clippy::cast_possible_truncation, reason = "checked whole and small")]
            Value::Number(x) if x.fract() == 0.0 && x.abs() < 1e12 => Some(*x as i64),
            Value::Text(t) => t.trim().replace(',', "").parse().ok(),
            _ => None,
        };
        match n.and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n <= max => Some(n),
            Some(_) => {
                self.reject(f, v, format!("is more than {max}"));
                None
            }
            None => {
                self.reject(f, v, "is not a whole number of 0 or more");
                None
            }
        }
    }

    fn decimal(&mut self, f: Field) -> Option<Decimal> {
        let v = self.cell(f)?;
        let d = match v {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Number(x) => Decimal::from_str(&super::read::number_text(*x)).ok(),
            Value::Text(t) => Decimal::from_str(t.trim()).ok(),
            _ => None,
        };
        match d {
            Some(d) if !d.is_sign_negative() => Some(d.normalize()),
            _ => {
                self.reject(f, v, "is not a number of 0 or more");
                None
            }
        }
    }

    fn flag(&mut self, f: Field) -> Option<bool> {
        let v = self.cell(f)?;
        let b = match v {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Number(x) => Some(*x != 0.0),
            Value::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "yes" | "y" | "true" | "1" | "x" | "✓" | "critical" => Some(true),
                "no" | "n" | "false" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if b.is_none() {
            self.reject(f, v, "is not yes or no");
        }
        b
    }

    /// A word parsed by `parse`; an unknown word is a problem naming it.
    fn word<T>(&mut self, f: Field, mut parse: impl FnMut(&str) -> Result<T, String>) -> Option<T> {
        let v = self.cell(f)?;
        match parse(&v.display()) {
            Ok(t) => Some(t),
            Err(e) => {
                self.reject(f, v, e);
                None
            }
        }
    }

    /// A serial number: trimmed, in capitals (so the same device matches
    /// however a file writes it). A number Excel turned into scientific
    /// notation (`3.54909E+14`) has lost digits and is refused.
    fn serial(&mut self) -> Option<String> {
        let v = self.cell(Field::Serial)?;
        let lost = match v {
            Value::Number(x) => x.fract() != 0.0 || x.abs() >= 9_007_199_254_740_992.0,
            Value::Text(t) => is_scientific(t.trim()),
            _ => false,
        };
        if lost {
            self.reject(
                Field::Serial,
                v,
                "was saved in scientific notation by Excel, which lost digits of the number; \
                 format the column as text in the source and export it again",
            );
            return None;
        }
        let t = collapse_whitespace(&v.display());
        let t = crate::domain::identity::tidy(&t);
        (!t.is_empty()).then(|| t.to_uppercase())
    }

    /// The asset tag, as the register stores it (trimmed, NFC, zero-width
    /// characters removed); a tag with a control character or longer than
    /// the register takes is a problem with its cell.
    fn asset_tag(&mut self) -> Option<String> {
        let t = self.text(Field::AssetTag)?;
        if let Some(problem) = crate::domain::identity::tag_problem(&t) {
            let value = self.cell(Field::AssetTag)?;
            self.reject(Field::AssetTag, value, problem);
            return None;
        }
        Some(crate::domain::identity::tidy(&t).into_owned())
    }

    /// A site: the cell as written, whole (`Wilkinson, Waters and Kerluke`).
    /// Two kinds of cell name their site by the part before the first comma,
    /// and then keep the whole value in notes: a column that is an address
    /// (its heading says so: `Installation Address`), and a location whose
    /// part after the comma is a place inside a building (`Shared Data
    /// Centre, Rack A09`).
    fn site(&mut self) -> Option<String> {
        let t = self.text(Field::Site)?;
        let Some((building, rest)) = t.split_once(',') else {
            return Some(t);
        };
        let building = building.trim();
        let address = self
            .column(Field::Site)
            .is_some_and(|c| is_address_heading(&c.heading));
        if building.is_empty() || !(address || is_place_in_building(rest)) {
            return Some(t);
        }
        let building = building.to_string();
        self.address = Some(format!("{}: {t}", self.heading(Field::Site)));
        self.site_derived = Some((t, building.clone()));
        Some(building)
    }

    /// Unknown columns (and the notes column) as `heading: value` lines.
    fn notes(&mut self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(n) = self.text(Field::Notes) {
            parts.push(n);
        }
        parts.extend(self.address.take());
        parts.extend(self.class_word.take());
        if let Some(c) = self.columns.iter().find(|c| c.source == Source::AgeFrom) {
            if self.row.cells.get(c.index).is_some_and(|v| !v.is_blank()) {
                parts.push(format!("{AGE_ESTIMATED} (`{}`)", c.heading));
            }
        }
        for c in self.columns.iter().filter(|c| c.field.is_none()) {
            if let Some(v) = self
                .row
                .cells
                .get(c.index)
                .filter(|v| !v.is_blank() && !matches!(v, Value::Error(_)))
            {
                let text = collapse_whitespace(&v.display());
                parts.push(format!("{}: {text}", c.heading));
            }
        }
        if parts.is_empty() {
            None
        } else {
            self.given.insert(Field::Notes);
            Some(parts.join("; "))
        }
    }
}

/// What an asset's notes say when its in-service date is an enrolment or
/// first-seen date (`--age-from`).
pub const AGE_ESTIMATED: &str = "age estimated from enrolment";

/// The text with leading and trailing whitespace removed and every inner
/// run of it (line breaks included) made one space. Most cells are clean
/// already and are copied as they are.
fn collapse_whitespace(text: &str) -> String {
    let clean = text.bytes().enumerate().all(|(i, b)| match b {
        b' ' => i > 0 && i + 1 < text.len() && text.as_bytes().get(i + 1) != Some(&b' '),
        // Any control character or non-ASCII byte may be whitespace.
        _ => (0x21..0x80).contains(&b),
    });
    if clean {
        text.to_string()
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The currency an amount is written in when it is not pounds: `$12.58`
/// is in US dollars, `€500` in euros, `500 EUR` in euros.
pub fn foreign_currency(text: &str) -> Option<&'static str> {
    const SIGNS: &[(&str, &str)] = &[
        ("US$", "US dollars"),
        ("A$", "Australian dollars"),
        ("AU$", "Australian dollars"),
        ("C$", "Canadian dollars"),
        ("CA$", "Canadian dollars"),
        ("NZ$", "New Zealand dollars"),
        ("$", "US dollars"),
        ("€", "euros"),
        ("¥", "yen"),
        ("₹", "rupees"),
        ("CHF", "Swiss francs"),
        ("USD", "US dollars"),
        ("EUR", "euros"),
        ("CAD", "Canadian dollars"),
        ("AUD", "Australian dollars"),
        ("NZD", "New Zealand dollars"),
        ("JPY", "yen"),
        ("INR", "rupees"),
    ];
    let t = text.trim().trim_start_matches('-').trim();
    SIGNS
        .iter()
        .find(|(sign, _)| {
            t.get(..sign.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(sign))
                || t.len() >= sign.len()
                    && t.get(t.len() - sign.len()..)
                        .is_some_and(|p| p.eq_ignore_ascii_case(sign))
        })
        .map(|(_, name)| *name)
}

/// True for text like `3.54909E+14`: a long number Excel wrote in
/// scientific notation.
fn is_scientific(t: &str) -> bool {
    let Some((mantissa, exponent)) = t.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && mantissa.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

/// A hardware row's record(s) and which fields the row gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRecord {
    /// The asset.
    pub fields: AssetFields,
    /// The organisation named in the row (code or name), if any.
    pub organisation: Option<String>,
    /// Fields the row gave a value for (an update changes only these).
    pub given: FieldSet,
    /// False when the tag was made up (from the serial, or generated for
    /// a quantity row): an update then keeps the register's tag.
    pub tag_given: bool,
}

/// A phone line row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRecord {
    /// The line.
    pub fields: LineFields,
    /// The organisation named in the row, if any.
    pub organisation: Option<String>,
    /// Fields the row gave a value for.
    pub given: FieldSet,
}

/// A licence row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceRecord {
    /// The entitlement.
    pub fields: LicenceFields,
    /// The organisation named in the row, if any.
    pub organisation: Option<String>,
    /// Fields the row gave a value for.
    pub given: FieldSet,
}

/// What one row became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// One or more assets (several for a quantity row without serials).
    Assets(Vec<AssetRecord>),
    /// A line.
    Line(LineRecord),
    /// A licence entitlement.
    Licence(LicenceRecord),
    /// Rejected, with every problem found.
    Rejected(Vec<Problem>),
}

/// One row's outcome: records, or every problem that rejects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// The row number as Excel shows it.
    pub row: u32,
    /// Records or rejection.
    pub parsed: Parsed,
}

/// The most assets one quantity row may stand for.
pub const MAX_QUANTITY: u32 = 10_000;

/// Reads rows of one table into records. Holds what one sheet needs
/// across rows (to number generated tags).
#[derive(Debug)]
pub struct RowReader<'a> {
    /// The table's columns.
    pub columns: &'a [Column],
    /// What the sheet holds.
    pub kind: Kind,
    /// How values are read.
    pub rules: &'a ValueRules,
    /// Class words.
    pub synonyms: &'a ClassSynonyms,
    /// Model-name rules.
    pub models: &'a ModelRules,
    critical: CriticalUses,
    generated: BTreeMap<String, u32>,
    by_field: BTreeMap<Field, usize>,
    class_words: Memo<Option<AssetClass>>,
    model_classes: Memo<Option<AssetClass>>,
    makers: Memo<Option<String>>,
    statuses: Memo<Result<AssetStatus, String>>,
    derived_sites: u64,
    derived_example: Option<(String, String)>,
    small_serials: u64,
    small_examples: Vec<String>,
}

/// How many distinct texts one [`Memo`] remembers.
const MEMO_LIMIT: usize = 4_096;

/// What a pure function of a cell's text gave, remembered for the few
/// distinct words a column holds (classes, models, statuses): worked out
/// once per word, not once per row. Bounded, so a column of texts that are
/// all different costs what it did before. Only looked up, never iterated.
#[derive(Debug)]
struct Memo<V> {
    known: std::collections::HashMap<String, V>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            known: std::collections::HashMap::new(),
        }
    }
}

impl<V: Clone> Memo<V> {
    fn get(&mut self, text: &str, work_out: impl FnOnce(&str) -> V) -> V {
        if let Some(v) = self.known.get(text) {
            return v.clone();
        }
        let v = work_out(text);
        if self.known.len() < MEMO_LIMIT {
            self.known.insert(text.to_string(), v.clone());
        }
        v
    }
}

impl<'a> RowReader<'a> {
    /// A reader for one table.
    pub fn new(
        columns: &'a [Column],
        kind: Kind,
        rules: &'a ValueRules,
        synonyms: &'a ClassSynonyms,
        models: &'a ModelRules,
    ) -> Self {
        RowReader {
            columns,
            kind,
            rules,
            synonyms,
            models,
            critical: CriticalUses::builtin(),
            generated: BTreeMap::new(),
            by_field: columns
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.field.map(|f| (f, i)))
                .collect(),
            class_words: Memo::default(),
            model_classes: Memo::default(),
            makers: Memo::default(),
            statuses: Memo::default(),
            derived_sites: 0,
            derived_example: None,
            small_serials: 0,
            small_examples: Vec::new(),
        }
    }

    /// How many records have a serial that is a small whole number (`1`,
    /// `40`: a row number or a count, not a maker's serial), with the
    /// first few.
    pub fn small_serials(&self) -> (u64, &[String]) {
        (self.small_serials, &self.small_examples)
    }

    /// How many records took their site from the part of a cell before a
    /// comma, and the first such cell with its site.
    pub fn derived_sites(&self) -> (u64, Option<&(String, String)>) {
        (self.derived_sites, self.derived_example.as_ref())
    }

    /// Reads one row. Never fails: a bad row comes back as `Rejected`.
    pub fn read(&mut self, row: &Row) -> RowOutcome {
        // Lent to the row's cells while the memos in `self` are written.
        let by_field = std::mem::take(&mut self.by_field);
        let mut cells = Cells::new(row, self.columns, &by_field, self.rules);
        let parsed = match self.kind {
            Kind::Hardware => self.asset(&mut cells),
            Kind::Lines => line(&mut cells, &self.critical),
            Kind::Licences => licence(&mut cells),
        };
        let parsed = if cells.problems.is_empty() {
            if let Some(d) = cells.site_derived.take() {
                self.derived_sites += 1;
                self.derived_example.get_or_insert(d);
            }
            if let Parsed::Assets(assets) = &parsed {
                for serial in assets.iter().filter_map(|a| a.fields.serial.as_deref()) {
                    if serial.len() <= 4 && serial.bytes().all(|b| b.is_ascii_digit()) {
                        self.small_serials += 1;
                        if self.small_examples.len() < 3 {
                            self.small_examples.push(serial.to_string());
                        }
                    }
                }
            }
            parsed
        } else {
            Parsed::Rejected(std::mem::take(&mut cells.problems))
        };
        self.by_field = by_field;
        RowOutcome {
            row: row.number,
            parsed,
        }
    }

    /// The class a model's text names, remembered per text.
    fn model_class(&mut self, model_text: &str) -> Option<AssetClass> {
        let models = self.models;
        self.model_classes.get(model_text, |t| models.class_of(t))
    }

    /// The row's class. An explicit class word decides it and is never
    /// overridden: a word estate does not know rejects the row, naming the
    /// command that teaches it, unless the profile says the column is a
    /// free-form category ([`ValueRules::class_fallback`]), when the model
    /// tells the class instead. The model tells it for rows with no word.
    /// A word that is not the class's own name is kept in notes.
    fn class(
        &mut self,
        cells: &mut Cells<'_>,
        model_text: &str,
        model: Option<&str>,
    ) -> Option<AssetClass> {
        if let Some(v) = cells.cell(Field::Class) {
            let word = collapse_whitespace(&v.display());
            let (synonyms, models) = (self.synonyms, self.models);
            let named = self
                .class_words
                .get(&word, |w| synonyms.lookup(w).or_else(|| models.class_of(w)));
            let class = match named {
                Some(c) => Some(c),
                None if cells.rules.class_fallback => self.model_class(model_text),
                None => None,
            };
            let Some(class) = class else {
                let teach = teach_class_command(&word);
                let reason = if let (true, Some(model)) = (cells.rules.class_fallback, model) {
                    format!(
                        "is not a class estate knows, and neither is the model `{model}`; teach \
                         the word with `{teach}` (or the class it is: {})",
                        class_names()
                    )
                } else {
                    format!(
                        "is not a class estate knows; teach it with `{teach}` (or the class it \
                         is: {})",
                        class_names()
                    )
                };
                cells.reject(Field::Class, v, reason);
                return None;
            };
            if normalise_heading(&word) != normalise_heading(class.as_str()) {
                cells.class_word = Some(format!("{}: {word}", cells.heading(Field::Class)));
            }
            return Some(class);
        }
        if let Some(c) = self.model_class(model_text) {
            return Some(c);
        }
        if model_text.trim().is_empty() {
            cells.missing(
                Field::Class,
                "no class and no model to tell it from; add a Type column or use --map",
            );
        } else {
            let column = if cells.has_column(Field::Model) {
                Field::Model
            } else {
                Field::Class
            };
            let model = model_text.trim();
            cells.problems.push(Problem {
                column: cells.heading(column),
                value: model.to_string(),
                reason: format!(
                    "cannot tell the class from this model; add a Type column, or teach the \
                     model's name with `{}` (the class it is: {})",
                    crate::vocabulary::teach_command(
                        crate::vocabulary::WordKind::Model,
                        model,
                        "other"
                    ),
                    class_names()
                ),
            });
        }
        None
    }

    fn asset(&mut self, cells: &mut Cells<'_>) -> Parsed {
        let serial = cells.serial();
        let tag = cells.asset_tag();
        let manufacturer = cells.text(Field::Manufacturer);
        let model = cells.text(Field::Model);
        let model_text = format!(
            "{} {}",
            manufacturer.as_deref().unwrap_or(""),
            model.as_deref().unwrap_or("")
        );
        let class = self.class(cells, &model_text, model.as_deref());
        // Only an explicit class word is `given` (and so changes an existing
        // asset's class); one inferred from the model leaves the register's.
        let in_service = cells.date(Field::InServiceDate, true);
        let cost = cells.cost();
        let warranty_end = cells.date(Field::WarrantyEnd, false);
        let warranty_months = cells.whole(Field::WarrantyMonths, 120);
        let funding = cells.word(Field::Funding, |w| {
            Funding::from_str(w).map_err(|e| e.to_string())
        });
        let lease_end = cells.date(Field::LeaseEnd, false);
        let statuses = &mut self.statuses;
        let taught = &cells.rules.statuses;
        let status = cells.word(Field::Status, |w| {
            statuses.get(w, |w| parse_asset_status(w, taught))
        });
        let life_years = cells.whole(Field::LifeYears, 50);
        let watts = cells.decimal(Field::PowerWatts);
        let kwh = cells.decimal(Field::PowerKwh);
        let quantity = cells.whole(Field::Quantity, MAX_QUANTITY);
        let organisation = cells.text(Field::Organisation);
        let site = cells.site();
        let notes = cells.notes();
        let mut fields = AssetFields::new(String::new(), class.unwrap_or(AssetClass::Other));
        fields.serial.clone_from(&serial);
        // A maker not given is taken from the model ("OptiPlex" → Dell), but
        // not `given`, so it never overrides the register's.
        fields.manufacturer = manufacturer.or_else(|| {
            let models = self.models;
            model
                .as_deref()
                .and_then(|m| self.makers.get(m, |m| models.maker_of(m)))
        });
        fields.model = model;
        fields.site = site;
        fields.department = cells.text(Field::Department);
        fields.assigned_user = cells.text(Field::AssignedUser);
        fields.in_service_date = in_service;
        fields.purchase_cost = cost;
        fields.supplier = cells.text(Field::Supplier);
        fields.order_ref = cells.text(Field::OrderRef);
        fields.warranty_end = warranty_end.or_else(|| {
            let (start, months) = (in_service?, warranty_months?);
            cells.given.insert(Field::WarrantyEnd);
            Some(add_months(start, months))
        });
        fields.funding = funding.unwrap_or(Funding::Purchased);
        if lease_end.is_some() && funding.is_none() {
            // A lease end date says the kit is leased.
            fields.funding = Funding::Leased;
            cells.given.insert(Field::Funding);
        }
        fields.lease_end = lease_end;
        fields.status = status.unwrap_or(AssetStatus::InUse);
        fields.life_years = life_years.filter(|&y| y > 0);
        fields.power_watts = watts;
        fields.power_kwh_per_year = kwh;
        fields.notes = notes;
        fields.os = cells.text(Field::Os);
        fields.os_version = cells.text(Field::OsVersion);
        fields.cpu = cells.text(Field::Cpu);
        if fields.power_watts.is_some() && fields.power_kwh_per_year.is_some() {
            cells.missing(
                Field::PowerKwh,
                "give power as kWh a year or as watts, not both",
            );
        }
        if !cells.problems.is_empty() {
            return Parsed::Rejected(Vec::new());
        }
        let given = cells.given;
        let record = |fields: AssetFields, tag_given: bool| AssetRecord {
            fields,
            organisation: organisation.clone(),
            given,
            tag_given,
        };
        match (serial, tag) {
            (_, Some(tag)) if quantity.unwrap_or(1) <= 1 => {
                fields.asset_tag = tag;
                Parsed::Assets(vec![record(fields, true)])
            }
            (Some(serial), None) if quantity.unwrap_or(1) <= 1 => {
                fields.asset_tag = serial;
                Parsed::Assets(vec![record(fields, false)])
            }
            (Some(_), _) | (None, Some(_)) => {
                cells.missing(
                    Field::Quantity,
                    "a row with a serial number or asset tag is one asset; give quantity 1 or one row per asset",
                );
                Parsed::Rejected(Vec::new())
            }
            (None, None) => match quantity {
                Some(n) if n >= 1 => {
                    let key = generated_tag_key(&fields);
                    let start = self.generated.get(&key).copied().unwrap_or(0);
                    self.generated.insert(key.clone(), start + n);
                    Parsed::Assets(
                        (start + 1..=start + n)
                            .map(|i| {
                                let mut f = fields.clone();
                                f.asset_tag = format!("GEN-{key}-{i}");
                                record(f, true)
                            })
                            .collect(),
                    )
                }
                _ => {
                    cells.missing(
                        Field::Serial,
                        "no serial number or asset tag (a row without either needs a quantity)",
                    );
                    Parsed::Rejected(Vec::new())
                }
            },
        }
    }
}

/// The command that teaches a class word (as `other`).
fn teach_class_command(word: &str) -> String {
    crate::vocabulary::teach_command(crate::vocabulary::WordKind::Class, word, "other")
}

/// The class names, comma separated.
fn class_names() -> String {
    AssetClass::ALL
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stable key for the assets a quantity row stands for: a hash of what
/// the row says about them (not its position), so re-importing the same
/// file generates the same tags and finds them unchanged.
fn generated_tag_key(f: &AssetFields) -> String {
    let mut h = Sha256::new();
    for part in [
        f.manufacturer.as_deref(),
        f.model.as_deref(),
        f.order_ref.as_deref(),
        f.site.as_deref(),
        f.department.as_deref(),
        f.supplier.as_deref(),
    ] {
        h.update(part.unwrap_or("").as_bytes());
        h.update([0]);
    }
    h.update(
        f.in_service_date
            .map(crate::domain::iso)
            .unwrap_or_default()
            .as_bytes(),
    );
    let digest = h.finalize();
    super::hex(digest.get(..4).unwrap_or_default()).to_uppercase()
}

/// `date` plus whole months; the day is kept where it exists, otherwise
/// the month's last day.
pub fn add_months(date: Date, months: u32) -> Date {
    let total = i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let years = i32::try_from(total / 12).unwrap_or(0);
    let month = u8::try_from(total % 12 + 1).unwrap_or(1);
    let month = Month::try_from(month).unwrap_or(Month::January);
    let base = add_years(date, years);
    let year = base.year();
    (1..=date.day())
        .rev()
        .find_map(|d| Date::from_calendar_date(year, month, d).ok())
        .unwrap_or(base)
}

/// The shipped status words (`data/import/status-words.csv`).
pub const BUILTIN_STATUS_WORDS: &str = include_str!("../../data/import/status-words.csv");

/// Status words inventory tools (Snipe-IT) use, as compared, beyond the
/// names [`AssetStatus`] reads itself: `data/import/status-words.csv`,
/// read once.
pub fn status_words() -> &'static [(String, AssetStatus)] {
    static WORDS: std::sync::OnceLock<Vec<(String, AssetStatus)>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        parse_status_words(BUILTIN_STATUS_WORDS)
            .expect("invariant: the shipped data/import/status-words.csv is valid (tested)")
    })
}

/// Reads `word,status` lines (after `#` comments and a `word,status`
/// header); each word is kept as compared.
///
/// # Errors
/// A message naming the line that is wrong.
pub fn parse_status_words(text: &str) -> Result<Vec<(String, AssetStatus)>, String> {
    let mut words = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.eq_ignore_ascii_case("word,status") {
            continue;
        }
        let Some((word, status)) = line.split_once(',') else {
            return Err(format!("line {}: write it as word,status", i + 1));
        };
        let status =
            AssetStatus::from_str(status.trim()).map_err(|e| format!("line {}: {e}", i + 1))?;
        let word = normalise_heading(word);
        if word.is_empty() {
            return Err(format!("line {}: the word is empty", i + 1));
        }
        words.push((word, status));
    }
    Ok(words)
}

/// Asset statuses, with the words inventory tools (Snipe-IT) use and the
/// ones the register was taught (`taught`, as compared, tried first).
/// Snipe-IT writes a label with its type in brackets, `Ready to Deploy
/// (deployed)`: a known type decides, else the label without its brackets,
/// so `Archived` and `Archived (archived)` are the same.
fn parse_asset_status(word: &str, taught: &[(String, AssetStatus)]) -> Result<AssetStatus, String> {
    let n = normalise_heading(word);
    let (label, kind) = match word.rsplit_once('(') {
        Some((label, inner)) => (
            normalise_heading(label),
            Some(normalise_heading(inner.trim_end_matches(')'))),
        ),
        None => (n.clone(), None),
    };
    let find = |w: &str| -> Option<AssetStatus> {
        taught
            .iter()
            .find(|(t, _)| t == w)
            .map(|(_, s)| *s)
            .or_else(|| AssetStatus::from_str(w).ok())
            .or_else(|| status_words().iter().find(|(t, _)| t == w).map(|(_, s)| *s))
    };
    if let Some(s) = taught.iter().find(|(t, _)| *t == n).map(|(_, s)| *s) {
        return Ok(s);
    }
    if let Some(kind) = kind.as_deref() {
        let by_kind = match kind {
            "deployed" => Some(AssetStatus::InUse),
            "deployable" | "pending" => Some(AssetStatus::InStore),
            "undeployable" => Some(AssetStatus::Retired),
            "archived" => Some(AssetStatus::Disposed),
            _ => None,
        };
        if let Some(s) = by_kind {
            return Ok(s);
        }
    }
    find(&n).or_else(|| find(&label)).ok_or_else(|| {
        format!(
            "`{}` is not a status estate knows; use in use, in store, retired, disposed or lost, \
             or teach it with `{}`",
            word.trim(),
            crate::vocabulary::teach_command(
                crate::vocabulary::WordKind::Status,
                word.trim(),
                "in_use"
            )
        )
    })
}

/// Line types as telecoms bills name them.
fn parse_line_type(word: &str) -> Result<LineType, String> {
    if let Ok(t) = LineType::from_str(word) {
        return Ok(t);
    }
    let w = format!(" {} ", normalise_heading(word));
    let rules: &[(&str, LineType)] = &[
        (" isdn30", LineType::Isdn30),
        (" isdn 30", LineType::Isdn30),
        (" primary rate", LineType::Isdn30),
        (" isdn2", LineType::Isdn2),
        (" isdn 2", LineType::Isdn2),
        (" basic rate", LineType::Isdn2),
        (" fttp", LineType::Fttp),
        (" full fibre", LineType::Fttp),
        (" sogea", LineType::Sogea),
        (" fttc", LineType::Fttc),
        (" adsl", LineType::Adsl),
        (" sip", LineType::Sip),
        (" voip", LineType::Sip),
        (" data sim", LineType::MobileData),
        (" m2m", LineType::MobileData),
        (" analogue", LineType::Pstn),
        (" analog", LineType::Pstn),
        (" pstn", LineType::Pstn),
        (" wlr", LineType::Pstn),
        (" single line", LineType::Pstn),
        (" multiline", LineType::Pstn),
        (" business line", LineType::Pstn),
    ];
    rules
        .iter()
        .find(|(p, _)| w.contains(p))
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            format!(
                "`{}` is not a line type estate knows; use pstn, isdn2, isdn30, adsl, fttc, sogea, fttp, sip or mobile_data",
                word.trim()
            )
        })
}

/// A line's identity in one canonical form, so the same line written
/// `01604 123456`, `(01604) 123-456`, `+44 1604 123456` or (after Excel ate
/// the leading zero) `1604123456` matches itself. A broadband or ethernet
/// service with no telephone number is known by its service ID
/// (`BBEU15476776`), kept in capitals without spaces.
pub fn normalise_number(text: &str, from_number_cell: bool) -> Option<String> {
    let t = text.trim();
    if t.chars().any(char::is_alphabetic) {
        let id: String = t
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let ok = id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
            && id.chars().filter(char::is_ascii_digit).count() >= 4
            && (6..=30).contains(&id.len());
        return ok.then_some(id);
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
    {
        return None;
    }
    let mut digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if t.starts_with('+') || t.starts_with("0044") {
        let rest = digits
            .strip_prefix("0044")
            .or_else(|| digits.strip_prefix("44"))?;
        digits = format!("0{rest}");
    } else if !digits.starts_with('0') && (from_number_cell || digits.len() == 10) {
        // Excel drops the leading zero of 01604 123456 when it takes it for a number.
        digits.insert(0, '0');
    }
    (6..=15).contains(&digits.len()).then_some(digits)
}

fn line(cells: &mut Cells<'_>, critical_uses: &CriticalUses) -> Parsed {
    let number = cells.cell(Field::Number).and_then(|v| {
        let n = normalise_number(&v.display(), matches!(v, Value::Number(_) | Value::Int(_)));
        if n.is_none() {
            cells.reject(Field::Number, v, "is not a phone number");
        }
        n
    });
    let line_type_field = if cells.has_column(Field::LineType) {
        Field::LineType
    } else {
        Field::Class
    };
    let line_type = cells.word(line_type_field, parse_line_type);
    if number.is_none() && cells.problems.is_empty() {
        cells.missing(Field::Number, "no phone number");
    }
    if line_type.is_none() && !cells.given.has(line_type_field) {
        cells.missing(
            line_type_field,
            "no line type (pstn, isdn2, isdn30, fttc, sogea, sip …)",
        );
    }
    let rental = cells.cost();
    let contract_end = cells.date(Field::ContractEnd, false);
    let line_use = cells.text(Field::LineUse);
    let critical = cells.flag(Field::CriticalCare).or_else(|| {
        // No critical-care column: the line's use says (data/import/critical-line-uses.csv).
        line_use.as_deref().map(|u| critical_uses.is_critical(u))
    });
    let active = cells.word(Field::Status, |w| match normalise_heading(w).as_str() {
        "active" | "live" | "in service" | "in use" | "connected" => Ok(true),
        "ceased" | "cancelled" | "canceled" | "disconnected" | "terminated" => Ok(false),
        _ => Err(format!(
            "`{}` is not a line status; use active or ceased",
            w.trim()
        )),
    });
    let organisation = cells.text(Field::Organisation);
    let site = cells.site();
    let supplier = cells.text(Field::Supplier);
    let notes = cells.notes();
    let (Some(number), Some(line_type)) = (number, line_type) else {
        return Parsed::Rejected(Vec::new());
    };
    if !cells.problems.is_empty() {
        return Parsed::Rejected(Vec::new());
    }
    if rental.is_some() {
        cells.given.insert(Field::Cost);
    }
    Parsed::Line(LineRecord {
        fields: LineFields {
            number,
            line_type,
            supplier,
            site,
            monthly_rental: rental.unwrap_or(Money::ZERO),
            contract_end,
            critical_care: critical.unwrap_or(false),
            line_use,
            active: active.unwrap_or(true),
            notes,
        },
        organisation,
        given: cells.given,
    })
}

/// The kind of agreement a statement's words name; `Other` when they name none.
fn agreement_type_word(w: &str) -> AgreementType {
    AgreementType::from_str(w).unwrap_or_else(|_| {
        let n = normalise_heading(w);
        if n.contains("enterprise") {
            AgreementType::EnterpriseAgreement
        } else if n.contains("csp") || n.contains("cloud solution") {
            AgreementType::Csp
        } else if n.contains("perpetual") {
            AgreementType::Perpetual
        } else if n.contains("subscription") {
            AgreementType::Subscription
        } else if n.contains("maintenance") || n.contains("support") {
            AgreementType::Maintenance
        } else {
            AgreementType::Other
        }
    })
}

/// A licence metric as statements write it: `Per User`, `User`, `per device
/// per month`, `Per Core`, `Site`, `Unlimited`.
fn metric_word(w: &str) -> Option<LicenceMetric> {
    if let Ok(m) = LicenceMetric::from_str(w) {
        return Some(m);
    }
    let n = format!(" {} ", normalise_heading(w));
    if n.contains(" user") {
        Some(LicenceMetric::PerUser)
    } else if n.contains(" device") {
        Some(LicenceMetric::PerDevice)
    } else if n.contains(" core") {
        Some(LicenceMetric::PerCore)
    } else if n.contains(" site ") || n.contains(" unlimited") {
        Some(LicenceMetric::Site)
    } else {
        None
    }
}

fn licence(cells: &mut Cells<'_>) -> Parsed {
    let product = cells.text(Field::Product);
    if product.is_none() {
        cells.missing(Field::Product, "no product");
    }
    let vendor = cells
        .text(Field::Vendor)
        .or_else(|| cells.text(Field::Manufacturer));
    let agreement_number = cells.text(Field::Agreement);
    let agreement_words = cells.column(Field::AgreementType).and_then(|c| {
        cells
            .row
            .cells
            .get(c.index)
            .filter(|v| !v.is_blank())
            .map(|v| v.display().trim().to_string())
    });
    // Some statements put the metric ("Per User") in their "Licence Type"
    // column; with no metric column of its own, that is the metric.
    let metric_in_type = if cells.has_column(Field::Metric) {
        None
    } else {
        agreement_words.as_deref().and_then(metric_word)
    };
    // Without an agreement number, the agreement's name identifies it.
    let agreement = agreement_number.or(agreement_words.filter(|_| metric_in_type.is_none()));
    let agreement_type = cells
        .word(Field::AgreementType, |w| Ok(agreement_type_word(w)))
        .or_else(|| {
            // No type column: the agreement's own name may say ("Enterprise
            // Agreement", "Open Value (perpetual)").
            agreement
                .as_deref()
                .map(agreement_type_word)
                .filter(|t| *t != AgreementType::Other)
        });
    let metric = cells
        .word(Field::Metric, |w| {
            metric_word(w).ok_or_else(|| {
                "is not a licence metric; use per user, per device, per core or site".to_string()
            })
        })
        .or(metric_in_type);
    let quantity = cells.whole(Field::Quantity, 10_000_000);
    if quantity.is_none() && !cells.given.has(Field::Quantity) {
        cells.missing(Field::Quantity, "no quantity");
    }
    let unit_cost = cells.cost();
    if unit_cost.is_none() && !cells.given.has(Field::Cost) && !cells.given.has(Field::CostIncVat) {
        cells.missing(Field::Cost, "no unit price");
    }
    let cost_basis = cells.word(Field::CostBasis, |w| {
        CostBasis::from_str(w).or_else(|e| {
            let n = normalise_heading(w);
            if n.contains("month") {
                Ok(CostBasis::Monthly)
            } else if n.contains("annual") || n.contains("year") {
                Ok(CostBasis::Annual)
            } else if n.contains("one off") || n.contains("upfront") || n.contains("perpetual") {
                Ok(CostBasis::OneOff)
            } else {
                Err(e.to_string())
            }
        })
    });
    let start_date = cells
        .date(Field::StartDate, false)
        .or_else(|| cells.date(Field::InServiceDate, false));
    let end_date = cells.date(Field::EndDate, false);
    let budget = cells.word(Field::Budget, |w| {
        BudgetType::from_str(w).map_err(|e| e.to_string())
    });
    let covers_classes = cells.text(Field::CoversClasses);
    let category = cells
        .text(Field::Category)
        .or_else(|| cells.text(Field::Class));
    let organisation = cells.text(Field::Organisation);
    let notes = cells.notes();
    if let Err(e) = crate::domain::rules::dates_in_order(start_date, end_date) {
        cells.missing(Field::EndDate, e.to_string());
    }
    let (Some(product), Some(quantity), Some(unit_cost)) = (product, quantity, unit_cost) else {
        return Parsed::Rejected(Vec::new());
    };
    if !cells.problems.is_empty() {
        return Parsed::Rejected(Vec::new());
    }
    Parsed::Licence(LicenceRecord {
        fields: LicenceFields {
            product,
            vendor,
            agreement: agreement.unwrap_or_default(),
            agreement_type: agreement_type.unwrap_or(AgreementType::Other),
            metric: metric.unwrap_or(LicenceMetric::PerUser),
            quantity,
            unit_cost,
            cost_basis: cost_basis.unwrap_or(CostBasis::Annual),
            start_date,
            end_date,
            budget: budget.unwrap_or(BudgetType::Revenue),
            covers_classes,
            category,
            notes,
        },
        organisation,
        given: cells.given,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rules() -> ValueRules {
        ValueRules::new(
            Rate::from_percent(Decimal::from(20)),
            date!(2026 - 11 - 28),
            false,
        )
    }

    fn text_row(number: u32, cells: &[&str]) -> Row {
        Row::of_texts(number, cells)
    }

    fn columns(headings: &[&str]) -> (Vec<Column>, Option<Kind>) {
        let h: Vec<String> = headings.iter().map(|s| (*s).to_string()).collect();
        map_columns(&h, &Dictionary::builtin(), None, &[], None)
    }

    fn read(headings: &[&str], kind: Option<Kind>, row: &[&str]) -> RowOutcome {
        let (cols, detected) = columns(headings);
        let rules = rules();
        let syn = ClassSynonyms::builtin();
        let models = ModelRules::builtin();
        let mut reader = RowReader::new(&cols, kind.or(detected).unwrap(), &rules, &syn, &models);
        reader.read(&text_row(14, row))
    }

    fn reasons(o: &RowOutcome) -> Vec<String> {
        match &o.parsed {
            Parsed::Rejected(p) => p
                .iter()
                .map(|p| format!("{}|{}|{}", p.column, p.value, p.reason))
                .collect(),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    fn one_asset(o: &RowOutcome) -> &AssetRecord {
        match &o.parsed {
            Parsed::Assets(a) if a.len() == 1 => &a[0],
            other => panic!("expected one asset, got {other:?}"),
        }
    }

    proptest::proptest! {
        #[test]
        fn whitespace_collapses_as_splitting_and_joining_does(text in "[ a-b\\t\\n\\x0b\\u{a0}\\u{85}é]{0,10}") {
            proptest::prop_assert_eq!(
                collapse_whitespace(&text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }

        /// Whatever a cell holds, reading a row returns records or problems;
        /// it never panics.
        #[test]
        fn any_cells_give_records_or_problems(
            texts in proptest::collection::vec(".{0,12}", 12),
            numbers in proptest::collection::vec(proptest::num::f64::ANY, 4),
        ) {
            let headings = ["Serial", "Asset Tag", "Type", "Model", "Purchase Date", "Cost",
                "Price inc VAT", "Qty", "Warranty", "Lease End", "Status", "Watts"];
            let rules = rules();
            let syn = ClassSynonyms::builtin();
            let models = ModelRules::builtin();
            for kind in Kind::ALL {
                let (cols, _) = columns(&headings);
                let mut reader = RowReader::new(&cols, kind, &rules, &syn, &models);
                let mut cells: Vec<Value> = texts.iter().cloned().map(Value::Text).collect();
                for (i, n) in numbers.iter().enumerate() {
                    cells[i * 3] = Value::Number(*n);
                    cells[i * 3 + 1] = Value::DateSerial { serial: *n, is_1904: i % 2 == 0 };
                }
                let _ = reader.read(&Row { number: 2, cells });
            }
            for t in &texts {
                let _ = parse_date_text(t, false, false);
                let _ = normalise_number(t, false);
                let _ = parse_line_type(t);
            }
        }
    }

    #[test]
    fn the_shipped_files_parse() {
        let dict = Dictionary::builtin();
        assert!(dict.headings.len() > 150);
        ModelRules::builtin();
        for p in crate::import::profiles::builtin_profiles() {
            assert!(p.kind.is_some(), "{}", p.name);
        }
    }

    #[test]
    fn supplier_headings_map_to_fields() {
        let dict = Dictionary::builtin();
        let cases = [
            ("Serial No", Field::Serial),
            ("Serial Number", Field::Serial),
            ("S/N", Field::Serial),
            ("Service Tag", Field::Serial),
            ("Asset No.", Field::AssetTag),
            ("Asset Tag", Field::AssetTag),
            ("Asset ID", Field::AssetTag),
            ("Inventory number", Field::AssetTag),
            ("Purchase Date", Field::InServiceDate),
            ("Invoice Date", Field::InServiceDate),
            ("Ship Date", Field::InServiceDate),
            ("Date Purchased", Field::InServiceDate),
            ("Delivered", Field::InServiceDate),
            ("Unit Price", Field::Cost),
            ("Cost", Field::Cost),
            ("Price (ex VAT)", Field::Cost),
            ("Net", Field::Cost),
            ("Unit Price inc VAT", Field::CostIncVat),
            ("Cost (incl. VAT)", Field::CostIncVat),
            ("Product Description", Field::Model),
            ("Model", Field::Model),
            ("Type", Field::Class),
            ("Category", Field::Class),
            ("Device Type", Field::Class),
            ("CLI", Field::Number),
            ("Telephone Number", Field::Number),
            ("Line Number", Field::Number),
            ("Product", Field::Product),
            ("Licence", Field::Product),
            ("SKU description", Field::Product),
            ("Qty", Field::Quantity),
            ("Quantity", Field::Quantity),
            ("Licences", Field::Quantity),
        ];
        for (heading, field) in cases {
            assert_eq!(dict.lookup(heading), Some(field), "{heading}");
        }
        assert_eq!(dict.lookup("Unit Weight"), None);
    }

    #[test]
    fn the_kind_is_told_from_the_columns() {
        assert_eq!(
            columns(&["Serial Number", "Model", "Cost"]).1,
            Some(Kind::Hardware)
        );
        assert_eq!(
            columns(&["CLI", "Service Type", "Rental"]).1,
            Some(Kind::Lines)
        );
        assert_eq!(
            columns(&["Product", "Quantity", "Unit Price", "Agreement"]).1,
            Some(Kind::Licences)
        );
        assert_eq!(columns(&["label", "value"]).1, None);
        let (cols, _) = columns(&["Serial Number", "Serial No", "Weight", "CLI"]);
        let sources: Vec<Source> = cols.iter().map(|c| c.source).collect();
        assert_eq!(
            sources,
            [
                Source::Dictionary,
                Source::Duplicate,
                Source::Unknown,
                Source::NotForKind
            ]
        );
    }

    #[test]
    fn map_overrides_win() {
        let h = vec!["Widget".to_string(), "Serial".to_string()];
        let (cols, kind) = map_columns(
            &h,
            &Dictionary::builtin(),
            None,
            &[("widget".into(), Field::AssetTag)],
            None,
        );
        assert_eq!(cols[0].field, Some(Field::AssetTag));
        assert_eq!(cols[0].source, Source::Map);
        assert_eq!(kind, Some(Kind::Hardware));
    }

    #[test]
    fn excel_serials_in_both_date_systems() {
        assert_eq!(
            date_from_serial(45382.0, false),
            Some(date!(2024 - 03 - 31))
        );
        assert_eq!(
            date_from_serial(45382.75, false),
            Some(date!(2024 - 03 - 31))
        );
        assert_eq!(
            date_from_serial(45351.0, false),
            Some(date!(2024 - 02 - 29))
        );
        assert_eq!(
            date_from_serial(44197.0, false),
            Some(date!(2021 - 01 - 01))
        );
        assert_eq!(date_from_serial(42735.0, true), Some(date!(2021 - 01 - 01)));
        assert_eq!(date_from_serial(1.0, false), Some(date!(1900 - 01 - 01)));
        assert_eq!(date_from_serial(59.0, false), Some(date!(1900 - 02 - 28)));
        assert_eq!(date_from_serial(60.0, false), None, "1900-02-29 never was");
        assert_eq!(date_from_serial(61.0, false), Some(date!(1900 - 03 - 01)));
        assert_eq!(date_from_serial(0.0, true), None);
        assert_eq!(date_from_serial(f64::NAN, false), None);
        assert_eq!(date_from_serial(1e300, false), None);
    }

    #[test]
    fn dates_written_as_text() {
        let cases = [
            ("2024-03-31", date!(2024 - 03 - 31)),
            ("2024-03-31 00:00:00", date!(2024 - 03 - 31)),
            ("2024-03-31T10:10:10", date!(2024 - 03 - 31)),
            ("31/03/2024", date!(2024 - 03 - 31)),
            ("3/4/2024", date!(2024 - 04 - 03)),
            ("31-Mar-24", date!(2024 - 03 - 31)),
            ("31 March 2024", date!(2024 - 03 - 31)),
            ("31.03.2024", date!(2024 - 03 - 31)),
            ("29/02/2024", date!(2024 - 02 - 29)),
            ("45382", date!(2024 - 03 - 31)),
            ("01-Jan-99", date!(1999 - 01 - 01)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date_text(text, false, false), Some(want), "{text}");
        }
        assert_eq!(
            parse_date_text("03/04/2024", true, false),
            Some(date!(2024 - 03 - 04))
        );
        for bad in [
            "29/02/2023",
            "31/04/2024",
            "2024-13-01",
            "yesterday",
            "31/03",
            "1/2/3/4",
        ] {
            assert_eq!(parse_date_text(bad, false, false), None, "{bad}");
        }
    }

    #[test]
    fn money_forms_and_their_rejections() {
        let h = ["Serial", "Model", "Unit Price"];
        let ok = [
            ("£1,234.56", 123_456),
            ("1234.5", 123_450),
            ("GBP 1,234", 123_400),
            ("612.34 GBP", 61_234),
        ];
        for (text, pence) in ok {
            let o = read(&h, None, &["S1", "OptiPlex 7010", text]);
            assert_eq!(
                one_asset(&o).fields.purchase_cost,
                Some(Money::from_pence(pence)),
                "{text}"
            );
        }
        let o = read(&h, None, &["S1", "OptiPlex 7010", "(120.00)"]);
        assert_eq!(
            reasons(&o),
            ["Unit Price|(120.00)|is a negative amount (in brackets); a cost cannot be negative"]
        );
        let o = read(&h, None, &["S1", "OptiPlex 7010", "-5"]);
        assert_eq!(
            reasons(&o),
            ["Unit Price|-5|is negative; a cost cannot be negative"]
        );
        let o = read(&h, None, &["S1", "OptiPlex 7010", "12,34.5"]);
        assert_eq!(
            reasons(&o),
            ["Unit Price|12,34.5|has misplaced thousands separators (write it like 1,234,567.89)"]
        );
    }

    #[test]
    fn float_money_is_converted_to_exact_pence() {
        let (cols, kind) = columns(&["Serial", "Model", "Unit Price", "Purchase Date"]);
        let rules = rules();
        let syn = ClassSynonyms::builtin();
        let models = ModelRules::builtin();
        let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
        let row = Row {
            number: 2,
            cells: vec![
                Value::Number(1_234_567.0),
                Value::Text("Latitude 5440".into()),
                Value::Number(612.34),
                Value::DateSerial {
                    serial: 45382.0,
                    is_1904: false,
                },
            ],
        };
        let o = r.read(&row);
        let a = one_asset(&o);
        assert_eq!(a.fields.serial.as_deref(), Some("1234567"));
        assert_eq!(a.fields.asset_tag, "1234567");
        assert!(!a.tag_given);
        assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(61_234)));
        assert_eq!(a.fields.class, AssetClass::Laptop);
        assert_eq!(a.fields.in_service_date, Some(date!(2024 - 03 - 31)));
    }

    #[test]
    fn inc_vat_is_converted_to_net_at_the_rate() {
        let o = read(
            &["Serial", "Model", "Price inc VAT"],
            None,
            &["S1", "OptiPlex", "£734.81"],
        );
        // 734.81 / 1.2 = 612.3416… → £612.34
        assert_eq!(
            one_asset(&o).fields.purchase_cost,
            Some(Money::from_pence(61_234))
        );
    }

    #[test]
    fn classes_come_from_words_then_model_names() {
        let cases = [
            ("Notebook", "", AssetClass::Laptop),
            ("", "OptiPlex 7010", AssetClass::Desktop),
            ("", "Latitude 5440", AssetClass::Laptop),
            ("", "ThinkPad T14", AssetClass::Laptop),
            ("", "HP EliteBook 840 G10", AssetClass::Laptop),
            ("", "PowerEdge R750", AssetClass::Server),
            ("", "ProLiant DL380 Gen10", AssetClass::Server),
            ("", "imageRUNNER ADVANCE C5535i", AssetClass::Mfd),
            ("", "bizhub C300i", AssetClass::Mfd),
            ("", "WorkCentre 6515", AssetClass::Mfd),
            ("", "iPhone 13", AssetClass::Mobile),
            ("", "Galaxy A54", AssetClass::Mobile),
            ("", "Galaxy Tab S9", AssetClass::Tablet),
        ];
        for (class, model, want) in cases {
            let o = read(&["Serial", "Type", "Model"], None, &["S1", class, model]);
            assert_eq!(one_asset(&o).fields.class, want, "{class} {model}");
        }
        let o = read(
            &["Serial", "Type", "Model"],
            None,
            &["S1", "Widget", "Frobnicator 9"],
        );
        assert_eq!(
            reasons(&o),
            [
                "Type|Widget|is not a class estate knows; teach it with `estate vocabulary add \
                 class Widget other` (or the class it is: server, storage, network, desktop, \
                 laptop, thin_client, monitor, tablet, mobile, mfd, printer, other)"
            ]
        );
        let o = read(&["Serial", "Model"], None, &["S1", "Frobnicator 9"]);
        assert_eq!(reasons(&o).len(), 1);
        assert!(reasons(&o)[0].starts_with("Model|Frobnicator 9|cannot tell the class"));
    }

    #[test]
    fn bad_rows_name_every_problem() {
        let h = ["Serial", "Model", "Purchase Date", "Cost"];
        let o = read(&h, None, &["S1", "OptiPlex", "31/03/2099", "abc"]);
        assert_eq!(
            reasons(&o),
            [
                "Purchase Date|31/03/2099|2099-03-31 is in the future",
                "Cost|abc|is not an amount of money (write it like 1234.56 or £1,234.56)"
            ]
        );
        let o = read(&h, None, &["S1", "OptiPlex", "01/01/1975", ""]);
        assert_eq!(
            reasons(&o),
            ["Purchase Date|01/01/1975|1975-01-01 is before 1980"]
        );
        let o = read(&h, None, &["", "OptiPlex", "", ""]);
        assert_eq!(
            reasons(&o),
            ["Serial||no serial number or asset tag (a row without either needs a quantity)"]
        );
    }

    #[test]
    fn formula_error_cells_reject_the_row_naming_the_error() {
        let (cols, kind) = columns(&["Serial", "Model", "Cost"]);
        let rules = rules();
        let syn = ClassSynonyms::builtin();
        let models = ModelRules::builtin();
        let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
        let o = r.read(&Row {
            number: 9,
            cells: vec![
                Value::Text("S9".into()),
                Value::Text("OptiPlex".into()),
                Value::Error("#N/A".into()),
            ],
        });
        assert_eq!(
            reasons(&o),
            [
                "Cost|#N/A|is a formula error, so the value is unknown; fix the formula in the spreadsheet or clear the cell"
            ]
        );
    }

    #[test]
    fn unknown_columns_go_to_notes() {
        let o = read(
            &["Serial", "Model", "Colour", "Weight"],
            None,
            &["S1", "OptiPlex", "Black", " 5 kg "],
        );
        assert_eq!(
            one_asset(&o).fields.notes.as_deref(),
            Some("Colour: Black; Weight: 5 kg")
        );
    }

    #[test]
    fn quantity_rows_without_serials_make_numbered_assets() {
        let (cols, kind) = columns(&["Model", "Qty", "Order Number"]);
        let rules = rules();
        let syn = ClassSynonyms::builtin();
        let models = ModelRules::builtin();
        let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
        let row = text_row(5, &["OptiPlex 7010", "3", "PO-1"]);
        let Parsed::Assets(first) = r.read(&row).parsed else {
            panic!()
        };
        let Parsed::Assets(second) = r.read(&row).parsed else {
            panic!()
        };
        let tags: Vec<&str> = first
            .iter()
            .chain(&second)
            .map(|a| a.fields.asset_tag.as_str())
            .collect();
        assert_eq!(tags.len(), 6);
        let key = &tags[0][4..12];
        assert_eq!(tags[0], format!("GEN-{key}-1"));
        assert_eq!(tags[5], format!("GEN-{key}-6"));
        // The same row read afresh (a re-import) gives the same tags.
        let mut again = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
        let Parsed::Assets(third) = again.read(&row).parsed else {
            panic!()
        };
        assert_eq!(third[0].fields.asset_tag, tags[0]);
        let o = read(&["Serial", "Model", "Qty"], None, &["S1", "OptiPlex", "2"]);
        assert!(reasons(&o)[0].contains("is one asset"));
    }

    #[test]
    fn lines_and_licences_are_read() {
        let o = read(
            &["CLI", "Service Type", "Rental", "Critical", "Contract End"],
            None,
            &[
                "01604 123456",
                "Analogue Line",
                "£20.00",
                "Yes",
                "31/01/2027",
            ],
        );
        let Parsed::Line(l) = &o.parsed else {
            panic!("{o:?}")
        };
        assert_eq!(l.fields.number, "01604123456");
        assert_eq!(l.fields.line_type, LineType::Pstn);
        assert_eq!(l.fields.monthly_rental, Money::from_pence(2_000));
        assert!(l.fields.critical_care);
        assert_eq!(l.fields.contract_end, Some(date!(2027 - 01 - 31)));
        let o = read(
            &[
                "Product",
                "Quantity",
                "Unit Price",
                "Metric",
                "Billing Frequency",
                "Agreement Number",
                "Agreement",
            ],
            None,
            &[
                "Microsoft 365 E3",
                "600",
                "£20.40",
                "Per User",
                "per user per month",
                "EA 1234",
                "Enterprise Agreement",
            ],
        );
        let Parsed::Licence(l) = &o.parsed else {
            panic!("{o:?}")
        };
        assert_eq!(l.fields.quantity, 600);
        assert_eq!(l.fields.unit_cost, Money::from_pence(2_040));
        assert_eq!(l.fields.metric, LicenceMetric::PerUser);
        assert_eq!(l.fields.cost_basis, CostBasis::Monthly);
        assert_eq!(l.fields.agreement, "EA 1234");
        assert_eq!(l.fields.agreement_type, AgreementType::EnterpriseAgreement);
        let o = read(
            &["Product", "Qty", "Unit Price", "Agreement", "End Date"],
            None,
            &["Visio", "5", "100", "Open Value (perpetual)", "Perpetual"],
        );
        let Parsed::Licence(l) = &o.parsed else {
            panic!("{o:?}")
        };
        assert_eq!(
            l.fields.agreement, "Open Value (perpetual)",
            "no number: the name identifies it"
        );
        assert_eq!(l.fields.agreement_type, AgreementType::Perpetual);
        assert_eq!(
            l.fields.end_date, None,
            "`Perpetual` in a date column means no end date"
        );
    }

    #[test]
    fn serials_are_capitalised_and_scientific_notation_is_refused() {
        let o = read(
            &["IMEI", "Handset"],
            None,
            &["3.54909E+14", "Samsung Galaxy A35 5G"],
        );
        assert!(
            reasons(&o)[0].starts_with("IMEI|3.54909E+14|was saved in scientific notation"),
            "{:?}",
            reasons(&o)
        );
        let o = read(
            &["Serial", "Handset"],
            None,
            &[" pf7jc7w3 ", "Samsung Galaxy A35 5G"],
        );
        let a = one_asset(&o);
        assert_eq!(a.fields.serial.as_deref(), Some("PF7JC7W3"));
        assert_eq!(a.fields.manufacturer.as_deref(), Some("Samsung"));
        assert_eq!(a.fields.class, AssetClass::Mobile);
    }

    #[test]
    fn makers_sites_and_statuses_are_read_as_people_mean_them() {
        let rules = ModelRules::builtin();
        assert_eq!(
            rules.maker_of("OptiPlex 7010 Micro").as_deref(),
            Some("Dell")
        );
        assert_eq!(rules.maker_of("HP E24 G5").as_deref(), Some("HP"));
        assert_eq!(
            rules.maker_of("Dell 24 Monitor - P2419H").as_deref(),
            Some("Dell")
        );
        assert_eq!(
            rules.class_of("Dell 24 Monitor - P2419H"),
            Some(AssetClass::Monitor)
        );
        assert_eq!(rules.maker_of("Frobnicator"), None);
        let o = read(
            &["Serial", "Model", "Location", "Status"],
            None,
            &[
                "S1",
                "ProLiant DL380 Gen9",
                "Shared Data Centre, Rack A09",
                "Archived (archived)",
            ],
        );
        let a = one_asset(&o);
        assert_eq!(a.fields.site.as_deref(), Some("Shared Data Centre"));
        assert_eq!(a.fields.status, AssetStatus::Disposed);
        assert_eq!(a.fields.manufacturer.as_deref(), Some("HPE"));
        for (word, status) in [
            ("Archived", AssetStatus::Disposed),
            ("Archived (archived)", AssetStatus::Disposed),
            ("Undeployable", AssetStatus::Retired),
            ("Broken (undeployable)", AssetStatus::Retired),
            ("Repair", AssetStatus::InUse),
            ("Pending Diagnostics", AssetStatus::InUse),
            ("Pending Diagnostics (pending)", AssetStatus::InStore),
            ("Ready to Deploy (deployed)", AssetStatus::InUse),
            ("Ready to Deploy (deployable)", AssetStatus::InStore),
            ("Lost/Stolen", AssetStatus::Lost),
        ] {
            assert_eq!(parse_asset_status(word, &[]), Ok(status), "{word}");
        }
    }

    #[test]
    fn a_lines_use_says_whether_it_is_critical_care() {
        let uses = CriticalUses::builtin();
        for u in [
            "Telecare",
            "Lift line",
            "Fire alarm",
            "Intruder alarm",
            "Sheltered scheme warden call",
        ] {
            assert!(uses.is_critical(u), "{u}");
        }
        for u in ["Voice", "Broadband", "Fax", "Data"] {
            assert!(!uses.is_critical(u), "{u}");
        }
    }

    #[test]
    fn phone_numbers_are_normalised() {
        assert_eq!(
            normalise_number("01604 123456", false).as_deref(),
            Some("01604123456")
        );
        assert_eq!(
            normalise_number("+44 1604 123456", false).as_deref(),
            Some("01604123456")
        );
        assert_eq!(
            normalise_number("1604123456", true).as_deref(),
            Some("01604123456")
        );
        assert_eq!(
            normalise_number("1604123456", false).as_deref(),
            Some("01604123456")
        );
        assert_eq!(
            normalise_number("BBEU 1547 6776", false).as_deref(),
            Some("BBEU15476776")
        );
        assert_eq!(normalise_number("call me", false), None);
        assert_eq!(normalise_number("123", false), None);
    }

    #[test]
    fn months_are_added_keeping_the_day_where_it_exists() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2024 - 03 - 31), 36), date!(2027 - 03 - 31));
        assert_eq!(add_months(date!(2024 - 11 - 15), 3), date!(2025 - 02 - 15));
    }

    #[test]
    fn an_explicit_class_word_is_never_overridden_by_the_model() {
        // A word estate does not know beside a model it does: rejected,
        // naming the word and the command that teaches it.
        let o = read(
            &["Serial", "Type", "Model"],
            None,
            &["S1", "Docking Station", "Latitude 5520"],
        );
        let r = reasons(&o);
        assert_eq!(r.len(), 1);
        assert!(
            r[0].starts_with(
                "Type|Docking Station|is not a class estate knows; teach it with `estate \
                 vocabulary add class \"Docking Station\" other`"
            ),
            "{r:?}"
        );
        // Taught, the word decides, and is kept in notes.
        let (cols, kind) = columns(&["Serial", "Type", "Model"]);
        let rules = rules();
        let mut syn = ClassSynonyms::builtin();
        syn.insert("Docking Station", AssetClass::Other);
        let models = ModelRules::builtin();
        let mut reader = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
        let o = reader.read(&text_row(3, &["S1", "Docking Station", "Latitude 5520"]));
        let a = one_asset(&o);
        assert_eq!(a.fields.class, AssetClass::Other);
        assert_eq!(a.fields.notes.as_deref(), Some("Type: Docking Station"));
        // A profile that says its categories are free-form: the model tells
        // the class, the word is kept; neither known rejects.
        let mut free = rules.clone();
        free.class_fallback = true;
        let syn = ClassSynonyms::builtin();
        let mut reader = RowReader::new(&cols, kind.unwrap(), &free, &syn, &models);
        let o = reader.read(&text_row(
            4,
            &["S2", "Ornamental Railings", "Macbook Pro 13"],
        ));
        let a = one_asset(&o);
        assert_eq!(a.fields.class, AssetClass::Laptop);
        assert_eq!(a.fields.notes.as_deref(), Some("Type: Ornamental Railings"));
        let o = reader.read(&text_row(5, &["S3", "Fire Protection", "Robby"]));
        assert_eq!(
            reasons(&o),
            [
                "Type|Fire Protection|is not a class estate knows, and neither is the model \
              `Robby`; teach the word with `estate vocabulary add class \"Fire Protection\" \
              other` (or the class it is: server, storage, network, desktop, laptop, \
              thin_client, monitor, tablet, mobile, mfd, printer, other)"
            ]
        );
    }

    #[test]
    fn text_is_never_cut_but_an_address_names_its_site() {
        let o = read(
            &["Serial", "Model", "Location"],
            None,
            &["S1", "OptiPlex 7010", "Wilkinson, Waters and Kerluke"],
        );
        let a = one_asset(&o);
        assert_eq!(
            a.fields.site.as_deref(),
            Some("Wilkinson, Waters and Kerluke")
        );
        assert_eq!(a.fields.notes, None);
        let o = read(
            &["Serial", "Model", "Site Address"],
            None,
            &[
                "S1",
                "OptiPlex 7010",
                "Avonmere House, Castle Street, Avonmere AV1 2AB",
            ],
        );
        let a = one_asset(&o);
        assert_eq!(a.fields.site.as_deref(), Some("Avonmere House"));

        assert_eq!(
            a.fields.notes.as_deref(),
            Some("Site Address: Avonmere House, Castle Street, Avonmere AV1 2AB")
        );
        let o = read(
            &["Serial", "Model", "Location"],
            None,
            &["S1", "PowerEdge R650", "Shared Data Centre, Rack B04"],
        );
        let a = one_asset(&o);
        assert_eq!(a.fields.site.as_deref(), Some("Shared Data Centre"));
        assert_eq!(
            a.fields.notes.as_deref(),
            Some("Location: Shared Data Centre, Rack B04")
        );
    }

    #[test]
    fn date_readings_say_which_order_a_value_allows() {
        for (text, want) in [
            ("1/23/23", Reading::MonthFirstOnly),
            ("11/14/22", Reading::MonthFirstOnly),
            ("23/1/23", Reading::DayFirstOnly),
            ("31-03-2024", Reading::DayFirstOnly),
            ("10/1/22", Reading::Either),
            ("4/11/23", Reading::Either),
            ("2024-03-31", Reading::Neither),
            ("31-Mar-24", Reading::Neither),
            ("13/13/23", Reading::Neither),
            ("0/1/23", Reading::Neither),
            ("45382", Reading::Neither),
        ] {
            assert_eq!(date_reading(text), want, "{text}");
        }
    }

    fn decided(values: &[&str], forced: Option<(DateOrder, &str)>) -> Vec<DateColumn> {
        let (cols, _) = columns(&["Serial", "Model", "Purchase Date"]);
        let mut e = DateEvidence::new(&cols);
        for (i, v) in values.iter().enumerate() {
            e.observe(&text_row(u32::try_from(i).unwrap() + 2, &["S", "M", v]));
        }
        e.decide(forced)
    }

    #[test]
    fn a_date_columns_order_is_decided_from_the_whole_column() {
        let d = decided(&["10/1/22", "1/23/23", "4/11/23"], None);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].order, DateOrder::MonthFirst);
        assert_eq!(
            d[0].describe(),
            "dates in `Purchase Date` read month-first (`1/23/23` on row 3 can only be month-first)"
        );
        let d = decided(&["10/1/22", "4/11/23"], None);
        assert_eq!(d[0].order, DateOrder::DayFirst);
        assert_eq!(
            d[0].describe(),
            "dates in `Purchase Date` read day-first; none was unambiguous — `--us-dates` if they are US"
        );
        let d = decided(&["23/1/23", "10/1/22"], None);
        assert_eq!(d[0].order, DateOrder::DayFirst);
        let d = decided(&["1/23/23"], Some((DateOrder::DayFirst, "--uk-dates")));
        assert_eq!((d[0].order, d[0].contradicting), (DateOrder::DayFirst, 1));
        assert!(decided(&["2024-03-31"], None).is_empty());

        // Read with the decided order: the ambiguous value month-first, a
        // value that contradicts the order rejected naming both.
        let (cols, kind) = columns(&["Serial", "Model", "Purchase Date"]);
        let mut rules = rules();
        rules.dates = decided(&["1/23/23", "10/1/22", "23/1/23"], None);
        let syn = ClassSynonyms::builtin();
        let models = ModelRules::builtin();
        let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
        let o = r.read(&text_row(3, &["S1", "OptiPlex 7010", "10/1/22"]));
        assert_eq!(
            one_asset(&o).fields.in_service_date,
            Some(date!(2022 - 10 - 01))
        );
        let o = r.read(&text_row(4, &["S2", "OptiPlex 7010", "23/1/23"]));
        assert_eq!(
            reasons(&o),
            [
                "Purchase Date|23/1/23|can only be read day-first, but this column's dates are \
              month-first (settled by `1/23/23` on row 2); check both, or say the order with \
              --us-dates or --uk-dates"
            ]
        );
    }

    #[test]
    fn taught_statuses_and_placeholders_are_used() {
        let taught = vec![("repair".to_string(), AssetStatus::InStore)];
        assert_eq!(
            parse_asset_status("Repair", &taught),
            Ok(AssetStatus::InStore)
        );
        let err = parse_asset_status("Quarantined", &[]).unwrap_err();
        assert!(
            err.ends_with("teach it with `estate vocabulary add status Quarantined in_use`"),
            "{err}"
        );
        let (cols, kind) = columns(&["Serial", "Asset Tag", "Model"]);
        let mut rules = rules();
        rules.placeholders = vec!["no tag".into()];
        let syn = ClassSynonyms::builtin();
        let models = ModelRules::builtin();
        let mut r = RowReader::new(&cols, kind.unwrap(), &rules, &syn, &models);
        let o = r.read(&text_row(3, &["S1", "No Tag", "OptiPlex 7010"]));
        let a = one_asset(&o);
        assert_eq!((a.fields.asset_tag.as_str(), a.tag_given), ("S1", false));
    }

    #[test]
    fn camel_case_and_plural_headings_are_split_into_words_before_matching() {
        assert_eq!(split_camel_case("SerialNumber"), "Serial Number");
        assert_eq!(split_camel_case("PONumber"), "PO Number");
        assert_eq!(split_camel_case("assetTag"), "asset Tag");
        assert_eq!(split_camel_case("IMEI"), "IMEI");
        let d = Dictionary::builtin();
        for (heading, field) in [
            ("SerialNumber", Field::Serial),
            ("AssetTag", Field::AssetTag),
            ("PurchaseDate", Field::InServiceDate),
            ("AssignedTo", Field::AssignedUser),
            ("serialNumber", Field::Serial),
            ("Serial Numbers", Field::Serial),
            ("Asset Tags", Field::AssetTag),
            ("PONumber", Field::OrderRef),
        ] {
            assert_eq!(d.lookup(heading), Some(field), "{heading}");
        }
        // Model names are not headings: their words are never split.
        assert_eq!(
            ModelRules::builtin().class_of("MacBook Pro 13"),
            Some(AssetClass::Laptop)
        );
    }

    #[test]
    fn placeholders_in_identifier_columns_are_blanks() {
        for tag in ["No tag", "not checked", "none", "n/a", "TBC", "?", "-", "0"] {
            let o = read(
                &["Serial", "Asset Tag", "Model"],
                None,
                &["SN-9", tag, "OptiPlex 7010"],
            );
            let a = one_asset(&o);
            assert_eq!(
                (a.fields.asset_tag.as_str(), a.tag_given),
                ("SN-9", false),
                "{tag}"
            );
        }
        // Elsewhere "0" is a value: a cost of nothing.
        let o = read(
            &["Serial", "Model", "Cost"],
            None,
            &["SN-9", "OptiPlex 7010", "0"],
        );
        assert_eq!(one_asset(&o).fields.purchase_cost, Some(Money::ZERO));
    }

    #[test]
    fn the_shipped_status_words_are_read_as_they_were_written() {
        let words = status_words();
        // 22 words in data/import/status-words.csv, in file order.
        assert_eq!(words.len(), 22);
        assert_eq!(
            words[0],
            ("ready to deploy".to_string(), AssetStatus::InStore)
        );
        assert_eq!(words[21], ("lost stolen".to_string(), AssetStatus::Lost));
        assert_eq!(
            parse_asset_status("Lost/Stolen", &[]),
            Ok(AssetStatus::Lost)
        );
        assert_eq!(
            parse_asset_status("Out for Repair", &[]),
            Ok(AssetStatus::InUse)
        );
        assert!(parse_status_words("word,status\nfoo,broken\n").is_err());
    }
}
