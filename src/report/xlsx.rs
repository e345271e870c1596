//! The Cabinet report as an Excel workbook (`rust_xlsxwriter`): the
//! capital programme on a Summary sheet that prints on one landscape A4
//! page, the programme by organisation, class, site and department, the
//! risk being accepted and the approvals needed, every replacement
//! (Detail), the revenue position and what it is made of, power and
//! carbon, licence consolidation, and every assumption with its source —
//! so the workbook explains itself.
//!
//! Totals are real `=SUM(...)` formulas whose cached results are the
//! engine's figures, written as exact decimal text; a finance officer can
//! audit them and a reader that does not recalculate still shows them.
//! Cells hold pounds whatever the units: £000 is a number format
//! (`#,##0,`), so no figure is rounded in the file. Negative amounts show
//! in brackets.
//!
//! Laid out to print as it is opened: every table has its own sheet (or
//! columns of its own shape), every column is as wide as its widest text
//! or formatted figure (with room for the wider fonts LibreOffice
//! substitutes for Calibri), a heading row is as tall as its wrapped
//! headings, long lines are wrapped across the table with the row tall
//! enough, and the heading row repeats on every printed page.
//!
//! Text cells are written as text, unchanged: a workbook's text cell is
//! never evaluated, so imported text cannot run as a formula and shows as
//! it was imported (neutralising with `'` belongs to CSV). Numbers are
//! written as numbers. The Detail sheet is a constant-memory worksheet
//! written row by row from a [`DetailList`]: a fresh forecast's
//! replacements are made into rows as they are written, so a million of
//! them are never held as rows at all.
//!
//! Every sheet has its title in row 1, a line saying what it is in row 2
//! and its first table's header in row 4.

use std::collections::BTreeMap;
use std::io::Write;

use rust_decimal::Decimal;
use rust_xlsxwriter::utility::cell_range;
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use super::cabinet::{
    MoneyRow, MoneyTable, assumptions_view, basis_lines, capital_notes, programme_table,
};
use super::forecast::{amount, approvals_view, summary_view};
use super::running::{
    compliance_view, consolidation_view, lines_type_view, migrations_view, power_breakdown_view,
    power_year_view, renewals_view, standardise_view,
};
use super::words::{bracketed, for_people, long_dates_in};
use super::{Cell, View};
use crate::forecast::cabinet::CabinetReport;
use crate::forecast::programme::{DetailList, DetailRow, Dimension, Units};

/// The 0-based row of each sheet's first table header (Excel row 4).
pub const HEADER_ROW: u32 = 3;

/// The sheets, in order (a Detail too long for one sheet goes on to
/// `Detail 2`, `Detail 3`, … after it).
pub const SHEETS: [&str; 18] = [
    "Summary",
    "By organisation",
    "By class",
    "By site",
    "By department",
    "Risk",
    "Approvals",
    "Detail",
    "Revenue",
    "Licence renewals",
    "Phone lines",
    "Line migrations",
    "Power and carbon",
    "Power by class and organisation",
    "Licence consolidation",
    "Standardisation",
    "Licence compliance",
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
fn result(m: crate::domain::Money) -> String {
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
    date: Format,
    /// Number formats of other cells, by (currency, decimals, bold).
    cells: BTreeMap<(bool, u32, bool), Format>,
}

impl Formats {
    fn new(units: Units) -> Self {
        let money_code = match units {
            // "£" quoted: the symbol is a literal in Excel's format codes.
            Units::Pounds => "\"£\"#,##0.00;(\"£\"#,##0.00)",
            // The trailing comma shows thousands: the cell still holds pounds.
            Units::Thousands => "#,##0,;(#,##0,)",
        };
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(0x00E8_EEF4)
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
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
            date: Format::new().set_num_format("d mmmm yyyy"),
            cells: BTreeMap::new(),
        }
    }

    /// The format of a number shown as `text` on screen: currency when it
    /// starts with £ (negatives in brackets), as many decimals as the text
    /// has, thousands grouped.
    fn for_number(&mut self, text: &str, bold: bool) -> Format {
        let currency = text.trim_start_matches(['-', '(']).starts_with('£');
        let decimals = text
            .trim_end_matches(')')
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
                    format!("\"£\"#,##0{places};(\"£\"#,##0{places})")
                } else {
                    format!("#,##0{places};(#,##0{places})")
                };
                let f = Format::new().set_num_format(code);
                if bold { f.set_bold() } else { f }
            })
            .clone()
    }
}

