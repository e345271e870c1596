//! Reads the two "spreadsheets" that are really markup, which supplier
//! portals save with an `.xls` name: an HTML page of tables (each `<table>`
//! with no table inside it is a sheet) and `SpreadsheetML` 2003 XML (each
//! `<Worksheet>` a sheet). Both are read whole into rows of cells, within
//! the same bounds as any other sheet: at most [`super::bounds::MAX_MARKUP_BYTES`]
//! of file (checked before this module starts), [`MAX_HELD_CELLS`] cells
//! held, [`read::MAX_ROWS`] rows, cells right of [`read::MAX_COLUMNS`]
//! counted and ignored, and no cell longer than Excel allows.
//!
//! HTML is parsed with `tl`, which keeps its own stack (a page nested a
//! million deep cannot exhaust this thread's); this module walks the tree
//! with an explicit stack too. A heading cell spanning columns (`colspan`,
//! `ss:MergeAcross`) is reported as a merged block, as an xlsx merge is, so
//! a group heading above the real headings counts once.

use super::ImportError;
use super::read::{self, MAX_COLUMNS, MAX_ROWS, Merge, Row, Value};

/// At most this many cells (a column spanned counts each column) are held
/// from one markup file: the same as an ods or xls sheet read whole.
pub const MAX_HELD_CELLS: u64 = super::bounds::MAX_WHOLE_SHEET_CELLS;

/// One table or worksheet read from a markup file.
#[derive(Debug, Clone, Default)]
pub struct MarkupSheet {
    /// Its name: the worksheet's, or `table N` for an HTML table.
    pub name: String,
    /// Its rows with something in them, numbered from 1.
    pub rows: Vec<Row>,
    /// Cells spanning more than one column or row.
    pub merges: Vec<Merge>,
    /// Cells right of [`MAX_COLUMNS`], ignored.
    pub cells_beyond_last_column: u64,
}

/// Counts what is held, refusing a file past the bounds.
struct Budget<'f> {
    file: &'f str,
    cells: u64,
    rows: u64,
}

impl Budget<'_> {
    fn cells(&mut self, n: u64) -> Result<(), ImportError> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > MAX_HELD_CELLS {
            return Err(ImportError::TooLarge {
                file: self.file.into(),
                detail: format!(
                    "its tables hold more than {} cells, more than estate reads from one page; \
                     save it as xlsx or CSV",
                    crate::domain::money::group_thousands(&MAX_HELD_CELLS.to_string())
                ),
            });
        }
        Ok(())
    }

    fn row(&mut self) -> Result<(), ImportError> {
        self.rows += 1;
        if self.rows > MAX_ROWS {
            return Err(ImportError::TooLarge {
                file: self.file.into(),
                detail: format!(
                    "a sheet has more than {MAX_ROWS} rows; split the file and import each part"
                ),
            });
        }
        Ok(())
    }
}

/// Puts `value` at `col` of `cells`, within the column bound.
fn place(
    file: &str,
    number: u32,
    cells: &mut Vec<Value>,
    col: usize,
    value: Value,
    beyond: &mut u64,
) -> Result<(), ImportError> {
    if col >= MAX_COLUMNS {
        if !value.is_blank() {
            *beyond += 1;
        }
        return Ok(());
    }
    read::check_cell(file, number, col, &value)?;
    if cells.len() <= col {
        cells.resize(col + 1, Value::Empty);
    }
    if let Some(slot) = cells.get_mut(col) {
        *slot = value;
    }
    Ok(())
}

// ---------------------------------------------------------------- HTML

/// True when the text (its first bytes) is an HTML page with a table.
pub fn looks_like_html(head: &str) -> bool {
    let start = head.trim_start_matches('\u{feff}').trim_start();
    if !start.starts_with('<') {
        return false;
    }
    let lower = head.to_ascii_lowercase();
    lower.contains("<table") && !looks_like_spreadsheetml(head)
}

