//! Reads a spreadsheet or a delimited text file into rows of cells:
//! calamine for xlsx, xlsm, xlsb, xls and ods (streaming cell by cell for
//! xlsx and xlsb), the csv crate for csv, tsv and txt (UTF-8, Windows-1252,
//! or UTF-16 LE or BE as Excel's "Unicode text" and `PowerShell` write it),
//! and [`super::markup`] for HTML tables and `SpreadsheetML` saved as `.xls`.
//!
//! The format is told by the file's first bytes, never by its name alone, so
//! an `.xlsx` that is really a CSV is read as the CSV it is. This module knows
//! nothing of headings or the register: it hands out rows of [`Value`]s
//! numbered as Excel shows them, and it never panics on a hostile file (a
//! panic inside the spreadsheet reader is caught and reported as a damaged
//! file).
//!
//! What one file can make estate do is bounded, each bound with its own
//! message: a workbook that would expand too far is refused before the
//! spreadsheet reader starts ([`super::bounds`]); a cell longer than Excel
//! allows, a text row longer than [`MAX_TEXT_ROW_BYTES`] and a sheet of more
//! than [`MAX_ROWS`] rows are refused as they are met; cells right of
//! [`MAX_COLUMNS`] are counted and ignored; rows with nothing in them cost no
//! memory.

use std::borrow::Cow;
use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use calamine::{Data, DataRef, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use super::ImportError;

/// Cells beyond this column are ignored (and counted): no supplier sheet is
/// this wide, and a cell at column XFD must not make every row 16,384 wide.
pub const MAX_COLUMNS: usize = 512;

/// A sheet may hold at most this many rows with something in them; beyond
/// it the file is refused rather than read without end.
pub const MAX_ROWS: u64 = 2_000_000;

/// A cell may hold at most this many characters: Excel's own limit, so a
/// longer cell cannot have come from a spreadsheet application, and would
/// otherwise travel whole into the register's notes.
pub const MAX_CELL_CHARS: usize = 32_767;

/// One row (record) of a delimited text file may be at most this long, so a
/// file that is one enormous field cannot make the reader buffer without end.
pub const MAX_TEXT_ROW_BYTES: u64 = 1024 * 1024;

/// The formats estate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 97–2003 workbook (`.xls`).
    Xls,
    /// An `OpenDocument` spreadsheet (`.ods`).
    Ods,
    /// Delimited text (`.csv`, `.tsv`, `.txt`), whatever the file is called.
    Text,
    /// An HTML page of tables (what supplier portals save as `.xls`).
    Html,
    /// A `SpreadsheetML` 2003 XML workbook (also often saved as `.xls`).
    SpreadsheetMl,
}

impl Format {
    /// A short name for messages and the batch record.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Text => "csv",
            Format::Html => "html",
            Format::SpreadsheetMl => "xml",
        }
    }
}

/// One cell's value, as the spreadsheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing.
    Empty,
    /// Text (not trimmed).
    Text(String),
    /// A number (Excel keeps every number as a float).
    Number(f64),
    /// A whole number (xls and ods keep some numbers as integers).
    Int(i64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A number formatted as a date: the serial and its epoch.
    DateSerial {
        /// Days since the epoch (fraction = time of day).
        serial: f64,
        /// True for the 1904 date system (old Mac workbooks).
        is_1904: bool,
    },
    /// An ISO 8601 date or date-time (ods, some xlsx writers).
    DateIso(String),
    /// A formula error such as `#N/A` or `#REF!`.
    Error(String),
}

impl Value {
    /// True when the cell holds nothing (or only spaces).
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person reads it, for messages and notes.
    pub fn display(&self) -> Cow<'_, str> {
        match self {
            Value::Empty => Cow::Borrowed(""),
            Value::Text(t) => Cow::Borrowed(t.trim()),
            Value::Number(n) => Cow::Owned(number_text(*n)),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Value::DateSerial { serial, .. } => Cow::Owned(number_text(*serial)),
            Value::DateIso(s) | Value::Error(s) => Cow::Borrowed(s),
        }
    }
}

/// A number as Excel would show it in a General cell: whole numbers without
/// a decimal point (so a serial number typed as a number reads back as
/// typed), others in the shortest form that round-trips.
pub fn number_text(n: f64) -> String {
    // 2^53: the largest range in which every whole f64 is exact.
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation, reason = "whole and within 2^53")]
        let whole = n as i64;
        whole.to_string()
    } else {
        n.to_string()
    }
}

