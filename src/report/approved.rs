//! Views of the programme's money as finance sees it: the approved
//! programme against the proposed one (`estate runs compare`: per line and
//! year, approved, proposed, variance and slippage; the reasons per line;
//! the approved replacements now due later), and the capital and revenue
//! split under the capital threshold. Built by hand from the records, whose
//! JSON is the records themselves.

use crate::forecast::approved::ApprovedComparison;
use crate::forecast::capitalisation::CapitalSplit;
use crate::forecast::programme::Units;

use super::forecast::{Section, amount};
use super::{Cell, View};

/// Per line and year: approved, proposed, variance, slipped.
pub fn approved_view(c: &ApprovedComparison, units: Units) -> View {
    let s = units.suffix();
    let mut view = View::new(&[
        "programme line",
        "year",
        &format!("approved{s}"),
        &format!("proposed{s}"),
        &format!("variance{s}"),
        &format!("slipped{s}"),
    ]);
    // Lines with nothing approved, proposed or slipped in any year are left
    // out of the table (the JSON keeps every row).
    let moving = |line: &str| {
        c.rows.iter().any(|r| {
            r.line == line
                && [r.approved, r.proposed, r.slipped]
                    .iter()
                    .any(|m| *m != crate::domain::Money::ZERO)
        })
    };
    for r in c
        .rows
        .iter()
        .filter(|r| r.line == "Total" || moving(&r.line))
    {
        view.push(vec![
            Cell::text(&r.line),
            Cell::text(r.year.to_string()),
            amount(r.approved, units),
            amount(r.proposed, units),
            amount(r.variance, units),
            amount(r.slipped, units),
        ]);
    }
    view
}

/// The sections of `estate runs compare`.
pub fn approved_sections(c: &ApprovedComparison, units: Units) -> Vec<Section> {
    let s = units.suffix();
    let d = &c.diff;
    let mut reasons = View::new(&["programme line", "why it moved", &format!("change{s}")]);
    for r in &c.reasons {
        reasons.push(vec![
            Cell::text(&r.line),
            Cell::text(r.cause.label()),
            amount(r.change, units),
        ]);
    }
    let mut slipped = View::new(&[
        "organisation",
        "asset tag",
        "programme line",
        "approved in",
        "now",
        &format!("approved{s}"),
    ]);
    for x in &c.slipped {
        slipped.push(vec![
            Cell::text(&x.organisation),
            Cell::text(&x.asset_tag),
            Cell::text(&x.line),
            Cell::text(x.approved_year.to_string()),
            Cell::text(
                x.proposed_year
                    .map_or("not in the proposed programme".to_string(), |y| {
                        y.to_string()
                    }),
            ),
            amount(x.cost, units),
        ]);
    }
    let mut out = vec![
        Section {
            title: format!(
                "Run {} ({}) against the approved programme, run {} ({}): {}",
                d.new.id, d.new.name, d.old.id, d.old.name, c.approval.minute
            ),
            view: approved_view(c, units),
        },
        Section {
            title: "Why each line moved (attributed in order: register, lives, prices, price \
                    base, inflation, caps, horizon)"
                .into(),
            view: reasons,
        },
    ];
    if !c.slipped.is_empty() {
        out.push(Section {
            title: "Approved spending now due later (slippage)".into(),
            view: slipped,
        });
    }
    out
}

/// The programme's capital and revenue per year (capital threshold), with
/// each line's revenue.
pub fn capitalisation_view(c: &CapitalSplit, units: Units) -> View {
    let mut headings = vec![String::new()];
    headings.extend(
        c.years
            .iter()
            .map(|y| format!("{}{}", y.year, units.suffix())),
    );
    let refs: Vec<&str> = headings.iter().map(String::as_str).collect();
    let mut view = View::new(&refs);
    let mut row = |label: &str, cells: Vec<Cell>| {
        let mut r = vec![Cell::text(label)];
        r.extend(cells);
        view.push(r);
    };
    row(
        "Capital",
        c.years.iter().map(|y| amount(y.capital, units)).collect(),
    );
    row(
        "Revenue (below the threshold)",
        c.years.iter().map(|y| amount(y.revenue, units)).collect(),
    );
    row(
        "Replacements that are revenue",
        c.years
            .iter()
            .map(|y| Cell::number(y.revenue_items.to_string()))
            .collect(),
    );
    for l in &c.revenue_by_line {
        row(
            &format!("  revenue: {}", l.line),
            l.revenue.iter().map(|m| amount(*m, units)).collect(),
        );
    }
    view
}
