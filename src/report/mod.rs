//! Output formats. A listing is built once as a [`View`] (headings and
//! cells, numbers marked as numbers) and rendered as a terminal table, CSV
//! or Markdown here; JSON is the records themselves, serialised by serde.
//!
//! The Cabinet report (`estate report`) is written from a
//! [`crate::forecast::cabinet::CabinetReport`] as a workbook ([`xlsx`]), an
//! HTML page with an SVG chart ([`html`], [`chart`]), or its programme
//! table in Markdown or CSV ([`cabinet`] builds the views all of them share).
//!
//! Only this module knows `tabled` and the file formats. CSV output is safe
//! to open in a spreadsheet: text that would start a formula is neutralised
//! (see [`neutralise`]); a workbook writes text as text cells, which are
//! never evaluated, so it needs no apostrophe; HTML escapes every string and
//! Markdown every cell ([`markdown_escape`]).

pub mod approved;
pub mod cabinet;
pub mod chart;
pub mod docx;
pub mod forecast;
pub mod html;
pub mod render;
pub mod running;
pub mod words;
pub mod xlsx;

use std::fmt;
use std::str::FromStr;

use tabled::builder::Builder;
use tabled::settings::object::{Columns, Object, Rows};
use tabled::settings::{Alignment, Style, Width};

/// One cell of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text shown.
    pub text: String,
    /// True for a genuine number (right-aligned; never neutralised).
    pub numeric: bool,
    /// The plain form written to CSV when it differs from `text`
    /// (`600.00` for `£600.00`, so a spreadsheet reads a number).
    pub plain: Option<String>,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: false,
            plain: None,
        }
    }

    /// A number cell (money, counts).
    pub fn number(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: true,
            plain: None,
        }
    }

    /// A money cell: `£1,234.56` on screen, `1234.56` in CSV.
    pub fn money(m: crate::domain::Money) -> Self {
        let mut plain = m.amount();
        if plain.scale() < 2 {
            plain.rescale(2);
        }
        Cell {
            text: m.to_string(),
            numeric: true,
            plain: Some(plain.to_string()),
        }
    }

    /// A money cell from an optional amount ('' when absent).
    pub fn money_opt(m: Option<crate::domain::Money>) -> Self {
        m.map_or_else(|| Cell::number(""), Cell::money)
    }

    /// A text cell from an optional value ('' when absent).
    pub fn opt(text: Option<impl fmt::Display>) -> Self {
        Cell::text(text.map(|t| t.to_string()).unwrap_or_default())
    }
}

/// A listing: headings and rows of cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// Column headings.
    pub headings: Vec<String>,
    /// Rows, each as long as `headings`.
    pub rows: Vec<Vec<Cell>>,
}

impl View {
    /// An empty listing with these headings.
    pub fn new(headings: &[&str]) -> Self {
        View {
            headings: headings.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
}

/// The formats a listing can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// A table for the terminal.
    #[default]
    Table,
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
    /// A Markdown table.
    Md,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "md" | "markdown" => Ok(Format::Md),
            other => Err(format!(
                "`{other}` is not a format; use table, csv, json or md"
            )),
        }
    }
}

/// The files `estate report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// An Excel workbook.
    Xlsx,
    /// A self-contained HTML page.
    Html,
    /// The programme table in Markdown.
    Md,
    /// The programme table in CSV.
    Csv,
    /// The whole report in JSON.
    Json,
    /// A Word document: the programme, its chart, approvals and assumptions.
    Docx,
}

impl Document {
    /// The format a file name's extension names, if any.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        path.extension()?.to_str()?.parse().ok()
    }

    /// The extension it is written with.
    pub fn as_str(self) -> &'static str {
        match self {
            Document::Xlsx => "xlsx",
            Document::Html => "html",
            Document::Md => "md",
            Document::Csv => "csv",
            Document::Json => "json",
            Document::Docx => "docx",
        }
    }
}

impl FromStr for Document {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(Document::Xlsx),
            "html" | "htm" => Ok(Document::Html),
            "md" | "markdown" => Ok(Document::Md),
            "csv" => Ok(Document::Csv),
            "json" => Ok(Document::Json),
            "docx" => Ok(Document::Docx),
            other => Err(format!(
                "`{other}` is not a report format; use xlsx, html, docx, md, csv or json"
            )),
        }
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Makes imported text safe to open from a CSV file: text starting with
/// `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, so no
/// spreadsheet runs it as a formula (CSV/formula injection). Numbers are
/// never passed through here.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Renders a listing as a terminal table (numbers right-aligned).
pub fn to_table(view: &View) -> String {
    to_table_within(view, None)
}

/// The narrowest a text column is wrapped to when a table must fit a width.
const NARROWEST_TEXT_COLUMN: usize = 10;

