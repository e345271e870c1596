//! Finds the merged cells of an xlsx sheet without tokenising the sheet.
//!
//! Excel writes a sheet's merged blocks after all its cells, so calamine
//! reads the whole sheet's XML to find them: for a million-row sheet that
//! took longer than reading the cells. Here the sheet's part is only
//! inflated and searched for the `<mergeCells>` element after
//! `</sheetData>`, which is several times faster.
//!
//! This is a shortcut, never a second opinion: anything it does not
//! recognise (an unusual workbook layout, a reference it cannot read, a
//! damaged part) gives `None`, and the caller asks calamine as before.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use memchr::memmem;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::read::Merge;

/// The sheet's merged blocks, or `None` when the caller should ask calamine.
pub fn sheet_merges(path: &Path, sheet: &str) -> Option<Vec<Merge>> {
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let part = sheet_part(&mut zip, sheet)?;
    let entry = zip.by_name(&part).ok()?;
    merges_in(entry)
}

/// Reads a small part of the workbook whole (at most 16 MB).
fn small_part(zip: &mut zip::ZipArchive<BufReader<File>>, name: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    zip.by_name(name)
        .ok()?
        .take(16 * 1024 * 1024)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// Attributes of an element by local name, unescaped.
fn attributes(e: &quick_xml::events::BytesStart<'_>, wanted: &[&str]) -> Vec<Option<String>> {
    let mut found = vec![None; wanted.len()];
    for a in e.attributes().flatten() {
        let key = a.key.local_name();
        if let Some(i) = wanted.iter().position(|w| *w == key.as_ref()) {
            if let (Some(slot), Ok(v)) = (found.get_mut(i), quick_xml::escape::unescape(&a.value)) {
                *slot = Some(v.into_owned());
            }
        }
    }
    found
}

/// The elements named `local` of an XML part, with the attributes asked for.
fn elements(xml: &[u8], local: &str, wanted: &[&str]) -> Option<Vec<Vec<Option<String>>>> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => {
                out.push(attributes(&e, wanted));
            }
            Event::Eof => return Some(out),
            _ => {}
        }
    }
}

/// The zip path of the worksheet named `sheet`, found as calamine finds it:
/// the package's office document, its relationships, its `<sheet>` list.
fn sheet_part(zip: &mut zip::ZipArchive<BufReader<File>>, sheet: &str) -> Option<String> {
    let root = small_part(zip, "_rels/.rels")?;
    let workbook = elements(&root, "Relationship", &["Type", "Target"])?
        .into_iter()
        .find_map(|a| match (a.first()?, a.get(1)?) {
            (Some(t), Some(target)) if t.ends_with("/officeDocument") => Some(target.clone()),
            _ => None,
        })?;
    let workbook = workbook.strip_prefix('/').unwrap_or(&workbook).to_string();
    let (folder, name) = match workbook.rfind('/') {
        Some(i) => (workbook.get(..=i)?, workbook.get(i + 1..)?),
        None => ("", workbook.as_str()),
    };
    let rels = small_part(zip, &format!("{folder}_rels/{name}.rels"))?;
    let rels = elements(&rels, "Relationship", &["Id", "Target"])?;
    let book = small_part(zip, &workbook)?;
    let id = elements(&book, "sheet", &["name", "id"])?
        .into_iter()
        .find_map(|a| match (a.first()?, a.get(1)?) {
            (Some(n), Some(id)) if n == sheet => Some(id.clone()),
            _ => None,
        })?;
    let target = rels
        .into_iter()
        .find_map(|a| match (a.first()?, a.get(1)?) {
            (Some(i), Some(t)) if *i == id => Some(t.clone()),
            _ => None,
        })?;
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{folder}{target}"),
    })
}

/// Streams a sheet part and reads the `<mergeCells>` after `</sheetData>`.
fn merges_in(mut part: impl Read) -> Option<Vec<Merge>> {
    const CHUNK: usize = 1 << 20;
    // Enough of the previous chunk is kept to find a tag cut in two.
    const OVERLAP: usize = 64;
    // What follows the cells is small (merges, margins, page setup); a part
    // with more than this after its cells is left to calamine.
    const MAX_TAIL: usize = 16 << 20;
    let end_of_data = memmem::Finder::new(b"sheetData>");
    let merges_tag = memmem::Finder::new(b"mergeCells");
    let mut window: Vec<u8> = Vec::with_capacity(CHUNK + OVERLAP);
    let mut chunk = vec![0u8; CHUNK];
    let mut tail: Option<Vec<u8>> = None;
    loop {
        let n = part.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        let read = chunk.get(..n)?;
        if let Some(tail) = tail.as_mut() {
            tail.extend_from_slice(read);
            if tail.len() > MAX_TAIL {
                return None;
            }
            continue;
        }
        let keep = window.len().min(OVERLAP);
        window.drain(..window.len() - keep);
        window.extend_from_slice(read);
        let end = closing_tag(&window, &end_of_data);
        // calamine takes the first `mergeCells` wherever it is: one among
        // the cells (or a cell's text naming it) is left to calamine.
        let cells = window.get(..end.unwrap_or(window.len()))?;
        if merges_tag.find(cells).is_some() {
            return None;
        }
        if let Some(at) = end {
            tail = Some(window.get(at..)?.to_vec());
        }
    }
    // No sheetData at all is not a sheet this shortcut knows.
    merge_cells(&tail?)
}