/// How much wider than Calibri's (the width Excel measures columns in) the
/// fonts another program may print with are: LibreOffice without Carlito
/// prints in `DejaVu Sans`.
const FONT: f64 = 1.2;
/// Room either side of a cell's text, in characters.
const PAD: f64 = 2.0;
/// The widest a column gets from its content; longer text wraps.
const MAX_WIDTH: f64 = 60.0;
/// The height of one line of 11-point text, in points (with the wider font).
const LINE: f64 = 15.5;

/// A sheet's column widths, worked out from what is written in each
/// column, and its heading rows, made tall enough for their wrapped
/// headings once the widths are known.
#[derive(Debug, Default)]
struct Layout {
    widths: Vec<f64>,
    headers: Vec<(u32, Vec<String>)>,
}

/// The width a column needs to show `chars` characters.
fn width_for(chars: usize) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "a few hundred characters")]
    let c = chars as f64;
    c * FONT + PAD
}

/// How many lines `text` takes wrapped at word breaks in a column `width`
/// wide.
fn lines_in(text: &str, width: f64) -> u32 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a small positive width"
    )]
    let fit = (((width - PAD) / FONT).floor() as usize).max(1);
    let mut lines = 0u32;
    for paragraph in text.split('\n') {
        let mut used = 0usize;
        lines += 1;
        for word in paragraph.split(' ') {
            let n = word.chars().count();
            if used > 0 && used + 1 + n > fit {
                lines += 1;
                used = 0;
            }
            if used > 0 {
                used += 1;
            }
            // A word longer than the line breaks across lines.
            let mut n = n;
            while n > fit {
                lines += 1;
                n -= fit;
            }
            used += n;
        }
    }
    lines
}

impl Layout {
    /// Notes a cell of `chars` characters in `col`.
    fn note(&mut self, col: u16, chars: usize) {
        let col = usize::from(col);
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 8.0);
        }
        self.widths[col] = self.widths[col].max(width_for(chars).min(MAX_WIDTH));
    }

    /// Notes a heading row at `row`: each column at least as wide as the
    /// heading's longest word, the row made tall enough by [`Layout::apply`].
    fn header(&mut self, row: u32, headings: &[String]) {
        for (col, h) in (0u16..).zip(headings) {
            let word = h.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            self.note(col, word);
        }
        self.headers.push((row, headings.to_vec()));
    }

    fn width(&self, col: u16) -> f64 {
        self.widths.get(usize::from(col)).copied().unwrap_or(8.0)
    }

    /// The width of columns A to `last` together.
    fn span(&self, last: u16) -> f64 {
        (0..=last).map(|c| self.width(c)).sum()
    }

    /// The last column with anything in it.
    fn last(&self) -> u16 {
        u16::try_from(self.widths.len().saturating_sub(1)).unwrap_or(0)
    }

    /// Sets the widths and the heading rows' heights.
    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, w) in (0u16..).zip(&self.widths) {
            ws.set_column_width(col, (w * 10.0).ceil() / 10.0)?;
        }
        for (row, headings) in &self.headers {
            let lines = (0u16..)
                .zip(headings)
                .map(|(col, h)| lines_in(h, self.width(col)))
                .max()
                .unwrap_or(1);
            ws.set_row_height(*row, LINE * f64::from(lines) + 3.0)?;
        }
        Ok(())
    }
}

/// Writes `text` across columns A to `last` at `row` (merged, wrapped, the
/// row tall enough for it at `line` points a line), so long text stays
/// inside the printed page.
fn banner(
    ws: &mut Worksheet,
    layout: &Layout,
    row: u32,
    text: &str,
    format: &Format,
    line: f64,
) -> Result<(), XlsxError> {
    let last = layout.last();
    let lines = lines_in(text, layout.span(last) * LINE / line);
    if last == 0 {
        ws.write_string_with_format(row, 0, text, format)?;
    } else {
        ws.merge_range(row, 0, row, last, text, format)?;
    }
    ws.set_row_height(row, line * f64::from(lines) + 2.0)?;
    Ok(())
}