fn from_data(d: Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) | Data::DurationIso(s) => Value::Text(s),
        Data::Float(f) => Value::Number(f),
        Data::Int(i) => Value::Int(i),
        Data::Bool(b) => Value::Bool(b),
        Data::DateTime(dt) => date_or_number(dt),
        Data::DateTimeIso(s) => Value::DateIso(s),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}

/// A streamed cell's value. `is_1904` is the workbook's date system:
/// xlsx and xlsb cells all use it, so it need not be recovered per cell.
fn from_data_ref(d: DataRef<'_>, is_1904: bool) -> Value {
    match d {
        DataRef::Empty => Value::Empty,
        DataRef::String(s) | DataRef::DurationIso(s) => Value::Text(s),
        DataRef::SharedString(s) => Value::Text(s.to_string()),
        DataRef::Float(f) => Value::Number(f),
        DataRef::Int(i) => Value::Int(i),
        DataRef::Bool(b) => Value::Bool(b),
        DataRef::DateTime(dt) if dt.is_datetime() => Value::DateSerial {
            serial: dt.as_f64(),
            is_1904,
        },
        DataRef::DateTime(dt) => Value::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => Value::DateIso(s),
        DataRef::Error(e) => Value::Error(e.to_string()),
    }
}

fn date_or_number(dt: calamine::ExcelDateTime) -> Value {
    if dt.is_datetime() {
        // The epoch flag is not public on ExcelDateTime; it is recovered from
        // the date it converts to (1904 serials are 1,462 days smaller).
        Value::DateSerial {
            serial: dt.as_f64(),
            is_1904: is_1904_serial(&dt),
        }
    } else {
        Value::Number(dt.as_f64())
    }
}

/// Whether calamine read this date in the 1904 system: converting the same
/// serial as a 1900 date and comparing tells, without reaching into
/// calamine's private field.
fn is_1904_serial(dt: &calamine::ExcelDateTime) -> bool {
    let as_1900 =
        calamine::ExcelDateTime::new(dt.as_f64(), calamine::ExcelDateTimeType::DateTime, false);
    dt.to_ymd_hms_milli() != as_1900.to_ymd_hms_milli()
}

/// One row of a sheet: its number as Excel shows it (1-based) and its cells
/// from column A.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row number the user sees.
    pub number: u32,
    /// Cells from column A; may be shorter than other rows.
    pub cells: Vec<Value>,
}

impl Row {
    /// A row of text cells ('' for an empty cell), for tests.
    #[cfg(test)]
    pub(crate) fn of_texts(number: u32, cells: &[&str]) -> Row {
        Row {
            number,
            cells: cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Value::Empty
                    } else {
                        Value::Text((*c).to_string())
                    }
                })
                .collect(),
        }
    }

    /// True when every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Value::is_blank)
    }
}

/// A merged block of cells (0-based, inclusive), for filling header cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    /// First row.
    pub first_row: u32,
    /// First column.
    pub first_col: u32,
    /// Last row.
    pub last_row: u32,
    /// Last column.
    pub last_col: u32,
}

/// What the workbook says about one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    /// Its name (for CSV: the file's name).
    pub name: String,
    /// False for chart, dialog and macro sheets, which hold no records.
    pub is_worksheet: bool,
    /// True when hidden.
    pub hidden: bool,
}

/// What reading one sheet found besides its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Cells right of [`MAX_COLUMNS`], ignored.
    pub cells_beyond_last_column: u64,
}

enum Inner {
    Xlsx(Xlsx<BufReader<File>>),
    Xlsb(Xlsb<BufReader<File>>),
    Xls(Xls<BufReader<File>>),
    Ods(Ods<BufReader<File>>),
    Text(TextSettings),
    Markup(Vec<super::markup::MarkupSheet>),
}

/// How a delimited text file is laid out, found by sniffing its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextSettings {
    /// The field separator.
    pub delimiter: u8,
    /// True when the file starts with a byte-order mark (skipped).
    pub bom: bool,
    /// The text's encoding when it is UTF-16 (Excel's "Unicode text",
    /// `PowerShell`'s default); otherwise UTF-8, or Windows-1252 field by field.
    pub utf16: Option<&'static encoding_rs::Encoding>,
}

/// An open spreadsheet or text file.
pub struct Workbook {
    file: String,
    path: std::path::PathBuf,
    format: Format,
    inner: Inner,
}

impl std::fmt::Debug for Workbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workbook")
            .field("file", &self.file)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// The file's name as messages show it.
