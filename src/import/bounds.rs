//! Refuses a workbook that would make the spreadsheet reader do unbounded
//! work, before it starts: a zip bomb (an xlsx, xlsb or ods whose parts would
//! expand a hundred times or to gigabytes), and an ods or xls sheet that is
//! small on disk but huge once read (calamine writes out every repeated row
//! and cell of an ods sheet, and holds an ods or xls sheet as one rectangle
//! from its first cell to its last).
//!
//! Only the file's structure is read here (the zip directory, the ods sheet
//! XML, the xls record headers), never its cells' values. Whatever cannot be
//! made sense of is left for the spreadsheet reader to report as damaged, so
//! this module adds refusals and never a new way to fail.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::ImportError;
use super::read::{CFB_MAGIC, Format, bytes};
use crate::domain::money::group_thousands;

/// A part of a zip-based workbook that is streamed row by row (a worksheet)
/// may expand to at most this many bytes: about four times the largest
/// sheet Excel can save with estate's columns.
pub const MAX_STREAMED_PART_BYTES: u64 = 4_000_000_000;

/// A part that the spreadsheet reader holds whole in memory (the shared
/// strings, the styles, an ods file's content), or a whole xls file, may be
/// at most this large.
pub const MAX_WHOLE_PART_BYTES: u64 = 500_000_000;

/// No part larger than [`EXPANSION_FLOOR`] may expand more than this many
/// times its compressed size. Spreadsheet XML compresses about 10 times
/// (Excel's empty formatted rows about 30); a zip bomb 160 to 1,000 times.
pub const MAX_EXPANSION: u64 = 100;

/// Parts this small are not held to [`MAX_EXPANSION`]: they cannot cost much.
pub const EXPANSION_FLOOR: u64 = 1_000_000;

/// An ods or xls sheet is read whole, as a rectangle of cells from its first
/// row and column with something in them to its last: at most this many
/// cells (about 65,000 rows of 30 columns, some 200 MB in memory). An xlsx
/// sheet is read row by row and has no such bound.
pub const MAX_WHOLE_SHEET_CELLS: u64 = 2_000_000;

/// Checks `path`, of `format`, against the bounds above.
///
/// # Errors
/// [`ImportError::TooLarge`] naming the part or sheet and what it would cost.
pub fn check(path: &Path, file: &str, format: Format) -> Result<(), ImportError> {
    let checked = super::read::guarded(|| match format {
        Format::Xlsx | Format::Xlsb => zip_parts(path, file),
        Format::Ods => zip_parts(path, file).and_then(|()| ods_sheets(path, file)),
        Format::Xls => xls_sheets(path, file),
        Format::Text => Ok(()),
        Format::Html | Format::SpreadsheetMl => markup_size(path, file),
    });
    // A panic here is a bug in a check, not a verdict on the file.
    checked.unwrap_or(Ok(()))
}

/// An HTML or `SpreadsheetML` file is read whole: at most this large.
pub const MAX_MARKUP_BYTES: u64 = 200_000_000;

fn markup_size(path: &Path, file: &str) -> Result<(), ImportError> {
    let Ok(len) = std::fs::metadata(path).map(|m| m.len()) else {
        return Ok(());
    };
    if len > MAX_MARKUP_BYTES {
        return Err(too_large(
            file,
            format!(
                "it is {} of HTML or XML, which estate reads whole, and the most it reads is {}; \
                 save it from Excel as xlsx or CSV",
                bytes(len),
                bytes(MAX_MARKUP_BYTES)
            ),
        ));
    }
    Ok(())
}

fn too_large(file: &str, detail: String) -> ImportError {
    ImportError::TooLarge {
        file: file.into(),
        detail,
    }
}

fn thousands(n: u64) -> String {
    group_thousands(&n.to_string())
}

// ---------------------------------------------------------------- zip parts