/// Writes a sheet's title (row 1) and the line saying what it is (row 2)
/// across its tables' width.
fn heading(
    ws: &mut Worksheet,
    f: &Formats,
    layout: &Layout,
    title: &str,
    about: &str,
) -> Result<(), XlsxError> {
    banner(ws, layout, 0, title, &f.title, 20.0)?;
    banner(ws, layout, 1, about, &f.wrap, LINE)
}

/// Each line across the table at `row` on, wrapped. Returns the next row.
fn wrapped_lines(
    ws: &mut Worksheet,
    f: &Formats,
    layout: &Layout,
    mut row: u32,
    lines: &[String],
) -> Result<u32, XlsxError> {
    for l in lines {
        banner(ws, layout, row, &long_dates_in(l), &f.wrap, LINE)?;
        row += 1;
    }
    Ok(row)
}

/// Landscape A4, a page wide (and, when `one_page`, a page tall), the
/// heading row at `header` repeated on every page, with the sheet name and
/// page number in the footer.
fn page_setup(ws: &mut Worksheet, one_page: bool, header: Option<u32>) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(A4);
    ws.set_print_fit_to_pages(1, u16::from(one_page));
    ws.set_footer("&L&A&RPage &P of &N");
    if let Some(row) = header {
        ws.set_repeat_rows(row, row)?;
    }
    Ok(())
}

/// Writes text at a cell, as it is (a text cell is never evaluated).
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
    ws.write_string_with_format(row, col, value, format)?;
    Ok(())
}

/// A figure as the workbook shows it in `units`: its width is the column's.
fn shown(m: crate::domain::Money, units: Units) -> usize {
    bracketed(&amount(m, units).text).chars().count()
}

/// Writes `table` with its header at `top`: figures as numbers, each
/// row's Total and the Total row as `=SUM(...)` formulas with the engine's
/// figures as their cached results. Returns the next free row.
fn money_table(
    ws: &mut Worksheet,
    f: &Formats,
    layout: &mut Layout,
    top: u32,
    table: &MoneyTable,
    units: Units,
) -> Result<u32, XlsxError> {
    let n = u16::try_from(table.years.len())
        .map_err(|_| XlsxError::ParameterError("too many years".into()))?;
    let headings = table.headings(units);
    for (col, h) in (0u16..).zip(&headings) {
        let format = if col == 0 {
            &f.header
        } else {
            &f.header_number
        };
        ws.write_string_with_format(top, col, h, format)?;
    }
    layout.header(top, &headings);
    let first = top + 1;
    let rows = u32::try_from(table.rows.len())
        .map_err(|_| XlsxError::ParameterError("too many rows".into()))?;
    let last = first + rows.max(1) - 1;
    // A block of year figures and its Total at `col` on `row`.
    let block = |ws: &mut Worksheet,
                 layout: &mut Layout,
                 row: u32,
                 col: u16,
                 r: &MoneyRow,
                 format: &Format|
     -> Result<(), XlsxError> {
        for (c, m) in (col..).zip(&r.amounts) {
            ws.write_number_with_format(row, c, number(m.amount()), format)?;
            layout.note(c, shown(*m, units));
        }
        let sum = format!("=SUM({})", cell_range(row, col, row, col + n - 1));
        ws.write_formula_with_format(
            row,
            col + n,
            Formula::new(sum).set_result(result(r.total)),
            format,
        )?;
        layout.note(col + n, shown(r.total, units) + 1);
        Ok(())
    };
    for (i, r) in (0u32..).zip(&table.rows) {
        let row = first + i;
        text(ws, row, 0, &r.label, &f.text)?;
        layout.note(0, r.label.chars().count());
        block(ws, layout, row, 1, r, &f.money)?;
        if let Some(c) = &table.change {
            block(ws, layout, row, n + 2, &c.rows[i as usize], &f.money)?;
        }
    }
    let total_row = first + rows;
    ws.write_string_with_format(total_row, 0, "Total", &f.bold)?;
    // The Total row: each column summed, with the engine's total cached.
    let column_totals = |ws: &mut Worksheet,
                         layout: &mut Layout,
                         col: u16,
                         r: &MoneyRow|
     -> Result<(), XlsxError> {
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
            // Bold figures are a little wider.
            layout.note(c, shown(*m, units) + 1);
        }
        Ok(())
    };
    column_totals(ws, layout, 1, &table.total)?;
    if let Some(c) = &table.change {
        column_totals(ws, layout, n + 2, &c.total)?;
    }
    let mut next = total_row + 1;
    for memo in &table.memo {
        text(ws, next, 0, &memo.label, &f.text)?;
        layout.note(0, memo.label.chars().count());
        block(ws, layout, next, 1, memo, &f.money)?;
        next += 1;
    }
    Ok(next)
}

