//! Finds the table in a sheet: the header row (the first row whose cells
//! match known column names, below any title block, logo rows or notes),
//! the totals row that ends it, and the columns that carry nothing.
//!
//! Works on rows already read; knows which headings are "known" only
//! through the predicate it is given, so it is tested without a dictionary.

use super::read::{Merge, Row, Value};

/// How many non-empty rows from the top of a sheet are searched for the
/// header before the sheet is taken to hold no table.
pub const HEADER_SCAN_ROWS: usize = 50;

/// At least this many cells of a row must be known headings for it to be
/// the header (one known word in a title block is not a header).
pub const MIN_KNOWN_HEADINGS: usize = 2;

/// The header row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Its row number as Excel shows it.
    pub row: u32,
    /// The heading of each column from A (empty where there is none),
    /// trimmed, with runs of spaces and line breaks made one space, and
    /// merged cells filled from their first cell.
    pub headings: Vec<String>,
}

/// A heading cell's text: trimmed, inner whitespace (including line breaks
/// inside a cell) collapsed to single spaces.
pub fn clean_heading(value: &Value) -> String {
    value
        .display()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The row's headings with merged blocks filled from their first cell (a
/// heading merged across columns, or down from the row above, names every
/// column it covers).
fn headings_of(row: &Row, earlier: &[Row], merges: &[Merge]) -> Vec<String> {
    let mut width = row.cells.len();
    let r0 = row.number.saturating_sub(1);
    for m in merges {
        if (m.first_row..=m.last_row).contains(&r0) {
            width = width.max(
                (m.last_col as usize)
                    .saturating_add(1)
                    .min(super::read::MAX_COLUMNS),
            );
        }
    }
    (0..width)
        .map(|c| {
            let own = row.cells.get(c).map(clean_heading).unwrap_or_default();
            if !own.is_empty() {
                return own;
            }
            let Ok(c32) = u32::try_from(c) else {
                return own;
            };
            let Some(m) = merges.iter().find(|m| {
                (m.first_row..=m.last_row).contains(&r0)
                    && (m.first_col..=m.last_col).contains(&c32)
            }) else {
                return own;
            };
            let source_row = m.first_row.saturating_add(1);
            let source = if source_row == row.number {
                Some(row)
            } else {
                earlier.iter().find(|r| r.number == source_row)
            };
            source
                .and_then(|r| r.cells.get(m.first_col as usize))
                .map(clean_heading)
                .unwrap_or_default()
        })
        .collect()
}

/// The merged block spanning more than one column that covers column `c`
/// of the 0-based row `r0` without starting there: a cell filled from its
/// left, which counts once.
fn filled_across(merges: &[Merge], r0: u32, c: usize) -> Option<&Merge> {
    let c = u32::try_from(c).ok()?;
    merges
        .iter()
        .find(|m| m.first_col < c && (m.first_row..=m.last_row).contains(&r0) && c <= m.last_col)
}

/// How many of a row's headings `is_known` accepts, a heading merged
/// across columns counted once.
fn known_count(
    row: &Row,
    headings: &[String],
    merges: &[Merge],
    is_known: &dyn Fn(&str) -> bool,
) -> usize {
    let r0 = row.number.saturating_sub(1);
    headings
        .iter()
        .enumerate()
        .filter(|(c, h)| !h.is_empty() && filled_across(merges, r0, *c).is_none() && is_known(h))
        .count()
}

/// True when the row holds a heading merged across columns (a group
/// heading such as `Purchase` over four columns).
fn has_group_heading(row: &Row, merges: &[Merge]) -> bool {
    let r0 = row.number.saturating_sub(1);
    merges
        .iter()
        .any(|m| m.first_row == r0 && m.last_col > m.first_col)
}

/// The headings below a group heading: one estate does not know alone is
/// read with its group's word before it (`Date` under `Purchase` is
/// `Purchase Date`) when that is a heading it knows.
fn under_groups(
    headings: Vec<String>,
    group: &Row,
    group_headings: &[String],
    merges: &[Merge],
    is_known: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let r0 = group.number.saturating_sub(1);
    headings
        .into_iter()
        .enumerate()
        .map(|(c, h)| {
            let Ok(c32) = u32::try_from(c) else {
                return h;
            };
            let grouped = merges.iter().any(|m| {
                (m.first_row..=m.last_row).contains(&r0)
                    && m.last_col > m.first_col
                    && (m.first_col..=m.last_col).contains(&c32)
            });
            let Some(word) = group_headings.get(c).filter(|w| grouped && !w.is_empty()) else {
                return h;
            };
            if h.is_empty() || is_known(&h) {
                return h;
            }
            let joined = format!("{word} {h}");
            if is_known(&joined) { joined } else { h }
        })
        .collect()
}

/// The first of `rows` (in order, blank rows ignored) with at least
/// [`MIN_KNOWN_HEADINGS`] cells that `is_known` accepts, among the first
/// [`HEADER_SCAN_ROWS`] non-empty rows. A heading merged across columns
/// counts once; and a row of such group headings gives way to the row
/// below it when that row knows more headings (the real headings under
/// `Device` and `Purchase`), whose unknown headings are then read with
/// their group's word.
pub fn find_header(
    rows: &[Row],
    merges: &[Merge],
    is_known: &dyn Fn(&str) -> bool,
) -> Option<Header> {
    let candidates: Vec<(usize, &Row)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_blank())
        .take(HEADER_SCAN_ROWS)
        .collect();
    for (k, &(i, row)) in candidates.iter().enumerate() {
        let earlier = rows.get(..i).unwrap_or_default();
        let headings = headings_of(row, earlier, merges);
        let known = known_count(row, &headings, merges, is_known);
        let grouped = has_group_heading(row, merges);
        if grouped {
            if let Some(&(j, below)) = candidates.get(k + 1) {
                let below_headings = headings_of(below, rows.get(..j).unwrap_or_default(), merges);
                let below_headings = under_groups(below_headings, row, &headings, merges, is_known);
                let below_known = known_count(below, &below_headings, merges, is_known);
                if below_known >= MIN_KNOWN_HEADINGS && below_known > known {
                    return Some(Header {
                        row: below.number,
                        headings: trim_trailing_empty(below_headings),
                    });
                }
            }
        }
        if known >= MIN_KNOWN_HEADINGS {
            return Some(Header {
                row: row.number,
                headings: trim_trailing_empty(headings),
            });
        }
    }
    None
}

