//! `estate import` and `estate imports`: bring supplier spreadsheets into
//! the register, list what was imported, undo an import. This file only
//! turns flags into calls to `estate::ops::import` and prints what comes
//! back.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use estate::domain::{BatchId, Rate};
use estate::import::{self, DateOrder, Field, ImportSummary, Kind};
use estate::ops;
use estate::ops::import::{ImportRequest, Input, Outcome, Refusal};
use estate::output_file::OutputFile;
use estate::report::{Cell, View};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Ctx;

/// Flags of `estate import`.
#[derive(Debug, Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each bool is one command-line flag"
)]
pub struct ImportArgs {
    /// The spreadsheets or CSV files to import (xlsx, xlsm, xlsb, xls, ods, csv, tsv, txt); each
    /// file is one batch, written whole or not at all.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The organisation the rows belong to (its code), unless the file has an organisation column.
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// Read only this sheet (otherwise every sheet that holds a table of records).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The row the column headings are on (as the spreadsheet numbers it), when they are below
    /// the first 50 rows or estate picks the wrong row.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub header_row: Option<u32>,
    /// Use this column's enrolment, first-seen or registered date as the in-service date of a
    /// file with no purchase date (a device-management export); the assets are marked "age
    /// estimated from enrolment".
    #[arg(long, value_name = "HEADING")]
    pub age_from: Option<String>,
    /// With --org: do not read the file's organisation column (such as Snipe-IT's `Company`) as
    /// organisations; every row goes into --org and the column's values are kept in notes.
    #[arg(long, requires = "org")]
    pub org_column_as_notes: bool,
    /// A mapping profile: hardware-supplier, telecoms-lines, software-licences, snipe-it, or the
    /// path of a profile file.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// What the sheets hold, when the headings do not make it clear: hardware, lines or licences.
    #[arg(long, value_parser = parse_kind, value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Say what a column is, e.g. --map "Kit Ref=asset_tag" (repeat for more columns).
    #[arg(long = "map", value_parser = parse_map, value_name = "HEADING=FIELD")]
    pub maps: Vec<(String, Field)>,
    /// Read every date like 03/04/2024 month-first (US). Without it (or --uk-dates) each date
    /// column's order is settled by its own values that can only be read one way (1/23/23), and
    /// a column of only ambiguous dates is read day-first (UK).
    #[arg(long, conflicts_with = "uk_dates")]
    pub us_dates: bool,
    /// Read every date like 03/04/2024 day-first (UK), whatever the column's other values say.
    #[arg(long)]
    pub uk_dates: bool,
    /// The VAT rate taken off money columns whose heading says they include VAT.
    #[arg(long, default_value = "20%", value_name = "RATE")]
    pub vat_rate: Rate,
    /// Write the rejected rows, with the reason for each, to this CSV file to fix and re-import.
    #[arg(long, value_name = "FILE.csv")]
    pub rejects: Option<PathBuf>,
    /// Import nothing from a file if any of its rows is rejected (exit status 1).
    #[arg(long)]
    pub strict: bool,
    /// Show what would be imported without changing the register.
    #[arg(long)]
    pub dry_run: bool,
}

impl ImportArgs {
    /// Importing `files` with every flag at its default (as `estate demo` does).
    pub fn for_files(files: Vec<PathBuf>) -> Self {
        ImportArgs {
            files,
            org: None,
            sheet: None,
            header_row: None,
            age_from: None,
            org_column_as_notes: false,
            profile: None,
            kind: None,
            maps: Vec::new(),
            us_dates: false,
            uk_dates: false,
            vat_rate: Rate::from_percent(rust_decimal::Decimal::from(20)),
            rejects: None,
            strict: false,
            dry_run: false,
        }
    }
}

/// Flags of `estate imports`.
#[derive(Debug, Args)]
pub struct ImportsArgs {
    #[command(subcommand)]
    pub command: Option<ImportsCommand>,
}

/// What to do with import batches (none: list them).
#[derive(Debug, Subcommand)]
pub enum ImportsCommand {
    /// List every import batch (the default).
    List,
    /// Reverse an import: remove what it added and put back what it changed.
    Undo {
        /// The batch number, as `estate imports` lists it.
        batch: i64,
    },
}

fn parse_kind(text: &str) -> Result<Kind, String> {
    text.parse()
}

fn parse_map(text: &str) -> Result<(String, Field), String> {
    import::parse_map(text).map_err(|e| e.to_string())
}

