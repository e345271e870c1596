//! Views of a [`CabinetReport`], shared by its writers: the money tables
//! (programme lines, organisations, classes, sites, departments, revenue)
//! with their totals and the change against an earlier run, the carbon
//! summary, the assumptions, and the notes under the capital table.
//!
//! A [`MoneyTable`] keeps its figures as [`Money`] so the workbook can write
//! numbers and `=SUM(...)` totals; [`MoneyTable::view`] turns it into text
//! cells for Markdown, CSV and HTML.

use super::forecast::{amount, capital_assumptions_view};
use super::running::quantity;
use super::words::{long_date, long_dates_in};
use super::{Cell, View};
use crate::domain::{FinancialYear, Money, iso};
use crate::forecast::cabinet::{Basis, CabinetReport, Change, LeverEffect, Revenue, RunningCosts};
use crate::forecast::power::PowerForecast;
use crate::forecast::programme::{Dimension, Table, TableRow, Units};

/// One row of a [`MoneyTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyRow {
    /// The row's label.
    pub label: String,
    /// One figure per year.
    pub amounts: Vec<Money>,
    /// Their total.
    pub total: Money,
}

impl MoneyRow {
    fn of(row: &TableRow) -> Self {
        MoneyRow {
            label: row.label.clone(),
            amounts: row.amounts.clone(),
            total: row.total,
        }
    }
}

/// The change block beside a table: per row, the change on each year and
/// over the years, against an earlier run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeBlock {
    /// What the change is against, e.g. "Change on run 1".
    pub heading: String,
    /// One per row of the table, in its order.
    pub rows: Vec<MoneyRow>,
    /// The change in the totals.
    pub total: MoneyRow,
}

/// Money by row and financial year, with a Total column, a Total row and,
/// optionally, the change against an earlier run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyTable {
    /// The heading of the label column.
    pub heading: String,
    /// The years.
    pub years: Vec<FinancialYear>,
    /// The rows.
    pub rows: Vec<MoneyRow>,
    /// The Total row.
    pub total: MoneyRow,
    /// Rows after the total that are not part of it (memo lines).
    pub memo: Vec<MoneyRow>,
    /// The change block, if any.
    pub change: Option<ChangeBlock>,
}

fn total_row(totals: &[Money], total: Money) -> MoneyRow {
    MoneyRow {
        label: "Total".to_string(),
        amounts: totals.to_vec(),
        total,
    }
}

impl MoneyTable {
    /// A programme table (by line, class, organisation …).
    pub fn of(table: &Table) -> Self {
        MoneyTable {
            heading: table.dimension.heading().to_string(),
            years: table.years.clone(),
            rows: table.rows.iter().map(MoneyRow::of).collect(),
            total: total_row(&table.totals, table.total),
            memo: Vec::new(),
            change: None,
        }
    }

    /// The programme by line, with the change against an earlier run as a
    /// column block; a line only the earlier run has gets a row of zeros.
    pub fn with_change(table: &Table, change: &Change) -> Self {
        let mut out = MoneyTable::of(table);
        for extra in change.rows.iter().skip(out.rows.len()) {
            out.rows.push(MoneyRow {
                label: extra.label.clone(),
                amounts: vec![Money::ZERO; out.years.len()],
                total: Money::ZERO,
            });
        }
        let block = |r: &crate::forecast::cabinet::ChangeRow| MoneyRow {
            label: r.label.clone(),
            amounts: r.change.clone(),
            total: r.change_total,
        };
        out.change = Some(ChangeBlock {
            heading: format!("Change on run {}", change.against.id),
            rows: change.rows.iter().map(block).collect(),
            total: block(&change.total),
        });
        out
    }

    /// A scenario's programme by line, its levers applied (thin clients,
    /// virtualisation, MFD consolidation), with what they change on each
    /// line as the change block; a line only the levers spend on is added.
    pub fn with_levers(table: &Table, levers: &LeverEffect) -> Self {
        let mut out = MoneyTable::of(table);
        let n = out.years.len();
        for l in &levers.lines {
            if !out.rows.iter().any(|r| r.label == l.label) {
                out.rows.push(MoneyRow {
                    label: l.label.clone(),
                    amounts: vec![Money::ZERO; n],
                    total: Money::ZERO,
                });
            }
        }
        let mut change_rows = Vec::with_capacity(out.rows.len());
        for row in &mut out.rows {
            let change = levers
                .lines
                .iter()
                .find(|l| l.label == row.label)
                .map_or_else(|| vec![Money::ZERO; n], |l| l.change.clone());
            for (a, c) in row.amounts.iter_mut().zip(&change) {
                *a += *c;
            }
            row.total = row.amounts.iter().copied().sum();
            change_rows.push(MoneyRow {
                label: row.label.clone(),
                total: change.iter().copied().sum(),
                amounts: change,
            });
        }
        let totals: Vec<Money> = (0..n)
            .map(|i| out.rows.iter().map(|r| r.amounts[i]).sum())
            .collect();
        out.total = total_row(&totals, totals.iter().copied().sum());
        let change_totals: Vec<Money> = (0..n)
            .map(|i| change_rows.iter().map(|r| r.amounts[i]).sum())
            .collect();
        out.change = Some(ChangeBlock {
            heading: "Change from the levers".to_string(),
            total: total_row(&change_totals, change_totals.iter().copied().sum()),
            rows: change_rows,
        });
        out
    }

