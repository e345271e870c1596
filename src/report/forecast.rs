//! Views of the capital forecast: the programme table, the year-by-year
//! risk summary, the detail, approvals, comparisons, saved runs and their
//! differences — built by hand from the forecast's records, for the
//! terminal table, CSV and Markdown renderers.
//!
//! The records themselves (`CapitalProgramme`, `Comparison`, `RunDiff` …)
//! are what JSON output serialises; nothing here changes a figure except
//! `Units::Thousands`, which rounds each cell for display.

use crate::domain::Money;
use crate::domain::money::group_thousands;
use crate::forecast::capital::YearSummary;
use crate::forecast::programme::{
    CapitalProgramme, Comparison, ComparisonRow, DetailRow, Table, Units,
};
use crate::forecast::runs::{RunDiff, RunSummary, SavedRun};

use super::{Cell, View};

/// A titled view, one section of a multi-table report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading printed above it.
    pub title: String,
    /// The table.
    pub view: View,
}

impl Section {
    fn new(title: impl Into<String>, view: View) -> Self {
        Section {
            title: title.into(),
            view,
        }
    }
}

/// A money cell in `units`: `£1,234.56`, or `1,235` (£000) on screen; the
/// plain number in CSV.
pub fn amount(money: Money, units: Units) -> Cell {
    match units {
        Units::Pounds => Cell::money(money),
        Units::Thousands => {
            let plain = units.scale(money).to_string();
            let (sign, digits) = plain
                .strip_prefix('-')
                .map_or(("", plain.as_str()), |d| ("-", d));
            Cell {
                text: format!("{sign}{}", group_thousands(digits)),
                numeric: true,
                plain: Some(plain),
            }
        }
    }
}

/// "1 asset", "3 assets".
fn assets(n: u64) -> String {
    if n == 1 {
        "1 asset".to_string()
    } else {
        format!("{n} assets")
    }
}

fn count(n: impl std::fmt::Display) -> Cell {
    Cell::number(n.to_string())
}

/// The programme table: rows by the table's dimension, a column per year
/// and a Total column, then a Total row.
pub fn programme_view(table: &Table, units: Units) -> View {
    let mut headings: Vec<String> = vec![table.dimension.heading().to_string()];
    headings.extend(table.years.iter().map(|y| format!("{y}{}", units.suffix())));
    headings.push(format!("Total{}", units.suffix()));
    let mut view = View {
        headings,
        rows: Vec::new(),
    };
    for row in &table.rows {
        let mut cells = vec![Cell::text(&row.label)];
        cells.extend(row.amounts.iter().map(|m| amount(*m, units)));
        cells.push(amount(row.total, units));
        view.push(cells);
    }
    let mut total = vec![Cell::text("Total")];
    total.extend(table.totals.iter().map(|m| amount(*m, units)));
    total.push(amount(table.total, units));
    view.push(total);
    view
}

