//! The capital programme as `estate forecast` shows it beside its tables:
//! the heading, and the notes (levers, kit unsupported now, extended
//! security updates bought, ages estimated from enrolment). Built here so
//! `estate forecast`, `estate demo` and any other front end say the same.

use time::Date;

use crate::domain::{FinancialYear, Money};
use crate::forecast::programme::{Dimension, Units};
use crate::forecast::support::{self, OsUpgrades, Unsupported};
use crate::forecast::{Horizon, cabinet::LeverEffect};
use crate::ops::forecast::{AgeEstimated, Forecast};

/// "Capital programme 2026/27 to 2030/31, by programme line, BRK only,
/// scenario capped-250k".
pub fn heading(
    first: &str,
    horizon: Horizon,
    what: &str,
    org: Option<&str>,
    scenario: Option<&str>,
) -> String {
    let only = org.map(|o| format!(", {o} only")).unwrap_or_default();
    let scenario = scenario
        .map(|s| format!(", scenario {s}"))
        .unwrap_or_default();
    format!(
        "{first} {} to {}, by {what}{only}{scenario}",
        horizon.first,
        horizon.last()
    )
}

/// What the rows of a table by `by` are, in words.
pub fn rows_are(by: Dimension) -> &'static str {
    match by {
        Dimension::Line => "programme line",
        Dimension::Class => "class",
        Dimension::Org => "organisation",
        Dimension::Site => "site",
        Dimension::Department => "department",
    }
}

/// A forecast's notes and the figures behind the ones a JSON reader
/// wants whole.
pub struct ProgrammeNotes {
    /// The notes, in the order they are shown.
    pub notes: Vec<String>,
    /// Live kit already past its last supported day on `today`.
    pub unsupported: Vec<Unsupported>,
    /// Extended security updates bought per year (empty when none are).
    pub extended_support: Vec<(FinancialYear, Money)>,
    /// OS upgrades taken instead of replacements (`None` when there are none).
    pub os_upgrades: Option<OsUpgrades>,
}

/// The notes said beside forecast `f`'s tables, in `units`, on `today`
/// (with `detail`, each OS upgrade too).
pub fn notes(f: &Forecast, units: Units, today: Date, detail: bool) -> ProgrammeNotes {
    let run = &f.run;
    // A scenario's levers (thin clients, virtualisation, MFD consolidation)
    // change capital outside the replacement rules: said beside the table,
    // never silently left out.
    let mut notes = super::forecast::notes(&run.programme, units);
    notes.extend(f.with_levers.as_ref().map(LeverEffect::sentence));
    let unsupported = support::unsupported(&run.snapshot, &run.assumptions.support, today);
    notes.extend(unsupported_note(&unsupported, today));
    let mut extended_support =
        support::extended_support_costs(&run.snapshot, &run.assumptions.support, &run.forecast);
    if extended_support.iter().all(|(_, m)| m.is_zero()) {
        extended_support.clear();
    } else {
        let years: Vec<String> = extended_support
            .iter()
            .map(|(y, m)| format!("{y} {m}"))
            .collect();
        notes.push(format!(
            "extended security updates bought (revenue, not in the capital figures): {}",
            years.join(", ")
        ));
    }
    let os_upgrades = support::os_upgrades(&run.snapshot, &run.assumptions.support, &run.forecast);
    notes.extend(os_upgrades_notes(&os_upgrades, detail));
    notes.extend(f.age_estimated.as_ref().map(age_estimated_note));
    ProgrammeNotes {
        notes,
        unsupported,
        extended_support,
        os_upgrades: (!os_upgrades.items.is_empty()).then_some(os_upgrades),
    }
}

/// The notes on OS upgrades taken instead of replacements: per year, the
/// assumptions, and with `detail` each upgrade.
fn os_upgrades_notes(u: &OsUpgrades, detail: bool) -> Vec<String> {
    if u.items.is_empty() {
        return Vec::new();
    }
    let years: Vec<String> = u
        .years
        .iter()
        .filter(|y| y.count > 0)
        .map(|y| format!("{} {} ({})", y.year, y.count, y.cost))
        .collect();
    let mut out = vec![format!(
        "upgrade OS, not replaced (revenue, not in the capital figures): {}. {}",
        years.join(", "),
        u.assumptions.join("; ")
    )];
    if detail {
        out.extend(u.items.iter().map(|i| {
            format!(
                "upgrade OS: {} {} ({}) {} -> {} in {}, {}",
                i.organisation, i.tag, i.class, i.from, i.to, i.year, i.cost
            )
        }));
    }
    out
}

/// The note on replacements whose timing rests on an enrolment date.
fn age_estimated_note(a: &AgeEstimated) -> String {
    let years: Vec<String> = a
        .years
        .iter()
        .map(|y| format!("{} {} ({})", y.year, y.replacements, y.cost))
        .collect();
    format!(
        "age estimated from enrolment (`import --age-from`): {} {} in scope, replaced (in the \
         figures above): {}",
        a.assets,
        if a.assets == 1 { "asset" } else { "assets" },
        years.join(", ")
    )
}

/// The "unsupported now" risk line: live kit already past its last
/// supported day, by class and organisation.
fn unsupported_note(rows: &[Unsupported], today: Date) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let total: u64 = rows.iter().map(|r| r.count).sum();
    let parts: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {} at {}", r.count, r.class, r.organisation))
        .collect();
    Some(format!(
        "unsupported now ({}): {total} live {} past {} last supported day: {}",
        crate::domain::iso(today),
        if total == 1 { "asset" } else { "assets" },
        if total == 1 { "its" } else { "their" },
        parts.join(", ")
    ))
}