    /// The revenue position, with licences on the capital budget as a memo
    /// line under the total.
    pub fn revenue(r: &Revenue) -> Self {
        MoneyTable {
            heading: "Revenue".to_string(),
            years: r.years.clone(),
            rows: r.rows.iter().map(MoneyRow::of).collect(),
            total: total_row(&r.totals, r.total),
            memo: vec![MoneyRow::of(&r.capital_licences)],
            change: None,
        }
    }

    /// The column headings: label, years, Total, then the change block's.
    pub fn headings(&self, units: Units) -> Vec<String> {
        let mut out = vec![self.heading.clone()];
        out.extend(self.years.iter().map(|y| format!("{y}{}", units.suffix())));
        out.push(format!("Total{}", units.suffix()));
        if let Some(c) = &self.change {
            out.extend(
                self.years
                    .iter()
                    .map(|y| format!("{} {y}{}", c.heading, units.suffix())),
            );
            out.push(format!("{} total{}", c.heading, units.suffix()));
        }
        out
    }

    /// As text cells in `units` (the £000 figures rounded for display,
    /// negatives in brackets; CSV still takes the signed plain figure).
    pub fn view(&self, units: Units) -> View {
        let mut view = View {
            headings: self.headings(units),
            rows: Vec::new(),
        };
        let cells = |row: &MoneyRow, change: Option<&MoneyRow>| {
            let figure = |m: &Money| super::words::cell(&amount(*m, units));
            let mut cells = vec![Cell::text(&row.label)];
            cells.extend(row.amounts.iter().map(figure));
            cells.push(figure(&row.total));
            if let Some(c) = change {
                cells.extend(c.amounts.iter().map(figure));
                cells.push(figure(&c.total));
            }
            cells
        };
        let change = self.change.as_ref();
        for (i, row) in self.rows.iter().enumerate() {
            view.push(cells(row, change.map(|c| &c.rows[i])));
        }
        view.push(cells(&self.total, change.map(|c| &c.total)));
        for row in &self.memo {
            let mut c = cells(row, None);
            if let Some(block) = change {
                c.extend((0..=block.total.amounts.len()).map(|_| Cell::text("")));
            }
            view.push(c);
        }
        view
    }
}

/// The capital programme by `dimension`; by line it carries the change
/// against an earlier run when the report has one, or else, for a scenario
/// with levers, is the scenario's programme with what its levers change.
pub fn programme_table(report: &CabinetReport, dimension: Dimension) -> MoneyTable {
    let table = report.programme.table(dimension);
    match (&report.change, scenario_levers(report), dimension) {
        (Some(change), _, Dimension::Line) => MoneyTable::with_change(table, change),
        (None, Some(levers), Dimension::Line) => MoneyTable::with_levers(table, levers),
        _ => MoneyTable::of(table),
    }
}

/// The scenario's levers, when the programme by line shows them applied
/// (a report with levers that change a line and no earlier run to compare).
pub fn scenario_levers(report: &CabinetReport) -> Option<&LeverEffect> {
    report
        .levers
        .as_ref()
        .filter(|l| report.change.is_none() && !l.lines.is_empty())
}

/// The programme table by `by` in Markdown, under the report's title, with
/// its notes (and, by line, the change against an earlier run).
pub fn markdown(report: &CabinetReport, by: Dimension) -> String {
    let mut text = format!(
        "## {}\n\n{}",
        super::markdown_escape(&report.title),
        super::to_markdown(&programme_table(report, by).view(report.units))
    );
    for n in capital_notes(report) {
        text.push_str("\n- ");
        text.push_str(&super::markdown_escape(&long_dates_in(&n)));
    }
    text + "\n"
}

/// The UTF-8 byte-order mark: Excel on Windows reads a CSV file without it
/// as Windows-1252 (`Â£000`).
pub const BOM: &str = "\u{feff}";

