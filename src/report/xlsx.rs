//! The Cabinet report as an Excel workbook (`rust_xlsxwriter`): the
//! capital programme on a Summary sheet that prints on one landscape A4
//! page, the programme by organisation, class, site and department, the
//! risk being accepted, every replacement (Detail), the revenue position,
//! power and carbon, licence consolidation, and every assumption with its
//! source — so the workbook explains itself.
//!
//! Totals are real `=SUM(...)` formulas whose cached results are the
//! engine's figures, written as exact decimal text; a finance officer can
//! audit them and a reader that does not recalculate still shows them.
//! Cells hold pounds whatever the units: £000 is a number format
//! (`#,##0,`), so no figure is rounded in the file.
//!
//! Every text cell goes through [`neutralise`], so imported text cannot
//! start a formula; numbers are written as numbers. The Detail sheet is a
//! constant-memory worksheet written row by row, so a million replacements
//! do not sit in memory twice.
//!
//! Every sheet has its title in row 1, a line saying what it is in row 2
//! and its first table's header in row 4.

use std::collections::BTreeMap;
use std::io::Write;

use rust_decimal::Decimal;
use rust_xlsxwriter::utility::cell_range;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError};

use super::cabinet::{
    MoneyRow, MoneyTable, assumptions_view, basis_lines, capital_notes, programme_table,
};
use super::forecast::{approvals_view, summary_view};
use super::running::{
    compliance_view, consolidation_view, lines_type_view, migrations_view, power_breakdown_view,
    power_year_view, renewals_view, standardise_view,
};
use super::{Cell, View, neutralise};
use crate::domain::{Money, iso};
use crate::forecast::cabinet::CabinetReport;
use crate::forecast::programme::{DetailRow, Dimension, Units};

/// The 0-based row of each sheet's first table header (Excel row 4).
pub const HEADER_ROW: u32 = 3;

/// The sheets, in order (a Detail too long for one sheet goes on to
/// `Detail 2`, `Detail 3`, … after it).
pub const SHEETS: [&str; 11] = [
    "Summary",
    "By organisation",
    "By class",
    "By site",
    "By department",
    "Risk and approvals",
    "Detail",
    "Revenue",
    "Power and carbon",
    "Licence consolidation",
    "Assumptions",
];

/// Excel's paper size code for A4.
const A4: u8 = 9;

/// The one place a figure becomes a float: `rust_xlsxwriter` takes cell
/// numbers as `f64`. Pounds and pence (and kWh to a few places) are well
/// inside the 15 significant digits an `f64` holds, and every total beside
/// them is a formula whose cached result is exact decimal text.
fn number(value: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    value.to_f64().unwrap_or(f64::NAN)
}

/// A formula's cached result: the exact decimal, as text.
fn result(m: Money) -> String {
    m.amount().normalize().to_string()
}

/// The formats the workbook uses, made once.
struct Formats {
    title: Format,
    header: Format,
    header_number: Format,
    bold: Format,
    text: Format,
    wrap: Format,
    money: Format,
    money_bold: Format,
    /// Number formats of other cells, by (currency, decimals, bold).
    cells: BTreeMap<(bool, u32, bool), Format>,
}

impl Formats {
    fn new(units: Units) -> Self {
        let money_code = match units {
            // "£" quoted: the symbol is a literal in Excel's format codes.
            Units::Pounds => "\"£\"#,##0.00;-\"£\"#,##0.00",
            // The trailing comma shows thousands: the cell still holds pounds.
            Units::Thousands => "#,##0,;-#,##0,",
        };
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(0x00E8_EEF4)
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header_number: header.clone().set_align(FormatAlign::Right),
            header,
            bold: Format::new().set_bold(),
            text: Format::new(),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            money: Format::new().set_num_format(money_code),
            money_bold: Format::new()
                .set_num_format(money_code)
                .set_bold()
                .set_border_top(FormatBorder::Thin),
            cells: BTreeMap::new(),
        }
    }

    /// The format of a number shown as `text` on screen: currency when it
    /// starts with £, as many decimals as the text has, thousands grouped.
    fn for_number(&mut self, text: &str, bold: bool) -> Format {
        let currency = text.trim_start_matches('-').starts_with('£');
        let decimals = text
            .split_once('.')
            .map_or(0, |(_, f)| u32::try_from(f.len()).unwrap_or(0));
        self.cells
            .entry((currency, decimals, bold))
            .or_insert_with(|| {
                let places = if decimals > 0 {
                    format!(".{}", "0".repeat(decimals as usize))
                } else {
                    String::new()
                };
                let code = if currency {
                    format!("\"£\"#,##0{places};-\"£\"#,##0{places}")
                } else {
                    format!("#,##0{places}")
                };
                let f = Format::new().set_num_format(code);
                if bold { f.set_bold() } else { f }
            })
            .clone()
    }
}

