//! What an import says: the messages describing each file's sheets,
//! columns, rejects and notes, and the views of its counts, of the import
//! batches and of the words imports understand. Built here so every front end says the same.

use std::fmt::Write as _;

use crate::import::{self, BatchRecord, Field, ImportSummary, Kind};
use crate::vocabulary::Word;

use super::{Cell, View};

/// What happened to each sheet, the first rejects, the columns kept in
/// notes and anything else worth knowing: the messages an import prints,
/// one entry a message (an entry may hold several lines).
pub fn summary_lines(s: &ImportSummary) -> Vec<String> {
    let mut out = Vec::new();
    let what = match (s.dry_run, s.batch) {
        (true, _) => "dry run, nothing written".to_string(),
        (false, Some(b)) => format!("batch {b}"),
        (false, None) => "nothing written".to_string(),
    };
    out.push(format!("{} ({}): {what}", s.file, s.format));
    for sheet in &s.sheets {
        let line = match (&sheet.reason, sheet.header_row, sheet.kind) {
            (Some(reason), _, _) => format!("  sheet `{}`: skipped: {reason}", sheet.name),
            (None, header, kind) => {
                let mut l = format!(
                    "  sheet `{}`: {} rows of {} (header on row {})",
                    sheet.name,
                    sheet.rows,
                    kind.map_or("records", Kind::as_str),
                    header.unwrap_or(0)
                );
                if let Some(t) = sheet.totals_row {
                    let _ = write!(l, ", stopped at the totals row {t}");
                }
                if !sheet.skipped_rows.is_empty() {
                    let _ = write!(l, "; skipped {}", sheet.skipped_rows.join(", "));
                }
                for line in column_lines(&sheet.columns, s.profile.as_deref(), kind) {
                    let _ = write!(l, "\n    {line}");
                }
                for d in &sheet.dates {
                    let _ = write!(l, "\n    {}", d.describe());
                }
                l
            }
        };
        out.push(line);
    }
    if s.total.rejected > 0 {
        let shown = s.first_rejects.len();
        out.push(format!(
            "  rejected rows{}:",
            if u64::try_from(shown).unwrap_or(0) < s.total.rejected {
                format!(
                    " (first {shown} of {}; --rejects FILE.csv writes them all)",
                    s.total.rejected
                )
            } else {
                String::new()
            }
        ));
        for r in &s.first_rejects {
            for line in r.lines(&s.file) {
                out.push(format!("    {line}"));
            }
        }
    }
    for note in &s.notes {
        out.push(format!("  note: {note}"));
    }
    list_some(
        &mut out,
        "changed the identity of existing assets",
        s.identity_changes
            .iter()
            .map(|c| format!("sheet `{}`, row {}: {c}", c.sheet, c.row)),
    );
    list_some(
        &mut out,
        "statuses not taken",
        s.statuses_not_taken.iter().map(|n| {
            format!(
                "sheet `{}`, row {}: asset {} ({}): {}",
                n.sheet, n.row, n.asset_tag, n.organisation, n.reason
            )
        }),
    );
    out.push(format!("  {}", s.headline()));
    out
}

/// A heading and the first [`import::FIRST_LISTED`] lines under it (all
/// of them are in `--format json`).
fn list_some(out: &mut Vec<String>, heading: &str, lines: impl ExactSizeIterator<Item = String>) {
    let total = lines.len();
    if total == 0 {
        return;
    }
    let shown = total.min(import::FIRST_LISTED);
    let more = if shown < total {
        format!(" (first {shown} of {total}; --format json lists them all)")
    } else {
        String::new()
    };
    out.push(format!("  {heading}{more}:"));
    for line in lines.take(shown) {
        out.push(format!("    {line}"));
    }
}