/// The programme table by `by` as a CSV file for people to open: the
/// byte-order mark, the table (codes and plain signed figures, as a
/// program reads them), and in £000 the rounding note as a last row.
///
/// # Errors
/// Only if the CSV writer fails (it writes to memory).
pub fn csv(report: &CabinetReport, by: Dimension) -> Result<String, ::csv::Error> {
    let mut view = programme_table(report, by).view(report.units);
    if report.units == Units::Thousands {
        let mut note = vec![Cell::text(
            "Note: figures are rounded to the nearest £000, so totals may differ from the sum of the rounded figures",
        )];
        note.resize(view.headings.len(), Cell::text(""));
        view.push(note);
    }
    Ok(format!("{BOM}{}", super::to_csv(&view)?))
}

/// The carbon summary: energy and tCO2e per year as the estate stands and
/// after the capital programme's replacements, with the saving.
pub fn carbon_view(power: &PowerForecast) -> View {
    let mut view = View::new(&[
        "Year",
        "kWh as it stands",
        "kWh after replacements",
        "tCO2e as it stands",
        "tCO2e after replacements",
        "tCO2e saved",
        "£ saved",
    ]);
    let row = |label: String, f: &crate::forecast::power::PowerFigures| {
        vec![
            Cell::text(label),
            quantity(f.stands.kwh, 0),
            quantity(f.after.kwh, 0),
            quantity(f.stands.tonnes_co2e(), 3),
            quantity(f.after.tonnes_co2e(), 3),
            quantity(f.saving.tonnes_co2e(), 3),
            Cell::money(f.saving.cost),
        ]
    };
    for t in &power.totals {
        view.push(row(t.year.to_string(), &t.figures));
    }
    view.push(row("Total".to_string(), &power.horizon_total()));
    view
}

/// The lines that say what the report is and where its figures come from.
pub fn basis_lines(report: &CabinetReport) -> Vec<String> {
    let a = &report.assumptions;
    let mut out = vec![
        format!("Organisations: {}", report.organisation_names()),
        format!("Prepared {}: {}", report.prepared, report.basis_words()),
        format!(
            "Prices at {} inflated at {} a year; caps: {}; scenario: {}",
            a.price_base,
            a.inflation,
            a.caps,
            a.scenario.as_ref().map_or("none", |s| s.name.as_str())
        ),
    ];
    if report.units == Units::Thousands {
        out.push("Capital figures in £000.".to_string());
    }
    out.iter().map(|l| long_dates_in(l)).collect()
}

/// Every assumption with its source: the capital ones (as the run used
/// them), then the running costs' (PUE, power profiles, tariffs, carbon
/// factors, the switch-off and line costs), then the register state.
pub fn assumptions_view(report: &CabinetReport) -> View {
    let mut view = capital_assumptions_view(
        report.horizon,
        &report.assumptions,
        &report.register,
        &report.settings,
    );
    // Sources as citations: an import batch by its file and the day it was
    // imported (its checksum stays in the JSON).
    for (row, b) in view
        .rows
        .iter_mut()
        .filter(|r| {
            r.first()
                .is_some_and(|c| c.text.starts_with("import batch "))
        })
        .zip(&report.register.batches)
    {
        if let Some(source) = row.get_mut(2) {
            *source = Cell::text(format!(
                "supplier file imported into the register on {}",
                long_dates_in(&b.imported_at)
            ));
        }
    }
    if let Basis::SavedRun { run, .. } = &report.basis {
        view.push(vec![
            Cell::text("saved run"),
            Cell::text(format!("run {} \"{}\"", run.id, run.name)),
            Cell::text(format!(
                "saved in the register on {}",
                long_dates_in(&run.created_at)
            )),
        ]);
    }
    match &report.running {
        Some(running) => running_assumptions(running, &mut view),
        None => view.push(vec![
            Cell::text("running costs"),
            Cell::text("not in this report"),
            Cell::text(
                "this run was saved without its running costs (saved before estate kept them)",
            ),
        ]),
    }
    view
}

