//! Files built to make estate do unbounded work: a zip bomb (honest and
//! lying about its size), a million empty formatted rows, a 100 MB cell, a
//! sheet 16,384 columns wide. Each is refused with a clear error or handled,
//! by an `estate` limited to [`MEMORY_KIB`] of address space, in a time that
//! does not grow with what the file claims to hold.
//!
//! The workbooks are zipped by hand ([`Zip`], [`deflate_run`]) so that a test
//! can hold what no zip library writes: a part compressed 160 times over, a
//! part whose declared size lies.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::util::Env;

/// The address space `estate` is given for each file here (`ulimit -v`):
/// the files claim gigabytes.
const MEMORY_KIB: u64 = 256 * 1024;

/// Runs `estate args…` under `ulimit -v MEMORY_KIB`, returning its output and
/// how long it took.
fn limited(env: &Env, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let out = env
        .command_for(Path::new("/bin/sh"))
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_estate"))
        .args(args)
        .output()
        .expect("run estate under a memory limit");
    (out, start.elapsed())
}

/// Runs a limited `estate args…` that must fail with exit code 1, and
/// returns its stderr.
fn refused(env: &Env, args: &[&str], within: Duration) -> String {
    let before = env.dump();
    let (out, took) = limited(env, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "estate {args:?}: {stderr}");
    assert!(took < within, "estate {args:?} took {took:?}");
    assert_eq!(env.dump(), before, "a refused file changes nothing");
    stderr
}

/// Runs a limited `estate args…` that must succeed, and returns its stdout
/// and stderr together.
fn handled(env: &Env, args: &[&str], within: Duration) -> String {
    let (out, took) = limited(env, args);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "estate {args:?}: {text}");
    assert!(took < within, "estate {args:?} took {took:?}");
    text
}

fn with_org() -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    env
}

// ---------------------------------------------------------------- a zip, by hand

/// A zip archive written byte by byte (local headers, data, central
/// directory), trusting the caller's sizes and checksums.
#[derive(Default)]
struct Zip {
    bytes: Vec<u8>,
    central: Vec<u8>,
    parts: u16,
}

impl Zip {
    /// Adds a part stored as it is.
    fn stored(&mut self, name: &str, data: &[u8]) -> &mut Self {
        let size = u32::try_from(data.len()).unwrap();
        self.part(name, 0, data, crc32fast::hash(data), size)
    }

    /// Adds a part as given: `method` 8 is deflate; `size` is what the part
    /// declares it expands to.
    fn part(&mut self, name: &str, method: u16, data: &[u8], crc: u32, size: u32) -> &mut Self {
        let offset = u32::try_from(self.bytes.len()).unwrap();
        let packed = u32::try_from(data.len()).unwrap();
        let name_len = u16::try_from(name.len()).unwrap();
        let common = |out: &mut Vec<u8>| {
            for half in [20u16, 0, method, 0, 0x21] {
                out.extend(half.to_le_bytes()); // version, flags, method, time, date 1980-01-01
            }
            for word in [crc, packed, size] {
                out.extend(word.to_le_bytes());
            }
            out.extend(name_len.to_le_bytes());
            out.extend(0u16.to_le_bytes()); // extra field length
        };
        self.bytes.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut self.bytes);
        self.bytes.extend(name.as_bytes());
        self.bytes.extend(data);
        self.central.extend(0x0201_4b50u32.to_le_bytes());
        self.central.extend(20u16.to_le_bytes()); // made by
        common(&mut self.central);
        for half in [0u16, 0, 0] {
            self.central.extend(half.to_le_bytes()); // comment, disk, internal attributes
        }
        self.central.extend(0u32.to_le_bytes()); // external attributes
        self.central.extend(offset.to_le_bytes());
        self.central.extend(name.as_bytes());
        self.parts += 1;
        self
    }

    fn finish(&mut self) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.bytes);
        let offset = u32::try_from(out.len()).unwrap();
        let size = u32::try_from(self.central.len()).unwrap();
        out.append(&mut self.central);
        out.extend(0x0605_4b50u32.to_le_bytes());
        for half in [0u16, 0, self.parts, self.parts] {
            out.extend(half.to_le_bytes());
        }
        out.extend(size.to_le_bytes());
        out.extend(offset.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }
}