/// Writes a view, as people read it (see [`for_people`]), with its header
/// at `top`: numbers as numbers (formatted as they show on screen, valued
/// exactly), text as text; a row labelled Total in bold. Returns the next
/// free row.
fn view_rows(
    ws: &mut Worksheet,
    f: &mut Formats,
    layout: &mut Layout,
    top: u32,
    view: &View,
) -> Result<u32, XlsxError> {
    let view = for_people(view);
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
        ws.write_string_with_format(top, col, h, format)?;
    }
    layout.header(top, &view.headings);
    let mut row = top + 1;
    for cells in &view.rows {
        let bold = cells.first().is_some_and(|c| c.text.starts_with("Total"));
        for (col, c) in (0u16..).zip(cells) {
            cell(ws, f, row, col, c, bold)?;
            layout.note(col, c.text.chars().count() + usize::from(bold));
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

/// A sheet of one table (or of several of the same columns, each under its
/// caption), its title and what it is above, frozen below its header.
fn views_sheet(
    wb: &mut Workbook,
    f: &mut Formats,
    name: &str,
    title: &str,
    about: &str,
    parts: &[(&str, View)],
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    let mut layout = Layout::default();
    let mut row = HEADER_ROW;
    for (i, (caption, view)) in parts.iter().enumerate() {
        if i > 0 {
            row += 1;
            ws.write_string_with_format(row, 0, *caption, &f.bold)?;
            row += 1;
        }
        row = view_rows(ws, f, &mut layout, row, view)?;
    }
    layout.apply(ws)?;
    heading(ws, f, &layout, &format!("{title} — {name}"), about)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    page_setup(ws, false, Some(HEADER_ROW))
}

/// A sheet of captioned tables, each with its notes below it.
fn parts_sheet(
    wb: &mut Workbook,
    f: &mut Formats,
    name: &str,
    title: &str,
    about: &str,
    parts: &[super::funding::Part],
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    let mut layout = Layout::default();
    let mut row = HEADER_ROW;
    let mut notes_at = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            row += 1;
        }
        ws.write_string_with_format(row, 0, &part.caption, &f.bold)?;
        row += 1;
        row = view_rows(ws, f, &mut layout, row, &for_people(&part.view))?;
        notes_at.push((row, &part.notes));
        row += u32::try_from(part.notes.len()).unwrap_or(0) + 1;
    }
    layout.apply(ws)?;
    for (at, notes) in notes_at {
        if !notes.is_empty() {
            wrapped_lines(ws, f, &layout, at, notes)?;
        }
    }
    heading(ws, f, &layout, &format!("{title} — {name}"), about)?;
    page_setup(ws, false, None)
}

/// A sheet with only its title and a line saying why (a part the report
/// does not have).
fn text_sheet(
    wb: &mut Workbook,
    f: &Formats,
    name: &str,
    title: &str,
    about: &str,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    let mut layout = Layout::default();
    for col in 0..8 {
        layout.note(col, 10);
    }
    layout.apply(ws)?;
    heading(ws, f, &layout, &format!("{title} — {name}"), about)?;
    page_setup(ws, false, None)
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
    let mut layout = Layout::default();
    layout.note(0, 16);
    let next = money_table(ws, f, &mut layout, HEADER_ROW, &table, units)?;
    layout.apply(ws)?;
    heading(ws, f, &layout, &format!("{} — {name}", report.title), about)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    if dimension == Dimension::Line {
        let mut lines = capital_notes(report);
        lines.extend(basis_lines(report).into_iter().skip(2));
        wrapped_lines(ws, f, &layout, next + 1, &lines)?;
        page_setup(ws, true, Some(HEADER_ROW))
    } else {
        page_setup(ws, false, Some(HEADER_ROW))
    }
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

/// [`detail_sheet`] of any list of replacements (the rows a programme
/// holds, or a forecast's [`Replacements`](crate::forecast::programme::Replacements)
/// made into rows as they are written), with `per_sheet` rows to a sheet
/// (at most Excel's; fewer only to test the continuation cheaply).
///
/// # Errors
/// A `rust_xlsxwriter` error (e.g. no temporary folder to write to).
pub fn detail_sheets<D: DetailList + ?Sized>(
    wb: &mut Workbook,
    title: &str,
    rows: &D,
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
        detail_part(wb, title, &name, &about, rows, from..to, units)?;
    }
    Ok(())
}