/// Collapses runs of white space to one space, as a browser shows them.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the character references a spreadsheet export writes: numeric
/// ones and the named ones suppliers' pages use. Unknown names are kept as
/// written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    "pound" => Some('£'),
                    "euro" => Some('€'),
                    "copy" => Some('©'),
                    "reg" => Some('®'),
                    "trade" => Some('™'),
                    "ndash" => Some('–'),
                    "mdash" => Some('—'),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        if let Some((c, e)) = decoded {
            out.push(c);
            rest = &after[e + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn tag_name(tag: &tl::HTMLTag<'_>) -> String {
    tag.name().as_utf8_str().to_ascii_lowercase()
}

fn span(tag: &tl::HTMLTag<'_>, attribute: &str) -> u32 {
    tag.attributes()
        .get(attribute)
        .flatten()
        .and_then(|v| v.as_utf8_str().trim().parse::<u32>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1)
}

/// The text of a cell: its text nodes, not those of a table inside it, nor
/// of scripts and styles; a line break is a space.
fn cell_text(parser: &tl::Parser<'_>, cell: &tl::HTMLTag<'_>) -> String {
    let mut text = String::new();
    let mut stack: Vec<tl::NodeHandle> = cell
        .children()
        .top()
        .as_slice()
        .iter()
        .rev()
        .copied()
        .collect();
    while let Some(handle) = stack.pop() {
        match handle.get(parser) {
            Some(tl::Node::Raw(raw)) => text.push_str(&raw.as_utf8_str()),
            Some(tl::Node::Tag(tag)) => {
                let name = tag_name(tag);
                if matches!(name.as_str(), "table" | "script" | "style") {
                    continue;
                }
                if matches!(name.as_str(), "br" | "p" | "div") {
                    text.push(' ');
                }
                stack.extend(tag.children().top().as_slice().iter().rev().copied());
            }
            _ => {}
        }
    }
    decode_entities(&collapse(&text))
        .replace('\u{a0}', " ")
        .trim()
        .to_string()
}

/// The tables of an HTML page that hold no table themselves, in page order.
///
/// # Errors
/// A bound is passed (too many cells or rows, a cell too long).
pub fn html_sheets(file: &str, text: &str) -> Result<Vec<MarkupSheet>, ImportError> {
    let dom = tl::parse(text, tl::ParserOptions::default()).map_err(|e| ImportError::Damaged {
        file: file.into(),
        detail: format!("it could not be read as HTML: {e}"),
    })?;
    let parser = dom.parser();
    let mut budget = Budget {
        file,
        cells: 0,
        rows: 0,
    };
    // Every table, in page order, with whether it holds another.
    let mut tables: Vec<&tl::HTMLTag<'_>> = Vec::new();
    let mut stack: Vec<tl::NodeHandle> = dom.children().iter().rev().copied().collect();
    while let Some(handle) = stack.pop() {
        if let Some(tl::Node::Tag(tag)) = handle.get(parser) {
            if tag_name(tag) == "table" {
                tables.push(tag);
            }
            stack.extend(tag.children().top().as_slice().iter().rev().copied());
        }
    }
    let mut sheets = Vec::new();
    for table in tables {
        if let Some(sheet) = html_table(parser, table, &mut budget)? {
            sheets.push(sheet);
        }
    }
    let many = sheets.len() > 1;
    for (i, sheet) in sheets.iter_mut().enumerate() {
        sheet.name = if many {
            format!("table {}", i + 1)
        } else {
            "table".into()
        };
    }
    Ok(sheets)
}

/// One table's rows, or None when it holds another table (a layout table)
/// or no cells.
fn html_table(
    parser: &tl::Parser<'_>,
    table: &tl::HTMLTag<'_>,
    budget: &mut Budget<'_>,
) -> Result<Option<MarkupSheet>, ImportError> {
    // Its rows: `tr` below it; a table inside it makes it a layout table.
    let mut trs = Vec::new();
    let mut stack: Vec<tl::NodeHandle> = table
        .children()
        .top()
        .as_slice()
        .iter()
        .rev()
        .copied()
        .collect();
    while let Some(handle) = stack.pop() {
        if let Some(tl::Node::Tag(tag)) = handle.get(parser) {
            match tag_name(tag).as_str() {
                "table" => return Ok(None),
                "tr" => {
                    trs.push(tag);
                    stack.extend(tag.children().top().as_slice().iter().rev().copied());
                }
                _ => stack.extend(tag.children().top().as_slice().iter().rev().copied()),
            }
        }
    }
    let mut sheet = MarkupSheet::default();
    // Columns taken by a cell spanning rows from above: (row index, column).
    let mut taken: std::collections::BTreeSet<(usize, usize)> = std::collections::BTreeSet::new();
    for (i, tr) in trs.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let mut cells = Vec::new();
        let mut col = 0usize;
        // Cells of this row, with a table inside a cell left to itself.
        let mut tds = Vec::new();
        let mut stack: Vec<tl::NodeHandle> = tr
            .children()
            .top()
            .as_slice()
            .iter()
            .rev()
            .copied()
            .collect();
        while let Some(handle) = stack.pop() {
            if let Some(tl::Node::Tag(tag)) = handle.get(parser) {
                match tag_name(tag).as_str() {
                    "td" | "th" => tds.push(tag),
                    "table" | "tr" => {}
                    _ => stack.extend(tag.children().top().as_slice().iter().rev().copied()),
                }
            }
        }
        for td in tds {
            while taken.contains(&(i, col)) {
                col += 1;
            }
            let text = cell_text(parser, td);
            let across = span(td, "colspan").min(u32::try_from(MAX_COLUMNS).unwrap_or(u32::MAX));
            let down = span(td, "rowspan").min(1_000);
            budget.cells(u64::from(across) * u64::from(down))?;
            let value = if text.is_empty() {
                Value::Empty
            } else {
                Value::Text(text)
            };
            place(
                budget.file,
                number,
                &mut cells,
                col,
                value,
                &mut sheet.cells_beyond_last_column,
            )?;
            let width = across as usize;
            if across > 1 || down > 1 {
                if col < MAX_COLUMNS {
                    sheet.merges.push(Merge {
                        first_row: number - 1,
                        first_col: u32::try_from(col).unwrap_or(u32::MAX),
                        last_row: number - 1 + (down - 1),
                        last_col: u32::try_from((col + width - 1).min(MAX_COLUMNS - 1))
                            .unwrap_or(u32::MAX),
                    });
                }
                for r in 1..down as usize {
                    for c in col..(col + width).min(MAX_COLUMNS) {
                        taken.insert((i + r, c));
                    }
                }
            }
            col = col.saturating_add(width);
        }
        taken.retain(|&(r, _)| r > i);
        if cells.iter().all(Value::is_blank) {
            continue;
        }
        budget.row()?;
        sheet.rows.push(Row { number, cells });
    }
    if sheet.rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(sheet))
}