/// The year-by-year figures: due, funded, deferred and the kit running
/// past its life, as rows with a column per year.
pub fn summary_view(summary: &[YearSummary], units: Units) -> View {
    let mut headings = vec!["Each year".to_string()];
    headings.extend(summary.iter().map(|s| s.year.to_string()));
    let mut view = View {
        headings,
        rows: Vec::new(),
    };
    let money_row = |label: &str, f: &dyn Fn(&YearSummary) -> Money| {
        let mut cells = vec![Cell::text(format!("{label}{}", units.suffix()))];
        cells.extend(summary.iter().map(|s| amount(f(s), units)));
        cells
    };
    let count_row = |label: &str, f: &dyn Fn(&YearSummary) -> u64| {
        let mut cells = vec![Cell::text(label)];
        cells.extend(summary.iter().map(|s| count(f(s))));
        cells
    };
    view.push(count_row("Due (assets)", &|s| s.due.count));
    view.push(money_row("Due", &|s| s.due.value));
    view.push(count_row("  of which overdue (assets)", &|s| {
        s.overdue.count
    }));
    // Shown only when support drives a replacement, so a register without
    // support data reads as before.
    if summary.iter().any(|s| s.end_of_support.count > 0) {
        view.push(count_row(
            "  of which replaced for end of support (assets)",
            &|s| s.end_of_support.count,
        ));
        view.push(money_row("  of which replaced for end of support", &|s| {
            s.end_of_support.value
        }));
    }
    view.push(count_row("Deferred in (assets)", &|s| s.deferred_in.count));
    view.push(money_row("Deferred in", &|s| s.deferred_in.value));
    view.push(count_row("Funded (assets)", &|s| s.funded.count));
    view.push(money_row("Funded", &|s| s.funded.value));
    view.push(count_row("Deferred out (assets)", &|s| {
        s.deferred_out.count
    }));
    view.push(money_row("Deferred out, at next year's prices", &|s| {
        s.deferred_out.value
    }));
    view.push(count_row("Running past life at year end", &|s| {
        s.past_life_at_year_end
    }));
    if summary.iter().any(|s| s.cap.is_some()) {
        let mut cells = vec![Cell::text(format!("Cap{}", units.suffix()))];
        cells.extend(summary.iter().map(|s| match s.cap {
            Some(c) => amount(c, units),
            None => Cell::text("none"),
        }));
        view.push(cells);
    }
    view
}

/// Every replacement: asset, due date and year, the year funded, the
/// reason and the cost.
pub fn detail_view(rows: &[DetailRow], units: Units) -> View {
    let mut view = View {
        headings: detail_headings(units),
        rows: Vec::with_capacity(rows.len()),
    };
    for d in rows {
        view.push(detail_cells(d, units));
    }
    view
}

/// The headings of [`detail_view`].
fn detail_headings(units: Units) -> Vec<String> {
    [
        "organisation",
        "asset tag",
        "class",
        "programme line",
        "site",
        "department",
        "due date",
        "due year",
        "funded in",
        "reason",
    ]
    .iter()
    .map(ToString::to_string)
    .chain([format!("cost{}", units.suffix())])
    .collect()
}

/// One replacement as a row of [`detail_view`].
fn detail_cells(d: &DetailRow, units: Units) -> Vec<Cell> {
    vec![
        Cell::text(&*d.organisation),
        Cell::text(&d.asset_tag),
        Cell::text(d.class.label()),
        Cell::text(&*d.line),
        Cell::opt(d.site.as_deref()),
        Cell::opt(d.department.as_deref()),
        Cell::text(crate::domain::iso(d.due_date)),
        Cell::text(d.due_year.to_string()),
        Cell::text(d.year.map_or("unfunded".to_string(), |y| y.to_string())),
        Cell::text(d.reason.as_str()),
        amount(d.cost, units),
    ]
}

/// Writes [`detail_view`] of `rows` as CSV to `out` a row at a time: the
/// same text as `to_csv(&detail_view(rows, units))`, without holding a
/// million-row table in memory.
///
/// # Errors
/// Writing to `out` failed.
pub fn write_detail_csv<W: std::io::Write>(
    rows: &[DetailRow],
    units: Units,
    out: W,
) -> Result<(), csv::Error> {
    super::write_csv_rows(
        &detail_headings(units),
        rows.iter().map(|d| detail_cells(d, units)),
        out,
    )
}

/// The programme lines that need approval, and from whom.
pub fn approvals_view(p: &CapitalProgramme, units: Units) -> View {
    let mut view = View::new(&[
        "programme line",
        "period",
        &format!("amount{}", units.suffix()),
        "needs approval from",
    ]);
    for a in &p.approvals {
        let bodies: Vec<&str> = a.bodies.iter().map(|b| b.label()).collect();
        view.push(vec![
            Cell::text(&a.line),
            Cell::text(a.year.map_or_else(
                || format!("scheme, {} to {}", p.years[0], p.years[p.years.len() - 1]),
                |y| y.to_string(),
            )),
            amount(a.amount, units),
            Cell::text(bodies.join(" and ")),
        ]);
    }
    view
}

