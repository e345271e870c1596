//! Views of the running-cost forecasts — power and carbon, phone lines,
//! licences — and of their reference data, for the terminal, CSV and
//! Markdown listings and for the Cabinet report's workbook and page.
//!
//! Built by hand from the engines' records; nothing here changes a figure.
//! Quantities (kWh, tCO2e) are rounded for display only: CSV and the
//! workbook get them exact.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Cell, View};
use crate::domain::CostBasis;
use crate::domain::money::group_thousands;
use crate::domain::{FinancialYear, Money};
use crate::forecast::levers::LeverComparison;
use crate::forecast::licences::{LicencesForecast, Term};
use crate::forecast::lines::{self, LinesForecast};
use crate::forecast::power::{self, Energy, PowerForecast, PowerRow};
use crate::policy::Defaults;

/// Groups the digits of a whole number, with its sign, in threes.
fn group_signed(digits: &str) -> String {
    match digits.strip_prefix('-') {
        Some(d) => format!("-{}", group_thousands(d)),
        None => group_thousands(digits),
    }
}

/// The running-cost reference data as rows of `estate policy show` (item,
/// class, value, source): tariffs, carbon factors, line costs, synonyms.
pub fn policy_rows(d: &Defaults, view: &mut View) {
    for t in &d.tariffs {
        view.push(vec![
            Cell::text("electricity (£/kWh)"),
            Cell::text(t.year.to_string()),
            Cell::money(t.gbp_per_kwh),
            Cell::text(&t.source),
        ]);
    }
    for f in &d.carbon_factors {
        view.push(vec![
            Cell::text("carbon (kgCO2e/kWh)"),
            Cell::text(format!("edition {}", f.edition)),
            quantity(f.total(), 5),
            Cell::text(&f.source),
        ]);
    }
    for c in &d.line_costs {
        view.push(vec![
            Cell::text("line migration"),
            Cell::text(match c.migrate_to {
                Some(to) if c.switch_off => format!("{} → {to}", c.line_type),
                _ => format!("{} (not affected)", c.line_type),
            }),
            Cell::money(c.migration_cost),
            Cell::text(&c.source),
        ]);
    }
    for s in &d.product_synonyms {
        view.push(vec![
            Cell::text("licence product"),
            Cell::text(&s.alias),
            Cell::text(&s.product),
            Cell::text(&s.source),
        ]);
    }
}

/// A quantity shown to `dp` decimal places with thousands separators
/// (rounded half away from zero, for display only); CSV gets it exact.
pub fn quantity(value: Decimal, dp: u32) -> Cell {
    let shown = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let mut text = format!("{shown:.prec$}", prec = dp as usize);
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w.to_string(), format!(".{f}")),
        None => (text.clone(), String::new()),
    };
    text = group_signed(&whole) + &frac;
    Cell {
        text,
        numeric: true,
        plain: Some(value.normalize().to_string()),
    }
}

/// A count.
pub fn count(n: u64) -> Cell {
    Cell {
        text: group_thousands(&n.to_string()),
        numeric: true,
        plain: Some(n.to_string()),
    }
}

fn energy_cells(e: &Energy) -> [Cell; 3] {
    [
        quantity(e.kwh, 0),
        Cell::money(e.cost),
        quantity(e.tonnes_co2e(), 3),
    ]
}

const FIGURE_HEADINGS: [&str; 9] = [
    "kWh as it stands",
    "kWh after replacements",
    "kWh saved",
    "£ as it stands",
    "£ after replacements",
    "£ saved",
    "tCO2e as it stands",
    "tCO2e after replacements",
    "tCO2e saved",
];

fn figure_cells(f: &power::PowerFigures) -> Vec<Cell> {
    let [sk, sc, st] = energy_cells(&f.stands);
    let [ak, ac, at] = energy_cells(&f.after);
    let [vk, vc, vt] = energy_cells(&f.saving);
    vec![sk, ak, vk, sc, ac, vc, st, at, vt]
}

