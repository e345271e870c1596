//! `estate report`: the Cabinet-ready outputs. Reads the register (a fresh
//! forecast with the flags of `estate forecast`, or a saved run), gathers
//! the report with `forecast::cabinet`, and hands it to the writer the
//! file's extension (or `--format`) names.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use estate::domain::{RunId, iso};
use estate::forecast::cabinet::{self, Basis, CabinetReport, ReportOrganisation, RunningCosts};
use estate::forecast::programme::Dimension;
use estate::forecast::store::{load_run, load_running, register_state, run_detail};
use estate::forecast::{self, Horizon, Request};
use estate::register::store;
use estate::report::cabinet::programme_table;
use estate::report::{self, Document, Format};
use rusqlite::Connection;

use super::forecast::{HorizonArgs, scenario};
use super::running::Estate;
use super::{Ctx, FormatFlag};

/// Flags of `estate report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The file to write: .xlsx, .html, .md, .csv or .json (the extension
    /// gives the format unless --format names it).
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

/// The format to write: `--format` if given, else the file's extension.
fn document(path: &Path, flag: Option<FormatFlag>) -> Result<Document> {
    match flag {
        Some(FormatFlag::Document(d)) => Ok(d),
        Some(FormatFlag::Listing(Format::Csv)) => Ok(Document::Csv),
        Some(FormatFlag::Listing(Format::Json)) => Ok(Document::Json),
        Some(FormatFlag::Listing(Format::Md)) => Ok(Document::Md),
        Some(FormatFlag::Listing(Format::Table)) => {
            bail!("a report is a file: give --format xlsx, html, md, csv or json")
        }
        None => Document::from_path(path).with_context(|| {
            format!(
                "`{}` has no report extension: name it .xlsx, .html, .md, .csv or .json, or give --format",
                path.display()
            )
        }),
    }
}

/// Runs `estate report`.
pub fn run(ctx: &Ctx, args: &ReportArgs, format: Option<FormatFlag>) -> Result<()> {
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
    ctx.out.message(&format!(
        "wrote {} ({document}): {}, {} funded",
        args.out.display(),
        report.title,
        report.programme.total()
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
    Ok(CabinetReport {
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
    })
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
    Ok(CabinetReport {
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
    })
}

/// Writes `report` to `path` as `document`.
fn write(report: &CabinetReport, document: Document, by: Dimension, path: &Path) -> Result<()> {
    let failed = || format!("failed to write `{}`", path.display());
    let file = std::fs::File::create(path).with_context(failed)?;
    let mut out = BufWriter::new(file);
    match document {
        Document::Xlsx => {
            report::xlsx::write(report, &mut out).with_context(failed)?;
        }
        Document::Html => {
            let html = report::html::write(report).with_context(failed)?;
            out.write_all(html.as_bytes()).with_context(failed)?;
        }
        Document::Md | Document::Csv => {
            let text = if document == Document::Md {
                report::cabinet::markdown(report, by)
            } else {
                report::to_csv(&programme_table(report, by).view(report.units))
                    .with_context(failed)?
            };
            out.write_all(text.as_bytes()).with_context(failed)?;
        }
        Document::Json => {
            serde_json::to_writer_pretty(&mut out, report).with_context(failed)?;
            out.write_all(b"\n").with_context(failed)?;
        }
    }
    out.flush().with_context(failed)
}

/// Writes the sample estate's workbook and HTML report into `dir` (the
/// end of `estate demo`) and returns their paths.
pub fn sample(ctx: &Ctx, dir: &Path) -> Result<[PathBuf; 2]> {
    let conn = ctx.open()?;
    let args = ReportArgs {
        out: dir.join("capital-programme.xlsx"),
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
    let html = dir.join("capital-programme.html");
    write(&report, Document::Xlsx, args.by, &args.out)?;
    write(&report, Document::Html, args.by, &html)?;
    Ok([args.out, html])
}