/// The lines under the tables: backlog, unfunded, unknown age, leases,
/// what was left out, and the £000 rounding caveat.
pub fn notes(p: &CapitalProgramme, units: Units) -> Vec<String> {
    let first = p.years[0];
    let mut out = Vec::new();
    if p.backlog.count > 0 {
        out.push(format!(
            "backlog: {} already past {} life before {first}; {} to replace in {first} (in the figures above)",
            assets(p.backlog.count),
            if p.backlog.count == 1 { "its" } else { "their" },
            p.backlog.value
        ));
    }
    if p.unfunded.tally.count > 0 {
        out.push(format!(
            "unfunded at the end of the horizon: {}, {} at {} prices",
            assets(p.unfunded.tally.count),
            p.unfunded.tally.value,
            p.unfunded.priced_at
        ));
    }
    if p.unknown_age.tally.count > 0 {
        out.push(format!(
            "age unknown: {}, {} to replace at today's prices ({} price book); not in the totals above",
            assets(p.unknown_age.tally.count),
            p.unknown_age.tally.value,
            p.unknown_age.prices_at
        ));
    }
    let l = &p.leases;
    let leased: u64 =
        l.by_year.iter().map(|(_, n)| n).sum::<u64>() + l.ended_before + l.after + l.end_unknown;
    if leased > 0 {
        let years: Vec<String> = l.by_year.iter().map(|(y, n)| format!("{y} {n}")).collect();
        let mut parts = vec![format!(
            "lease renewals (leased kit, revenue, not in the capital figures): {}",
            years.join(", ")
        )];
        if l.ended_before > 0 {
            parts.push(format!("{} leases already ended", l.ended_before));
        }
        if l.after > 0 {
            parts.push(format!("{} end later", l.after));
        }
        if l.end_unknown > 0 {
            parts.push(format!("{} with no lease end recorded", l.end_unknown));
        }
        out.push(parts.join("; "));
        if l.cost_by_year.iter().any(|m| *m != Money::ZERO) {
            let costs: Vec<String> = l
                .by_year
                .iter()
                .zip(&l.cost_by_year)
                .map(|((y, _), m)| format!("{y} {m}"))
                .collect();
            out.push(format!(
                "lease renewals priced from the price book at each year's prices (revenue): {}; {} in all",
                costs.join(", "),
                l.cost_by_year.iter().copied().sum::<Money>()
            ));
        }
    }
    if p.scope.not_live > 0 {
        out.push(format!(
            "left out: {} retired, disposed or lost",
            assets(p.scope.not_live)
        ));
    }
    if units == Units::Thousands {
        out.push("figures are rounded to the nearest £000, so totals may differ from the sum of the rounded figures".into());
    }
    out
}

/// Everything `estate forecast` shows, as sections: the programme by the
/// chosen dimension, the year-by-year summary, approvals and, when present,
/// the detail.
pub fn programme_sections(
    title: &str,
    p: &CapitalProgramme,
    dimension: crate::forecast::programme::Dimension,
    units: Units,
) -> Vec<Section> {
    let mut out = vec![
        Section::new(title, programme_view(p.table(dimension), units)),
        Section::new("Due, funded and deferred", summary_view(&p.summary, units)),
    ];
    if let Some(c) = &p.capitalisation {
        out.push(Section::new(
            format!("Capital and revenue (capital threshold {})", c.rule),
            super::approved::capitalisation_view(c, units),
        ));
    }
    if !p.approvals.is_empty() {
        out.push(Section::new("Approvals needed", approvals_view(p, units)));
    }
    if !p.detail.is_empty() {
        out.push(Section::new(
            "Every replacement",
            detail_view(&p.detail, units),
        ));
    }
    out
}

fn comparison_rows(view: &mut View, c: &Comparison, row: &ComparisonRow, units: Units) {
    for (name, amounts, total) in [
        (&c.base_name, &row.base, row.base_total),
        (&c.other_name, &row.other, row.other_total),
        (
            &"difference".to_string(),
            &row.difference,
            row.difference_total,
        ),
    ] {
        let mut cells = vec![Cell::text(&row.label), Cell::text(name)];
        cells.extend(amounts.iter().map(|m| amount(*m, units)));
        cells.push(amount(total, units));
        view.push(cells);
    }
}

