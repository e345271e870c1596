//! Words people read, for the Cabinet-facing tables (the workbook's sheets
//! other than Detail, the HTML page and the Markdown table): codes become
//! words (`pstn` → `PSTN analogue lines`), ISO dates become `31 January
//! 2027`, headings start with a capital, and negative amounts go in
//! brackets (`(£1,620.00)`) as finance tables show them. CSV and JSON keep
//! the codes, ISO dates and signed numbers a program reads.

use super::{Cell, View};

/// The words for a code the register or the data files use, if it is one.
pub fn word_for(code: &str) -> Option<&'static str> {
    Some(match code {
        // Line types (what a line is and what it migrates to).
        "pstn" => "PSTN analogue lines",
        "isdn2" => "ISDN2 lines",
        "isdn30" => "ISDN30 lines",
        "adsl" => "ADSL broadband",
        "fttc" => "FTTC broadband",
        "sogea" => "SOGEA broadband",
        "fttp" => "Full fibre (FTTP)",
        "sip" => "SIP (internet calls)",
        "mobile_data" => "Mobile data SIMs",
        // Licence metrics and what they are checked against.
        "per_user" => "Per user",
        "per_device" => "Per device",
        "per_core" => "Per core",
        "site" => "Site licence",
        "named_users" => "Named users",
        "all_staff" => "All staff",
        "not_held" => "Not held in the register",
        // Budgets.
        "capital" => "Capital",
        "revenue" => "Revenue",
        // Licence product categories.
        "antivirus" => "Antivirus",
        "backup" => "Backup",
        "diagramming" => "Diagramming",
        "document_management" => "Document management",
        "housing" => "Housing",
        "office_suite" => "Office suite",
        "pdf_editor" => "PDF editor",
        "planning" => "Planning",
        "revenues_benefits" => "Revenues and benefits",
        // Agreement types.
        "enterprise_agreement" => "Enterprise agreement",
        "csp" => "Cloud Solution Provider",
        "subscription" => "Subscription",
        "maintenance" => "Maintenance",
        "perpetual" => "Perpetual",
        _ => return None,
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2027-01-31` as `31 January 2027`; `None` if `text` is not an ISO date.
pub fn long_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return None;
    }
    if !digits(5..7) || !digits(8..10) {
        return None;
    }
    let month: usize = text[5..7].parse().ok()?;
    let day: u32 = text[8..10].parse().ok()?;
    let name = MONTHS.get(month.checked_sub(1)?)?;
    (1..=31)
        .contains(&day)
        .then(|| format!("{day} {name} {}", &text[..4]))
}

/// Every ISO date inside `text` written as [`long_date`] (a date-time's
/// time of day dropped: `2026-12-03T10:00:00Z` → `3 December 2026`).
pub fn long_dates_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let at_boundary = out
            .chars()
            .last()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if at_boundary && rest.len() >= 10 && rest.is_char_boundary(10) {
            if let Some(date) = long_date(&rest[..10]) {
                out.push_str(&date);
                rest = &rest[10..];
                // The time of day after a date ("T10:00:00Z" or " 10:00:00").
                let time_len = rest
                    .strip_prefix(['T', ' '])
                    .filter(|t| t.len() >= 8 && t.as_bytes()[2] == b':')
                    .map_or(0, |t| {
                        1 + t
                            .find(|c: char| !(c.is_ascii_digit() || ":.Z+".contains(c)))
                            .unwrap_or(t.len())
                    });
                rest = &rest[time_len..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A heading as people write one: `org` → `Organisation`, otherwise the
/// first letter a capital (`true-up cost` → `True-up cost`).
pub fn heading(h: &str) -> String {
    match h {
        "org" | "organisation" => "Organisation".to_string(),
        _ => {
            let mut chars = h.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
    }
}

/// A negative amount in brackets: `-£1,620.00` → `(£1,620.00)`, `-2` →
/// `(2)`; anything else as it is.
pub fn bracketed(text: &str) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c == '£' || c.is_ascii_digit()) => {
            format!("({rest})")
        }
        _ => text.to_string(),
    }
}

/// A cell as people read it: a code as words, an ISO date in words, a
/// negative number in brackets (its plain CSV form unchanged).
pub fn cell(c: &Cell) -> Cell {
    if c.numeric {
        return Cell {
            text: bracketed(&c.text),
            ..c.clone()
        };
    }
    let text = match word_for(&c.text) {
        Some(words) => words.to_string(),
        None => long_dates_in(&c.text),
    };
    Cell { text, ..c.clone() }
}

/// A view as people read it: headings with a capital, every cell through
/// [`cell`].
pub fn for_people(view: &View) -> View {
    View {
        headings: view.headings.iter().map(|h| heading(h)).collect(),
        rows: view
            .rows
            .iter()
            .map(|r| r.iter().map(cell).collect())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_out() {
        assert_eq!(long_date("2027-01-31").as_deref(), Some("31 January 2027"));
        assert_eq!(long_date("2026-12-03").as_deref(), Some("3 December 2026"));
        assert_eq!(long_date("2026/27"), None);
        assert_eq!(long_date("2027-13-01"), None);
        assert_eq!(
            long_dates_in("imported 2026-12-03T10:15:00Z, by 2027-01-31."),
            "imported 3 December 2026, by 31 January 2027."
        );
        assert_eq!(long_dates_in("tag X2027-01-31"), "tag X2027-01-31");
    }

    #[test]
    fn codes_become_words_and_negatives_go_in_brackets() {
        let mut v = View::new(&["type", "org", "saving"]);
        v.push(vec![
            Cell::text("pstn"),
            Cell::text("mobile_data"),
            Cell::money(crate::domain::Money::from_pence(-162_000)),
        ]);
        v.push(vec![
            Cell::text("revenues_benefits"),
            Cell::text("2027-01-31"),
            Cell::number("-1,234"),
        ]);
        let p = for_people(&v);
        assert_eq!(p.headings, ["Type", "Organisation", "Saving"]);
        let texts: Vec<Vec<&str>> = p
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            [
                ["PSTN analogue lines", "Mobile data SIMs", "(£1,620.00)"],
                ["Revenues and benefits", "31 January 2027", "(1,234)"]
            ]
        );
        assert_eq!(p.rows[0][2].plain.as_deref(), Some("-1620.00"));
    }
}
