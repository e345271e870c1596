//! `estate report`: the Cabinet-ready outputs. Reads the register (a fresh
//! forecast with the flags of `estate forecast`, or a saved run), gathers
//! the report with `forecast::cabinet`, and hands it to the writer the
//! file's extension (or `--format`) names.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use estate::domain::{RunId, iso};
use estate::forecast::cabinet::{self, Basis, CabinetReport, ReportOrganisation, RunningCosts};
use estate::forecast::programme::Dimension;
use estate::forecast::store::{load_run, load_running, register_state, run_detail};
use estate::forecast::{self, Horizon, Request};
use estate::output_file::{OutputFile, Refused};
use estate::register::store;
use estate::report::{self, Document, Format};
use rusqlite::Connection;

use super::forecast::{HorizonArgs, scenario};
use super::running::Estate;
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
    let conn = ctx.open_read()?;
    // Only the workbook (its Detail sheet) and the JSON carry every
    // replacement; the page and the tables do not need them in memory.
    let detail = matches!(document, Document::Xlsx | Document::Json);
    let mut report = match args.run {
        Some(id) => saved(ctx, &conn, args, RunId(id), detail)?,
        None => fresh(ctx, &conn, args, detail)?,
    };
    if let Some(id) = args.compare {
        let earlier = load_run(&conn, RunId(id))
            .with_context(|| format!("failed to read run {id} to compare against"))?;
        report.change = Some(cabinet::change(
            earlier.summary.clone(),
            &earlier.programme,
            &report.programme,
        ));
    }
    write(&report, document, args.by, &args.out)?;
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

fn organisations(conn: &Connection, only: Option<&str>) -> Result<Vec<ReportOrganisation>> {
    Ok(store::list_organisations(conn)?
        .into_iter()
        .filter(|o| only.is_none_or(|code| o.code == code))
        .map(|o| ReportOrganisation {
            code: o.code,
            name: o.name,
        })
        .collect())
}

fn title(args: &ReportArgs, horizon: Horizon, org: Option<&str>) -> String {
    args.title.clone().unwrap_or_else(|| {
        let only = org.map(|o| format!(", {o}")).unwrap_or_default();
        if horizon.years == 1 {
            format!("ICT capital programme {}{only}", horizon.first)
        } else {
            format!(
                "ICT capital programme {} to {}{only}",
                horizon.first,
                horizon.last()
            )
        }
    })
}

/// A fresh forecast of the register, with its running costs (and every
/// replacement when `detail`).
fn fresh(ctx: &Ctx, conn: &Connection, args: &ReportArgs, detail: bool) -> Result<CabinetReport> {
    let horizon = args.horizon.horizon(ctx)?;
    let org = args.horizon.organisation(conn)?;
    let request = Request {
        horizon,
        scenario: args
            .scenario
            .as_deref()
            .map(|s| scenario(ctx, s))
            .transpose()?,
        caps: args.horizon.cap.clone(),
        organisation: org.clone(),
        detail,
    };
    let run = forecast::run(conn, &request).context("failed to forecast the capital programme")?;
    let code = org.as_deref();
    let running = running_costs(conn, code, horizon, &run)?;
    let levers = super::power::lever_effect(conn, &request, &run)?;
    let settings = Estate::read(conn)?.defaults.settings;
    let mut report = CabinetReport {
        title: title(args, horizon, code),
        prepared: iso(ctx.today),
        organisations: organisations(conn, code)?,
        horizon,
        units: args.horizon.units,
        basis: Basis::Forecast,
        assumptions: run.assumptions,
        settings,
        register: register_state(conn)?,
        programme: run.programme,
        change: None,
        running: Some(running),
        levers,
        against_approved: None,
        funding: None,
        borrowing: None,
        carbon: None,
    };
    estate::ops::funding::add_to_report(conn, &mut report, code)?;
    Ok(report)
}