/// The header at the row numbered `number` (`--header-row`), wherever it
/// is: its headings, whether estate knows them or not. None when `rows`
/// has no such row with something in it.
pub fn header_at(rows: &[Row], merges: &[Merge], number: u32) -> Option<Header> {
    let i = rows.iter().position(|r| r.number == number)?;
    let row = rows.get(i)?;
    if row.is_blank() {
        return None;
    }
    let headings = headings_of(row, rows.get(..i).unwrap_or_default(), merges);
    Some(Header {
        row: number,
        headings: trim_trailing_empty(headings),
    })
}

fn trim_trailing_empty(mut headings: Vec<String>) -> Vec<String> {
    while headings.last().is_some_and(String::is_empty) {
        headings.pop();
    }
    headings
}

/// What a row below the header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A record.
    Data,
    /// The header again (a report's page 2): skipped.
    RepeatedHeader,
    /// A section heading such as `SERVERS` alone in its row: skipped.
    Section,
    /// A subtotal (`Subtotal Avonmere`): skipped; more records may follow.
    Subtotal,
    /// The totals row ("Total", "Grand total", "Total annual cost"):
    /// reading stops here.
    Totals,
}

impl RowKind {
    /// Why a row of this kind is not read, for the summary.
    pub fn reason(self) -> &'static str {
        match self {
            RowKind::Data => "a record",
            RowKind::RepeatedHeader => "the header row repeated",
            RowKind::Section => "a section heading",
            RowKind::Subtotal => "a subtotal",
            RowKind::Totals => "the totals row",
        }
    }
}

/// `clean_heading(value).eq_ignore_ascii_case(heading)`, without building
/// the cleaned text (it is asked of every cell of every row).
fn reads_as_heading(value: &Value, heading: &str) -> bool {
    let text = match value {
        // A number reads as digits, a sign, `inf` or `NaN`: only such a
        // heading can match, and only then is the number written out.
        Value::Number(_) | Value::Int(_) | Value::DateSerial { .. }
            if !heading.bytes().next().is_some_and(|b| {
                b.is_ascii_digit() || matches!(b, b'-' | b'i' | b'I' | b'n' | b'N')
            }) =>
        {
            return false;
        }
        other => other.display(),
    };
    let mut cell = text.split_whitespace();
    if heading.is_empty() {
        return cell.next().is_none();
    }
    let mut want = heading.split(' ');
    loop {
        match (cell.next(), want.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {}
            _ => return false,
        }
    }
}