/// Refuses a zip-based workbook whose parts would expand too far, from the
/// sizes its directory declares. They are binding: the zip reader stops with
/// an error at a part's declared size, so a part that lies about its size is
/// reported as damaged when it is read.
fn zip_parts(path: &Path, file: &str) -> Result<(), ImportError> {
    let Ok(handle) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut archive) = zip::ZipArchive::new(BufReader::new(handle)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(i) else {
            return Ok(());
        };
        let name = part.name().map_or_else(
            |_| format!("number {}", i + 1),
            std::borrow::Cow::into_owned,
        );
        let (size, packed) = (part.size(), part.compressed_size());
        total = total.saturating_add(size);
        let expands = |why: &str| {
            too_large(
                file,
                format!(
                    "its part `{name}` would expand from {} to {}{why}",
                    bytes(packed),
                    bytes(size)
                ),
            )
        };
        let ratio = size / packed.max(1);
        if size > EXPANSION_FLOOR && ratio > MAX_EXPANSION {
            return Err(expands(&format!(
                " ({ratio} times); spreadsheets compress about 10 times, so this is a zip bomb"
            )));
        }
        let limit = if name.contains("worksheets/") {
            MAX_STREAMED_PART_BYTES
        } else {
            MAX_WHOLE_PART_BYTES
        };
        if size > limit {
            return Err(expands(&format!(
                ", more than the {} estate reads",
                bytes(limit)
            )));
        }
    }
    if total > MAX_STREAMED_PART_BYTES {
        return Err(too_large(
            file,
            format!(
                "its parts would expand to {}, more than the {} estate reads",
                bytes(total),
                bytes(MAX_STREAMED_PART_BYTES)
            ),
        ));
    }
    Ok(())
}

/// The message for a sheet read whole that would be too large.
fn sheet_too_large(file: &str, format: &str, sheet: &str, rows: u64, columns: u64) -> ImportError {
    too_large(
        file,
        format!(
            "sheet `{sheet}` would be {} rows by {} columns ({} cells) once read, and estate \
             reads at most {} cells of an {format} sheet; save the file as .xlsx (which estate \
             reads row by row) and import that",
            thousands(rows),
            thousands(columns),
            thousands(rows.saturating_mul(columns)),
            thousands(MAX_WHOLE_SHEET_CELLS)
        ),
    )
}

// ---------------------------------------------------------------- ods

/// The most rows and columns calamine writes out for an ods sheet.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// Refuses an ods file with a sheet whose repeated rows and cells
/// (`table:number-rows-repeated`, `table:number-columns-repeated`) would be
/// written out to more than [`MAX_WHOLE_SHEET_CELLS`] cells: from the first
/// row to the last row with something in it, by the widest such row.
fn ods_sheets(path: &Path, file: &str) -> Result<(), ImportError> {
    let Ok(handle) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut archive) = zip::ZipArchive::new(BufReader::new(handle)) else {
        return Ok(());
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet = OdsSheet::default();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(event) => sheet.read(&event),
        }
        if sheet.cells() > MAX_WHOLE_SHEET_CELLS {
            return Err(sheet_too_large(
                file,
                "ods",
                &sheet.name,
                sheet.last_row,
                sheet.width,
            ));
        }
        buf.clear();
    }
}

/// What the scan knows of the ods sheet it is in.
#[derive(Debug, Default)]
struct OdsSheet {
    name: String,
    /// Rows so far (repeats counted).
    rows: u64,
    /// The last row with something in it (1-based; 0 when none yet).
    last_row: u64,
    /// The widest row with something in it, to its last such cell.
    width: u64,
    /// The current row: how often it repeats, its column, its width so far.
    row_repeats: u64,
    column: u64,
    row_width: u64,
    /// The current cell: how often it repeats, and whether it holds something.
    cell_repeats: u64,
    cell_has_value: bool,
}

impl OdsSheet {
    fn cells(&self) -> u64 {
        self.last_row.saturating_mul(self.width)
    }