pub fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
pub(crate) const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Tells the format from the file's first bytes (and, only to tell xlsb
/// from xlsx inside a zip, its name).
///
/// # Errors
/// [`ImportError::Encrypted`] for a password-protected Office file,
/// [`ImportError::NotASpreadsheet`] for a binary file of another kind.
pub fn sniff(path: &Path, head: &[u8]) -> Result<Format, ImportError> {
    let file = display_name(path);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if head.starts_with(ZIP_MAGIC) || head.starts_with(EMPTY_ZIP_MAGIC) {
        let window = &head[..head.len().min(200)];
        if contains(window, b"mimetype") && contains(window, b"opendocument.spreadsheet") {
            return Ok(Format::Ods);
        }
        if ext == "ods" {
            return Ok(Format::Ods);
        }
        if ext == "xlsb" || contains(head, b"xl/workbook.bin") {
            return Ok(Format::Xlsb);
        }
        return Ok(Format::Xlsx);
    }
    if head.starts_with(CFB_MAGIC) {
        // An encrypted xlsx is an OLE container holding "EncryptedPackage"
        // (its directory names are UTF-16).
        if contains(head, &utf16le("EncryptedPackage")) {
            return Err(ImportError::Encrypted { file });
        }
        return Ok(Format::Xls);
    }
    if head.starts_with(b"{\\rtf") || head.starts_with(b"%PDF") {
        return Err(ImportError::NotASpreadsheet {
            file,
            detail: "it is a document, not a spreadsheet".into(),
        });
    }
    if let Some(encoding) = utf16_of(head) {
        let bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
        let body = head.get(usize::from(bom) * 2..).unwrap_or_default();
        let text = encoding.decode_without_bom_handling(body).0;
        if super::markup::looks_like_spreadsheetml(&text) {
            return Ok(Format::SpreadsheetMl);
        }
        if super::markup::looks_like_html(&text) {
            return Ok(Format::Html);
        }
        return Ok(Format::Text);
    }
    if looks_like_text(head) {
        let text = String::from_utf8_lossy(head);
        if super::markup::looks_like_spreadsheetml(&text) {
            return Ok(Format::SpreadsheetMl);
        }
        if super::markup::looks_like_html(&text) {
            return Ok(Format::Html);
        }
        return Ok(Format::Text);
    }
    Err(ImportError::NotASpreadsheet {
        file,
        detail: "it is neither a spreadsheet (xlsx, xlsb, xls, ods) nor a text file (csv)".into(),
    })
}

/// UTF-16 told by its byte-order mark, or without one by its NUL bytes:
/// text of Latin letters in UTF-16 has a NUL in nearly every other byte.
pub(crate) fn utf16_of(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if head.starts_with(&[0xFF, 0xFE]) {
        return Some(encoding_rs::UTF_16LE);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(encoding_rs::UTF_16BE);
    }
    let sample = &head[..head.len().min(512) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_at = |odd: usize| {
        sample
            .chunks_exact(2)
            .filter(|p| p[odd] == 0 && p[1 - odd] != 0)
            .count()
    };
    if zero_at(1) * 10 >= pairs * 9 {
        Some(encoding_rs::UTF_16LE)
    } else if zero_at(0) * 10 >= pairs * 9 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Text has no NUL bytes and few control characters.
fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 100 <= head.len()
}

/// The bytes read to tell a file's format (and a text file's delimiter).
const HEAD_LEN: usize = 64 * 1024;

fn read_head(path: &Path) -> Result<Vec<u8>, ImportError> {
    let file = File::open(path).map_err(|source| ImportError::Io {
        file: display_name(path),
        source,
    })?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    file.take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|source| ImportError::Io {
            file: display_name(path),
            source,
        })?;
    Ok(head)
}

/// Turns whatever calamine reports into a message naming the file and what
/// the user can do.
fn calamine_error(file: &str, e: &dyn std::fmt::Display) -> ImportError {
    let detail = e.to_string();
    if detail.to_ascii_lowercase().contains("password") {
        ImportError::Encrypted { file: file.into() }
    } else if detail.contains("limit exceeded") || detail.contains("too large") {
        ImportError::TooLarge {
            file: file.into(),
            detail,
        }
    } else {
        ImportError::Damaged {
            file: file.into(),
            detail,
        }
    }
}

/// A size as people read it: `512 bytes`, `2.4 MB`, `4.0 GB` (powers of 1000).
pub fn bytes(n: u64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "one decimal place is shown")]
    let x = n as f64;
    match n {
        0..1_000 => format!("{n} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", x / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", x / 1e6),
        _ => format!("{:.1} GB", x / 1e9),
    }
}