/// Writes a sheet's title and the line saying what it is.
fn heading(ws: &mut Worksheet, f: &Formats, title: &str, about: &str) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, neutralise(title), &f.title)?;
    ws.write_string_with_format(1, 0, neutralise(about), &f.text)?;
    Ok(())
}

/// Landscape A4, a page wide (and, when `one_page`, a page tall), with the
/// sheet name and page number in the footer.
fn page_setup(ws: &mut Worksheet, one_page: bool) {
    ws.set_landscape();
    ws.set_paper_size(A4);
    ws.set_print_fit_to_pages(1, u16::from(one_page));
    ws.set_footer("&L&A&RPage &P of &N");
}

/// Writes text (neutralised) at a cell.
fn text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if value.is_empty() {
        return Ok(());
    }
    ws.write_string_with_format(row, col, neutralise(value), format)?;
    Ok(())
}

/// Writes `table` with its header at `top`: figures as numbers, each
/// row's Total and the Total row as `=SUM(...)` formulas with the engine's
/// figures as their cached results. Returns the next free row.
fn money_table(
    ws: &mut Worksheet,
    f: &Formats,
    top: u32,
    table: &MoneyTable,
    units: Units,
) -> Result<u32, XlsxError> {
    let n = u16::try_from(table.years.len())
        .map_err(|_| XlsxError::ParameterError("too many years".into()))?;
    for (col, h) in (0u16..).zip(table.headings(units)) {
        let format = if col == 0 {
            &f.header
        } else {
            &f.header_number
        };
        ws.write_string_with_format(top, col, &h, format)?;
    }
    let first = top + 1;
    let rows = u32::try_from(table.rows.len())
        .map_err(|_| XlsxError::ParameterError("too many rows".into()))?;
    let last = first + rows.max(1) - 1;
    // A block of year figures and its Total at `col` on `row`.
    let block = |ws: &mut Worksheet,
                 row: u32,
                 col: u16,
                 r: &MoneyRow,
                 format: &Format|
     -> Result<(), XlsxError> {
        for (c, m) in (col..).zip(&r.amounts) {
            ws.write_number_with_format(row, c, number(m.amount()), format)?;
        }
        let sum = format!("=SUM({})", cell_range(row, col, row, col + n - 1));
        ws.write_formula_with_format(
            row,
            col + n,
            Formula::new(sum).set_result(result(r.total)),
            format,
        )?;
        Ok(())
    };
    for (i, r) in (0u32..).zip(&table.rows) {
        let row = first + i;
        text(ws, row, 0, &r.label, &f.text)?;
        block(ws, row, 1, r, &f.money)?;
        if let Some(c) = &table.change {
            block(ws, row, n + 2, &c.rows[i as usize], &f.money)?;
        }
    }
    let total_row = first + rows;
    ws.write_string_with_format(total_row, 0, "Total", &f.bold)?;
    // The Total row: each column summed, with the engine's total cached.
    let column_totals = |ws: &mut Worksheet, col: u16, r: &MoneyRow| -> Result<(), XlsxError> {
        let values = r.amounts.iter().chain(std::iter::once(&r.total));
        for (c, m) in (col..).zip(values) {
            if rows == 0 {
                ws.write_number_with_format(total_row, c, number(m.amount()), &f.money_bold)?;
            } else {
                let sum = format!("=SUM({})", cell_range(first, c, last, c));
                ws.write_formula_with_format(
                    total_row,
                    c,
                    Formula::new(sum).set_result(result(*m)),
                    &f.money_bold,
                )?;
            }
        }
        Ok(())
    };
    column_totals(ws, 1, &table.total)?;
    if let Some(c) = &table.change {
        column_totals(ws, n + 2, &c.total)?;
    }
    let mut next = total_row + 1;
    for memo in &table.memo {
        text(ws, next, 0, &memo.label, &f.text)?;
        block(ws, next, 1, memo, &f.money)?;
        next += 1;
    }
    Ok(next)
}

