//! Telephone and data lines: line types, a line's number in one canonical
//! form, the uses that mean critical care (`data/import/critical-line-uses.csv`)
//! and a line row → a line record.

use super::{
    Cells, Field, FromStr, LineFields, LineRecord, LineType, Money, Parsed, Value,
    normalise_heading,
};

/// The shipped line uses that mean critical care.
pub const BUILTIN_CRITICAL_USES: &str = include_str!("../../../data/import/critical-line-uses.csv");

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

/// Line types as telecoms bills name them.
pub(super) fn parse_line_type(word: &str) -> Result<LineType, String> {
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

pub(super) fn line(cells: &mut Cells<'_>, critical_uses: &CriticalUses) -> Parsed {
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
