//! Rows → records: the records a row becomes (`Parsed`), and `RowReader`,
//! which reads a hardware row (classes from words, then model names; quantity
//! rows; generated tags) or hands a line or licence row to its reader.

use super::{
    AssetClass, AssetFields, AssetStatus, BTreeMap, Cells, ClassSynonyms, Column, CriticalUses,
    Digest, Field, FieldSet, FromStr, Funding, Kind, LicenceFields, LineFields, ModelRules,
    Problem, Row, Sha256, ValueRules, add_months, collapse_whitespace, licence, line,
    normalise_heading, parse_asset_status,
};

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
pub(super) const MEMO_LIMIT: usize = 4_096;

/// What a pure function of a cell's text gave, remembered for the few
/// distinct words a column holds (classes, models, statuses): worked out
/// once per word, not once per row. Bounded, so a column of texts that are
/// all different costs what it did before. Only looked up, never iterated.
#[derive(Debug)]
pub(super) struct Memo<V> {
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
    pub(super) fn get(&mut self, text: &str, work_out: impl FnOnce(&str) -> V) -> V {
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
    pub(super) fn model_class(&mut self, model_text: &str) -> Option<AssetClass> {
        let models = self.models;
        self.model_classes.get(model_text, |t| models.class_of(t))
    }

    /// The row's class. An explicit class word decides it and is never
    /// overridden: a word estate does not know rejects the row, naming the
    /// command that teaches it, unless the profile says the column is a
    /// free-form category ([`ValueRules::class_fallback`]), when the model
    /// tells the class instead. The model tells it for rows with no word.
    /// A word that is not the class's own name is kept in notes.
    pub(super) fn class(
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

    pub(super) fn asset(&mut self, cells: &mut Cells<'_>) -> Parsed {
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
pub(super) fn teach_class_command(word: &str) -> String {
    crate::vocabulary::teach_command(crate::vocabulary::WordKind::Class, word, "other")
}

/// The class names, comma separated.
pub(super) fn class_names() -> String {
    AssetClass::ALL
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stable key for the assets a quantity row stands for: a hash of what
/// the row says about them (not its position), so re-importing the same
/// file generates the same tags and finds them unchanged.
pub(super) fn generated_tag_key(f: &AssetFields) -> String {
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
    crate::import::hex(digest.get(..4).unwrap_or_default()).to_uppercase()
}