/// The running costs of a capital forecast `run` of the register: power and
/// carbon after its replacements, phone lines, licences, and the revenue
/// position built from them.
pub(super) fn running_costs(
    conn: &Connection,
    code: Option<&str>,
    horizon: forecast::Horizon,
    run: &forecast::Run,
) -> Result<RunningCosts> {
    let estate = Estate::read(conn)?;
    let (power_assumptions, power) =
        super::power::forecast_power(conn, &estate, code, &run.snapshot, &run.forecast)
            .context("failed to forecast power and carbon")?;
    let (line_assumptions, lines) = super::lines::forecast_lines(conn, &estate, code, horizon)
        .context("failed to forecast the phone lines")?;
    let licences = super::licences::forecast_licences(conn, estate, code, horizon, None)
        .context("failed to forecast the licences")?;
    Ok(RunningCosts {
        revenue: cabinet::revenue(&power, &lines, &licences),
        power,
        power_assumptions,
        lines,
        line_assumptions,
        licences,
    })
}

/// A saved run, exactly as saved (with its running costs, for runs saved
/// from schema version 5 on; and every replacement when `detail`).
fn saved(
    ctx: &Ctx,
    conn: &Connection,
    args: &ReportArgs,
    id: RunId,
    detail: bool,
) -> Result<CabinetReport> {
    let mut run = load_run(conn, id).with_context(|| format!("failed to read run {}", id.0))?;
    if detail {
        run.programme.detail =
            run_detail(conn, &run).with_context(|| format!("failed to read run {}", id.0))?;
    }
    let org = run.summary.organisation.clone();
    let mut report = CabinetReport {
        title: title(args, run.horizon, org.as_deref()),
        prepared: iso(ctx.today),
        organisations: organisations(conn, org.as_deref())?,
        horizon: run.horizon,
        units: args.horizon.units,
        basis: Basis::SavedRun {
            run: run.summary,
            command: run.command,
        },
        assumptions: run.assumptions,
        settings: Vec::new(),
        register: run.register,
        programme: run.programme,
        change: None,
        running: load_running(conn, id).with_context(|| format!("failed to read run {}", id.0))?,
        levers: None,
        against_approved: estate::forecast::store::against_approved(conn, id).with_context(
            || format!("failed to compare run {} with the approved programme", id.0),
        )?,
        funding: None,
        borrowing: None,
        carbon: None,
    };
    estate::ops::funding::add_to_report(conn, &mut report, org.as_deref())?;
    Ok(report)
}

/// Writes `report` to `path` as `document`, whole or not at all.
fn write(report: &CabinetReport, document: Document, by: Dimension, path: &Path) -> Result<()> {
    let failed = || format!("failed to write `{}`", path.display());
    let mut out = OutputFile::create(path).with_context(failed)?;
    write_into(report, document, by, &mut out).with_context(failed)?;
    out.commit().with_context(failed)
}

/// Writes `report` as `document` into `out` (not yet committed).
fn write_into(
    report: &CabinetReport,
    document: Document,
    by: Dimension,
    out: &mut OutputFile,
) -> Result<()> {
    match document {
        Document::Xlsx => report::xlsx::write(report, &mut *out)?,
        Document::Html => out.write_all(report::html::write(report)?.as_bytes())?,
        Document::Docx => out.write_all(&report::docx::write(report)?)?,
        Document::Md => out.write_all(report::cabinet::markdown(report, by).as_bytes())?,
        Document::Csv => out.write_all(report::cabinet::csv(report, by)?.as_bytes())?,
        Document::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Writes the sample estate's workbook and HTML report to `xlsx` and `html`
/// (the end of `estate demo`), returned uncommitted: the demo puts them in
/// place with its register.
pub fn sample(ctx: &Ctx, xlsx: &Path, html: &Path) -> Result<Vec<OutputFile>> {
    let conn = ctx.open()?;
    let args = ReportArgs {
        out: xlsx.to_path_buf(),
        run: None,
        compare: None,
        scenario: None,
        by: Dimension::Line,
        title: None,
        horizon: HorizonArgs {
            from: None,
            years: 5,
            org: None,
            units: estate::forecast::programme::Units::Pounds,
            cap: None,
        },
    };
    let report = fresh(ctx, &conn, &args, true)?;
    let mut written = Vec::new();
    for (path, document) in [(xlsx, Document::Xlsx), (html, Document::Html)] {
        let failed = || format!("failed to write `{}`", path.display());
        let mut out = OutputFile::create(path).with_context(failed)?;
        write_into(&report, document, args.by, &mut out).with_context(failed)?;
        written.push(out);
    }
    Ok(written)
}
