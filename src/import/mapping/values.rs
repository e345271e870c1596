//! How values are read (`ValueRules`: flags, profile settings and words the
//! register was taught) and the placeholders that mean "nothing here".

use super::{AssetStatus, Date, DateColumn, Rate, normalise_heading, read_pairs};

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

    pub(super) fn is_taught_placeholder(&self, text: &str) -> bool {
        !self.placeholders.is_empty() && {
            let n = normalise_heading(text);
            self.placeholders.contains(&n)
        }
    }
}

/// The shipped placeholders (`data/import/placeholders.csv`).
pub const BUILTIN_PLACEHOLDERS: &str = include_str!("../../../data/import/placeholders.csv");

/// The placeholders of `data/import/placeholders.csv`, read once: texts
/// that mean "nothing here" in any cell, and those that mean "no
/// identifier" in a serial or asset-tag column (as well as the first).
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    /// In any cell, as written in the file.
    pub any: Vec<String>,
    /// In a serial or asset-tag column only, as written in the file.
    pub identifier: Vec<String>,
    /// The longest of `any` in bytes: a longer text is none of them.
    longest_any: usize,
    /// The longest of `identifier` in bytes.
    longest_identifier: usize,
}

impl Placeholders {
    /// Reads `word,where` lines (`where` is `any` or `identifier`).
    ///
    /// # Errors
    /// A message naming the line that is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut p = Placeholders::default();
        read_pairs(text, "word,where", |_, word, place| {
            if word.is_empty() {
                return Err("the word is empty".to_string());
            }
            let word = word.to_lowercase();
            match place {
                "any" => {
                    p.longest_any = p.longest_any.max(word.len());
                    p.any.push(word);
                }
                "identifier" => {
                    p.longest_identifier = p.longest_identifier.max(word.len());
                    p.identifier.push(word);
                }
                other => return Err(format!("`{other}` is not any or identifier")),
            }
            Ok(())
        })?;
        Ok(p)
    }
}

/// The shipped placeholders, read once.
pub fn placeholders() -> &'static Placeholders {
    static WORDS: std::sync::OnceLock<Placeholders> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        Placeholders::parse(BUILTIN_PLACEHOLDERS)
            .expect("invariant: the shipped data/import/placeholders.csv is valid (tested)")
    })
}

pub(super) fn is_identifier_placeholder(t: &str) -> bool {
    let t = t.trim();
    let p = placeholders();
    t.len() <= p.longest_identifier
        && p.identifier
            .iter()
            .any(|p| t.eq_ignore_ascii_case(p) || normalise_heading(t) == *p && !p.is_empty())
}

/// Texts that mean "nothing here" in any cell.
pub(super) fn is_placeholder(t: &str) -> bool {
    let t = t.trim();
    // Asked of every text cell: compared in place, not lower-cased into a copy.
    t.is_empty() || {
        let p = placeholders();
        t.len() <= p.longest_any && p.any.iter().any(|p| t.eq_ignore_ascii_case(p))
    }
}