/// A column's letters as Excel shows them: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = u8::try_from((n - 1) % 26).unwrap_or(0);
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Refuses a cell longer than Excel allows ([`MAX_CELL_CHARS`]), naming
/// where it is.
pub(crate) fn check_cell(
    file: &str,
    row: u32,
    col: usize,
    value: &Value,
) -> Result<(), ImportError> {
    let (Value::Text(t) | Value::DateIso(t) | Value::Error(t)) = value else {
        return Ok(());
    };
    // Bytes first: a text of no more bytes than the limit has no more characters.
    if t.len() <= MAX_CELL_CHARS {
        return Ok(());
    }
    let chars = t.chars().count();
    if chars <= MAX_CELL_CHARS {
        return Ok(());
    }
    Err(ImportError::TooLarge {
        file: file.into(),
        detail: format!(
            "row {row}, column {} holds {} characters, and a spreadsheet cell holds at most {}",
            column_letters(col),
            crate::domain::money::group_thousands(&chars.to_string()),
            crate::domain::money::group_thousands(&MAX_CELL_CHARS.to_string())
        ),
    })
}

thread_local! {
    static IN_READER: Cell<bool> = const { Cell::new(false) };
}

/// True while this thread is inside the spreadsheet reader, where a panic
/// is caught and reported as a damaged file: a panic hook need not print it.
pub fn in_spreadsheet_reader() -> bool {
    IN_READER.get()
}

/// Runs `f` (a call into the spreadsheet reader), catching a panic.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    let outer = IN_READER.replace(true);
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_READER.set(outer);
    result
}

/// A panic inside the spreadsheet reader, reported as a damaged file.
pub(crate) fn panicked(file: &str) -> ImportError {
    ImportError::Damaged {
        file: file.into(),
        detail: "the spreadsheet reader could not make sense of it".into(),
    }
}

impl Workbook {
    /// Opens `path`, telling its format from its content.
    ///
    /// # Errors
    /// The file cannot be read, is encrypted, damaged or not a spreadsheet.
    pub fn open(path: &Path) -> Result<Workbook, ImportError> {
        let file = display_name(path);
        let head = read_head(path)?;
        if head.is_empty() {
            return Err(ImportError::NotASpreadsheet {
                file,
                detail: "it is empty (0 bytes)".into(),
            });
        }
        let format = sniff(path, &head)?;
        let io = |source| ImportError::Io {
            file: file.clone(),
            source,
        };
        super::bounds::check(path, &file, format)?;
        let inner = if format == Format::Text {
            Inner::Text(sniff_text(path, &head))
        } else if matches!(format, Format::Html | Format::SpreadsheetMl) {
            let bytes = std::fs::read(path).map_err(io)?;
            let text = match utf16_of(&bytes) {
                Some(encoding) => encoding.decode_with_bom_removal(&bytes).0.into_owned(),
                None => decode(bytes.strip_prefix(UTF8_BOM).unwrap_or(&bytes)),
            };
            let sheets = guarded(|| {
                if format == Format::Html {
                    super::markup::html_sheets(&file, &text)
                } else {
                    super::markup::spreadsheetml_sheets(&file, &text)
                }
            });
            Inner::Markup(sheets.map_err(|_| panicked(&file))??)
        } else {
            {
                let reader = BufReader::new(File::open(path).map_err(io)?);
                let opened = guarded(|| -> Result<Inner, ImportError> {
                    Ok(match format {
                        Format::Xlsx => {
                            Inner::Xlsx(Xlsx::new(reader).map_err(|e| calamine_error(&file, &e))?)
                        }
                        Format::Xlsb => {
                            Inner::Xlsb(Xlsb::new(reader).map_err(|e| calamine_error(&file, &e))?)
                        }
                        Format::Xls => {
                            Inner::Xls(Xls::new(reader).map_err(|e| calamine_error(&file, &e))?)
                        }
                        Format::Ods | Format::Text | Format::Html | Format::SpreadsheetMl => {
                            Inner::Ods(Ods::new(reader).map_err(|e| calamine_error(&file, &e))?)
                        }
                    })
                });
                opened.map_err(|_| panicked(&file))??
            }
        };
        Ok(Workbook {
            file,
            path: path.to_path_buf(),
            format,
            inner,
        })
    }

    /// The format the content turned out to be.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The file's name, for messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// True when the workbook counts dates from 1904 (so a plain number in a
    /// date column is a 1904 serial).
    pub fn is_1904(&self) -> bool {
        match &self.inner {
            Inner::Xlsx(x) => x.has_1904_epoch(),
            Inner::Xlsb(x) => x.has_1904_epoch(),
            _ => false,
        }
    }

