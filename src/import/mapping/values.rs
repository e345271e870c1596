//! How values are read (`ValueRules`: flags, profile settings and words the
//! register was taught) and the placeholders that mean "nothing here".

use super::{AssetStatus, Date, DateColumn, Rate, normalise_heading};

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

pub(super) fn is_identifier_placeholder(t: &str) -> bool {
    let t = t.trim();
    t.len() <= "no serial number".len()
        && IDENTIFIER_PLACEHOLDERS
            .iter()
            .any(|p| t.eq_ignore_ascii_case(p) || normalise_heading(t) == *p && !p.is_empty())
}

/// Texts that mean "nothing here" in any cell.
pub(super) fn is_placeholder(t: &str) -> bool {
    let t = t.trim();
    // Asked of every text cell: compared in place, not lower-cased into a copy.
    t.is_empty()
        || (t.len() <= "unknown".len() && PLACEHOLDERS.iter().any(|p| t.eq_ignore_ascii_case(p)))
}
