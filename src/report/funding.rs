//! Views of how the programme is paid for: the funding set (`estate funding
//! list`), the funding table under the programme with over- or
//! under-funding per year, the revenue cost of borrowing (MRP and interest)
//! and carbon both sides (embodied beside operational). Built by hand from
//! the records (`forecast::funding`, `forecast::embodied`).

use crate::forecast::embodied::Carbon;
use crate::forecast::funding::{BorrowingCosts, Funding, FundingEntry, FundingTable};
use crate::forecast::programme::Units;

use super::forecast::amount;
use super::{Cell, View};

/// The funding set, one row per organisation, year and source.
pub fn entries_view(entries: &[FundingEntry]) -> View {
    let mut view = View::new(&["organisation", "year", "source", "amount", "share"]);
    for e in entries {
        let (money, share) = match e.funding {
            Funding::Amount(m) => (Cell::money(m), Cell::number("")),
            Funding::Share(r) => (Cell::number(""), Cell::number(r.to_string())),
        };
        view.push(vec![
            Cell::text(e.organisation.as_deref().unwrap_or("all")),
            Cell::text(e.year.to_string()),
            Cell::text(e.source.label()),
            money,
            share,
        ]);
    }
    view
}

/// The funding table: the programme, each source, the total funding and the
/// over- (+) or under- (−) funding, per year and in total.
pub fn table_view(t: &FundingTable, units: Units) -> View {
    let s = units.suffix();
    let mut headings: Vec<String> = vec!["funded by".into()];
    headings.extend(t.years.iter().map(|y| format!("{y}{s}")));
    headings.push(format!("total{s}"));
    let refs: Vec<&str> = headings.iter().map(String::as_str).collect();
    let mut view = View::new(&refs);
    let row = |label: &str, amounts: &[crate::domain::Money], total| {
        let mut cells = vec![Cell::text(label)];
        cells.extend(amounts.iter().map(|m| amount(*m, units)));
        cells.push(amount(total, units));
        cells
    };
    view.push(row("Capital programme", &t.programme, t.programme_total));
    for r in &t.rows {
        view.push(row(r.source.label(), &r.amounts, r.total));
    }
    view.push(row("Total funding", &t.funded, t.funded_total));
    view.push(row(
        "Over (+) or under (−) funded",
        &t.balance,
        t.balance_total,
    ));
    view
}

/// The revenue cost of borrowing: borrowing, MRP, interest, outstanding.
pub fn borrowing_view(b: &BorrowingCosts, units: Units) -> View {
    let s = units.suffix();
    let mut headings: Vec<String> = vec!["borrowing".into()];
    headings.extend(b.years.iter().map(|y| format!("{y}{s}")));
    headings.push(format!("total{s}"));
    let refs: Vec<&str> = headings.iter().map(String::as_str).collect();
    let mut view = View::new(&refs);
    let row = |label: &str, amounts: &[crate::domain::Money], total: bool| {
        let mut cells = vec![Cell::text(label)];
        cells.extend(amounts.iter().map(|m| amount(*m, units)));
        cells.push(if total {
            amount(amounts.iter().copied().sum(), units)
        } else {
            Cell::number("")
        });
        cells
    };
    view.push(row("Borrowed for the programme", &b.borrowing, true));
    view.push(row(
        "Minimum revenue provision (asset life, straight line)",
        &b.mrp,
        true,
    ));
    if let Some(r) = b.rate {
        view.push(row(&format!("Interest at {r}"), &b.interest, true));
    } else {
        let mut cells = vec![Cell::text(
            "Interest: rate not set (estate policy set borrowing-rate)",
        )];
        cells.extend(b.years.iter().map(|_| Cell::text("rate not set")));
        cells.push(Cell::text(""));
        view.push(cells);
    }
    view.push(row("Outstanding at the year's end", &b.outstanding, false));
    view
}

/// The convention behind the MRP and interest, in one sentence.
pub fn borrowing_note(b: &BorrowingCosts) -> String {
    let rate = match (&b.rate, &b.rate_source) {
        (Some(r), Some(src)) => format!("interest at {r} ({src})"),
        (Some(r), None) => format!("interest at {r}"),
        (None, _) => "interest: rate not set (estate policy set borrowing-rate)".to_string(),
    };
    let mut note = format!(
        "MRP by the asset-life method, straight line: each year's borrowing spread over the \
         lives of the classes it buys, from the year after the spend (DLUHC MRP guidance, 5th \
         edition); {rate}, on the borrowing outstanding at the start of each year; new \
         borrowing for this programme only"
    );
    if !b.unspread.is_empty() {
        let years: Vec<String> = b.unspread.iter().map(ToString::to_string).collect();
        note = format!(
            "{note}; borrowing in {} buys nothing in the programme and carries no MRP",
            years.join(", ")
        );
    }
    note
}