    /// Takes in one event of the sheet XML.
    fn read(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(e) => self.start(e, true),
            Event::Empty(e) => {
                self.start(e, false);
                self.end(e.local_name().into_inner());
            }
            Event::End(e) => self.end(e.local_name().into_inner()),
            _ => {}
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, has_children: bool) {
        match e.local_name().into_inner() {
            "table" => {
                *self = OdsSheet {
                    name: attribute(e, "name").unwrap_or_default(),
                    ..OdsSheet::default()
                };
            }
            "table-row" => {
                self.row_repeats = repeats(e, "number-rows-repeated");
                self.column = 0;
                self.row_width = 0;
            }
            "table-cell" | "covered-table-cell" => {
                self.cell_repeats = repeats(e, "number-columns-repeated");
                // A cell with a value type, or with text in it, is not empty.
                self.cell_has_value = has_children || attribute(e, "value-type").is_some();
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "table-cell" | "covered-table-cell" => {
                self.column = (self.column + self.cell_repeats).min(ODS_MAX_COLUMNS);
                if self.cell_has_value {
                    self.row_width = self.column;
                }
            }
            "table-row" => {
                self.rows = (self.rows + self.row_repeats).min(ODS_MAX_ROWS);
                if self.row_width > 0 {
                    self.last_row = self.rows;
                    self.width = self.width.max(self.row_width);
                }
            }
            _ => {}
        }
    }
}

/// An attribute's value, by its name without a namespace prefix.
fn attribute(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == local)
        .map(|a| a.value.into_owned())
}

/// A repeat count (1 when absent or not a number).
fn repeats(e: &BytesStart<'_>, local: &str) -> u64 {
    attribute(e, local)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

// ---------------------------------------------------------------- xls

/// Refuses an xls file with a sheet whose cells (or whose declared
/// dimensions) span more than [`MAX_WHOLE_SHEET_CELLS`]: two cells at
/// opposite corners make calamine allocate the whole rectangle between them.
fn xls_sheets(path: &Path, file: &str) -> Result<(), ImportError> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if meta.len() > MAX_WHOLE_PART_BYTES {
        return Err(too_large(
            file,
            format!(
                "an .xls file is read whole, and this one is {} (estate reads at most {}); save \
                 it as .xlsx and import that",
                bytes(meta.len()),
                bytes(MAX_WHOLE_PART_BYTES)
            ),
        ));
    }
    let mut data = Vec::new();
    if File::open(path)
        .and_then(|mut f| f.read_to_end(&mut data))
        .is_err()
    {
        return Ok(());
    }
    let stream = match cfb::stream(&data, &["Workbook", "Book"]) {
        Ok(stream) => stream,
        Err(cfb::Unread::Loops) => {
            return Err(ImportError::Damaged {
                file: file.into(),
                detail: "a chain of sectors inside it loops back on itself, so it would be \
                         read without end"
                    .into(),
            });
        }
        Err(cfb::Unread::Unknown) => return Ok(()),
    };
    let Some(sheets) = biff::sheets(&stream) else {
        return Ok(());
    };
    for (name, pos) in sheets {
        let Some(span) = biff::span(&stream, pos) else {
            continue;
        };
        if span.cells() > MAX_WHOLE_SHEET_CELLS {
            return Err(sheet_too_large(file, "xls", &name, span.rows, span.columns));
        }
    }
    Ok(())
}

/// Just enough of the compound file format (MS-CFB) to read one stream.
mod cfb {
    use super::CFB_MAGIC;

    const END_OF_CHAIN: u32 = 0xFFFF_FFFA; // this and above: no more sectors
    const MINI_STREAM_CUTOFF: u64 = 4096;
    const MINI_SECTOR: usize = 64;

    fn u16_at(data: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
    }

    pub(super) fn u32_at(data: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
    }