    /// The sheets, in workbook order. A text file has one sheet named after
    /// the file.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        let meta = match &self.inner {
            Inner::Xlsx(x) => x.sheets_metadata(),
            Inner::Xlsb(x) => x.sheets_metadata(),
            Inner::Xls(x) => x.sheets_metadata(),
            Inner::Ods(x) => x.sheets_metadata(),
            Inner::Text(_) => {
                return vec![SheetInfo {
                    name: self.file.clone(),
                    is_worksheet: true,
                    hidden: false,
                }];
            }
            Inner::Markup(sheets) => {
                return sheets
                    .iter()
                    .map(|s| SheetInfo {
                        name: s.name.clone(),
                        is_worksheet: true,
                        hidden: false,
                    })
                    .collect();
            }
        };
        meta.iter()
            .map(|s| SheetInfo {
                name: s.name.clone(),
                is_worksheet: matches!(s.typ, SheetType::WorkSheet),
                hidden: !matches!(s.visible, SheetVisible::Visible),
            })
            .collect()
    }

    /// The merged blocks of a sheet, where the format records them.
    pub fn merges(&mut self, sheet: &str) -> Vec<Merge> {
        if matches!(self.inner, Inner::Xlsx(_)) {
            if let Some(merges) = catch_unwind(AssertUnwindSafe(|| {
                super::xlsx_merges::sheet_merges(&self.path, sheet)
            }))
            .ok()
            .flatten()
            {
                return merges;
            }
        }
        let dims = match &mut self.inner {
            Inner::Xlsx(x) => guarded(|| x.merge_cells_by_sheet_name(sheet))
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default(),
            Inner::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
            Inner::Markup(sheets) => {
                return sheets
                    .iter()
                    .find(|s| s.name == sheet)
                    .map(|s| s.merges.clone())
                    .unwrap_or_default();
            }
            _ => Vec::new(),
        };
        dims.into_iter()
            .map(|d| Merge {
                first_row: d.start.0,
                first_col: d.start.1,
                last_row: d.end.0,
                last_col: d.end.1,
            })
            .collect()
    }

    /// Calls `f` with each row of `sheet` that has any cell in it, in order,
    /// until `f` breaks or the sheet ends. Rows are built as the cells
    /// stream past (xlsx, xlsb, csv), so memory does not grow with the sheet.
    ///
    /// # Errors
    /// The sheet cannot be read (damaged, too large), or the text file cannot be read.
    pub fn for_each_row(
        &mut self,
        sheet: &str,
        f: &mut dyn FnMut(Row) -> ControlFlow<()>,
    ) -> Result<ReadStats, ImportError> {
        let file = self.file.clone();
        if let Inner::Text(settings) = self.inner {
            return read_text(&self.path, &file, settings, f);
        }
        if let Inner::Markup(sheets) = &self.inner {
            let mut stats = ReadStats::default();
            if let Some(s) = sheets.iter().find(|s| s.name == sheet) {
                stats.cells_beyond_last_column = s.cells_beyond_last_column;
                for row in &s.rows {
                    if f(row.clone()).is_break() {
                        break;
                    }
                }
            }
            return Ok(stats);
        }
        // xlsx and xlsb readers have the same streaming calls on different types.
        let is_1904 = self.is_1904();
        let inner = &mut self.inner;
        macro_rules! stream {
            ($book:expr) => {{
                let mut cells = $book
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| calamine_error(&file, &e))?;
                stream_cells(&file, f, || {
                    cells
                        .next_cell()
                        .map(|c| {
                            c.map(|c| {
                                (
                                    c.get_position(),
                                    from_data_ref(c.get_value().clone(), is_1904),
                                )
                            })
                        })
                        .map_err(|e| calamine_error(&file, &e))
                })
            }};
        }
        let result = guarded(|| match inner {
            Inner::Xlsx(x) => stream!(x),
            Inner::Xlsb(x) => stream!(x),
            Inner::Xls(x) => {
                let range = x
                    .worksheet_range(sheet)
                    .map_err(|e| calamine_error(&file, &e))?;
                walk_range(&file, &range, f)
            }
            Inner::Ods(x) => {
                let range = x
                    .worksheet_range(sheet)
                    .map_err(|e| calamine_error(&file, &e))?;
                walk_range(&file, &range, f)
            }
            Inner::Text(_) | Inner::Markup(_) => Ok(ReadStats::default()),
        });
        result.map_err(|_| panicked(&file))?
    }
}

fn too_many_rows(file: &str) -> ImportError {
    ImportError::TooLarge {
        file: file.into(),
        detail: format!(
            "a sheet has more than {MAX_ROWS} rows; split the file and import each part"
        ),
    }
}

