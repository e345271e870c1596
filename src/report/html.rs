//! The Cabinet report as one self-contained HTML page: inline CSS, the
//! chart as inline SVG, no scripts and no external requests, printable on
//! A4 with page breaks between its parts, for a report author to attach to
//! a committee report.
//!
//! Accessible: real tables with a caption and `<th scope>` headers, the
//! totals in `<tfoot>`, and the chart labelled and described in words.
//! Every string is escaped, so a `<script>` in an imported name stays text.

use std::fmt::Write as _;

use super::cabinet::{
    MoneyTable, assumptions_view, basis_lines, capital_notes, carbon_view, chart_series,
    programme_table, switch_off_lines,
};
use super::chart::{self, ChartError};
use super::forecast::{approvals_view, summary_view};
use super::running::consolidation_view;
use super::words::{for_people, long_dates_in};
use super::{Cell, View};
use crate::forecast::cabinet::CabinetReport;
use crate::forecast::programme::{Dimension, Units};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r"
:root { color: #1a1a1a; font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 0.4rem; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 0.6rem; border-bottom: 2px solid #0072b2; padding-bottom: 0.2rem; }
p.meta { margin: 0.1rem 0; color: #333; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1rem; font-size: 9pt; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; caption-side: top; }
th, td { border: 1px solid #b0b0b0; padding: 0.2rem 0.35rem; vertical-align: top; }
thead th { background: #e8eef4; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td, tr.total th, tr.total td { font-weight: bold; border-top: 2px solid #1a1a1a; }
table.assumptions th:first-child { width: 26%; }
table.assumptions td:nth-child(2) { width: 24%; }
tbody th, tfoot th { text-align: left; }
tbody th { font-weight: normal; }
figure { margin: 0.5rem 0 1rem; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #333; }
ul.notes { font-size: 9.5pt; }
footer { margin-top: 2rem; font-size: 8.5pt; color: #555; }
@page { size: A4 portrait; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.page { break-before: page; }
  h2 { break-after: avoid; }
  table, figure { break-inside: auto; }
  tr, figure svg { break-inside: avoid; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
}
";

/// The most years a programme table prints with on A4 portrait; a longer
/// programme (councils publish ten years) prints landscape in smaller type,
/// so its Total column always prints.
const WIDE_YEARS: usize = 5;

/// A4 landscape and smaller figures for a programme of more than
/// [`WIDE_YEARS`] years.
const WIDE_CSS: &str = r"
body { max-width: none; }
table { font-size: 7.5pt; }
th, td { padding: 0.15rem 0.2rem; }
@page { size: A4 landscape; margin: 10mm 8mm; }
@media print { body { font-size: 9pt; } table { font-size: 7pt; } }
";

/// Writes a view as a table: the first column's cells are row headers, a
/// last row labelled "Total" goes in `<tfoot>` (another is marked `total`).
fn table(out: &mut String, caption: &str, view: &View) {
    table_with_class(out, caption, view, "");
}

fn table_with_class(out: &mut String, caption: &str, view: &View, class: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    let _ = write!(
        out,
        "<table{class}>\n<caption>{}</caption>\n<thead><tr>",
        escape(caption)
    );
    for (i, h) in view.headings.iter().enumerate() {
        let class = if i > 0 && column_is_numeric(view, i) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n");
    let foot = view
        .rows
        .last()
        .is_some_and(|r| r.first().is_some_and(|c| c.text == "Total"));
    let body_len = view.rows.len() - usize::from(foot);
    let row = |out: &mut String, cells: &[Cell]| {
        let total = cells.first().is_some_and(|c| c.text == "Total");
        out.push_str(if total && !foot {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (i, c) in cells.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{}</th>", escape(&c.text));
            } else if c.numeric {
                let _ = write!(out, "<td class=\"num\">{}</td>", escape(&c.text));
            } else {
                let _ = write!(out, "<td>{}</td>", escape(&c.text));
            }
        }
        out.push_str("</tr>\n");
    };
    out.push_str("<tbody>\n");
    for cells in &view.rows[..body_len] {
        row(out, cells);
    }
    out.push_str("</tbody>\n");
    if foot {
        out.push_str("<tfoot>\n");
        row(out, &view.rows[body_len]);
        out.push_str("</tfoot>\n");
    }
    out.push_str("</table>\n");
}

fn column_is_numeric(view: &View, i: usize) -> bool {
    view.rows
        .iter()
        .any(|r| r.get(i).is_some_and(|c| c.numeric))
}

fn notes(out: &mut String, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    out.push_str("<ul class=\"notes\">\n");
    for l in lines {
        let _ = writeln!(out, "<li>{}</li>", escape(&long_dates_in(l)));
    }
    out.push_str("</ul>\n");
}

fn section(out: &mut String, id: &str, new_page: bool, heading: &str) {
    let class = if new_page { " class=\"page\"" } else { "" };
    let _ = write!(
        out,
        "<section id=\"{id}\"{class} aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{}</h2>\n",
        escape(heading)
    );
}

/// Writes the report as an HTML page.
///
/// # Errors
/// Only if the chart cannot be drawn.
pub fn write(report: &CabinetReport) -> Result<String, ChartError> {
    let units = report.units;
    let years = report.years();
    let span = format!(
        "{} to {}",
        years.first().map(ToString::to_string).unwrap_or_default(),
        years.last().map(ToString::to_string).unwrap_or_default()
    );
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        escape(&report.title),
        if years.len() > WIDE_YEARS {
            WIDE_CSS
        } else {
            ""
        },
        escape(&report.title)
    );
    for line in basis_lines(report) {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&line));
    }
    out.push_str("</header>\n<main>\n");

    // 1. The capital programme and its chart.
    section(&mut out, "programme", false, "Capital programme");
    let by_line = programme_table(report, Dimension::Line);
    let plain = MoneyTable {
        change: None,
        ..by_line.clone()
    };
    table(
        &mut out,
        &format!(
            "Capital programme {span} by programme line{}",
            units.suffix()
        ),
        &plain.view(units),
    );
    notes(&mut out, &capital_notes(report));
    let series = chart_series(report);
    let chart_title = format!("Capital by programme line and financial year, {span}");
    let svg = chart::stacked_bars("capital-chart", &chart_title, years, &series, units)?;
    let _ = write!(
        out,
        "<figure>\n{svg}\n<figcaption>Figure 1: {}. The figures are in the capital programme table above.</figcaption>\n</figure>\n",
        escape(&chart_title)
    );
    if let Some(change) = &by_line.change {
        let mut view = View {
            headings: vec![by_line.heading.clone()],
            rows: Vec::new(),
        };
        view.headings
            .extend(years.iter().map(|y| format!("{y}{}", units.suffix())));
        view.headings.push(format!("Total{}", units.suffix()));
        for row in change.rows.iter().chain(std::iter::once(&change.total)) {
            let mut cells = vec![Cell::text(&row.label)];
            let figure =
                |m: &crate::domain::Money| super::words::cell(&super::forecast::amount(*m, units));
            cells.extend(row.amounts.iter().map(figure));
            cells.push(figure(&row.total));
            view.push(cells);
        }
        let caption = match (&report.change, super::cabinet::scenario_levers(report)) {
            (Some(c), _) => format!(
                "Change against run {} \"{}\" saved {} (this programme less that one)",
                c.against.id,
                c.against.name,
                long_dates_in(&c.against.created_at)
            ),
            (None, Some(l)) => format!(
                "What {}'s levers change ({}): this programme less the programme before them",
                l.scenario, l.levers
            ),
            (None, None) => String::new(),
        };
        table(&mut out, &caption, &view);
    }
    out.push_str("</section>\n");

    // 1a. How it is paid for, and the proposal against the approved programme.
    let funding = super::funding::funding_parts(report);
    let approved = super::funding::approved_parts(report);
    if !funding.is_empty() || !approved.is_empty() {
        section(
            &mut out,
            "funding",
            true,
            "Funding, borrowing and the approved programme",
        );
        for part in funding.iter().chain(&approved) {
            table(&mut out, &part.caption, &for_people(&part.view));
            notes(&mut out, &part.notes);
        }
        out.push_str("</section>\n");
    }

    // 2. Risk: deferred, unfunded and overdue; approvals.
    section(
        &mut out,
        "risk",
        true,
        "Deferred, unfunded and overdue: the risk being accepted",
    );
    table(
        &mut out,
        "Due, funded and deferred each year",
        &for_people(&summary_view(&report.programme.summary, units)),
    );
    if !report.programme.approvals.is_empty() {
        table(
            &mut out,
            "Programme lines that need approval",
            &for_people(&approvals_view(&report.programme, units)),
        );
    }
    out.push_str("</section>\n");

    // 3. Where the money goes.
    section(&mut out, "breakdown", true, "By organisation and site");
    for (dimension, caption) in [
        (
            Dimension::Org,
            "Capital by organisation (shared services apportioned)",
        ),
        (Dimension::Site, "Capital by site"),
    ] {
        table(
            &mut out,
            &format!("{caption}{}", units.suffix()),
            &programme_table(report, dimension).view(units),
        );
    }
    out.push_str("</section>\n");

    // 4. Running costs.
    section(&mut out, "revenue", true, "Revenue and carbon");
    match &report.running {
        Some(r) => {
            table(
                &mut out,
                "Revenue budget by year",
                &MoneyTable::revenue(&r.revenue).view(Units::Pounds),
            );
            table(
                &mut out,
                "Energy and carbon: the estate as it stands and after the replacements",
                &for_people(&carbon_view(&r.power)),
            );
            if let Some(part) = super::funding::carbon_part(report) {
                table(&mut out, &part.caption, &part.view);
                notes(&mut out, &part.notes);
            }
            notes(&mut out, &switch_off_lines(&r.lines));
            if !r.licences.consolidation.is_empty() {
                table(
                    &mut out,
                    "Licence consolidation",
                    &for_people(&consolidation_view(&r.licences)),
                );
            }
        }
        None => notes(
            &mut out,
            &["Running costs are not in this report: this run was saved without its running costs (saved before estate kept them).".to_string()],
        ),
    }
    out.push_str("</section>\n");

    // 5. Assumptions.
    section(&mut out, "assumptions", true, "Assumptions and sources");
    table_with_class(
        &mut out,
        "Every rule, price and rate used, with its source, and the register state",
        &for_people(&assumptions_view(report)),
        "assumptions",
    );
    out.push_str("</section>\n</main>\n");
    let _ = write!(
        out,
        "<footer><p>Made by estate from the register on {}. The workbook of the same report lists every replacement.</p></footer>\n</body>\n</html>\n",
        escape(&long_dates_in(&report.prepared))
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_markup_as_text() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn a_table_has_scoped_headers_a_caption_and_its_total_in_the_footer() {
        let mut view = View::new(&["Line", "2026/27"]);
        view.push(vec![Cell::text("<b>Servers</b>"), Cell::number("1")]);
        view.push(vec![Cell::text("Total"), Cell::number("1")]);
        let mut out = String::new();
        table(&mut out, "Capital", &view);
        assert_eq!(
            out,
            "<table>\n<caption>Capital</caption>\n<thead><tr><th scope=\"col\">Line</th><th scope=\"col\" class=\"num\">2026/27</th></tr></thead>\n\
             <tbody>\n<tr><th scope=\"row\">&lt;b&gt;Servers&lt;/b&gt;</th><td class=\"num\">1</td></tr>\n</tbody>\n\
             <tfoot>\n<tr><th scope=\"row\">Total</th><td class=\"num\">1</td></tr>\n</tfoot>\n</table>\n"
        );
    }
}