    fn u32s(data: &[u8]) -> impl Iterator<Item = u32> + '_ {
        data.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// Why a stream could not be read.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum Unread {
        /// A chain of sectors comes back to a sector it has been through:
        /// the spreadsheet reader would follow it without end.
        Loops,
        /// Anything else, left for the spreadsheet reader to report.
        Unknown,
    }

    /// Follows a chain of sectors through `fat`, where sector `n` is
    /// `sector(n)`, until its end or `len` bytes.
    fn chain<'a>(
        start: u32,
        fat: &[u32],
        len: u64,
        sector: impl Fn(u32) -> Option<&'a [u8]>,
    ) -> Result<Vec<u8>, Unread> {
        let mut out = Vec::new();
        let mut next = start;
        let mut seen = vec![false; fat.len()];
        while next < END_OF_CHAIN && (out.len() as u64) < len {
            let index = usize::try_from(next).map_err(|_| Unread::Unknown)?;
            match seen.get_mut(index) {
                Some(true) => return Err(Unread::Loops),
                Some(slot) => *slot = true,
                None => return Err(Unread::Unknown),
            }
            out.extend_from_slice(sector(next).ok_or(Unread::Unknown)?);
            next = fat[index];
        }
        Ok(out)
    }

    /// The first stream named one of `names` (ignoring case), as calamine
    /// finds it, following every chain calamine follows on the way.
    pub(super) fn stream(data: &[u8], names: &[&str]) -> Result<Vec<u8>, Unread> {
        use Unread::Unknown;
        if !data.starts_with(CFB_MAGIC) || data.len() < 512 {
            return Err(Unknown);
        }
        let size = match u16_at(data, 0x1E).ok_or(Unknown)? {
            9 => 512usize,
            12 => 4096,
            _ => return Err(Unknown),
        };
        // Sector n follows the header (itself one sector). Like calamine, take
        // any sector numbered up to the file's length in sectors, reading what
        // the file holds of it (maybe nothing): what matters here is where
        // each chain goes.
        let sector = |n: u32| {
            let n = usize::try_from(n).ok()?;
            if n > data.len() / size {
                return None;
            }
            let start = (n + 1).saturating_mul(size).min(data.len());
            data.get(start..start.saturating_add(size).min(data.len()))
        };
        // The sectors of the FAT: 109 in the header, the rest in a DIFAT chain.
        let mut fat_sectors: Vec<u32> = u32s(data.get(0x4C..0x200).ok_or(Unknown)?).collect();
        let mut difat = u32_at(data, 0x44).ok_or(Unknown)?;
        let mut hops = 0usize;
        while difat < END_OF_CHAIN {
            let s = sector(difat).ok_or(Unknown)?;
            let (entries, last) = s.split_at(size - 4);
            fat_sectors.extend(u32s(entries));
            difat = u32_at(last, 0).ok_or(Unknown)?;
            hops += 1;
            if hops > data.len() / size {
                return Err(Unread::Loops);
            }
        }
        let mut fat = Vec::new();
        for s in fat_sectors.into_iter().filter(|s| *s < END_OF_CHAIN) {
            fat.extend(u32s(sector(s).ok_or(Unknown)?));
        }
        // Calamine reads the whole directory chain, however long.
        let directory = chain(u32_at(data, 0x30).ok_or(Unknown)?, &fat, u64::MAX, sector)?;
        let major = u16_at(data, 0x1A).ok_or(Unknown)?;
        let entry_of = |e: &[u8]| -> Option<(String, u8, u32, u64)> {
            let len = usize::from(u16_at(e, 0x40)?).min(64);
            let units: Vec<u16> = e
                .get(..len.saturating_sub(2))?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let mut stream_size = u64::from(u32_at(e, 0x78)?);
            if major >= 4 {
                stream_size |= u64::from(u32_at(e, 0x7C)?) << 32;
            }
            Some((
                String::from_utf16_lossy(&units),
                *e.get(0x42)?,
                u32_at(e, 0x74)?,
                stream_size,
            ))
        };
        let entries: Vec<_> = directory.chunks_exact(128).filter_map(entry_of).collect();
        let (_, _, root_start, root_len) = entries.first().ok_or(Unknown)?.clone();
        // With a mini FAT, calamine reads the mini stream and the mini FAT.
        let mini_fat_sectors = u64::from(u32_at(data, 0x40).ok_or(Unknown)?);
        let (mini_stream, mini_fat) = if mini_fat_sectors > 0 {
            let mini_stream = chain(root_start, &fat, root_len, sector)?;
            let mini_fat_len = mini_fat_sectors.saturating_mul(size as u64);
            let mini_fat = chain(
                u32_at(data, 0x3C).ok_or(Unknown)?,
                &fat,
                mini_fat_len,
                sector,
            )?;
            (mini_stream, u32s(&mini_fat).collect::<Vec<u32>>())
        } else {
            (Vec::new(), Vec::new())
        };
        let (_, _, start, len) = names
            .iter()
            .find_map(|want| {
                entries
                    .iter()
                    .find(|(name, kind, ..)| *kind == 2 && name.eq_ignore_ascii_case(want))
            })
            .ok_or(Unknown)?;
        let mut bytes = if *len < MINI_STREAM_CUTOFF {
            chain(*start, &mini_fat, *len, |n| {
                let at = usize::try_from(n).ok()?.checked_mul(MINI_SECTOR)?;
                mini_stream.get(at..at.checked_add(MINI_SECTOR)?)
            })?
        } else {
            chain(*start, &fat, *len, sector)?
        };
        bytes.truncate(usize::try_from(*len).map_err(|_| Unknown)?);
        Ok(bytes)
    }
}

