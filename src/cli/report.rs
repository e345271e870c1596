//! `estate report`: the Cabinet-ready outputs. Turns the flags (those of
//! `estate forecast`, or a saved run) into a request for
//! `estate::ops::report`, which assembles the report and writes it in the
//! format the file's extension (or `--format`) names.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use estate::domain::RunId;
use estate::forecast::Request;
use estate::forecast::programme::Dimension;
use estate::ops;
use estate::ops::report::{ReportOf, ReportRequest};
use estate::output_file::Refused;
use estate::report::{self, Document, Format};

use super::flags::HorizonArgs;
use super::{Ctx, FormatFlag};

/// Flags of `estate report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The file to write: .xlsx, .html, .docx, .md, .csv or .json (the extension
    /// gives the format; --format may only agree with it, or name the
    /// format of a file with no report extension). Written whole or not at
    /// all; the register, its log files, a database or the --scenario file
    /// are refused.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Report this saved run exactly as it was saved (its number in `estate
    /// runs`) instead of a fresh forecast.
    #[arg(long, value_name = "ID", conflicts_with_all = ["from", "years", "org", "cap", "scenario"])]
    pub run: Option<i64>,
    /// Add the change against this earlier saved run (e.g. last year's
    /// approved programme), line by line and year by year.
    #[arg(long, value_name = "ID")]
    pub compare: Option<i64>,
    /// Apply a scenario: a shipped one (base, capped-250k,
    /// extend-desktop-life, green-refresh) or the path of a .toml file.
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// The rows of the .md and .csv table: programme line, class,
    /// organisation, site or department (the workbook and page show them all).
    #[arg(
        long,
        default_value = "line",
        value_name = "line|class|org|site|department"
    )]
    pub by: Dimension,
    /// The report's title (default: "ICT capital programme FIRST to LAST").
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    #[command(flatten)]
    pub horizon: HorizonArgs,
}

/// The format to write: the file's extension, which `--format` may confirm
/// but not contradict; `--format` alone names it for a file with no report
/// extension.
fn document(path: &Path, flag: Option<FormatFlag>) -> Result<Document> {
    let flagged = match flag {
        None => None,
        Some(FormatFlag::Document(d)) => Some(d),
        Some(FormatFlag::Listing(Format::Csv)) => Some(Document::Csv),
        Some(FormatFlag::Listing(Format::Json)) => Some(Document::Json),
        Some(FormatFlag::Listing(Format::Md)) => Some(Document::Md),
        Some(FormatFlag::Listing(Format::Table)) => {
            return Err(Refused::new(
                path,
                "a report is a file, not a table",
                "give --format xlsx, html, docx, md, csv or json, or leave --format out",
            )
            .into());
        }
    };
    match (Document::from_path(path), flagged) {
        (Some(named), Some(flagged)) if named != flagged => Err(Refused::new(
            path,
            format!("its extension says {named} but --format says {flagged}"),
            format!("name the file .{flagged}, or leave --format out to write {named}"),
        )
        .into()),
        (Some(d), _) | (None, Some(d)) => Ok(d),
        (None, None) => Err(Refused::new(
            path,
            "it has no report extension",
            "name it .xlsx, .html, .docx, .md, .csv or .json, or give --format",
        )
        .into()),
    }
}

/// Runs `estate report`.
pub fn run(ctx: &Ctx, args: &ReportArgs, format: Option<FormatFlag>) -> Result<()> {
    let scenario_file = args.scenario.as_deref().map(Path::new);
    ctx.check_output(&args.out, "--out", scenario_file.as_slice())?;
    let document = document(&args.out, format)?;
    let register = ctx.register_to_read()?;
    let of = match args.run {
        Some(id) => ReportOf::SavedRun(RunId(id)),
        None => ReportOf::Forecast(Box::new(Request {
            horizon: args.horizon.horizon(ctx)?,
            scenario: args
                .scenario
                .as_deref()
                .map(|s| ctx.scenario(s))
                .transpose()?,
            caps: args.horizon.cap.clone(),
            organisation: args.horizon.org.clone(),
            detail: false,
        })),
    };
    let request = ReportRequest {
        of,
        compare: args.compare.map(RunId),
        title: args.title.clone(),
        units: args.horizon.units,
        // Only the workbook (its Detail sheet) and the JSON carry every
        // replacement; the page and the tables do not need them in memory,
        // and the workbook of a fresh forecast makes them as it writes them.
        detail: document.needs_detail(),
        today: ctx.today,
    };
    let report = ops::report::make_file(&register, &request, document, args.by, &args.out)?;
    let funded = match report::cabinet::scenario_levers(&report) {
        Some(l) => format!(
            "{} funded with {}'s levers ({} before them)",
            l.total,
            l.scenario,
            report.programme.total()
        ),
        None => format!("{} funded", report.programme.total()),
    };
    ctx.out.message(&format!(
        "wrote {} ({document}): {}, {funded}",
        args.out.display(),
        report.title,
    ));
    Ok(())
}