/// Runs `estate import`.
pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<()> {
    if args.rejects.is_some() && args.files.len() > 1 {
        bail!(
            "--rejects writes one file's rejected rows; import the files one at a time to use it"
        );
    }
    let mut request = ImportRequest::new(ctx.today, ctx.actor());
    request.organisation.clone_from(&args.org);
    request.sheet.clone_from(&args.sheet);
    request.header_row = args.header_row;
    request.age_from.clone_from(&args.age_from);
    request.org_column_as_notes = args.org_column_as_notes;
    request.profile.clone_from(&args.profile);
    request.kind = args.kind;
    request.maps.clone_from(&args.maps);
    request.date_order = if args.us_dates {
        Some(DateOrder::MonthFirst)
    } else if args.uk_dates {
        Some(DateOrder::DayFirst)
    } else {
        None
    };
    request.vat_rate = args.vat_rate;
    request.strict = args.strict;
    request.force = ctx.force;
    let mut rejects_file = None;
    if let Some(path) = &args.rejects {
        // Before anything is imported: a target that must not be written
        // over, or a folder that cannot be written, changes nothing.
        let inputs: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
        ctx.check_output(path, "--rejects", &inputs)?;
        rejects_file = Some(ops::import::rejects_file(path)?);
    }
    let mut register = ctx.register()?;
    let mut summaries = Vec::new();
    for file in &args.files {
        let planned = ops::import::plan(&register, Input::Path(file.clone()), &request)?;
        let bar = progress_bar(ctx, planned.file());
        let mut progress = |rows| bar.set_position(rows);
        let outcome = if args.dry_run {
            ops::import::dry_run(&mut register, &planned, &mut progress)
        } else {
            ops::import::commit(&mut register, &planned, &mut progress)
        };
        bar.finish_and_clear();
        let Outcome { summary, refused } = outcome?;
        describe(ctx, &summary);
        if let Some(out) = rejects_file.take() {
            write_rejects(ctx, &summary, out)?;
        }
        match refused {
            None => summaries.push(summary),
            Some(Refusal::Strict) => bail!(
                "`{}`: {} row(s) rejected, so nothing was imported (--strict); fix them or import without --strict",
                summary.file,
                summary.total.rejected
            ),
            Some(Refusal::AllRejected) => bail!(
                "`{}`: all {} row(s) were rejected, so nothing was imported and no batch was \
                 recorded; fix them (--rejects FILE.csv lists them with reasons) and import again",
                summary.file,
                summary.total.rejected
            ),
        }
    }
    let view = counts_view(&summaries);
    match summaries.as_slice() {
        [one] => ctx.out.listing(&view, one),
        all => ctx.out.listing(&view, all),
    }
}

/// A spinner with a row count on stderr, only when stderr is a terminal.
fn progress_bar(ctx: &Ctx, file: &str) -> ProgressBar {
    if ctx.out.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {human_pos} rows ({per_sec})")
    {
        bar.set_style(style);
    }
    bar.set_message(file.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn write_rejects(ctx: &Ctx, summary: &ImportSummary, out: OutputFile) -> Result<()> {
    let path = out.target().to_path_buf();
    ops::import::write_rejects(summary, out)?;
    ctx.out.message(&format!(
        "wrote {} rejected row(s) with their reasons to {}",
        summary.rejects.len(),
        path.display()
    ));
    Ok(())
}

/// Tells the user, on stderr, what happened to each sheet, the first
/// rejects, the columns kept in notes and anything else worth knowing.
fn describe(ctx: &Ctx, s: &ImportSummary) {
    let what = match (s.dry_run, s.batch) {
        (true, _) => "dry run, nothing written".to_string(),
        (false, Some(b)) => format!("batch {b}"),
        (false, None) => "nothing written".to_string(),
    };
    ctx.out
        .message(&format!("{} ({}): {what}", s.file, s.format));
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
        ctx.out.message(&line);
    }
    if s.total.rejected > 0 {
        let shown = s.first_rejects.len();
        ctx.out.message(&format!(
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
                ctx.out.message(&format!("    {line}"));
            }
        }
    }
    for note in &s.notes {
        ctx.out.message(&format!("  note: {note}"));
    }
    list_some(
        ctx,
        "changed the identity of existing assets",
        s.identity_changes
            .iter()
            .map(|c| format!("sheet `{}`, row {}: {c}", c.sheet, c.row)),
    );
    list_some(
        ctx,
        "statuses not taken",
        s.statuses_not_taken.iter().map(|n| {
            format!(
                "sheet `{}`, row {}: asset {} ({}): {}",
                n.sheet, n.row, n.asset_tag, n.organisation, n.reason
            )
        }),
    );
    ctx.out.message(&format!("  {}", s.headline()));
}

/// A heading and the first [`import::FIRST_LISTED`] lines under it (all
/// of them are in `--format json`).
fn list_some(ctx: &Ctx, heading: &str, lines: impl ExactSizeIterator<Item = String>) {
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
    ctx.out.message(&format!("  {heading}{more}:"));
    for line in lines.take(shown) {
        ctx.out.message(&format!("    {line}"));
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

fn counts_view(summaries: &[ImportSummary]) -> View {
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

/// Runs `estate imports`.
pub fn imports(ctx: &Ctx, args: &ImportsArgs) -> Result<()> {
    let mut register = match &args.command {
        None | Some(ImportsCommand::List) => ctx.register_to_read()?,
        Some(_) => ctx.register()?,
    };
    match &args.command {
        None | Some(ImportsCommand::List) => {
            let batches = ops::import::batches(&register)?;
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
            for b in &batches {
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
            ctx.out.listing(&view, &batches)
        }
        Some(ImportsCommand::Undo { batch }) => {
            let u = ops::import::undo(&mut register, BatchId(*batch), &ctx.actor())?;
            ctx.out.done(
                &format!(
                    "undid import batch {}: removed {} record(s) it added, restored {} it changed, \
                     removed {} site(s)/department(s) it created",
                    u.batch, u.removed, u.restored, u.places_removed
                ),
                &u,
            )
        }
    }
}