/// kgCO2e as tonnes to three places (half away from zero), for display
/// only: the records keep the exact kilograms.
fn tonnes(kg: rust_decimal::Decimal) -> String {
    let t = (kg / rust_decimal::Decimal::ONE_THOUSAND)
        .round_dp_with_strategy(3, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{t:.3}")
}

/// Embodied beside operational carbon, per year, in tonnes of CO2 equivalent.
pub fn carbon_view(c: &Carbon) -> View {
    let mut view = View::new(&[
        "year",
        "replacements",
        "embodied tCO2e (new kit)",
        "operational tCO2e (electricity)",
        "total tCO2e",
    ]);
    let both = |embodied, operational: Option<rust_decimal::Decimal>| {
        operational
            .map(|o| tonnes(o + embodied))
            .unwrap_or_default()
    };
    for y in &c.years {
        view.push(vec![
            Cell::text(y.year.to_string()),
            Cell::number(y.replacements.to_string()),
            Cell::number(tonnes(y.embodied_kg)),
            Cell::number(y.operational_kg.map(tonnes).unwrap_or_default()),
            Cell::number(both(y.embodied_kg, y.operational_kg)),
        ]);
    }
    view.push(vec![
        Cell::text("Total"),
        Cell::number(
            c.years
                .iter()
                .map(|y| y.replacements)
                .sum::<u64>()
                .to_string(),
        ),
        Cell::number(tonnes(c.embodied_total)),
        Cell::number(c.operational_total.map(tonnes).unwrap_or_default()),
        Cell::number(both(c.embodied_total, c.operational_total)),
    ]);
    view
}

/// Where the embodied figures come from, and what has none.
pub fn carbon_notes(c: &Carbon) -> Vec<String> {
    let mut notes: Vec<String> = c
        .factors
        .iter()
        .map(|f| {
            format!(
                "{}: {} kgCO2e embodied per new item ({})",
                f.class, f.kg_co2e, f.source
            )
        })
        .collect();
    if !c.unfigured.is_empty() {
        let list: Vec<String> = c
            .unfigured
            .iter()
            .map(|u| format!("{} {}", u.replacements, u.class))
            .collect();
        notes.push(format!(
            "no sourced embodied figure for {} replacements: counted, not in the embodied total \
             (add figures to data/power/embodied-carbon.csv)",
            list.join(", ")
        ));
    }
    notes
}

/// A captioned table with notes under it, as every Cabinet document shows it.
#[derive(Debug, Clone)]
pub struct Part {
    /// The table's caption.
    pub caption: String,
    /// The table.
    pub view: View,
    /// Notes under it.
    pub notes: Vec<String>,
}

/// How the programme is paid for: the funding table and, when anything is
/// borrowed, the revenue consequences (MRP and interest). Empty when no
/// funding is set.
pub fn funding_parts(report: &crate::forecast::cabinet::CabinetReport) -> Vec<Part> {
    let units = report.units;
    let mut parts = Vec::new();
    if let Some(t) = &report.funding {
        let mut notes = vec![
            "Shares of a year's programme are split to the penny by largest remainder, so \
             shares adding up to 100% fund the year exactly. Over (+) or under (−) funded is \
             total funding less the capital programme."
                .to_string(),
        ];
        let short: Vec<String> = t
            .years
            .iter()
            .zip(&t.balance)
            .filter(|(_, b)| b.is_negative())
            .map(|(y, b)| format!("{y} under-funded by {}", -*b))
            .collect();
        if !short.is_empty() {
            notes.push(format!("{}.", short.join("; ")));
        }
        parts.push(Part {
            caption: format!("How the capital programme is funded{}", units.suffix()),
            view: table_view(t, units),
            notes,
        });
    }
    if let Some(b) = &report.borrowing {
        parts.push(Part {
            caption: format!(
                "Revenue consequences of borrowing: MRP and interest{}",
                units.suffix()
            ),
            view: borrowing_view(b, units),
            notes: vec![borrowing_note(b)],
        });
    }
    parts
}

/// The proposal against the approved programme, per line and year
/// (approved, proposed, variance, slippage) with the reasons, when the
/// report is of a saved run and another run of its scope is approved.
pub fn approved_parts(report: &crate::forecast::cabinet::CabinetReport) -> Vec<Part> {
    report
        .against_approved
        .as_ref()
        .map(|c| {
            super::approved::approved_sections(c, report.units)
                .into_iter()
                .map(|s| Part {
                    caption: s.title,
                    view: s.view,
                    notes: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Carbon both sides, when the report has it.
pub fn carbon_part(report: &crate::forecast::cabinet::CabinetReport) -> Option<Part> {
    report.carbon.as_ref().map(|c| Part {
        caption: "Carbon both sides: embodied in the new kit beside the electricity of running \
                  the estate (tCO2e)"
            .to_string(),
        view: carbon_view(c),
        notes: carbon_notes(c),
    })
}