/// Deflate bits, least significant first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl Bits {
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.len;
        self.len += len;
        while self.len >= 8 {
            self.out.push(self.acc.to_le_bytes()[0]);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// A Huffman code, which deflate writes most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let reversed = (0..len).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
        self.put(reversed, len);
    }

    fn literal(&mut self, byte: u8) {
        if byte < 144 {
            self.code(0x30 + u64::from(byte), 8);
        } else {
            self.code(0x190 + u64::from(byte - 144), 9);
        }
    }

    /// A block stored as it is, after aligning to a byte.
    fn stored(&mut self, data: &[u8], last: bool) {
        self.put(u64::from(last), 1);
        self.put(0, 2);
        if self.len > 0 {
            self.put(0, 8 - self.len);
        }
        let len = u16::try_from(data.len()).unwrap();
        self.out.extend(len.to_le_bytes());
        self.out.extend((!len).to_le_bytes());
        self.out.extend(data);
    }
}

/// A deflate stream of `prefix`, then `byte` `count` times, then `suffix`:
/// the run is one literal and then copies of 258 bytes from one byte back,
/// 13 bits each with deflate's fixed codes, so it expands about 160 times.
fn deflate_run(prefix: &[u8], byte: u8, count: u64, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.stored(prefix, false);
    bits.put(0, 1);
    bits.put(1, 2); // fixed Huffman codes
    bits.literal(byte);
    // Length symbol 285 (258 bytes, code 0b1100_0101) then distance code 0 (one byte back).
    let copy = (0..8).fold(0, |r, i| (r << 1) | ((0xC5u64 >> i) & 1));
    for _ in 0..(count - 1) / 258 {
        bits.put(copy, 13);
    }
    for _ in 0..(count - 1) % 258 {
        bits.literal(byte);
    }
    bits.code(0, 7); // end of block
    bits.stored(suffix, true);
    if bits.len > 0 {
        bits.put(0, 8 - bits.len);
    }
    bits.out
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = "<Types \
    xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
    <Default Extension=\"rels\" \
    ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
    <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
    <Override PartName=\"/xl/workbook.xml\" \
    ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
    <Override PartName=\"/xl/worksheets/sheet1.xml\" \
    ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
    </Types>";

/// The parts of a one-sheet workbook other than the sheet.
fn workbook_parts(zip: &mut Zip) -> &mut Zip {
    zip.stored("[Content_Types].xml", CONTENT_TYPES.as_bytes())
        .stored(
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" \
             Type=\"{DOC}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            )
            .as_bytes(),
        )
        .stored(
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{MAIN}\" xmlns:r=\"{DOC}\"><sheets>\
             <sheet name=\"Assets\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            )
            .as_bytes(),
        )
        .stored(
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" \
             Type=\"{DOC}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
            )
            .as_bytes(),
        )
}

/// The start of a sheet, its header row and one asset.
pub(crate) fn sheet_start() -> String {
    format!(
        "<worksheet xmlns=\"{MAIN}\"><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Serial Number</t></is></c>\
         <c r=\"B1\" t=\"inlineStr\"><is><t>Notes</t></is></c>\
         <c r=\"C1\" t=\"inlineStr\"><is><t>Model</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>5CG1234XYZ</t></is></c>\
         <c r=\"C2\" t=\"inlineStr\"><is><t>OptiPlex 7010</t></is></c></row>"
    )
}

pub(crate) const SHEET_END: &str = "</sheetData></worksheet>";