/// Two programmes side by side: each line's funded spending in both and
/// the difference, then the totals and the kit running past its life.
pub fn comparison_view(c: &Comparison, units: Units) -> View {
    let mut headings = vec!["Programme line".to_string(), "Programme".to_string()];
    headings.extend(c.years.iter().map(|y| format!("{y}{}", units.suffix())));
    headings.push(format!("Total{}", units.suffix()));
    let mut view = View {
        headings,
        rows: Vec::new(),
    };
    for row in &c.lines {
        comparison_rows(&mut view, c, row, units);
    }
    comparison_rows(&mut view, c, &c.total, units);
    let counts = |label: &str, name: &str, values: Vec<String>| {
        let mut cells = vec![Cell::text(label), Cell::text(name)];
        cells.extend(values.into_iter().map(Cell::number));
        cells.push(Cell::text(""));
        cells
    };
    let text = |v: &[u64]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    let past = "Running past life at year end";
    view.push(counts(past, &c.base_name, text(&c.past_life.base)));
    view.push(counts(past, &c.other_name, text(&c.past_life.other)));
    view.push(counts(
        past,
        "difference",
        c.past_life
            .difference
            .iter()
            .map(ToString::to_string)
            .collect(),
    ));
    if !c.past_life.kept_past_base_life.is_empty() {
        view.push(counts(
            &format!("Kept past the {} life", c.base_name),
            &c.other_name,
            text(&c.past_life.kept_past_base_life),
        ));
    }
    view
}

/// What a comparison says in words: the difference over the horizon.
pub fn comparison_notes(c: &Comparison) -> Vec<String> {
    let diff = c.total.difference_total;
    let mut out = vec![if diff.is_negative() {
        format!(
            "{} saves {} over the horizon against {}",
            c.other_name, -diff, c.base_name
        )
    } else if diff.is_zero() {
        format!(
            "{} costs the same as {} over the horizon",
            c.other_name, c.base_name
        )
    } else {
        format!(
            "{} costs {} more than {} over the horizon",
            c.other_name, diff, c.base_name
        )
    }];
    let (b, o) = c.unfunded;
    if b.count > 0 || o.count > 0 {
        out.push(format!(
            "unfunded at the end: {} {} ({}), {} {} ({})",
            c.base_name,
            assets(b.count),
            b.value,
            c.other_name,
            assets(o.count),
            o.value
        ));
    }
    out
}

/// `estate runs`: one row per saved run.
pub fn runs_view(runs: &[RunSummary]) -> View {
    let mut view = View::new(&[
        "run",
        "name",
        "saved",
        "years",
        "scenario",
        "organisation",
        "capped",
        "funded",
        "unfunded",
        "approved",
    ]);
    for r in runs {
        view.push(vec![
            count(r.id),
            Cell::text(&r.name),
            Cell::text(&r.created_at),
            Cell::text(format!(
                "{} to {}",
                r.first_year,
                r.first_year.offset(i32::try_from(r.years).unwrap_or(1) - 1)
            )),
            Cell::opt(r.scenario.as_deref()),
            Cell::opt(r.organisation.as_deref()),
            Cell::text(if r.capped { "yes" } else { "no" }),
            Cell::money(r.funded),
            Cell::money(r.unfunded),
            Cell::opt(r.approved.as_deref()),
        ]);
    }
    view
}

/// A saved run's assumptions: settings, lives, prices, model rules, the
/// scenario, and the register state it was run on.
pub fn assumptions_view(run: &SavedRun) -> View {
    capital_assumptions_view(run.horizon, &run.assumptions, &run.register, &[])
}