/// Builds rows from cells arriving in sheet order (row by row, left to
/// right, as xlsx and xlsb store them).
fn stream_cells(
    file: &str,
    f: &mut dyn FnMut(Row) -> ControlFlow<()>,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Value)>, ImportError>,
) -> Result<ReadStats, ImportError> {
    let mut stats = ReadStats::default();
    let mut current: Option<Row> = None;
    let mut rows = 0u64;
    // Rows of a table are as wide as the last one: sized once, not grown
    // cell by cell.
    let mut width = 0;
    while let Some(((r, c), value)) = next()? {
        if value == Value::Empty {
            continue;
        }
        let number = r.saturating_add(1);
        if current.as_ref().is_some_and(|row| row.number != number) {
            if let Some(done) = current.take() {
                width = done.cells.len();
                rows += 1;
                if rows > MAX_ROWS {
                    return Err(too_many_rows(file));
                }
                if f(done).is_break() {
                    return Ok(stats);
                }
            }
        }
        let row = current.get_or_insert_with(|| Row {
            number,
            cells: Vec::with_capacity(width),
        });
        let col = c as usize;
        if col >= MAX_COLUMNS {
            stats.cells_beyond_last_column += 1;
            continue;
        }
        check_cell(file, number, col, &value)?;
        if row.cells.len() <= col {
            row.cells.resize(col + 1, Value::Empty);
        }
        if let Some(slot) = row.cells.get_mut(col) {
            *slot = value;
        }
    }
    if let Some(done) = current.take() {
        if rows + 1 > MAX_ROWS {
            return Err(too_many_rows(file));
        }
        let _ = f(done);
    }
    Ok(stats)
}

/// Walks a whole range (xls and ods, which calamine reads only whole).
fn walk_range(
    file: &str,
    range: &calamine::Range<Data>,
    f: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<ReadStats, ImportError> {
    let mut stats = ReadStats::default();
    let Some((start_row, start_col)) = range.start() else {
        return Ok(stats);
    };
    let offset = start_col as usize;
    let mut rows = 0u64;
    for (i, cells) in range.rows().enumerate() {
        let number = u32::try_from(i)
            .ok()
            .and_then(|i| start_row.checked_add(i))
            .and_then(|r| r.checked_add(1))
            .unwrap_or(u32::MAX);
        let mut out = Vec::new();
        for (j, cell) in cells.iter().enumerate() {
            let col = offset + j;
            if matches!(cell, Data::Empty) {
                continue;
            }
            if col >= MAX_COLUMNS {
                stats.cells_beyond_last_column += 1;
                continue;
            }
            let value = from_data(cell.clone());
            check_cell(file, number, col, &value)?;
            if out.len() <= col {
                out.resize(col + 1, Value::Empty);
            }
            if let Some(slot) = out.get_mut(col) {
                *slot = value;
            }
        }
        if out.is_empty() {
            continue;
        }
        rows += 1;
        if rows > MAX_ROWS {
            return Err(too_many_rows(file));
        }
        if f(Row { number, cells: out }).is_break() {
            break;
        }
    }
    Ok(stats)
}

// ---------------------------------------------------------------- delimited text

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Finds the delimiter and BOM of a text file from its first bytes.
pub fn sniff_text(path: &Path, head: &[u8]) -> TextSettings {
    let utf16 = utf16_of(head);
    let decoded;
    let (bom, body) = if let Some(encoding) = utf16 {
        let bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
        decoded = encoding
            .decode_without_bom_handling(head.get(usize::from(bom) * 2..).unwrap_or_default())
            .0
            .into_owned()
            .into_bytes();
        (bom, decoded.as_slice())
    } else if head.starts_with(UTF8_BOM) {
        (true, &head[3..])
    } else {
        (false, head)
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let preferred = if ext == "tsv" || ext == "tab" {
        b'\t'
    } else {
        b','
    };
    TextSettings {
        delimiter: sniff_delimiter(body, preferred),
        bom,
        utf16,
    }
}

/// The candidate separator that splits the first lines most consistently
/// (the same number of fields on most lines), counting only separators
/// outside double quotes. Ties go to `preferred`, then comma, tab,
/// semicolon, pipe.
pub fn sniff_delimiter(sample: &[u8], preferred: u8) -> u8 {
    let mut candidates = vec![preferred];
    for c in [b',', b'\t', b';', b'|'] {
        if !candidates.contains(&c) {
            candidates.push(c);
        }
    }
    let lines: Vec<&[u8]> = sample
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(30)
        .collect();
    let mut best = (0usize, 0usize, preferred);
    for &d in &candidates {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let mut freq = std::collections::BTreeMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        // The most common non-zero count, and how many lines have it.
        let Some((&mode, &lines_with_mode)) = freq.iter().max_by_key(|(c, n)| (**n, **c)) else {
            continue;
        };
        if (lines_with_mode, mode) > (best.0, best.1) {
            best = (lines_with_mode, mode, d);
        }
    }
    best.2
}

fn count_outside_quotes(line: &[u8], d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Takes off the `'` that estate's CSV exports (the rejects file) put before
/// text a spreadsheet would run as a formula, so a fixed rejects file
/// imports as the supplier's values.
fn unneutralise(text: String) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => text,
    }
}

/// A field's text: UTF-8 where it is valid, otherwise Windows-1252 (what
/// Excel on Windows writes when it saves "CSV").
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// A reader that gives out at most `limit` bytes between two calls of
/// `start_row`, so the CSV reader above it cannot be made to buffer one
/// record without end. (The CSV reader reads ahead by at most its buffer,
/// which the limit allows for.)
struct RowBounded<R> {
    inner: R,
    since_row_start: u64,
    limit: u64,
}

impl<R> RowBounded<R> {
    fn start_row(&mut self) {
        self.since_row_start = 0;
    }

    fn is_exhausted(&self) -> bool {
        self.since_row_start >= self.limit
    }
}

impl<R: Read> Read for RowBounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.is_exhausted() {
            return Err(std::io::Error::other("row too long"));
        }
        let n = self.inner.read(buf)?;
        self.since_row_start = self.since_row_start.saturating_add(n as u64);
        Ok(n)
    }
}