/// A workbook whose sheet is `prefix`, `byte` × `count`, `suffix`, deflated
/// by hand and declaring that it expands to `declared` bytes.
pub(crate) fn run_workbook(
    path: &Path,
    prefix: &str,
    byte: u8,
    count: u64,
    suffix: &str,
    declared: u32,
) {
    let packed = deflate_run(prefix.as_bytes(), byte, count, suffix.as_bytes());
    // The checksum of the whole sheet is not worth computing: no reader may
    // get that far.
    let bytes = workbook_parts(&mut Zip::default())
        .part("xl/worksheets/sheet1.xml", 8, &packed, 0, declared)
        .finish();
    std::fs::write(path, bytes).unwrap();
}

// ---------------------------------------------------------------- the files

#[test]
fn a_zip_bomb_is_refused_before_it_is_expanded() {
    let env = with_org();
    let bomb = env.path().join("bomb.xlsx");
    let spaces = 2_500_000_000u64;
    let declared =
        u32::try_from(sheet_start().len() as u64 + spaces + SHEET_END.len() as u64).unwrap();
    run_workbook(&bomb, &sheet_start(), b' ', spaces, SHEET_END, declared);
    let size = std::fs::metadata(&bomb).unwrap().len();
    assert!(size < 20_000_000, "{size} bytes");
    let err = refused(
        &env,
        &["import", "bomb.xlsx", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert_eq!(
        err,
        "estate: failed to import `bomb.xlsx`: `bomb.xlsx` is refused as too large to read \
         safely: its part `xl/worksheets/sheet1.xml` would expand from 15.7 MB to 2.5 GB \
         (158 times); spreadsheets compress about 10 times, so this is a zip bomb\n"
    );
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_stopped_at_the_size_it_declares() {
    let env = with_org();
    let bomb = env.path().join("liar.xlsx");
    // The same expansion to gigabytes, declaring 64 kB.
    run_workbook(
        &bomb,
        &sheet_start(),
        b' ',
        2_500_000_000,
        SHEET_END,
        64_000,
    );
    let err = refused(
        &env,
        &["import", "liar.xlsx", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert!(
        err.starts_with("estate: failed to import `liar.xlsx`: `liar.xlsx` is damaged or not a complete spreadsheet ("),
        "{err}"
    );
    assert!(
        err.contains("larger than its declared uncompressed size"),
        "{err}"
    );
}

#[test]
fn a_hundred_megabyte_cell_is_refused_in_a_workbook_and_in_a_text_file() {
    let env = with_org();
    // In a workbook: a 100 MB cell of one letter zips to 0.6 MB, a bomb.
    let cell = 100_000_000;
    let prefix = sheet_start().replace(
        "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>5CG1234XYZ</t></is></c>",
        "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>5CG1234XYZ</t></is></c>\
         <c r=\"B2\" t=\"inlineStr\"><is><t>",
    );
    let prefix = prefix.replace(
        "<c r=\"C2\" t=\"inlineStr\"><is><t>OptiPlex 7010</t></is></c></row>",
        "",
    );
    let suffix = format!("</t></is></c></row>{SHEET_END}");
    let declared = u32::try_from(prefix.len() + cell + suffix.len()).unwrap();
    run_workbook(
        &env.path().join("cell.xlsx"),
        &prefix,
        b'A',
        cell as u64,
        &suffix,
        declared,
    );
    let err = refused(
        &env,
        &["import", "cell.xlsx", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert!(err.contains("so this is a zip bomb"), "{err}");
    // In a text file: refused once the row passes 1 MB, not after reading 100 MB.
    let mut text = b"Serial Number,Model,Notes\n5CG1234XYZ,OptiPlex 7010,".to_vec();
    text.resize(text.len() + cell, b'A');
    text.extend(b"\nJ9X2,OptiPlex 7010,\n");
    std::fs::write(env.path().join("cell.csv"), text).unwrap();
    let err = refused(
        &env,
        &["import", "cell.csv", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert_eq!(
        err,
        "estate: failed to import `cell.csv`: `cell.csv` is refused as too large to read \
         safely: row 2 is longer than 1.0 MB (a spreadsheet row is far shorter); is it a text \
         file of records?\n"
    );
    // A quoted cell with line breaks in it is one row all the same.
    let mut text = b"Serial Number,Model,Notes\n5CG1234XYZ,OptiPlex 7010,\"".to_vec();
    for _ in 0..cell / 100 {
        text.extend([b'A'; 99]);
        text.push(b'\n');
    }
    text.extend(b"\"\n");
    std::fs::write(env.path().join("lines.csv"), text).unwrap();
    let err = refused(
        &env,
        &["import", "lines.csv", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert!(err.contains("row 2 is longer than 1.0 MB"), "{err}");
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused_naming_where_it_is() {
    let env = with_org();
    let long = "x".repeat(40_000);
    let sheet = sheet_start().replace(
        "<c r=\"C2\" t=\"inlineStr\">",
        &format!(
            "<c r=\"B2\" t=\"inlineStr\"><is><t>{long}</t></is></c><c r=\"C2\" t=\"inlineStr\">"
        ),
    ) + SHEET_END;
    let bytes = workbook_parts(&mut Zip::default())
        .stored("xl/worksheets/sheet1.xml", sheet.as_bytes())
        .finish();
    std::fs::write(env.path().join("long.xlsx"), bytes).unwrap();
    let err = refused(
        &env,
        &["import", "long.xlsx", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert_eq!(
        err,
        "estate: failed to import `long.xlsx`: `long.xlsx` is refused as too large to read \
         safely: row 2, column B holds 40,000 characters, and a spreadsheet cell holds at most \
         32,767\n"
    );
    std::fs::write(
        env.path().join("long.csv"),
        format!("Serial Number,Model,Notes\n5CG1234XYZ,OptiPlex 7010,{long}\n"),
    )
    .unwrap();
    let err = refused(
        &env,
        &["import", "long.csv", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert!(
        err.ends_with(
            "row 2, column C holds 40,000 characters, and a spreadsheet cell holds at most 32,767\n"
        ),
        "{err}"
    );
}

#[test]
fn a_million_empty_formatted_rows_are_read_past_in_bounded_memory() {
    let env = with_org();
    // Excel's last row is 1,048,576: every row below the table formatted.
    let mut sheet = sheet_start();
    for r in 3..=1_048_576 {
        write!(sheet, "<row r=\"{r}\" s=\"1\" customFormat=\"1\"/>").unwrap();
    }
    sheet.push_str(SHEET_END);
    let bytes = workbook_parts(&mut Zip::default())
        .stored("xl/worksheets/sheet1.xml", sheet.as_bytes())
        .finish();
    std::fs::write(env.path().join("formatted.xlsx"), bytes).unwrap();
    let out = handled(
        &env,
        &["import", "formatted.xlsx", "--org", "AVN"],
        Duration::from_secs(120),
    );
    assert!(
        out.contains("1 new, 0 changed, 0 unchanged, 0 rejected"),
        "{out}"
    );
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 1);
}

#[test]
fn a_sheet_16384_columns_wide_is_read_to_column_sr_and_says_so() {
    let env = with_org();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for col in 0..16_384u16 {
        let heading = match col {
            0 => "Serial Number".to_string(),
            1 => "Model".to_string(),
            _ => format!("Extra {col}"),
        };
        sheet.write_string(0, col, heading).unwrap();
        for row in 1..=3u32 {
            let value = match col {
                0 => format!("SN-{row}"),
                1 => "OptiPlex 7010".to_string(),
                _ => "x".to_string(),
            };
            sheet.write_string(row, col, value).unwrap();
        }
    }
    book.save(env.path().join("wide.xlsx")).unwrap();
    let out = handled(
        &env,
        &["import", "wide.xlsx", "--org", "AVN"],
        Duration::from_secs(60),
    );
    assert!(
        out.contains("3 new, 0 changed, 0 unchanged, 0 rejected"),
        "{out}"
    );
    assert!(
        out.contains(
            "sheet `Sheet1`: 63488 cell(s) right of column SR were ignored (estate reads the \
             first 512 columns)"
        ),
        "{out}"
    );
    // The same in a text file.
    let mut text = String::from("Serial Number,Model");
    for col in 2..16_384 {
        write!(text, ",Extra {col}").unwrap();
    }
    text.push('\n');
    for row in 1..=3 {
        write!(text, "SN-C{row},OptiPlex 7010").unwrap();
        text.push_str(&",x".repeat(16_382));
        text.push('\n');
    }
    std::fs::write(env.path().join("wide.csv"), text).unwrap();
    let out = handled(
        &env,
        &["import", "wide.csv", "--org", "AVN"],
        Duration::from_secs(60),
    );
    assert!(
        out.contains("3 new, 0 changed, 0 unchanged, 0 rejected"),
        "{out}"
    );
    assert!(
        out.contains("63488 cell(s) right of column SR were ignored"),
        "{out}"
    );
}

#[test]
fn an_ods_sheet_of_a_million_repeated_rows_is_refused_before_it_is_written_out() {
    let env = with_org();
    // 1.4 kB on disk; calamine would write out 99,614,720 cells (18 GB before this bound).
    let content = "<office:document-content \
        xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
        xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
        xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
        <office:body><office:spreadsheet><table:table table:name=\"Assets\">\
        <table:table-row><table:table-cell office:value-type=\"string\"><text:p>Serial Number</text:p>\
        </table:table-cell></table:table-row>\
        <table:table-row table:number-rows-repeated=\"1048575\">\
        <table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"95\">\
        <text:p>x</text:p></table:table-cell></table:table-row>\
        </table:table></office:spreadsheet></office:body></office:document-content>";
    let bytes = Zip::default()
        .stored(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        )
        .stored("content.xml", content.as_bytes())
        .finish();
    std::fs::write(env.path().join("repeats.ods"), bytes).unwrap();
    let err = refused(
        &env,
        &["import", "repeats.ods", "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert_eq!(
        err,
        "estate: failed to import `repeats.ods`: `repeats.ods` is refused as too large to read \
         safely: sheet `Assets` would be 1,048,576 rows by 95 columns (99,614,720 cells) once \
         read, and estate reads at most 2,000,000 cells of an ods sheet; save the file as .xlsx \
         (which estate reads row by row) and import that\n"
    );
}

#[test]
fn an_xls_with_two_cells_far_apart_is_refused_not_allocated() {
    let env = with_org();
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/fuzz-regressions/workbook"
    ));
    // Saved by LibreOffice from a sheet with cells at A1 and IV65536: 5.6 kB
    // that calamine would hold as 16,777,216 cells (1 GB).
    let corners = dir.join("cells-at-a1-and-iv65536.xls");
    let err = refused(
        &env,
        &["import", corners.to_str().unwrap(), "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert!(
        err.ends_with(
            "sheet `span` would be 65,536 rows by 256 columns (16,777,216 cells) once read, and \
             estate reads at most 2,000,000 cells of an xls sheet; save the file as .xlsx (which \
             estate reads row by row) and import that\n"
        ),
        "{err}"
    );
    // The same with the last cell's column set to 65,535: estate used to abort
    // ("memory allocation of 137438953472 bytes failed").
    let far = dir.join("cell-at-column-65536-aborted-estate.xls");
    let err = refused(
        &env,
        &["import", far.to_str().unwrap(), "--org", "AVN"],
        Duration::from_secs(10),
    );
    assert!(
        err.contains("65,536 rows by 65,536 columns (4,294,967,296 cells)"),
        "{err}"
    );
}