/// A capital forecast's assumptions (settings, lives, prices, model rules,
/// programme lines, the scenario) and the register state it was made from,
/// as rows of assumption, value and source. `settings` gives the sources
/// of the price base, inflation and thresholds where they are known.
pub fn capital_assumptions_view(
    horizon: crate::forecast::Horizon,
    a: &crate::forecast::Assumptions,
    r: &crate::forecast::runs::RegisterState,
    settings: &[crate::policy::Setting],
) -> View {
    let source_of = |key: &str| {
        settings
            .iter()
            .find(|s| s.key == key)
            .map_or("", |s| s.source.as_str())
    };
    let mut view = View::new(&["assumption", "value", "source"]);
    let mut push = |what: String, value: String, source: &str| {
        view.push(vec![
            Cell::text(what),
            Cell::text(value),
            Cell::text(source),
        ]);
    };
    push(
        "horizon".into(),
        format!("{} for {} years", horizon.first, horizon.years),
        "",
    );
    if let Some(s) = &a.scenario {
        push("scenario".into(), s.name.clone(), &s.description);
    }
    push(
        "price base".into(),
        a.price_base.to_string(),
        source_of("price_base"),
    );
    push(
        "inflation".into(),
        a.inflation.to_string(),
        source_of("inflation"),
    );
    push("caps".into(), a.caps.to_string(), "");
    push(
        "capital threshold".into(),
        a.capitalisation.to_string(),
        source_of("capital_threshold"),
    );
    push(
        "approval threshold: joint board".into(),
        a.thresholds.joint_board.to_string(),
        source_of("approval_threshold_joint_board"),
    );
    push(
        "approval threshold: strategy group".into(),
        a.thresholds.strategy_group.to_string(),
        source_of("approval_threshold_strategy_group"),
    );
    for l in &a.lives {
        push(
            format!("life of {}", l.class.label()),
            format!("{} years", l.life_years),
            &l.source,
        );
    }
    for m in &a.model_lives {
        push(
            format!("life of {} {}", m.manufacturer, m.model),
            format!("{} years", m.life_years),
            &m.source,
        );
    }
    for p in &a.prices {
        let what = if p.manufacturer.is_empty() && p.model.is_empty() {
            format!("price of {}", p.class.label())
        } else {
            format!(
                "price of {} {} ({})",
                p.manufacturer,
                p.model,
                p.class.label()
            )
        };
        push(what, p.unit_cost.to_string(), &p.source);
    }
    for l in &a.programme_lines {
        push(
            format!("programme line of {}", l.class.label()),
            l.line.clone(),
            &l.source,
        );
    }
    push(
        "register".into(),
        format!(
            "{} assets, last changed {}",
            r.assets,
            r.last_change.as_deref().unwrap_or("never")
        ),
        "",
    );
    for b in &r.batches {
        push(
            format!("import batch {}", b.id),
            format!(
                "{}{} ({} new, {} changed){}",
                b.file_name,
                b.sheet
                    .as_deref()
                    .map(|s| format!(" [{s}]"))
                    .unwrap_or_default(),
                b.rows_new,
                b.rows_changed,
                b.undone_at
                    .as_deref()
                    .map(|u| format!(", undone {u}"))
                    .unwrap_or_default()
            ),
            &format!("imported {}, sha256 {}", b.imported_at, b.sha256),
        );
    }
    view
}

/// A change as text with its sign: `+£17.34`, `-£867.00` (or in £000).
fn signed(change: Money, units: Units) -> String {
    let text = amount(change, units).text;
    if change > Money::default() {
        format!("+{text}")
    } else {
        text
    }
}

