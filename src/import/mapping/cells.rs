//! One row's cells as a parser asks for them (`Cells`): by field, each read
//! as text, a number, a flag, a word, a serial, a tag, a site or notes, each
//! problem recorded against its column heading.

use super::{
    BTreeMap, Column, Decimal, Field, FieldSet, FromStr, Row, Serialize, Source, Value, ValueRules,
    is_identifier_placeholder, is_placeholder, normalise_heading,
};

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
pub(super) struct Cells<'a> {
    pub(super) row: &'a Row,
    pub(super) columns: &'a [Column],
    pub(super) by_field: &'a BTreeMap<Field, usize>,
    pub(super) rules: &'a ValueRules,
    pub(super) problems: Vec<Problem>,
    pub(super) given: FieldSet,
    /// The whole address a site was taken from, for notes.
    pub(super) address: Option<String>,
    /// The supplier's own class word, for notes, when it is not the class.
    pub(super) class_word: Option<String>,
    /// The whole value and the site taken from it, when a site was.
    pub(super) site_derived: Option<(String, String)>,
}

/// True when text after a location's comma names a place inside a
/// building: `Rack A09`, `Room 2.14`, `Floor 3`, `Comms Room`.
pub(super) fn is_place_in_building(rest: &str) -> bool {
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
    pub(super) fn new(
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

    pub(super) fn has_column(&self, f: Field) -> bool {
        self.by_field.contains_key(&f)
    }

    pub(super) fn column(&self, f: Field) -> Option<&'a Column> {
        self.by_field.get(&f).and_then(|&i| self.columns.get(i))
    }

    pub(super) fn heading(&self, f: Field) -> String {
        self.column(f)
            .map_or_else(|| f.as_str().to_string(), |c| c.heading.clone())
    }

    /// The cell of a field's column, unless blank. An error cell (`#N/A`)
    /// is a problem: its value is unknown.
    pub(super) fn cell(&mut self, f: Field) -> Option<&'a Value> {
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

    pub(super) fn reject(&mut self, f: Field, value: &Value, reason: impl Into<String>) {
        self.problems.push(Problem {
            column: self.heading(f),
            value: value.display().into_owned(),
            reason: reason.into(),
        });
    }

    pub(super) fn missing(&mut self, f: Field, reason: impl Into<String>) {
        self.problems.push(Problem {
            column: self.heading(f),
            value: String::new(),
            reason: reason.into(),
        });
    }

    pub(super) fn text(&mut self, f: Field) -> Option<String> {
        let v = self.cell(f)?;
        let t = collapse_whitespace(&v.display());
        (!t.is_empty()).then_some(t)
    }

    pub(super) fn whole(&mut self, f: Field, max: u32) -> Option<u32> {
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

    pub(super) fn decimal(&mut self, f: Field) -> Option<Decimal> {
        let v = self.cell(f)?;
        let d = match v {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Number(x) => Decimal::from_str(&crate::import::read::number_text(*x)).ok(),
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

    pub(super) fn flag(&mut self, f: Field) -> Option<bool> {
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
    pub(super) fn word<T>(
        &mut self,
        f: Field,
        mut parse: impl FnMut(&str) -> Result<T, String>,
    ) -> Option<T> {
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
    pub(super) fn serial(&mut self) -> Option<String> {
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
    pub(super) fn asset_tag(&mut self) -> Option<String> {
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
    pub(super) fn site(&mut self) -> Option<String> {
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
    pub(super) fn notes(&mut self) -> Option<String> {
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
pub(super) fn collapse_whitespace(text: &str) -> String {
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

/// True for text like `3.54909E+14`: a long number Excel wrote in
/// scientific notation.
pub(super) fn is_scientific(t: &str) -> bool {
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