// ---------------------------------------------------------------- `SpreadsheetML`

/// True when the text (its first bytes) is a `SpreadsheetML` 2003 workbook.
pub fn looks_like_spreadsheetml(head: &str) -> bool {
    head.contains("urn:schemas-microsoft-com:office:spreadsheet") && head.contains("<Workbook")
}

fn attribute(e: &quick_xml::events::BytesStart<'_>, want: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().into_inner() == want).then(|| decode_entities(&a.value)))
}

fn index_attr(e: &quick_xml::events::BytesStart<'_>, want: &str) -> Option<usize> {
    attribute(e, want)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n >= 1)
}

/// The worksheets of a `SpreadsheetML` 2003 workbook.
///
/// # Errors
/// The XML is damaged, or a bound is passed.
pub fn spreadsheetml_sheets(file: &str, text: &str) -> Result<Vec<MarkupSheet>, ImportError> {
    use quick_xml::events::Event;
    let damaged = |e: &dyn std::fmt::Display| ImportError::Damaged {
        file: file.into(),
        detail: format!("it could not be read as SpreadsheetML (Excel 2003 XML): {e}"),
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut budget = Budget {
        file,
        cells: 0,
        rows: 0,
    };
    let mut sheets: Vec<MarkupSheet> = Vec::new();
    let mut sheet: Option<MarkupSheet> = None;
    let mut row: Option<Row> = None;
    let mut next_row: u32 = 1;
    let mut col: usize = 0;
    // The cell being read: its column, type and text.
    let mut cell: Option<(usize, String, String)> = None;
    let mut in_data = false;
    loop {
        let event = reader.read_event().map_err(|e| damaged(&e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().into_inner() {
                    "Worksheet" => {
                        let name = attribute(e, "Name")
                            .unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1));
                        sheet = Some(MarkupSheet {
                            name,
                            ..MarkupSheet::default()
                        });
                        next_row = 1;
                        if empty {
                            sheets.extend(sheet.take());
                        }
                    }
                    "Row" if sheet.is_some() => {
                        if let Some(i) = index_attr(e, "Index") {
                            next_row = u32::try_from(i).unwrap_or(u32::MAX);
                        }
                        col = 0;
                        let r = Row {
                            number: next_row,
                            cells: Vec::new(),
                        };
                        next_row = next_row.saturating_add(1);
                        if !empty {
                            row = Some(r);
                        }
                    }
                    "Cell" if row.is_some() => {
                        if let Some(i) = index_attr(e, "Index") {
                            col = i - 1;
                        }
                        let across = index_attr(e, "MergeAcross").map_or(0, |n| n.min(MAX_COLUMNS));
                        let down = index_attr(e, "MergeDown").map_or(0, |n| n.min(1_000));
                        if let (Some(s), Some(r)) = (sheet.as_mut(), row.as_ref()) {
                            if (across > 0 || down > 0) && col < MAX_COLUMNS {
                                s.merges.push(Merge {
                                    first_row: r.number - 1,
                                    first_col: u32::try_from(col).unwrap_or(u32::MAX),
                                    last_row: (r.number - 1)
                                        .saturating_add(u32::try_from(down).unwrap_or(0)),
                                    last_col: u32::try_from((col + across).min(MAX_COLUMNS - 1))
                                        .unwrap_or(u32::MAX),
                                });
                            }
                        }
                        budget.cells(1)?;
                        if empty {
                            col = col.saturating_add(across + 1);
                        } else {
                            cell = Some((col, String::new(), String::new()));
                            col = col.saturating_add(across + 1);
                        }
                    }
                    "Data" if cell.is_some() => {
                        if let Some((_, kind, _)) = cell.as_mut() {
                            *kind = attribute(e, "Type").unwrap_or_default();
                        }
                        in_data = !empty;
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_data => {
                if let Some((_, _, text)) = cell.as_mut() {
                    text.push_str(&t.xml10_content());
                    if text.len() > read::MAX_CELL_CHARS * 4 {
                        text.truncate(read::MAX_CELL_CHARS * 4);
                    }
                }
            }
            Event::GeneralRef(r) if in_data => {
                if let Some((_, _, text)) = cell.as_mut() {
                    let name = r.into_inner();
                    text.push_str(&decode_entities(&format!("&{name};")));
                }
            }
            Event::CData(t) if in_data => {
                if let Some((_, _, text)) = cell.as_mut() {
                    text.push_str(&t.into_inner());
                }
            }
            Event::End(ref e) => match e.local_name().into_inner() {
                "Data" => in_data = false,
                "Cell" => {
                    if let (Some((at, kind, text)), Some(r), Some(s)) =
                        (cell.take(), row.as_mut(), sheet.as_mut())
                    {
                        let value = typed(&kind, text);
                        place(
                            file,
                            r.number,
                            &mut r.cells,
                            at,
                            value,
                            &mut s.cells_beyond_last_column,
                        )?;
                    }
                }
                "Row" => {
                    if let (Some(r), Some(s)) = (row.take(), sheet.as_mut()) {
                        if !r.is_blank() {
                            budget.row()?;
                            s.rows.push(r);
                        }
                    }
                }
                "Worksheet" => sheets.extend(sheet.take()),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    sheets.extend(sheet.take());
    Ok(sheets)
}

/// A `SpreadsheetML` cell's value from its `ss:Type`.
fn typed(kind: &str, text: String) -> Value {
    if text.trim().is_empty() {
        return Value::Empty;
    }
    match kind {
        "Number" => text
            .trim()
            .parse::<f64>()
            .map_or(Value::Text(text), Value::Number),
        "DateTime" => Value::DateIso(text.trim().trim_end_matches(".000").to_string()),
        "Boolean" => Value::Bool(text.trim() == "1"),
        "Error" => Value::Error(text),
        _ => Value::Text(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(row: &Row) -> Vec<String> {
        row.cells.iter().map(|v| v.display().into_owned()).collect()
    }

    #[test]
    fn an_html_table_reads_as_rows_with_its_spans_as_merges() {
        let page = "<html><body><table><tr><td>layout<table>\
            <tr><th colspan=\"2\">Purchase</th><th>Kit</th></tr>\
            <tr><th>Date</th><th>Cost</th><th>Serial &amp; no</th></tr>\
            <tr><td>01/04/2023</td><td>&pound;612.34</td><td>AB1</td></tr>\
            </table></td></tr></table></body></html>";
        let sheets = html_sheets("p.xls", page).unwrap();
        assert_eq!(sheets.len(), 1);
        let s = &sheets[0];
        assert_eq!(s.rows.len(), 3);
        assert_eq!(texts(&s.rows[0]), ["Purchase", "", "Kit"]);
        assert_eq!(texts(&s.rows[1]), ["Date", "Cost", "Serial & no"]);
        assert_eq!(texts(&s.rows[2]), ["01/04/2023", "£612.34", "AB1"]);
        assert_eq!(
            s.merges,
            [Merge {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 1
            }]
        );
    }

    #[test]
    fn a_huge_colspan_is_held_to_the_column_bound() {
        let page = "<table><tr><td colspan=\"99999999\">a</td><td>b</td></tr></table>";
        let sheets = html_sheets("p.xls", page).unwrap();
        assert_eq!(texts(&sheets[0].rows[0]), ["a"]);
        assert_eq!(sheets[0].cells_beyond_last_column, 1);
    }

    #[test]
    fn spreadsheetml_reads_types_indexes_and_merges() {
        let xml = r#"<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Assets"><Table>
  <Row><Cell ss:MergeAcross="1"><Data ss:Type="String">Purchase</Data></Cell></Row>
  <Row ss:Index="3"><Cell><Data ss:Type="String">A &amp; B</Data></Cell><Cell ss:Index="3"><Data ss:Type="Number">612.34</Data></Cell>
   <Cell><Data ss:Type="DateTime">2023-04-01T00:00:00.000</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"#;
        let sheets = spreadsheetml_sheets("s.xls", xml).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].name, "Assets");
        let rows = &sheets[0].rows;
        assert_eq!(rows[1].number, 3);
        assert_eq!(
            rows[1].cells,
            [
                Value::Text("A & B".into()),
                Value::Empty,
                Value::Number(612.34),
                Value::DateIso("2023-04-01T00:00:00".into())
            ]
        );
        assert_eq!(sheets[0].merges[0].last_col, 1);
    }

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(
            decode_entities("a &amp; b &#163;5 &#x20AC;1 &bogus; &"),
            "a & b £5 €1 &bogus; &"
        );
    }
}