/// Writes a view with its header at `top`: numbers as numbers (formatted
/// as they show on screen, valued exactly), text neutralised; a row
/// labelled Total in bold. Returns the next free row.
fn view_rows(ws: &mut Worksheet, f: &mut Formats, top: u32, view: &View) -> Result<u32, XlsxError> {
    for (col, h) in (0u16..).zip(&view.headings) {
        let numeric = view
            .rows
            .iter()
            .any(|r| r.get(col as usize).is_some_and(|c| c.numeric));
        let format = if numeric && col > 0 {
            &f.header_number
        } else {
            &f.header
        };
        ws.write_string_with_format(top, col, neutralise(h), format)?;
    }
    let mut row = top + 1;
    for cells in &view.rows {
        let bold = cells.first().is_some_and(|c| c.text.starts_with("Total"));
        for (col, c) in (0u16..).zip(cells) {
            cell(ws, f, row, col, c, bold)?;
        }
        row += 1;
    }
    Ok(row)
}

fn cell(
    ws: &mut Worksheet,
    f: &mut Formats,
    row: u32,
    col: u16,
    c: &Cell,
    bold: bool,
) -> Result<(), XlsxError> {
    if c.numeric {
        let plain = c.plain.clone().unwrap_or_else(|| c.text.replace(',', ""));
        if let Ok(value) = plain.trim().parse::<Decimal>() {
            let format = f.for_number(&c.text, bold);
            ws.write_number_with_format(row, col, number(value), &format)?;
            return Ok(());
        }
    }
    let format = if bold { f.bold.clone() } else { f.text.clone() };
    text(ws, row, col, &c.text, &format)
}

/// Several titled views one under another, the first header at
/// [`HEADER_ROW`]. Returns the next free row.
fn sections(ws: &mut Worksheet, f: &mut Formats, parts: &[(&str, View)]) -> Result<u32, XlsxError> {
    let mut row = HEADER_ROW;
    for (i, (title, view)) in parts.iter().enumerate() {
        if i > 0 {
            row += 1;
            ws.write_string_with_format(row, 0, neutralise(title), &f.bold)?;
            row += 1;
        }
        row = view_rows(ws, f, row, view)?;
    }
    Ok(row)
}

/// Column widths from the longest text in each column (within limits).
fn widths(ws: &mut Worksheet, views: &[&View]) -> Result<(), XlsxError> {
    let mut w: Vec<usize> = Vec::new();
    for v in views {
        for (i, h) in v.headings.iter().enumerate() {
            if w.len() <= i {
                w.resize(i + 1, 8);
            }
            w[i] = w[i].max(h.chars().count().min(18));
            for r in &v.rows {
                if let Some(c) = r.get(i) {
                    w[i] = w[i].max(c.text.chars().count() + 2);
                }
            }
        }
    }
    for (col, width) in (0u16..).zip(w) {
        ws.set_column_width(col, u32::try_from(width.min(60)).unwrap_or(60))?;
    }
    Ok(())
}