/// Just enough of the xls record stream (BIFF5 and BIFF8, MS-XLS) to find
/// each sheet's cells, read the way calamine reads them.
mod biff {
    use super::cfb::u32_at;

    const BOF: u16 = 0x0809;
    const EOF: u16 = 0x000A;
    const CONTINUE: u16 = 0x003C;
    const FILE_PASS: u16 = 0x002F;
    const BOUND_SHEET: u16 = 0x0085;
    const DIMENSIONS: u16 = 0x0200;
    const MUL_RK: u16 = 0x00BD;
    /// Records calamine turns into a cell at the record's row and column:
    /// formula, number, label, rich string, bool/error, RK, label in the SST.
    const CELLS: [u16; 7] = [0x0006, 0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD];

    /// The records from `at`, each with its type and data, continuations
    /// skipped (they belong to the record before them).
    fn records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
        let mut rest = stream.get(at..).unwrap_or_default();
        std::iter::from_fn(move || {
            loop {
                let head = rest.get(..4)?;
                let typ = u16::from_le_bytes([head[0], head[1]]);
                let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
                let data = rest.get(4..4 + len)?;
                rest = &rest[4 + len..];
                if typ != CONTINUE {
                    return Some((typ, data));
                }
            }
        })
    }

    fn u16_at(data: &[u8], at: usize) -> Option<u64> {
        Some(u64::from(u16::from_le_bytes(
            data.get(at..at + 2)?.try_into().ok()?,
        )))
    }

    /// Each sheet's name and where its records start; `None` when the
    /// workbook is encrypted (calamine refuses it) or has no sheets.
    pub(super) fn sheets(stream: &[u8]) -> Option<Vec<(String, usize)>> {
        let mut sheets = Vec::new();
        for (typ, data) in records(stream, 0) {
            match typ {
                FILE_PASS if u16_at(data, 0) != Some(0) => return None,
                BOUND_SHEET => {
                    let pos = usize::try_from(u32_at(data, 0)?).ok()?;
                    sheets.push((name(data.get(6..).unwrap_or_default()), pos));
                }
                EOF => break,
                _ => {}
            }
        }
        Some(sheets)
    }

    /// A sheet name: a length, then (BIFF8) a flag for 16-bit characters.
    fn name(data: &[u8]) -> String {
        let Some((&len, rest)) = data.split_first() else {
            return String::new();
        };
        let len = usize::from(len);
        match rest.split_first() {
            Some((&1, wide)) => {
                let units: Vec<u16> = wide
                    .chunks_exact(2)
                    .take(len)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            }
            Some((&0, narrow)) if narrow.len() >= len => {
                narrow.iter().take(len).map(|&b| char::from(b)).collect()
            }
            _ => rest.iter().take(len).map(|&b| char::from(b)).collect(),
        }
    }

    /// The rectangle calamine would allocate for a sheet.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) struct Span {
        pub rows: u64,
        pub columns: u64,
    }

    impl Span {
        pub(super) fn cells(self) -> u64 {
            self.rows.saturating_mul(self.columns)
        }
    }

    /// The sheet at `pos`: the larger of its declared dimensions and the
    /// rectangle from its first cell to its last (nested substreams, such as
    /// embedded charts, skipped as calamine skips them).
    pub(super) fn span(stream: &[u8], pos: usize) -> Option<Span> {
        let mut declared = Span {
            rows: 0,
            columns: 0,
        };
        let (mut rows, mut cols) = ((u64::MAX, 0u64), (u64::MAX, 0u64));
        let mut cell = |r: u64, c: u64| {
            rows = (rows.0.min(r), rows.1.max(r));
            cols = (cols.0.min(c), cols.1.max(c));
        };
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (typ, data) in records(stream, pos) {
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                BOF if seen_bof => depth += 1,
                BOF => seen_bof = true,
                EOF => break,
                DIMENSIONS => {
                    if let Some((rows, columns)) = dimensions(data) {
                        if rows.saturating_mul(columns) > declared.cells() {
                            declared = Span { rows, columns };
                        }
                    }
                }
                MUL_RK if data.len() >= 6 => {
                    let (row, first) = (u16_at(data, 0)?, u16_at(data, 2)?);
                    let last = u16_at(data, data.len() - 2)?;
                    cell(row, first);
                    cell(row, last.max(first));
                }
                t if CELLS.contains(&t) => cell(u16_at(data, 0)?, u16_at(data, 2)?),
                _ => {}
            }
        }
        let cells = if rows.1 >= rows.0 {
            Span {
                rows: rows.1 - rows.0 + 1,
                columns: cols.1 - cols.0 + 1,
            }
        } else {
            Span {
                rows: 0,
                columns: 0,
            }
        };
        Some(if declared.cells() > cells.cells() {
            declared
        } else {
            cells
        })
    }

    /// The rows and columns a DIMENSIONS record makes calamine reserve room for.
    fn dimensions(data: &[u8]) -> Option<(u64, u64)> {
        let (first_row, last_row, mut first_col, last_col) = match data.len() {
            10 => (
                u16_at(data, 0)?,
                u16_at(data, 2)?,
                u16_at(data, 4)?,
                u16_at(data, 6)?,
            ),
            14 | 16 => (
                u64::from(u32_at(data, 0)?),
                u64::from(u32_at(data, 4)?),
                u16_at(data, 8)?,
                u16_at(data, 10)?,
            ),
            _ => return None,
        };
        if first_col > 0xFF || last_col < first_col {
            first_col = 0;
        }
        if last_row == 0 || last_col == 0 {
            return Some((0, 0));
        }
        Some((
            last_row.saturating_sub(first_row),
            last_col.saturating_sub(first_col),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn biff_records_skip_continuations_and_stop_at_a_short_record() {
        let mut stream = Vec::new();
        for (typ, data) in [
            (0x0809u16, vec![0u8; 4]),
            (0x003C, vec![1, 2]),
            (0x0203, vec![5, 0, 2, 0, 0, 0]),
        ] {
            stream.extend(typ.to_le_bytes());
            stream.extend(u16::try_from(data.len()).unwrap().to_le_bytes());
            stream.extend(data);
        }
        stream.extend([0x0A, 0x00, 0x09]); // a record cut short
        assert_eq!(
            biff::span(&stream, 0),
            Some(biff::Span {
                rows: 1,
                columns: 1
            })
        );
    }

    #[test]
    fn a_sheet_repeated_to_the_limits_is_counted_as_written_out() {
        let mut sheet = OdsSheet::default();
        let xml = r#"<table:table table:name="A"><table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" table:number-columns-repeated="3"/><table:table-cell table:number-columns-repeated="1000"/></table:table-row></table:table>"#;
        let mut reader = quick_xml::Reader::from_str(xml);
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                event => sheet.read(&event),
            }
        }
        assert_eq!((sheet.last_row, sheet.width), (1_000_000, 3));
        assert_eq!(sheet.name, "A");
    }
}