/// `estate power`: one row per year (tariff, carbon factor, and the energy,
/// cost and carbon as the estate stands, after replacements and saved),
/// then the horizon's total.
pub fn power_year_view(f: &PowerForecast) -> View {
    let mut headings = vec!["year", "£/kWh", "kgCO2e/kWh"];
    headings.extend(FIGURE_HEADINGS);
    let mut view = View::new(&headings);
    for t in &f.totals {
        let mut row = vec![
            Cell::text(t.year.to_string()),
            Cell::money(t.tariff),
            quantity(t.carbon_factor, 5),
        ];
        row.extend(figure_cells(&t.figures));
        view.push(row);
    }
    let mut total = vec![Cell::text("Total"), Cell::text(""), Cell::text("")];
    total.extend(figure_cells(&f.horizon_total()));
    view.push(total);
    view
}

/// `estate power --by class|site|org`: a row per label and year.
pub fn power_breakdown_view(years: &[FinancialYear], rows: &[PowerRow], what: &str) -> View {
    let mut headings = vec![what, "year"];
    headings.extend(FIGURE_HEADINGS);
    let mut view = View::new(&headings);
    for r in rows {
        for (year, figures) in years.iter().zip(&r.years) {
            let mut row = vec![Cell::text(&r.label), Cell::text(year.to_string())];
            row.extend(figure_cells(figures));
            view.push(row);
        }
    }
    view
}

/// `estate power compare`: capital, energy, cost and carbon per year
/// without and with the levers, and the change.
pub fn lever_comparison_view(cmp: &LeverComparison) -> View {
    comparison_view_labelled(cmp, "base", "with levers")
}

/// A comparison of capital, energy, cost and carbon with its two sides
/// named `first` and `second` (e.g. two scenarios' names).
pub fn comparison_view_labelled(cmp: &LeverComparison, first: &str, second: &str) -> View {
    let mut headings = vec!["measure".to_string()];
    headings.extend(cmp.years.iter().map(ToString::to_string));
    headings.push("Total".into());
    let mut view = View {
        headings,
        rows: Vec::new(),
    };
    let money_row = |label: &str, values: &[Money]| {
        let mut row = vec![Cell::text(label)];
        row.extend(values.iter().map(|m| Cell::money(*m)));
        row.push(Cell::money(values.iter().sum()));
        row
    };
    let energy_row =
        |label: &str, values: &[Energy], pick: &dyn Fn(&Energy) -> Cell, total: Cell| {
            let mut row = vec![Cell::text(label)];
            row.extend(values.iter().map(pick));
            row.push(total);
            row
        };
    view.push(money_row(&format!("capital, {first}"), &cmp.capital_base));
    view.push(money_row(
        &format!("capital, {second}"),
        &cmp.capital_levers,
    ));
    view.push(money_row("capital, change", &cmp.capital_change));
    for (label, values) in [
        (first, &cmp.power_base),
        (second, &cmp.power_levers),
        ("change", &cmp.power_change),
    ] {
        let kwh: Decimal = values.iter().map(|e| e.kwh).sum();
        view.push(energy_row(
            &format!("kWh, {label}"),
            values,
            &|e| quantity(e.kwh, 0),
            quantity(kwh, 0),
        ));
    }
    for (label, values) in [
        (first, &cmp.power_base),
        (second, &cmp.power_levers),
        ("change", &cmp.power_change),
    ] {
        let costs: Vec<Money> = values.iter().map(|e| e.cost).collect();
        view.push(money_row(&format!("energy £, {label}"), &costs));
    }
    for (label, values) in [
        (first, &cmp.power_base),
        (second, &cmp.power_levers),
        ("change", &cmp.power_change),
    ] {
        let t: Decimal = values.iter().map(Energy::tonnes_co2e).sum();
        view.push(energy_row(
            &format!("tCO2e, {label}"),
            values,
            &|e| quantity(e.tonnes_co2e(), 3),
            quantity(t, 3),
        ));
    }
    view
}