fn running_assumptions(r: &RunningCosts, view: &mut View) {
    let mut push = |what: String, value: String, source: &str| {
        view.push(vec![
            Cell::text(what),
            Cell::text(value),
            Cell::text(source),
        ]);
    };
    let p = &r.power_assumptions;
    push(
        "server-room PUE".into(),
        p.pue.to_string(),
        "multiplies the energy of servers and storage",
    );
    for c in &p.class_profiles {
        push(
            format!("energy of {} ({})", c.class.label(), c.generation.as_str()),
            format!("{} kWh a year", c.annual_kwh().normalize()),
            &c.source,
        );
    }
    for m in &p.model_profiles {
        push(
            format!("energy of {} {}", m.manufacturer, m.model),
            format!("{} kWh a year", m.kwh_per_year.normalize()),
            &m.source,
        );
    }
    for t in &p.tariffs {
        push(
            format!("electricity tariff {}", t.year),
            format!("{} per kWh", t.gbp_per_kwh),
            &t.source,
        );
    }
    for f in &p.carbon_factors {
        push(
            format!("grid carbon factor, edition {}", f.edition),
            format!("{} kgCO2e per kWh", f.total().normalize()),
            &f.source,
        );
    }
    let l = &r.line_assumptions;
    push(
        "PSTN/ISDN switch-off".into(),
        iso(l.switch_off),
        &l.switch_off_source,
    );
    push(
        "line rental uplift".into(),
        format!("{} a year", l.uplift),
        "",
    );
    for c in &l.costs {
        let what = match c.migrate_to {
            Some(to) if c.switch_off => format!("migrating {} lines to {to}", c.line_type),
            _ => format!("{} lines (not affected by the switch-off)", c.line_type),
        };
        push(what, c.migration_cost.to_string(), &c.source);
    }
}

/// The notes under the capital table: backlog, unfunded, unknown age,
/// leases, what was left out (as `estate forecast` prints them).
pub fn capital_notes(report: &CabinetReport) -> Vec<String> {
    let mut notes = super::forecast::notes(&report.programme, report.units);
    match scenario_levers(report) {
        Some(l) => {
            let base = report.programme.total();
            let change = l.total - base;
            notes.push(format!(
                "the programme by line is {}'s, its levers applied ({}): {} over the horizon against {base} for the programme before them ({} {}); the change columns show what the levers do on each line; the breakdowns by organisation, class, site and department, and the backlog and notes above, are before the levers",
                l.scenario,
                l.levers,
                l.total,
                if change.is_negative() { "saving" } else { "adding" },
                if change.is_negative() { -change } else { change },
            ));
        }
        None => notes.extend(report.levers.as_ref().map(LeverEffect::sentence)),
    }
    notes
}

/// The figures of the chart: each programme line with any spending, and
/// its amount per year.
pub fn chart_series(report: &CabinetReport) -> Vec<(String, Vec<Money>)> {
    programme_table(report, Dimension::Line)
        .rows
        .into_iter()
        .filter(|r| r.amounts.iter().any(|a| !a.is_zero()))
        .map(|r| (r.label, r.amounts))
        .collect()
}

/// What the PSTN/ISDN switch-off means, in words: the lines to migrate,
/// when, what it costs, and how many carry critical care.
pub fn switch_off_lines(f: &crate::forecast::lines::LinesForecast) -> Vec<String> {
    if f.migrations.is_empty() {
        return Vec::new();
    }
    let critical = f.migrations.iter().filter(|m| m.critical_care).count();
    let past_due = f.migrations.iter().filter(|m| m.past_due).count();
    let cost: crate::domain::Money = f.migrations.iter().map(|m| m.cost).sum();
    let long = |d| long_date(&iso(d)).unwrap_or_else(|| iso(d));
    let mut out = vec![format!(
        "PSTN/ISDN switch-off on {}: {} lines to migrate by {} ({}), {cost}; {critical} of them critical care (telecare, alarms, lifts, warden call), listed in the workbook's Line migrations sheet",
        long(f.switch_off.date),
        f.migrations.len(),
        long(f.switch_off.last_day),
        f.switch_off.due_year,
    )];
    if past_due > 0 {
        out.push(format!(
            "{past_due} of these migrations are already past due"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::programme::Dimension;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    #[test]
    fn a_money_table_in_thousands_rounds_each_cell_for_display() {
        let table = Table {
            dimension: Dimension::Line,
            years: vec![fy("2026/27"), fy("2027/28")],
            rows: vec![TableRow {
                label: "Servers".into(),
                amounts: vec![Money::from_pence(149_950), Money::from_pence(1_000)],
                total: Money::from_pence(150_950),
            }],
            totals: vec![Money::from_pence(149_950), Money::from_pence(1_000)],
            total: Money::from_pence(150_950),
        };
        let view = MoneyTable::of(&table).view(Units::Thousands);
        assert_eq!(
            view.headings,
            [
                "Programme line",
                "2026/27 (£000)",
                "2027/28 (£000)",
                "Total (£000)"
            ]
        );
        let texts: Vec<Vec<&str>> = view
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            [["Servers", "1", "0", "2"], ["Total", "1", "0", "2"]]
        );
    }
}
