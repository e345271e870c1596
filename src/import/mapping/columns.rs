//! Headings → fields: the heading dictionary (`data/import/columns.csv`), a
//! profile and `--map` overrides, the VAT markers of money headings, and what
//! a table that is not a list of records looks like.

use super::{BTreeMap, Field, FieldSet, Kind, Profile, Serialize};

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
pub const BUILTIN_COLUMNS: &str = include_str!("../../../data/import/columns.csv");
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
    pub(super) headings: BTreeMap<String, Field>,
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

pub(super) fn find_heading(headings: &BTreeMap<String, Field>, n: &str) -> Option<Field> {
    if let Some(f) = headings.get(n) {
        return Some(*f);
    }
    for (marker, inc) in vat_markers() {
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

/// The shipped VAT markers of money headings (`data/import/vat-markers.csv`).
pub const BUILTIN_VAT_MARKERS: &str = include_str!("../../../data/import/vat-markers.csv");

/// Reads `marker,vat` lines (`vat` is `inclusive` or `exclusive`): each
/// marker as compared, true when it means VAT is included.
///
/// # Errors
/// A message naming the line that is wrong.
pub fn parse_vat_markers(text: &str) -> Result<Vec<(String, bool)>, String> {
    let mut markers = Vec::new();
    read_pairs(text, "marker,vat", |_, marker, vat| {
        let marker = normalise_heading(marker);
        if marker.is_empty() {
            return Err("the marker is empty".to_string());
        }
        let inclusive = match vat {
            "inclusive" => true,
            "exclusive" => false,
            other => return Err(format!("`{other}` is not inclusive or exclusive")),
        };
        markers.push((marker, inclusive));
        Ok(())
    })?;
    Ok(markers)
}

/// The shipped VAT markers, read once.
pub fn vat_markers() -> &'static [(String, bool)] {
    static MARKERS: std::sync::OnceLock<Vec<(String, bool)>> = std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        parse_vat_markers(BUILTIN_VAT_MARKERS)
            .expect("invariant: the shipped data/import/vat-markers.csv is valid (tested)")
    })
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
pub(super) fn ser_field<S: serde::Serializer>(f: &Option<Field>, s: S) -> Result<S::Ok, S::Error> {
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