/// `estate lines`: per line type and year, then all types.
pub fn lines_type_view(f: &LinesForecast) -> View {
    let mut view = View::new(&[
        "type",
        "year",
        "lines",
        "rental",
        "migrations due",
        "migration cost",
        "critical care on analogue/ISDN",
        "contracts ending",
    ]);
    let all = (f.lines > 0).then_some(("all", &f.totals));
    let rows = f
        .by_type
        .iter()
        .map(|r| (r.line_type.as_str(), &r.years))
        .chain(all);
    for (label, years) in rows {
        for (year, y) in f.years.iter().zip(years) {
            view.push(vec![
                Cell::text(label),
                Cell::text(year.to_string()),
                count(y.count),
                Cell::money(y.rental),
                count(y.migrations),
                Cell::money(y.migration_cost),
                count(y.critical_care_on_legacy),
                count(y.contracts_ending),
            ]);
        }
    }
    view
}

/// `estate lines --by org`: rentals and migration costs per organisation and year.
pub fn lines_org_view(f: &LinesForecast) -> View {
    let mut view = View::new(&["organisation", "year", "rental", "migration cost"]);
    for o in &f.by_org {
        for (i, year) in f.years.iter().enumerate() {
            view.push(vec![
                Cell::text(&o.organisation),
                Cell::text(year.to_string()),
                Cell::money(o.rental[i]),
                Cell::money(o.migration_cost[i]),
            ]);
        }
    }
    view
}

/// Lines the switch-off forces to migrate, as given (critical care first).
pub fn migrations_view<'a>(migrations: impl Iterator<Item = &'a lines::Migration>) -> View {
    let mut view = View::new(&[
        "critical care",
        "org",
        "number",
        "type",
        "to",
        "use",
        "site",
        "year",
        "past due",
        "cost",
    ]);
    for m in migrations {
        view.push(vec![
            Cell::text(if m.critical_care { "yes" } else { "no" }),
            Cell::text(&m.organisation),
            Cell::text(&m.number),
            Cell::text(m.line_type.as_str()),
            Cell::text(m.migrate_to.as_str()),
            Cell::opt(m.line_use.as_ref()),
            Cell::opt(m.site.as_ref()),
            Cell::text(m.year.to_string()),
            Cell::text(if m.past_due { "yes" } else { "no" }),
            Cell::money(m.cost),
        ]);
    }
    view
}

/// "a month", "a year" or "once".
pub fn basis_word(b: CostBasis) -> &'static str {
    match b {
        CostBasis::Monthly => "a month",
        CostBasis::Annual => "a year",
        CostBasis::OneOff => "once",
    }
}

/// "monthly", "annual", "3-year term" or "perpetual".
pub fn term_word(t: Term) -> String {
    match t {
        Term::Monthly => "monthly".into(),
        Term::Annual => "annual".into(),
        Term::Term(years) => format!("{years}-year term"),
        Term::Perpetual => "perpetual".into(),
    }
}