/// `estate runs diff`: the causes of the movement (attributed one at a
/// time in a fixed order), the assumptions that changed, and every asset
/// that moved with each cause's part.
pub fn diff_sections(d: &RunDiff, units: Units) -> Vec<Section> {
    let mut causes = View::new(&[
        "why it moved",
        "assets",
        &format!("change{}", units.suffix()),
    ]);
    for c in &d.causes {
        causes.push(vec![
            Cell::text(c.cause.label()),
            count(c.assets),
            amount(c.change, units),
        ]);
    }
    let total: Money = d.causes.iter().map(|c| c.change).sum();
    causes.push(vec![
        Cell::text("Total"),
        // An asset moved by two causes is counted under each, once here.
        count(d.assets.len() as u64),
        amount(total, units),
    ]);
    let mut assumptions = View::new(&["assumption", "was", "now"]);
    for a in &d.assumptions {
        assumptions.push(vec![
            Cell::text(&a.what),
            Cell::text(&a.old),
            Cell::text(&a.new),
        ]);
    }
    let mut assets = View::new(&[
        "organisation",
        "asset tag",
        "class",
        "what changed",
        &format!("why it moved{}", units.suffix()),
        &format!("was{}", units.suffix()),
        &format!("now{}", units.suffix()),
    ]);
    for a in &d.assets {
        assets.push(vec![
            Cell::text(&a.organisation),
            Cell::text(&a.asset_tag),
            Cell::text(a.class.label()),
            Cell::text(&a.detail),
            Cell::text(
                a.parts
                    .iter()
                    .map(|p| format!("{} {}", p.cause.label(), signed(p.change, units)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            amount(a.old_value, units),
            amount(a.new_value, units),
        ]);
    }
    let mut out = vec![
        Section::new(
            format!(
                "Run {} ({}) against run {} ({})",
                d.new.id, d.new.name, d.old.id, d.old.name
            ),
            comparison_view(&d.comparison, units),
        ),
        Section::new("Why it moved", causes),
    ];
    if !d.assumptions.is_empty() {
        out.push(Section::new("Assumptions that changed", assumptions));
    }
    if !d.assets.is_empty() {
        out.push(Section::new("Assets whose funding moved", assets));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_written_row_by_row_is_the_detail_table_as_csv() {
        use std::str::FromStr;
        let fy = |y: &str| crate::domain::FinancialYear::from_str(y).unwrap();
        let row = |tag: &str, site: Option<&str>, pence: i64, year: Option<&str>| DetailRow {
            organisation: "BCW".into(),
            asset_tag: tag.into(),
            class: crate::domain::AssetClass::Laptop,
            line: "Desktop and laptop refresh".into(),
            site: site.map(Into::into),
            department: None,
            manufacturer: Some("Dell".into()),
            model: None,
            due_date: time::macros::date!(2027 - 02 - 28),
            due_year: fy("2026/27"),
            year: year.map(fy),
            reason: crate::forecast::capital::Reason::Age,
            cost: Money::from_pence(pence),
        };
        let rows = [
            row("LT1", Some("Town Hall, Annexe"), 85_000, Some("2026/27")),
            row("=cmd|' /C calc'!A0", None, 123_456_789, None),
        ];
        for units in [Units::Pounds, Units::Thousands] {
            let mut streamed = Vec::new();
            write_detail_csv(&rows, units, &mut streamed).unwrap();
            let whole = super::super::to_csv(&detail_view(&rows, units)).unwrap();
            assert_eq!(String::from_utf8(streamed).unwrap(), whole, "{units:?}");
        }
        let mut out = Vec::new();
        write_detail_csv(&rows, Units::Pounds, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "organisation,asset tag,class,programme line,site,department,due date,due year,funded in,reason,cost\n\
             BCW,LT1,laptop,Desktop and laptop refresh,\"Town Hall, Annexe\",,2027-02-28,2026/27,2026/27,age,850.00\n\
             BCW,'=cmd|' /C calc'!A0,laptop,Desktop and laptop refresh,,,2027-02-28,2026/27,unfunded,age,1234567.89\n"
        );
    }

    #[test]
    fn thousands_are_grouped_on_screen_and_plain_in_csv() {
        let cell = amount(Money::from_pence(125_049_999), Units::Thousands);
        assert_eq!(cell.text, "1,250");
        assert_eq!(cell.plain.as_deref(), Some("1250"));
        let cell = amount(Money::from_pence(-123_456_700_000), Units::Thousands);
        assert_eq!(cell.text, "-1,234,567");
        assert_eq!(
            amount(Money::from_pence(40_000), Units::Thousands).text,
            "0"
        );
    }
}