/// Renders a listing as a terminal table no wider than `max_width` columns
/// where it can be: the widest text columns are wrapped (at word breaks)
/// until the table fits; numbers are never wrapped. `None` leaves every
/// column as wide as its widest cell.
pub fn to_table_within(view: &View, max_width: Option<usize>) -> String {
    let mut builder = Builder::default();
    builder.push_record(view.headings.iter().cloned());
    for row in &view.rows {
        builder.push_record(row.iter().map(|c| c.text.clone()));
    }
    let mut table = builder.build();
    table.with(Style::sharp());
    let numeric: Vec<bool> = (0..view.headings.len())
        .map(|i| {
            view.rows
                .iter()
                .any(|r| r.get(i).is_some_and(|c| c.numeric))
                && view
                    .rows
                    .iter()
                    .all(|r| r.get(i).is_none_or(|c| c.numeric || c.text.is_empty()))
        })
        .collect();
    for (i, _) in numeric.iter().enumerate().filter(|(_, n)| **n) {
        table.modify(Columns::one(i).not(Rows::first()), Alignment::right());
    }
    if let Some(limit) = max_width {
        let total = table.total_width();
        if total > limit {
            let width = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            let widths: Vec<usize> = (0..view.headings.len())
                .map(|i| {
                    view.rows
                        .iter()
                        .filter_map(|r| r.get(i))
                        .map(|c| width(&c.text))
                        .chain(std::iter::once(width(&view.headings[i])))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let text_columns: Vec<usize> = (0..widths.len()).filter(|i| !numeric[*i]).collect();
            let text_total: usize = text_columns.iter().map(|i| widths[*i]).sum();
            let budget = text_total.saturating_sub(total - limit);
            // The widest cap at which the text columns fit the budget.
            let mut cap = text_columns.iter().map(|i| widths[*i]).max().unwrap_or(0);
            while cap > NARROWEST_TEXT_COLUMN
                && text_columns
                    .iter()
                    .map(|i| widths[*i].min(cap))
                    .sum::<usize>()
                    > budget
            {
                cap -= 1;
            }
            for i in text_columns.into_iter().filter(|i| widths[*i] > cap) {
                table.modify(Columns::one(i), Width::wrap(cap).keep_words(true));
            }
        }
    }
    table.to_string()
}

/// Renders a listing as CSV with a heading row, text neutralised.
///
/// # Errors
/// Only if the CSV writer fails (it writes to memory).
pub fn to_csv(view: &View) -> Result<String, csv::Error> {
    let mut bytes = Vec::new();
    write_csv(view, &mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes a listing as CSV to `out`, as [`to_csv`] renders it.
///
/// # Errors
/// Writing to `out` failed.
pub fn write_csv<W: std::io::Write>(view: &View, out: W) -> Result<(), csv::Error> {
    write_csv_rows(&view.headings, &view.rows, out)
}

/// Writes `headings` and then each row as CSV to `out`, one at a time, so a
/// table of a million rows never has to be held whole. Text is neutralised
/// (see [`neutralise`]); numbers are written in their plain form.
///
/// # Errors
/// Writing to `out` failed.
pub fn write_csv_rows<W: std::io::Write, R: AsRef<[Cell]>>(
    headings: &[String],
    rows: impl IntoIterator<Item = R>,
    out: W,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    for h in headings {
        w.write_field(neutralise(h).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)?;
    for row in rows {
        for c in row.as_ref() {
            if c.numeric {
                w.write_field(c.plain.as_deref().unwrap_or(&c.text))?;
            } else {
                w.write_field(neutralise(&c.text).as_bytes())?;
            }
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()?;
    Ok(())
}

/// Escapes text for a Markdown table cell: `|` (which would end the cell)
/// as `\|`, a line break as a space, and `&`, `<` and `>` as HTML entities,
/// so markup in imported text (`<img onerror=…>`) is shown, never run, by
/// whatever renders the Markdown as HTML.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders a listing as a Markdown table (see [`markdown_escape`]).
pub fn to_markdown(view: &View) -> String {
    let esc = |t: &str| markdown_escape(t);
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = line(view.headings.iter().map(|h| esc(h)).collect());
    let right = |i: usize| {
        !view.rows.is_empty() && view.rows.iter().all(|r| r.get(i).is_none_or(|c| c.numeric))
    };
    out += &line(
        (0..view.headings.len())
            .map(|i| if right(i) { "---:" } else { "---" }.to_string())
            .collect(),
    );
    for row in &view.rows {
        out += &line(row.iter().map(|c| esc(&c.text)).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> View {
        let mut v = View::new(&["tag", "cost"]);
        v.push(vec![
            Cell::text("=HYPERLINK(\"http://x\")"),
            Cell::number("-12.50"),
        ]);
        v.push(vec![Cell::text("+cmd|' /C calc'!A0"), Cell::number("3.00")]);
        v.push(vec![Cell::text("@SUM(1)"), Cell::number("")]);
        v
    }

    #[test]
    fn csv_neutralises_formulas_but_keeps_negative_numbers() {
        let csv = to_csv(&view()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "tag,cost");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\")\",-12.50");
        assert_eq!(lines[2], "'+cmd|' /C calc'!A0,3.00");
        assert_eq!(lines[3], "'@SUM(1),");
    }

    #[test]
    fn markdown_escapes_raw_html_from_imported_data() {
        let mut v = View::new(&["<b>name</b>"]);
        v.push(vec![Cell::text("<img src=x onerror=alert(1)> R&B")]);
        assert_eq!(
            to_markdown(&v),
            "| &lt;b&gt;name&lt;/b&gt; |\n| --- |\n| &lt;img src=x onerror=alert(1)&gt; R&amp;B |\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes() {
        let md = to_markdown(&view());
        assert!(md.contains("| +cmd\\|' /C calc'!A0 | 3.00 |"), "{md}");
    }

    #[test]
    fn formats_parse() {
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
        assert!("xml".parse::<Format>().is_err());
        assert_eq!(
            Document::from_path(std::path::Path::new("out/Capital.XLSX")),
            Some(Document::Xlsx)
        );
        assert_eq!(Document::from_path(std::path::Path::new("report")), None);
    }
}