/// `estate licences`: each entitlement's cost payable per year and
/// annualised, then the revenue, capital and annualised totals.
pub fn renewals_view(f: &LicencesForecast) -> View {
    let mut headings: Vec<String> = [
        "org",
        "product",
        "agreement",
        "seats",
        "unit cost",
        "basis",
        "budget",
        "term ends",
    ]
    .iter()
    .map(|h| (*h).to_string())
    .collect();
    headings.extend(f.years.iter().map(|y| format!("{y} payable")));
    headings.push("annualised".into());
    let mut view = View {
        headings,
        rows: Vec::new(),
    };
    for r in &f.renewals {
        let mut row = vec![
            Cell::text(&r.organisation),
            Cell::text(&r.product),
            Cell::text(&r.agreement),
            count(u64::from(r.quantity)),
            Cell::money(r.unit_cost),
            Cell::text(term_word(r.term)),
            Cell::text(r.budget.as_str()),
            Cell::opt(r.term_ends),
        ];
        row.extend(r.payable.iter().map(|m| Cell::money(*m)));
        row.push(Cell::money(r.annualised));
        view.push(row);
    }
    for (label, pick) in [
        ("Total revenue", 0usize),
        ("Total capital", 1),
        ("Total annualised", 2),
    ] {
        let mut row = vec![Cell::text(label)];
        row.extend((0..7).map(|_| Cell::text("")));
        row.extend(f.totals.iter().map(|t| {
            Cell::money(match pick {
                0 => t.revenue,
                1 => t.capital,
                _ => t.annualised,
            })
        }));
        row.push(Cell::text(""));
        view.push(row);
    }
    view
}

/// `estate licences compliance`: entitled against deployed per product.
pub fn compliance_view(f: &LicencesForecast) -> View {
    let mut view = View::new(&[
        "org",
        "product",
        "metric",
        "entitled",
        "deployed",
        "against",
        "shelfware",
        "shelfware a year",
        "shortfall",
        "true-up cost",
    ]);
    for c in &f.compliance {
        view.push(vec![
            Cell::text(&c.organisation),
            Cell::text(&c.product),
            Cell::text(c.metric.as_str()),
            count(c.entitled),
            c.deployed.map_or_else(|| Cell::number(""), count),
            Cell::text(&c.measure),
            count(c.shelfware),
            Cell::money(c.shelfware_cost),
            count(c.shortfall),
            if c.shortfall > 0 {
                Cell::text(format!("{} {}", c.true_up_cost, c.true_up_basis))
            } else {
                Cell::money(Money::ZERO)
            },
        ]);
    }
    view
}

/// `estate licences consolidation`: every agreement holding a product and
/// the saving of moving its seats to the target price.
pub fn consolidation_view(f: &LicencesForecast) -> View {
    let mut view = View::new(&[
        "product",
        "org",
        "held as",
        "agreement",
        "seats",
        "unit cost",
        "basis",
        "per seat a year",
        "saving a year",
    ]);
    for c in &f.consolidation {
        for l in &c.lines {
            view.push(vec![
                Cell::text(&c.product),
                Cell::text(&l.organisation),
                Cell::text(&l.held_as),
                Cell::text(&l.agreement),
                count(u64::from(l.quantity)),
                Cell::money(l.unit_cost),
                Cell::text(basis_word(l.cost_basis)),
                Cell::money(l.annual_unit_cost),
                Cell::money(l.saving_per_year),
            ]);
        }
    }
    view
}

/// `estate licences standardise`: products of one category, and their
/// combined cost.
pub fn standardise_view(f: &LicencesForecast) -> View {
    let mut view = View::new(&[
        "category",
        "product",
        "held by",
        "licences",
        "annualised cost",
    ]);
    for s in &f.standardisation {
        for p in &s.products {
            view.push(vec![
                Cell::text(&s.category),
                Cell::text(&p.product),
                Cell::text(&p.organisations),
                count(p.quantity),
                Cell::money(p.annual_cost),
            ]);
        }
        view.push(vec![
            Cell::text(&s.category),
            Cell::text("combined"),
            Cell::text(""),
            Cell::text(""),
            Cell::money(s.combined_annual_cost),
        ]);
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_grouped_and_rounded_for_display_only() {
        let c = quantity("12549.5".parse().unwrap(), 0);
        assert_eq!(
            (c.text.as_str(), c.plain.as_deref()),
            ("12,550", Some("12549.5"))
        );
        let c = quantity("-2.45370597".parse().unwrap(), 3);
        assert_eq!(c.text, "-2.454");
        assert_eq!(count(1_234_567).text, "1,234,567");
    }
}