/// A reader giving out UTF-8 decoded from UTF-16 as it streams past, so a
/// UTF-16 file is read by the same CSV reader, within the same bounds.
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    raw_len: usize,
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
    done: bool,
}

/// How many bytes of UTF-16 are decoded at a time.
const DECODE_CHUNK: usize = 16 * 1024;

impl<R: Read> Decoding<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Decoding {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            raw: vec![0; DECODE_CHUNK],
            raw_len: 0,
            out: Vec::new(),
            out_pos: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            if !self.eof {
                let n = self.inner.read(&mut self.raw[self.raw_len..])?;
                self.eof = n == 0;
                self.raw_len += n;
            }
            // Two bytes of UTF-16 make at most three of UTF-8.
            self.out.clear();
            self.out.resize(self.raw_len * 3 / 2 + 16, 0);
            self.out_pos = 0;
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[..self.raw_len], &mut self.out, self.eof);
            self.out.truncate(written);
            self.raw.copy_within(read..self.raw_len, 0);
            self.raw_len -= read;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

/// The CSV reader's own buffer: how far it may read ahead of a record.
const CSV_BUFFER: usize = 64 * 1024;

fn read_text(
    path: &Path,
    file: &str,
    settings: TextSettings,
    f: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<ReadStats, ImportError> {
    let io = |source| ImportError::Io {
        file: file.into(),
        source,
    };
    let mut reader = BufReader::new(File::open(path).map_err(io)?);
    if settings.bom {
        let mut bom = [0u8; 3];
        let len = if settings.utf16.is_some() { 2 } else { 3 };
        reader.read_exact(&mut bom[..len]).map_err(io)?;
    }
    let source: Box<dyn Read> = match settings.utf16 {
        Some(encoding) => Box::new(Decoding::new(reader, encoding)),
        None => Box::new(reader),
    };
    let bounded = RowBounded {
        inner: source,
        since_row_start: 0,
        limit: MAX_TEXT_ROW_BYTES + CSV_BUFFER as u64,
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(settings.delimiter)
        .buffer_capacity(CSV_BUFFER)
        .from_reader(bounded);
    let mut stats = ReadStats::default();
    let mut record = csv::ByteRecord::new();
    let mut number: u32 = 0;
    let mut rows = 0u64;
    loop {
        csv.get_mut().start_row();
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) if csv.get_ref().is_exhausted() => {
                return Err(ImportError::TooLarge {
                    file: file.into(),
                    detail: format!(
                        "row {} is longer than {} (a spreadsheet row is far shorter); is it a \
                         text file of records?",
                        number.saturating_add(1),
                        bytes(MAX_TEXT_ROW_BYTES)
                    ),
                });
            }
            Err(e) => {
                return Err(ImportError::Damaged {
                    file: file.into(),
                    detail: format!(
                        "it could not be read as delimited text after row {number}: {e}"
                    ),
                });
            }
        }
        number = number.saturating_add(1);
        let mut cells = Vec::with_capacity(record.len().min(MAX_COLUMNS));
        for (i, field) in record.iter().enumerate() {
            if i >= MAX_COLUMNS {
                if !field.is_empty() {
                    stats.cells_beyond_last_column += 1;
                }
                continue;
            }
            let value = if field.is_empty() {
                Value::Empty
            } else {
                Value::Text(unneutralise(decode(field)))
            };
            check_cell(file, number, i, &value)?;
            cells.push(value);
        }
        let row = Row { number, cells };
        if row.is_blank() {
            continue;
        }
        rows += 1;
        if rows > MAX_ROWS {
            return Err(too_many_rows(file));
        }
        if f(row).is_break() {
            break;
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_content_not_name() {
        let p = Path::new("report.xlsx");
        assert_eq!(sniff(p, b"PK\x03\x04rest").unwrap(), Format::Xlsx);
        assert_eq!(
            sniff(p, b"Serial,Model\nABC,OptiPlex\n").unwrap(),
            Format::Text
        );
        assert_eq!(
            sniff(
                Path::new("x.ods"),
                b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
            )
            .unwrap(),
            Format::Ods
        );
        assert_eq!(sniff(Path::new("a.xls"), CFB_MAGIC).unwrap(), Format::Xls);
        let mut encrypted = CFB_MAGIC.to_vec();
        encrypted.extend(utf16le("EncryptedPackage"));
        assert!(matches!(
            sniff(p, &encrypted),
            Err(ImportError::Encrypted { .. })
        ));
        let page: Vec<u8> = "\u{feff}<html><table><tr><td>Serial</td></tr></table></html>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff(Path::new("a.xls"), &page).unwrap(), Format::Html);
        let tsv: Vec<u8> = "\u{feff}Serial\tModel\nAB1\tOptiPlex\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(sniff(Path::new("a.txt"), &tsv).unwrap(), Format::Text);
        assert!(matches!(
            sniff(p, b"\x00\x01\x02\x03binary"),
            Err(ImportError::NotASpreadsheet { .. })
        ));
    }

    #[test]
    fn the_delimiter_is_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n", b','), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n\"1,5\";2;3\n4;5;6\n", b','), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n", b','), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n", b','), b'|');
        assert_eq!(sniff_delimiter(b"just one column\n", b','), b',');
    }

    #[test]
    fn windows_1252_text_is_decoded() {
        assert_eq!(decode(b"\xA3612.34"), "£612.34");
        assert_eq!(decode("£612.34".as_bytes()), "£612.34");
    }

    #[test]
    fn sizes_and_columns_read_as_people_write_them() {
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(1_048_576), "1.0 MB");
        assert_eq!(bytes(2_500_000_000), "2.5 GB");
        for (index, letters) in [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (511, "SR"),
            (16_383, "XFD"),
        ] {
            assert_eq!(column_letters(index), letters);
        }
    }

    #[test]
    fn a_sheet_past_the_row_limit_is_refused_and_empty_cells_do_not_count() {
        let limit = u32::try_from(MAX_ROWS).unwrap();
        let mut r = 0u32;
        let mut rows = 0u64;
        let err = stream_cells(
            "big.xlsx",
            &mut |_| {
                rows += 1;
                ControlFlow::Continue(())
            },
            || {
                r += 1;
                // Every other cell empty: they cost no rows.
                Ok((r <= 2 * (limit + 1)).then(|| {
                    let value = if r % 2 == 0 {
                        Value::Empty
                    } else {
                        Value::Int(1)
                    };
                    ((r / 2, 0), value)
                }))
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("more than 2000000 rows"), "{err}");
        assert_eq!(rows, MAX_ROWS);
    }

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(1_234_567.0), "1234567");
        assert_eq!(number_text(612.34), "612.34");
        assert_eq!(number_text(-3.0), "-3");
    }

    #[test]
    fn streamed_cells_become_rows_with_gaps_filled() {
        let cells = vec![
            ((0, 0), Value::Text("a".into())),
            ((0, 2), Value::Text("c".into())),
            ((4, 1), Value::Number(2.0)),
            ((4, 9999), Value::Number(3.0)),
        ];
        let mut it = cells.into_iter();
        let mut rows = Vec::new();
        let stats = stream_cells(
            "f",
            &mut |r| {
                rows.push(r);
                ControlFlow::Continue(())
            },
            || Ok(it.next()),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].number, 1);
        assert_eq!(
            rows[0].cells,
            vec![
                Value::Text("a".into()),
                Value::Empty,
                Value::Text("c".into())
            ]
        );
        assert_eq!(rows[1].number, 5);
        assert_eq!(rows[1].cells, vec![Value::Empty, Value::Number(2.0)]);
        assert_eq!(stats.cells_beyond_last_column, 1);
    }
}