/// Each heading, the field it was read as and where that came from, one
/// line a field (`` `Asset Tag` → asset_tag (profile snipe-it) ``); the
/// headings that went to notes share a line for each reason, so a sheet of
/// hundreds of unknown columns stays readable.
fn column_lines(
    columns: &[import::Column],
    profile: Option<&str>,
    kind: Option<Kind>,
) -> Vec<String> {
    use import::mapping::Source;
    let from = |source: Source, many: bool| -> String {
        match source {
            Source::Map => "--map".to_string(),
            Source::AgeFrom => {
                "--age-from: an enrolment date standing in for the in-service date".to_string()
            }
            Source::Profile => format!("profile {}", profile.unwrap_or("")),
            Source::Dictionary => "built in".into(),
            Source::Vocabulary => "the register's vocabulary".into(),
            Source::Unknown if many => "no field for them; --map \"Heading=field\" or `estate \
                                        vocabulary add heading \"Heading\" field` reads one"
                .into(),
            Source::Unknown => "no field for it; --map \"Heading=field\" or `estate vocabulary \
                                add heading \"Heading\" field` reads it"
                .into(),
            Source::Duplicate => "another column already fills the field".into(),
            Source::NotOrganisation => {
                "none of its values is an organisation in the register".into()
            }
            Source::NotForKind => format!(
                "not a field {} have",
                kind.map_or("these records", Kind::as_str)
            ),
        }
    };
    let mut lines = Vec::new();
    let mut to_notes: Vec<(Source, Vec<&str>)> = Vec::new();
    for c in columns {
        match c.field {
            Some(Field::Ignore) => {
                lines.push(format!(
                    "`{}` → ignored ({})",
                    c.heading,
                    from(c.source, false)
                ));
            }
            Some(f) => lines.push(format!("`{}` → {f} ({})", c.heading, from(c.source, false))),
            None => match to_notes.iter_mut().find(|(s, _)| *s == c.source) {
                Some((_, headings)) => headings.push(&c.heading),
                None => to_notes.push((c.source, vec![&c.heading])),
            },
        }
    }
    for (source, headings) in to_notes {
        let quoted: Vec<String> = headings.iter().map(|h| format!("`{h}`")).collect();
        lines.push(format!(
            "{} → notes ({})",
            quoted.join(", "),
            from(source, headings.len() > 1)
        ));
    }
    lines
}

pub fn counts_view(summaries: &[ImportSummary]) -> View {
    let mut view = View::new(&[
        "file",
        "batch",
        "kind",
        "read",
        "new",
        "changed",
        "unchanged",
        "rejected",
    ]);
    for s in summaries {
        for k in &s.kinds {
            view.push(vec![
                Cell::text(&s.file),
                Cell::opt(s.batch),
                Cell::opt(k.kind),
                Cell::number(k.read.to_string()),
                Cell::number(k.new.to_string()),
                Cell::number(k.changed.to_string()),
                Cell::number(k.unchanged.to_string()),
                Cell::number(k.rejected.to_string()),
            ]);
        }
    }
    view
}

/// The import batches, as `estate imports` lists them.
pub fn batches_view(batches: &[BatchRecord]) -> View {
    let mut view = View::new(&[
        "batch",
        "file",
        "org",
        "kind",
        "read",
        "new",
        "changed",
        "unchanged",
        "rejected",
        "imported",
        "who",
        "undone",
    ]);
    for b in batches {
        view.push(vec![
            Cell::number(b.batch.to_string()),
            Cell::text(&b.file),
            Cell::opt(b.organisation.as_deref()),
            Cell::text(&b.kind),
            Cell::number(b.read.to_string()),
            Cell::number(b.new.to_string()),
            Cell::number(b.changed.to_string()),
            Cell::number(b.unchanged.to_string()),
            Cell::number(b.rejected.to_string()),
            Cell::text(&b.imported_at),
            Cell::text(&b.who),
            Cell::opt(b.undone_at.as_deref()),
        ]);
    }
    view
}

/// The words imports understand, as `estate vocabulary` lists them.
pub fn words_view(words: &[Word]) -> View {
    let mut view = View::new(&["kind", "word", "means", "maker", "source"]);
    for w in words {
        let source = match (&w.added_by, &w.added_at) {
            (Some(by), Some(at)) => format!("added by {by} at {at}"),
            _ => w.source.to_string(),
        };
        view.push(vec![
            Cell::text(w.kind.as_str()),
            Cell::text(&w.word),
            Cell::text(&w.meaning),
            Cell::opt(w.maker.as_deref()),
            Cell::text(&source),
        ]);
    }
    view
}