/// Where the text after `</sheetData>` (or `</x:sheetData>`) starts.
fn closing_tag(window: &[u8], finder: &memmem::Finder<'_>) -> Option<usize> {
    for at in finder.find_iter(window) {
        let Some(before) = window.get(..at) else {
            continue;
        };
        let Some(open) = before.iter().rposition(|&b| b == b'<') else {
            continue;
        };
        let Some(name) = before.get(open + 1..) else {
            continue;
        };
        let is_close = name.first() == Some(&b'/')
            && name
                .iter()
                .skip(1)
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.'))
            && (name.len() == 1 || name.last() == Some(&b':'));
        if is_close {
            return Some(at + b"sheetData>".len());
        }
    }
    None
}

/// The merged blocks in what follows the cells: the `<mergeCell ref>` of the
/// first `<mergeCells>`; none when there is none.
fn merge_cells(after: &[u8]) -> Option<Vec<Merge>> {
    let mut reader = Reader::from_reader(after);
    // The tail starts inside the sheet's root element, whose end tag follows.
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_unmatched_ends = true;
    let mut buf = Vec::new();
    let mut inside = false;
    let mut merges = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCells" => {
                inside = true;
            }
            Event::Start(e) | Event::Empty(e)
                if inside && e.local_name().as_ref() == "mergeCell" =>
            {
                if let Some(Some(r)) = attributes(&e, &["ref"]).first() {
                    merges.push(dimension(r)?);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => return Some(merges),
            Event::Eof => return (!inside).then_some(merges),
            _ => {}
        }
    }
}

/// `A1:C3` or `B2` as a block (0-based), or `None` for anything else.
fn dimension(text: &str) -> Option<Merge> {
    let mut parts = text.split(':');
    let first = cell(parts.next()?)?;
    let last = match parts.next() {
        Some(p) => cell(p)?,
        None => first,
    };
    if parts.next().is_some() || last.0 < first.0 || last.1 < first.1 {
        return None;
    }
    Some(Merge {
        first_row: first.0,
        first_col: first.1,
        last_row: last.0,
        last_col: last.1,
    })
}

/// `C3` as (row 2, column 2): letters then digits, nothing else.
fn cell(text: &str) -> Option<(u32, u32)> {
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty()
        || letters.len() > 3
        || !letters.bytes().all(|b| b.is_ascii_alphabetic())
        || digits.is_empty()
        || digits.len() > 7
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let col = letters.bytes().fold(0u32, |acc, b| {
        acc * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_as_calamine_reads_them_or_not_at_all() {
        assert_eq!(cell("A1"), Some((0, 0)));
        assert_eq!(cell("c3"), Some((2, 2)));
        assert_eq!(cell("AA10"), Some((9, 26)));
        for bad in ["", "A", "1", "$A$1", "A0", "A1B", "ABCD1"] {
            assert_eq!(cell(bad), None, "{bad}");
        }
        assert_eq!(
            dimension("B2:D4"),
            Some(Merge {
                first_row: 1,
                first_col: 1,
                last_row: 3,
                last_col: 3
            })
        );
        assert_eq!(dimension("B2").map(|m| m.last_col), Some(1));
        assert_eq!(dimension("D4:B2"), None);
        assert_eq!(dimension("A1:B2:C3"), None);
    }

    #[test]
    fn real_workbooks_give_the_merges_calamine_gives() {
        use calamine::{Reader, Xlsx, open_workbook};
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-inputs/calamine");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipped: {} is absent", dir.display());
            return;
        };
        let mut compared = 0;
        let mut with_merges = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "xlsx" | "xlsm") {
                continue;
            }
            let calamine_says = std::panic::catch_unwind(|| {
                let mut book: Xlsx<_> = open_workbook(&path).ok()?;
                let names = book.sheet_names();
                Some(
                    names
                        .into_iter()
                        .map(|n| {
                            let m = book.merge_cells_by_sheet_name(&n).ok();
                            (n, m)
                        })
                        .collect::<Vec<_>>(),
                )
            });
            let Ok(Some(sheets)) = calamine_says else {
                continue;
            };
            for (name, theirs) in sheets {
                let Some(ours) = sheet_merges(&path, &name) else {
                    continue;
                };
                let theirs: Vec<Merge> = theirs
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| Merge {
                        first_row: d.start.0,
                        first_col: d.start.1,
                        last_row: d.end.0,
                        last_col: d.end.1,
                    })
                    .collect();
                assert_eq!(ours, theirs, "{} sheet {name}", path.display());
                compared += 1;
                with_merges += usize::from(!ours.is_empty());
            }
        }
        assert!(compared > 20, "only {compared} sheets compared");
        assert!(with_merges > 0, "no sheet with merges was compared");
    }

    #[test]
    fn merges_are_found_after_the_cells_even_across_a_chunk_boundary() {
        let cells = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>mergeCell ref=\"Z9:Z9\"</t></is></c></row>"
            .repeat(30_000);
        let xml = format!(
            "<worksheet><sheetData>{cells}</sheetData><mergeCells count=\"2\">\
             <mergeCell ref=\"A1:C1\"/><mergeCell ref=\"B2:B3\"></mergeCell></mergeCells></worksheet>"
        );
        assert!(xml.len() > 2 << 20);
        let found = merges_in(xml.as_bytes()).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].first_col, found[0].last_col), (0, 2));
        assert_eq!((found[1].first_row, found[1].last_row), (1, 2));
        let none = "<x:worksheet><x:sheetData><x:row/></x:sheetData></x:worksheet>";
        assert_eq!(merges_in(none.as_bytes()), Some(Vec::new()));
        let prefixed = "<x:worksheet><x:sheetData/></x:worksheet>";
        assert_eq!(merges_in(prefixed.as_bytes()), None);
        assert_eq!(merges_in(&b"<worksheet>"[..]), None);
    }
}