/// Writes each line across columns A to `last` (merged, wrapped, the row
/// tall enough), so long text stays inside the printed page.
fn wrapped_lines(
    ws: &mut Worksheet,
    f: &Formats,
    mut row: u32,
    last: u16,
    width: usize,
    lines: &[String],
) -> Result<u32, XlsxError> {
    for l in lines {
        let lines_needed = l.chars().count() / width.max(1) + 1;
        ws.merge_range(row, 0, row, last, &neutralise(l), &f.wrap)?;
        ws.set_row_height(
            row,
            15.0 * f64::from(u32::try_from(lines_needed).unwrap_or(1)),
        )?;
        row += 1;
    }
    Ok(row)
}

/// A programme sheet: the table by `dimension`, frozen below its header.
fn programme_sheet(
    wb: &mut Workbook,
    f: &Formats,
    report: &CabinetReport,
    name: &str,
    dimension: Dimension,
    about: &str,
) -> Result<(), XlsxError> {
    let units = report.units;
    let table = programme_table(report, dimension);
    let ws = wb.add_worksheet().set_name(name)?;
    ws.write_string_with_format(
        0,
        0,
        neutralise(&format!("{} — {name}", report.title)),
        &f.title,
    )?;
    let next = money_table(ws, f, HEADER_ROW, &table, units)?;
    let label = table
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(10);
    ws.set_column_width(0, u32::try_from(label.clamp(16, 50) + 2).unwrap_or(40))?;
    let figure_width: u16 = if units == Units::Thousands { 12 } else { 15 };
    let columns = table.headings(units).len();
    for col in 1..u16::try_from(columns).unwrap_or(1) {
        ws.set_column_width(col, figure_width)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    // The table's width in characters, for wrapping the text around it.
    let width = label.clamp(16, 50) + 2 + (columns - 1) * usize::from(figure_width);
    let last = u16::try_from(columns - 1).unwrap_or(1);
    wrapped_lines(ws, f, 1, last, width, &[about.to_string()])?;
    if dimension == Dimension::Line {
        let mut lines = capital_notes(report);
        lines.extend(basis_lines(report).into_iter().skip(2));
        wrapped_lines(ws, f, next + 1, last, width, &lines)?;
        page_setup(ws, true);
    } else {
        page_setup(ws, false);
    }
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

/// Rows of replacements one Detail sheet holds: Excel's 1,048,576 rows less
/// the heading rows and the header above them.
pub const DETAIL_ROWS_PER_SHEET: usize = 1_048_576 - (HEADER_ROW as usize + 1);

/// The Detail sheet: every replacement, one row each, written in order to a
/// constant-memory worksheet. More replacements than one sheet can hold
/// ([`DETAIL_ROWS_PER_SHEET`], a programme of a million assets with some on
/// short lives) go on to `Detail 2`, `Detail 3`, … each with the same
/// header. Public so the benchmarks can time it against `rust_xlsxwriter`
/// alone.
///
/// # Errors
/// A `rust_xlsxwriter` error (e.g. no temporary folder to write to).
pub fn detail_sheet(
    wb: &mut Workbook,
    title: &str,
    rows: &[DetailRow],
    units: Units,
) -> Result<(), XlsxError> {
    detail_sheets(wb, title, rows, units, DETAIL_ROWS_PER_SHEET)
}

/// [`detail_sheet`] with `per_sheet` rows to a sheet (at most Excel's).
fn detail_sheets(
    wb: &mut Workbook,
    title: &str,
    rows: &[DetailRow],
    units: Units,
    per_sheet: usize,
) -> Result<(), XlsxError> {
    let per_sheet = per_sheet.clamp(1, DETAIL_ROWS_PER_SHEET);
    let sheets = rows.len().div_ceil(per_sheet).max(1);
    for part in 0..sheets {
        let from = part * per_sheet;
        let to = rows.len().min(from + per_sheet);
        let name = if part == 0 {
            "Detail".to_string()
        } else {
            format!("Detail {}", part + 1)
        };
        let about = if sheets == 1 {
            format!(
                "Every replacement in the programme ({}): when it fell due, why, the year funded and its cost at that year's prices",
                rows.len()
            )
        } else {
            format!(
                "Every replacement in the programme ({}), rows {} to {} on this sheet ({} of {}; an Excel sheet holds {} rows): when it fell due, why, the year funded and its cost at that year's prices",
                rows.len(),
                from + 1,
                to,
                part + 1,
                sheets,
                DETAIL_ROWS_PER_SHEET
            )
        };
        detail_part(
            wb,
            title,
            &name,
            &about,
            rows.get(from..to).unwrap_or(&[]),
            units,
        )?;
    }
    Ok(())
}

/// One Detail sheet of `rows`.
fn detail_part(
    wb: &mut Workbook,
    title: &str,
    name: &str,
    about: &str,
    rows: &[DetailRow],
    units: Units,
) -> Result<(), XlsxError> {
    let f = Formats::new(units);
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(name)?;
    let headings = [
        ("Organisation", 12),
        ("Asset tag", 16),
        ("Class", 12),
        ("Programme line", 30),
        ("Site", 24),
        ("Department", 24),
        ("Manufacturer", 14),
        ("Model", 22),
        ("Due date", 11),
        ("Due year", 9),
        ("Funded in", 10),
        ("Reason", 12),
        ("Cost", 13),
    ];
    for (col, (_, width)) in (0u16..).zip(headings) {
        ws.set_column_width(col, width)?;
    }
    heading(ws, &f, &format!("{title} — Detail"), about)?;
    for (col, (h, _)) in (0u16..).zip(headings) {
        let format = if col == 12 {
            &f.header_number
        } else {
            &f.header
        };
        ws.write_string_with_format(HEADER_ROW, col, h, format)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    for (row, d) in (HEADER_ROW + 1..).zip(rows) {
        text(ws, row, 0, &d.organisation, &f.text)?;
        text(ws, row, 1, &d.asset_tag, &f.text)?;
        text(ws, row, 2, d.class.label(), &f.text)?;
        text(ws, row, 3, &d.line, &f.text)?;
        text(ws, row, 4, d.site.as_deref().unwrap_or(""), &f.text)?;
        text(ws, row, 5, d.department.as_deref().unwrap_or(""), &f.text)?;
        text(ws, row, 6, d.manufacturer.as_deref().unwrap_or(""), &f.text)?;
        text(ws, row, 7, d.model.as_deref().unwrap_or(""), &f.text)?;
        ws.write_string_with_format(row, 8, iso(d.due_date), &f.text)?;
        ws.write_string_with_format(row, 9, d.due_year.to_string(), &f.text)?;
        let funded = d
            .year
            .map_or_else(|| "unfunded".to_string(), |y| y.to_string());
        ws.write_string_with_format(row, 10, funded, &f.text)?;
        ws.write_string_with_format(row, 11, d.reason.as_str(), &f.text)?;
        ws.write_number_with_format(row, 12, number(d.cost.amount()), &f.money)?;
    }
    page_setup(ws, false);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

/// A sheet of titled views under a heading.
fn views_sheet(
    wb: &mut Workbook,
    f: &mut Formats,
    name: &str,
    title: &str,
    about: &str,
    parts: &[(&str, View)],
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    heading(ws, f, &format!("{title} — {name}"), about)?;
    sections(ws, f, parts)?;
    let views: Vec<&View> = parts.iter().map(|(_, v)| v).collect();
    widths(ws, &views)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    page_setup(ws, false);
    Ok(())
}

const NO_RUNNING_COSTS: &str = "Not in this report: this run was saved without its running costs (saved before estate kept them).";

/// Writes the report as a workbook to `out`.
///
/// # Errors
/// A `rust_xlsxwriter` error, or one writing to `out`.
pub fn write<W: Write + Send>(report: &CabinetReport, out: W) -> Result<(), XlsxError> {
    let units = report.units;
    let mut f = Formats::new(units);
    let mut wb = Workbook::new();
    let title = report.title.as_str();
    let scope = basis_lines(report)[..2].join(". ");
    programme_sheet(&mut wb, &f, report, "Summary", Dimension::Line, &scope)?;
    for (name, dimension, about) in [
        (
            "By organisation",
            Dimension::Org,
            "Capital by organisation; a shared service's spending is split between its member councils by their shares (largest remainder, to the penny)",
        ),
        ("By class", Dimension::Class, "Capital by asset class"),
        ("By site", Dimension::Site, "Capital by site"),
        (
            "By department",
            Dimension::Department,
            "Capital by department (cost centre)",
        ),
    ] {
        programme_sheet(&mut wb, &f, report, name, dimension, about)?;
    }
    let p = &report.programme;
    let mut risk = vec![(
        "Due, funded and deferred each year",
        summary_view(&p.summary, Units::Pounds),
    )];
    if !p.approvals.is_empty() {
        risk.push((
            "Programme lines that need approval",
            approvals_view(p, Units::Pounds),
        ));
    }
    let mut notes = View::new(&["What the programme leaves out or carries"]);
    for n in super::forecast::notes(p, Units::Pounds) {
        notes.push(vec![Cell::text(n)]);
    }
    risk.push(("Backlog, unfunded, unknown age, leases", notes));
    views_sheet(
        &mut wb,
        &mut f,
        "Risk and approvals",
        title,
        "The risk being accepted: what falls due, what is funded, what is deferred or unfunded, and the kit running past its life",
        &risk,
    )?;
    detail_sheet(&mut wb, title, &p.detail, units)?;
    match &report.running {
        Some(r) => {
            let ws = wb.add_worksheet().set_name("Revenue")?;
            heading(
                ws,
                &f,
                &format!("{title} — Revenue"),
                "The revenue budget each year: licences, phone lines and the switch-off migrations, and electricity after the replacements",
            )?;
            let next = money_table(
                ws,
                &f,
                HEADER_ROW,
                &MoneyTable::revenue(&r.revenue),
                Units::Pounds,
            )?;
            ws.set_column_width(0, 52)?;
            for col in 1..=u16::try_from(r.revenue.years.len() + 1).unwrap_or(1) {
                ws.set_column_width(col, 15)?;
            }
            let renewals = renewals_view(&r.licences);
            let lines = lines_type_view(&r.lines);
            let migrations = migrations_view(r.lines.migrations.iter());
            let mut row = next + 1;
            for line in super::cabinet::switch_off_lines(&r.lines) {
                text(ws, row, 0, &line, &f.text)?;
                row += 1;
            }
            row += 1;
            for (caption, view) in [
                ("Licence renewals as payable", &renewals),
                ("Phone lines by type and year", &lines),
                (
                    "Lines to migrate before the switch-off (critical care first)",
                    &migrations,
                ),
            ] {
                ws.write_string_with_format(row, 0, caption, &f.bold)?;
                row = view_rows(ws, &mut f, row + 1, view)? + 1;
            }
            ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
            page_setup(ws, false);
            views_sheet(
                &mut wb,
                &mut f,
                "Power and carbon",
                title,
                &format!(
                    "Energy, cost and carbon (tCO2e) each year as the estate stands and after the replacements; servers and storage × PUE {}",
                    r.power.pue
                ),
                &[
                    ("By year", power_year_view(&r.power)),
                    (
                        "By class",
                        power_breakdown_view(&r.power.years, &r.power.by_class, "class"),
                    ),
                    (
                        "By organisation",
                        power_breakdown_view(&r.power.years, &r.power.by_org, "organisation"),
                    ),
                ],
            )?;
            views_sheet(
                &mut wb,
                &mut f,
                "Licence consolidation",
                title,
                "The saving from moving every seat of a product to the cheapest agreement held; products doing the same job; compliance",
                &[
                    ("Consolidation", consolidation_view(&r.licences)),
                    ("Standardisation candidates", standardise_view(&r.licences)),
                    ("Compliance", compliance_view(&r.licences)),
                ],
            )?;
        }
        None => {
            for name in ["Revenue", "Power and carbon", "Licence consolidation"] {
                let ws = wb.add_worksheet().set_name(name)?;
                heading(ws, &f, &format!("{title} — {name}"), NO_RUNNING_COSTS)?;
                page_setup(ws, false);
            }
        }
    }
    let assumptions = assumptions_view(report);
    let ws = wb.add_worksheet().set_name("Assumptions")?;
    heading(
        ws,
        &f,
        &format!("{title} — Assumptions"),
        "Every rule, price, rate, cap, tariff and carbon factor used, with its source; the scenario; the register state (its import batches)",
    )?;
    view_rows(ws, &mut f, HEADER_ROW, &assumptions)?;
    ws.set_column_width(0, 44)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 90)?;
    ws.set_column_format(2, &f.wrap)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    page_setup(ws, false);
    wb.save_to_writer(out)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use calamine::{Data, Reader, Xlsx, open_workbook};
    use time::macros::date;

    use super::*;
    use crate::domain::{AssetClass, FinancialYear, Money};
    use crate::forecast::capital::Reason;

    fn replacement(i: u32) -> DetailRow {
        DetailRow {
            organisation: "AVN".into(),
            asset_tag: format!("PC-{i}"),
            class: AssetClass::Desktop,
            line: "Desktops".into(),
            site: None,
            department: None,
            manufacturer: None,
            model: None,
            due_date: date!(2027 - 05 - 01),
            due_year: FinancialYear::from_str("2027/28").unwrap(),
            year: Some(FinancialYear::from_str("2027/28").unwrap()),
            reason: Reason::Age,
            cost: Money::from_pence(61_234 + i64::from(i)),
        }
    }

    #[test]
    fn a_detail_longer_than_a_sheet_goes_on_to_further_sheets_with_every_row_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("detail.xlsx");
        let rows: Vec<DetailRow> = (1..=7).map(replacement).collect();
        let mut wb = Workbook::new();
        detail_sheets(&mut wb, "Test", &rows, Units::Pounds, 3).unwrap();
        wb.save(&path).unwrap();

        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), ["Detail", "Detail 2", "Detail 3"]);
        let mut tags = Vec::new();
        let mut pence = 0;
        for (name, expect) in [("Detail", 3), ("Detail 2", 3), ("Detail 3", 1)] {
            let range = book.worksheet_range(name).unwrap();
            let header_row = HEADER_ROW as usize;
            let cell = |r: usize, c: usize| range.get((r, c)).cloned().unwrap_or(Data::Empty);
            assert_eq!(
                cell(header_row, 1),
                Data::String("Asset tag".into()),
                "{name}"
            );
            let body: Vec<usize> = (header_row + 1..range.height())
                .filter(|&r| cell(r, 1) != Data::Empty)
                .collect();
            assert_eq!(body.len(), expect, "{name}");
            for r in body {
                if let Data::String(tag) = cell(r, 1) {
                    tags.push(tag);
                }
                if let Data::Float(cost) = cell(r, 12) {
                    #[allow(clippy::cast_possible_truncation, reason = "pounds to pence")]
                    let p = (cost * 100.0).round() as i64;
                    pence += p;
                }
            }
        }
        assert_eq!(
            tags,
            ["PC-1", "PC-2", "PC-3", "PC-4", "PC-5", "PC-6", "PC-7"]
        );
        // 7 × £612.34 plus 1p + 2p + … + 7p = £4,286.38 + £0.28.
        assert_eq!(pence, 428_666);
    }

    #[test]
    fn a_detail_that_fits_stays_on_one_sheet_and_an_empty_one_still_has_its_sheet() {
        let dir = tempfile::tempdir().unwrap();
        for (n, file) in [(3u32, "three.xlsx"), (0, "none.xlsx")] {
            let path = dir.path().join(file);
            let rows: Vec<DetailRow> = (1..=n).map(replacement).collect();
            let mut wb = Workbook::new();
            detail_sheets(&mut wb, "Test", &rows, Units::Pounds, 3).unwrap();
            wb.save(&path).unwrap();
            let book: Xlsx<_> = open_workbook(&path).unwrap();
            assert_eq!(book.sheet_names(), ["Detail"], "{file}");
        }
    }

    #[test]
    fn a_sheet_holds_excels_rows_less_the_heading() {
        assert_eq!(DETAIL_ROWS_PER_SHEET, 1_048_572);
    }
}