/// True when the text's first word could start a subtotal or totals row
/// (the only use of its words), so other rows' words are never built.
fn may_total(text: &str) -> bool {
    let first = text
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    // Lower-casing some non-ASCII letters gives ASCII ones: let the full
    // check decide those.
    !first.is_ascii()
        || ["sub", "subtotal", "subtotals", "total", "totals", "grand"]
            .iter()
            .any(|w| first.eq_ignore_ascii_case(w))
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Tells records from the other rows a supplier's table holds. `headings`
/// are the table's headings by column; `identity` the columns that
/// identify a record (serial and tag, a line's number, a licence's
/// product).
pub fn classify(row: &Row, headings: &[String], identity: &[usize]) -> RowKind {
    let filled: Vec<(usize, &Value)> = row
        .cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_blank())
        .collect();
    let Some(&(first_col, first)) = filled.first() else {
        return RowKind::Data;
    };
    let same_as_heading = filled
        .iter()
        .filter(|(i, c)| {
            headings
                .get(*i)
                .is_some_and(|h| !h.is_empty() && reads_as_heading(c, h))
        })
        .count();
    if same_as_heading >= 2 && same_as_heading * 2 >= filled.len() {
        return RowKind::RepeatedHeader;
    }
    if let Value::Text(text) = first {
        let w = if may_total(text) {
            words(text)
        } else {
            Vec::new()
        };
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        match w.as_slice() {
            ["subtotal" | "subtotals", ..] | ["sub", "total" | "totals", ..] => {
                return RowKind::Subtotal;
            }
            ["total" | "totals"] | ["grand", "total" | "totals", ..] => return RowKind::Totals,
            ["total" | "totals", rest @ ..] => {
                let qualifiers = rest.iter().all(|w| {
                    matches!(
                        *w,
                        "ex" | "inc"
                            | "incl"
                            | "excl"
                            | "vat"
                            | "cost"
                            | "value"
                            | "gbp"
                            | "net"
                            | "gross"
                            | "amount"
                            | "annual"
                            | "monthly"
                            | "price"
                    )
                });
                let others_blank = identity
                    .iter()
                    .filter(|&&i| i != first_col)
                    .all(|&i| row.cells.get(i).is_none_or(Value::is_blank));
                if qualifiers || (others_blank && !identity.contains(&first_col)) {
                    return RowKind::Totals;
                }
            }
            _ => {}
        }
        let lone_words = filled.len() == 1 && !text.chars().any(|c| c.is_ascii_digit());
        if lone_words && !identity.contains(&first_col) {
            return RowKind::Section;
        }
    }
    RowKind::Data
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: u32, cells: &[&str]) -> Row {
        Row::of_texts(number, cells)
    }

    fn known(h: &str) -> bool {
        matches!(
            h.to_lowercase().as_str(),
            "serial number" | "model" | "asset tag" | "cost" | "notes"
        )
    }

    #[test]
    fn a_cell_reads_as_a_heading_exactly_when_its_cleaned_text_matches() {
        let values = [
            Value::Text("  Serial   Number ".into()),
            Value::Text("serial\nnumber".into()),
            Value::Text("Serial".into()),
            Value::Text(String::new()),
            Value::Number(12.0),
            Value::Number(-1.5),
            Value::Number(f64::NAN),
            Value::Int(7),
            Value::DateSerial {
                serial: 45_000.0,
                is_1904: false,
            },
            Value::Bool(true),
        ];
        let headings = [
            "Serial Number",
            "serial number",
            "Serial  Number",
            " Serial Number",
            "Serial",
            "12",
            "-1.5",
            "NaN",
            "7",
            "45000",
            "TRUE",
            "x",
        ];
        for v in &values {
            for h in headings {
                assert_eq!(
                    reads_as_heading(v, h),
                    clean_heading(v).eq_ignore_ascii_case(h),
                    "{v:?} against {h:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn reading_as_a_heading_agrees_with_cleaning(text in "[ a-zA-Z\\n\\t]{0,12}", heading in "[ a-zA-Z]{0,12}") {
            let v = Value::Text(text);
            proptest::prop_assert_eq!(
                reads_as_heading(&v, &heading),
                clean_heading(&v).eq_ignore_ascii_case(&heading)
            );
        }

        #[test]
        fn only_rows_that_may_total_have_their_words_read(text in "[ a-zA-Z0-9-]{0,16}") {
            let w = words(&text);
            let totals = matches!(
                w.first().map(String::as_str),
                Some("sub" | "subtotal" | "subtotals" | "total" | "totals" | "grand")
            );
            proptest::prop_assert!(!totals || may_total(&text));
        }
    }

    #[test]
    fn the_header_is_found_under_a_title_block() {
        let rows = vec![
            row(1, &["Dell Asset Report"]),
            row(2, &["Customer: Brookfield BC", "", "Notes"]),
            row(4, &["Generated 01/04/2024"]),
            row(7, &["  Serial\nNumber ", "Model", "Unit Weight", "", ""]),
            row(8, &["ABC123", "OptiPlex 7010", "5kg"]),
        ];
        let header = find_header(&rows, &[], &known).unwrap();
        assert_eq!(header.row, 7);
        assert_eq!(header.headings, ["Serial Number", "Model", "Unit Weight"]);
    }

    #[test]
    fn no_header_means_none() {
        let rows = vec![row(1, &["a", "b"]), row(2, &["1", "2"])];
        assert_eq!(find_header(&rows, &[], &known), None);
    }

    #[test]
    fn merged_heading_cells_name_every_column_they_cover() {
        // "Asset Tag" merged down from row 1 into row 2; "Model" merged across C:D.
        let rows = vec![
            row(1, &["Asset Tag", "Purchase"]),
            row(2, &["", "Cost", "Model", ""]),
        ];
        let merges = [
            Merge {
                first_row: 0,
                first_col: 0,
                last_row: 1,
                last_col: 0,
            },
            Merge {
                first_row: 1,
                first_col: 2,
                last_row: 1,
                last_col: 3,
            },
        ];
        let header = find_header(&rows, &merges, &known).unwrap();
        assert_eq!(header.row, 2);
        assert_eq!(header.headings, ["Asset Tag", "Cost", "Model", "Model"]);
    }

    #[test]
    fn rows_that_are_not_records_are_told_apart() {
        let headings: Vec<String> = ["Ref", "Serial", "Model", "Cost"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        let identity = [1];
        let kind = |cells: &[&str]| classify(&row(9, cells), &headings, &identity);
        for text in [
            "Total",
            "TOTAL",
            "Grand Total",
            "Grand total:",
            "Totals",
            "Total (ex VAT)",
            "Total annual cost",
        ] {
            assert_eq!(kind(&[text, "", "", "1234"]), RowKind::Totals, "{text}");
        }
        assert_eq!(
            kind(&["", "Grand total", "", "1234"]),
            RowKind::Totals,
            "in an identity column"
        );
        for text in ["Subtotal Avonmere", "Sub-total", "Sub Total (Brookfield)"] {
            assert_eq!(kind(&[text, "", "", "99"]), RowKind::Subtotal, "{text}");
        }
        assert_eq!(
            kind(&["Total Care Ltd", "S1", "OptiPlex", "5"]),
            RowKind::Data,
            "a record whose first cell says Total"
        );
        assert_eq!(kind(&["INF-1", "S1", "OptiPlex", "5"]), RowKind::Data);
        assert_eq!(
            kind(&["Ref", "Serial", "Model", "Cost"]),
            RowKind::RepeatedHeader
        );
        assert_eq!(kind(&["SERVERS"]), RowKind::Section);
        assert_eq!(
            kind(&["", "", "OptiPlex 7010"]),
            RowKind::Data,
            "a lone model is a (bad) record"
        );
        assert_eq!(
            kind(&["", "ABC"]),
            RowKind::Data,
            "a lone serial is a record"
        );
        let numeric = Row {
            number: 3,
            cells: vec![Value::Number(5.0)],
        };
        assert_eq!(classify(&numeric, &headings, &identity), RowKind::Data);
    }
}