/// One Detail sheet of the rows `part` of `rows`: its widths from its
/// content (worked out first, in a pass of its own over the rows: a
/// constant-memory sheet is written in order), a filter on its heading row,
/// frozen below it, due dates as dates.
fn detail_part<D: DetailList + ?Sized>(
    wb: &mut Workbook,
    title: &str,
    name: &str,
    about: &str,
    rows: &D,
    part: std::ops::Range<usize>,
    units: Units,
) -> Result<(), XlsxError> {
    let part = part.start.min(rows.len())..part.end.min(rows.len());
    let f = Formats::new(units);
    let headings: Vec<String> = [
        "Organisation",
        "Asset tag",
        "Class",
        "Programme line",
        "Site",
        "Department",
        "Manufacturer",
        "Model",
        "Due date",
        "Due year",
        "Funded in",
        "Reason",
        "Cost",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let mut layout = Layout::default();
    // "Cost (£000)" is a heading of its own column.
    let mut headings = headings;
    headings[12] = format!("Cost{}", units.suffix());
    layout.header(HEADER_ROW, &headings);
    layout.note(8, "30 September 2027".len());
    layout.note(10, "unfunded".len());
    for d in part.clone().map(|i| rows.row(i)) {
        let texts = [
            d.organisation,
            d.asset_tag,
            d.class.label(),
            d.line,
            d.site.unwrap_or(""),
            d.department.unwrap_or(""),
            d.manufacturer.unwrap_or(""),
            d.model.unwrap_or(""),
        ];
        for (col, t) in (0u16..).zip(texts) {
            layout.note(col, t.chars().count());
        }
        layout.note(11, d.reason.as_str().len());
        layout.note(12, shown(d.cost, units));
    }
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(name)?;
    layout.apply(ws)?;
    heading(ws, &f, &layout, &format!("{title} — Detail"), about)?;
    for (col, h) in (0u16..).zip(&headings) {
        let format = if col == 12 {
            &f.header_number
        } else {
            &f.header
        };
        ws.write_string_with_format(HEADER_ROW, col, h, format)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    let mut last = HEADER_ROW;
    for (row, d) in (HEADER_ROW + 1..).zip(part.map(|i| rows.row(i))) {
        text(ws, row, 0, d.organisation, &f.text)?;
        text(ws, row, 1, d.asset_tag, &f.text)?;
        text(ws, row, 2, d.class.label(), &f.text)?;
        text(ws, row, 3, d.line, &f.text)?;
        text(ws, row, 4, d.site.unwrap_or(""), &f.text)?;
        text(ws, row, 5, d.department.unwrap_or(""), &f.text)?;
        text(ws, row, 6, d.manufacturer.unwrap_or(""), &f.text)?;
        text(ws, row, 7, d.model.unwrap_or(""), &f.text)?;
        let due = d.due_date;
        let date = ExcelDateTime::from_ymd(
            u16::try_from(due.year()).unwrap_or(1900),
            u8::from(due.month()),
            due.day(),
        )?;
        ws.write_datetime_with_format(row, 8, &date, &f.date)?;
        ws.write_string_with_format(row, 9, d.due_year.to_string(), &f.text)?;
        let funded = d
            .year
            .map_or_else(|| "unfunded".to_string(), |y| y.to_string());
        ws.write_string_with_format(row, 10, funded, &f.text)?;
        ws.write_string_with_format(row, 11, d.reason.as_str(), &f.text)?;
        ws.write_number_with_format(row, 12, number(d.cost.amount()), &f.money)?;
        last = row;
    }
    ws.autofilter(HEADER_ROW, 0, last, 12)?;
    page_setup(ws, false, Some(HEADER_ROW))
}

const NO_RUNNING_COSTS: &str = "Not in this report: this run was saved without its running costs (saved before estate kept them).";

/// The revenue sheets: the revenue position, then what it is made of
/// (licence renewals, phone lines, the switch-off migrations), power and
/// carbon, and licence consolidation, each table on a sheet of its own.
fn running_sheets(
    wb: &mut Workbook,
    f: &mut Formats,
    title: &str,
    r: &crate::forecast::cabinet::RunningCosts,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Revenue")?;
    let mut layout = Layout::default();
    let next = money_table(
        ws,
        f,
        &mut layout,
        HEADER_ROW,
        &MoneyTable::revenue(&r.revenue),
        Units::Pounds,
    )?;
    layout.apply(ws)?;
    heading(
        ws,
        f,
        &layout,
        &format!("{title} — Revenue"),
        "The revenue budget each year: licences, phone lines and the switch-off migrations, and electricity after the replacements. The Licence renewals, Phone lines and Line migrations sheets show what it is made of.",
    )?;
    wrapped_lines(
        ws,
        f,
        &layout,
        next + 1,
        &super::cabinet::switch_off_lines(&r.lines),
    )?;
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    page_setup(ws, false, Some(HEADER_ROW))?;
    for (name, about, view) in [
        (
            "Licence renewals",
            "Every licence agreement: what is payable each year as it renews, and its annualised cost",
            renewals_view(&r.licences),
        ),
        (
            "Phone lines",
            "Phone lines by type and year: rental, the switch-off migrations due and their cost",
            lines_type_view(&r.lines),
        ),
        (
            "Line migrations",
            "Lines to migrate before the switch-off, critical care first",
            migrations_view(r.lines.migrations.iter()),
        ),
    ] {
        views_sheet(wb, f, name, title, about, &[("", view)])?;
    }
    views_sheet(
        wb,
        f,
        "Power and carbon",
        title,
        &format!(
            "Energy, cost and carbon (tCO2e) each year as the estate stands and after the replacements; servers and storage × PUE {}",
            r.power.pue
        ),
        &[("By year", power_year_view(&r.power))],
    )?;
    views_sheet(
        wb,
        f,
        "Power by class and organisation",
        title,
        "Energy, cost and carbon by asset class, then by organisation, each year",
        &[
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
    for (name, about, view) in [
        (
            "Licence consolidation",
            "The saving from moving every seat of a product to the cheapest agreement held",
            consolidation_view(&r.licences),
        ),
        (
            "Standardisation",
            "Products doing the same job: candidates to standardise on one",
            standardise_view(&r.licences),
        ),
        (
            "Licence compliance",
            "Licences held against those in use: shelfware and shortfalls",
            compliance_view(&r.licences),
        ),
    ] {
        views_sheet(wb, f, name, title, about, &[("", view)])?;
    }
    Ok(())
}

/// Writes the report as a workbook to `out`, its Detail sheet from the
/// replacements the report holds.
///
/// # Errors
/// A `rust_xlsxwriter` error, or one writing to `out`.
pub fn write<W: Write + Send>(report: &CabinetReport, out: W) -> Result<(), XlsxError> {
    write_with_detail(report, report.programme.detail.as_slice(), out)
}

/// Writes the report as a workbook to `out`, its Detail sheet from
/// `detail` (a fresh forecast's replacements made into rows as they are
/// written, so the report need not hold them).
///
/// # Errors
/// A `rust_xlsxwriter` error, or one writing to `out`.
pub fn write_with_detail<W: Write + Send, D: DetailList + ?Sized>(
    report: &CabinetReport,
    detail: &D,
    out: W,
) -> Result<(), XlsxError> {
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
    // The risk: the year-by-year figures, and the notes wrapped below them.
    let ws = wb.add_worksheet().set_name("Risk")?;
    let mut layout = Layout::default();
    let next = view_rows(
        ws,
        &mut f,
        &mut layout,
        HEADER_ROW,
        &summary_view(&p.summary, Units::Pounds),
    )?;
    layout.apply(ws)?;
    heading(
        ws,
        &f,
        &layout,
        &format!("{title} — Risk"),
        "The risk being accepted: what falls due, what is funded, what is deferred or unfunded, and the kit running past its life",
    )?;
    let mut notes = super::forecast::notes(p, Units::Pounds);
    if notes.is_empty() {
        notes.push("Nothing is left unfunded, of unknown age or leased.".to_string());
    }
    ws.write_string_with_format(
        next + 1,
        0,
        "Backlog, unfunded, unknown age, leases",
        &f.bold,
    )?;
    wrapped_lines(ws, &f, &layout, next + 2, &notes)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    page_setup(ws, false, Some(HEADER_ROW))?;
    if p.approvals.is_empty() {
        text_sheet(
            &mut wb,
            &f,
            "Approvals",
            title,
            "No programme line needs approval above the thresholds (see Assumptions).",
        )?;
    } else {
        views_sheet(
            &mut wb,
            &mut f,
            "Approvals",
            title,
            "Programme lines that need approval, and from whom",
            &[("", approvals_view(p, Units::Pounds))],
        )?;
    }
    detail_sheets(&mut wb, title, detail, units, DETAIL_ROWS_PER_SHEET)?;
    match &report.running {
        Some(r) => running_sheets(&mut wb, &mut f, title, r)?,
        None => {
            for name in &SHEETS[8..17] {
                text_sheet(&mut wb, &f, name, title, NO_RUNNING_COSTS)?;
            }
        }
    }
    // How it is paid for, and the proposal against the approved programme:
    // sheets only a report with them has (before Assumptions, which stays last).
    let funding = super::funding::funding_parts(report);
    if !funding.is_empty() {
        parts_sheet(
            &mut wb,
            &mut f,
            "Funding",
            title,
            "How the capital programme is funded each year, with over- or under-funding, and the revenue consequences of borrowing (MRP and interest)",
            &funding,
        )?;
    }
    let approved = super::funding::approved_parts(report);
    if !approved.is_empty() {
        parts_sheet(
            &mut wb,
            &mut f,
            "Approved v proposed",
            title,
            "The proposed programme against the approved one, per line and year: approved, proposed, variance and slippage, with the reasons each line moved",
            &approved,
        )?;
    }
    if let Some(part) = super::funding::carbon_part(report) {
        parts_sheet(
            &mut wb,
            &mut f,
            "Carbon both sides",
            title,
            "Embodied carbon of the new kit the programme buys beside the electricity of running the estate after the replacements",
            &[part],
        )?;
    }
    let assumptions = for_people(&assumptions_view(report));
    let ws = wb.add_worksheet().set_name("Assumptions")?;
    let mut layout = Layout::default();
    layout.header(HEADER_ROW, &assumptions.headings);
    let columns = [40.0, 40.0, 70.0];
    for (col, w) in (0u16..).zip(columns) {
        layout.note(col, 0);
        layout.widths[usize::from(col)] = w;
    }
    layout.apply(ws)?;
    for (col, h) in (0u16..).zip(&assumptions.headings) {
        ws.write_string_with_format(HEADER_ROW, col, h, &f.header)?;
    }
    for (row, cells) in (HEADER_ROW + 1..).zip(&assumptions.rows) {
        let mut lines = 1;
        for (col, c) in (0u16..).zip(cells) {
            text(ws, row, col, &c.text, &f.wrap)?;
            lines = lines.max(lines_in(&c.text, layout.width(col)));
        }
        ws.set_row_height(row, LINE * f64::from(lines) + 2.0)?;
    }
    heading(
        ws,
        &f,
        &layout,
        &format!("{title} — Assumptions"),
        "Every rule, price, rate, cap, tariff and carbon factor used, with its source; the scenario; the register state (its import batches)",
    )?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    page_setup(ws, false, Some(HEADER_ROW))?;
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
        detail_sheets(&mut wb, "Test", rows.as_slice(), Units::Pounds, 3).unwrap();
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
            detail_sheets(&mut wb, "Test", rows.as_slice(), Units::Pounds, 3).unwrap();
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
