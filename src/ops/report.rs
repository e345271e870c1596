//! The Cabinet report as use cases: assemble it from a fresh forecast of
//! the register (its scenario's levers included) or from a saved run exactly
//! as saved, with the change against an earlier run; then render it as a
//! document into bytes (a download) or into a file written whole or not at
//! all. The writers themselves live in [`crate::report`].

use std::io::Write;
use std::path::Path;

use time::Date;

use crate::domain::{RunId, iso};
use crate::error::{Context, Result};
use crate::forecast::cabinet::{self, Basis, CabinetReport, ReportOrganisation};
use crate::forecast::programme::{Dimension, Replacements, Units};
use crate::forecast::store::{
    against_approved, load_run, load_running, register_state, run_detail,
};
use crate::forecast::{self, CapitalForecast, Horizon, Request, Snapshot};
use crate::output_file::OutputFile;
use crate::register::store;
use crate::report::Document;
use crate::report::render;

use super::Register;
use super::running::{Estate, lever_effect, running_costs};

/// What the report is of.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per report request, never in a collection"
)]
pub enum ReportOf {
    /// A forecast made now from the register: the years, scenario, caps and
    /// organisation of `estate forecast` (the request's `detail` is decided
    /// by [`ReportRequest::detail`]).
    Forecast(Box<Request>),
    /// A saved run, exactly as it was saved.
    SavedRun(RunId),
}

/// A Cabinet report asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// A fresh forecast or a saved run.
    pub of: ReportOf,
    /// An earlier saved run to show the change against, line by line and
    /// year by year.
    pub compare: Option<RunId>,
    /// The title (default: "ICT capital programme FIRST to LAST", with the
    /// organisation when there is one).
    pub title: Option<String>,
    /// Pounds or thousands of pounds.
    pub units: Units,
    /// Carry every replacement (for the documents that list them:
    /// [`Document::needs_detail`]).
    pub detail: bool,
    /// The date the report is prepared.
    pub today: Date,
}

impl ReportRequest {
    /// A report of a fresh forecast over `horizon`, in pounds, with every
    /// replacement, prepared `today`.
    pub fn forecast(horizon: Horizon, today: Date) -> Self {
        ReportRequest {
            of: ReportOf::Forecast(Box::new(Request::new(horizon))),
            compare: None,
            title: None,
            units: Units::Pounds,
            detail: true,
            today,
        }
    }
}

/// Assembles the Cabinet report `request` asks for.
///
/// # Errors
/// An unknown organisation; the forecast or a running-cost forecast fails;
/// a run (to report or to compare against) is missing or cannot be read.
pub fn cabinet(register: &Register, request: &ReportRequest) -> Result<CabinetReport> {
    let mut report = match &request.of {
        ReportOf::SavedRun(id) => saved(register, request, *id)?,
        ReportOf::Forecast(capital) => fresh(register, request, capital)?.0,
    };
    add_change(register, request, &mut report)?;
    Ok(report)
}

/// The change against the earlier run `request` names, if any.
fn add_change(
    register: &Register,
    request: &ReportRequest,
    report: &mut CabinetReport,
) -> Result<()> {
    if let Some(id) = request.compare {
        let earlier = load_run(register.reader(), id)
            .with_context(|| format!("failed to read run {} to compare against", id.0))?;
        report.change = Some(cabinet::change(
            earlier.summary.clone(),
            &earlier.programme,
            &report.programme,
        ));
    }
    Ok(())
}

/// A report assembled for one document, with the forecast (its snapshot
/// and replacements) when the workbook's Detail sheet is made from it as it
/// is written rather than held in the report.
struct Assembled {
    report: CabinetReport,
    streamed: Option<(Snapshot, CapitalForecast)>,
}

/// Assembles the report `request` asks for, to be written as `document`.
/// A workbook of a fresh forecast lists every replacement without holding
/// them as rows: the report is assembled without them and keeps the
/// forecast they are made from.
fn assemble(register: &Register, request: &ReportRequest, document: Document) -> Result<Assembled> {
    match &request.of {
        ReportOf::Forecast(capital) if request.detail && document == Document::Xlsx => {
            let held = ReportRequest {
                detail: false,
                ..request.clone()
            };
            let (mut report, snapshot, forecast) = fresh(register, &held, capital)?;
            add_change(register, request, &mut report)?;
            Ok(Assembled {
                report,
                streamed: Some((snapshot, forecast)),
            })
        }
        _ => Ok(Assembled {
            report: cabinet(register, request)?,
            streamed: None,
        }),
    }
}

impl Assembled {
    fn render<W: Write + Send>(
        &self,
        document: Document,
        by: Dimension,
        out: W,
    ) -> std::result::Result<(), render::RenderError> {
        match &self.streamed {
            Some((snapshot, forecast)) => {
                let detail = Replacements::new(forecast, snapshot, &self.report.assumptions);
                render::render_with_detail(&self.report, &detail, document, by, out)
            }
            None => render::render(&self.report, document, by, out),
        }
    }
}

/// Assembles the report `request` asks for and writes it as `document`
/// into `out` (a download's buffer): [`cabinet`] then [`render`], except
/// that a workbook of a fresh forecast writes its Detail sheet from the
/// forecast's replacements as it goes instead of holding a row for each
/// (a million-asset programme's workbook in a third of the memory). The
/// report comes back without those rows, for what a front end says of it.
///
/// # Errors
/// As [`cabinet`]; the document cannot be put together or written.
pub fn make<W: Write + Send>(
    register: &Register,
    request: &ReportRequest,
    document: Document,
    by: Dimension,
    out: W,
) -> Result<CabinetReport> {
    let assembled = assemble(register, request, document)?;
    assembled
        .render(document, by, out)
        .context("failed to write the report")?;
    Ok(assembled.report)
}

/// [`make`] into the file at `path`, written whole or not at all.
///
/// # Errors
/// As [`cabinet`]; the file cannot be created, written or put in place.
pub fn make_file(
    register: &Register,
    request: &ReportRequest,
    document: Document,
    by: Dimension,
    path: &Path,
) -> Result<CabinetReport> {
    let assembled = assemble(register, request, document)?;
    let failed = || format!("failed to write `{}`", path.display());
    let mut out = OutputFile::create(path).with_context(failed)?;
    assembled
        .render(document, by, &mut out)
        .with_context(failed)?;
    out.commit().with_context(failed)?;
    Ok(assembled.report)
}

fn organisations(register: &Register, only: Option<&str>) -> Result<Vec<ReportOrganisation>> {
    Ok(store::list_organisations(register.reader())?
        .into_iter()
        .filter(|o| only.is_none_or(|code| o.code == code))
        .map(|o| ReportOrganisation {
            code: o.code,
            name: o.name,
        })
        .collect())
}

fn title(request: &ReportRequest, horizon: Horizon, org: Option<&str>) -> String {
    request.title.clone().unwrap_or_else(|| {
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

/// A fresh forecast of the register, with its running costs; and the
/// snapshot and forecast it was made from.
fn fresh(
    register: &Register,
    request: &ReportRequest,
    capital: &Request,
) -> Result<(CabinetReport, Snapshot, CapitalForecast)> {
    let conn = register.reader();
    let horizon = capital.horizon;
    let org = super::forecast::organisation(register, capital.organisation.as_deref())?;
    let capital = Request {
        organisation: org.clone(),
        detail: request.detail,
        ..capital.clone()
    };
    let run = forecast::run(conn, &capital).context("failed to forecast the capital programme")?;
    let code = org.as_deref();
    let running = running_costs(conn, code, horizon, &run)?;
    let levers = lever_effect(conn, &capital, &run)?;
    let settings = Estate::read(conn)?.defaults.settings;
    let mut report = CabinetReport {
        title: title(request, horizon, code),
        prepared: iso(request.today),
        organisations: organisations(register, code)?,
        horizon,
        units: request.units,
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
    super::funding::add_to_report(conn, &mut report, code)?;
    Ok((report, run.snapshot, run.forecast))
}

/// A saved run, exactly as saved (with its running costs, for runs saved
/// from schema version 5 on).
fn saved(register: &Register, request: &ReportRequest, id: RunId) -> Result<CabinetReport> {
    let conn = register.reader();
    let failed = || format!("failed to read run {}", id.0);
    let mut run = load_run(conn, id).with_context(failed)?;
    if request.detail {
        run.programme.detail = run_detail(conn, &run).with_context(failed)?;
    }
    let org = run.summary.organisation.clone();
    let mut report = CabinetReport {
        title: title(request, run.horizon, org.as_deref()),
        prepared: iso(request.today),
        organisations: organisations(register, org.as_deref())?,
        horizon: run.horizon,
        units: request.units,
        basis: Basis::SavedRun {
            run: run.summary,
            command: run.command,
        },
        assumptions: run.assumptions,
        settings: Vec::new(),
        register: run.register,
        programme: run.programme,
        change: None,
        running: load_running(conn, id).with_context(failed)?,
        levers: None,
        against_approved: against_approved(conn, id).with_context(|| {
            format!("failed to compare run {} with the approved programme", id.0)
        })?,
        funding: None,
        borrowing: None,
        carbon: None,
    };
    super::funding::add_to_report(conn, &mut report, org.as_deref())?;
    Ok(report)
}

/// `report` as `document`, in memory: what a web handler sends as a
/// download. `by` chooses the rows of the Markdown and CSV table.
///
/// # Errors
/// The chart or a document cannot be put together.
pub fn render(report: &CabinetReport, document: Document, by: Dimension) -> Result<Vec<u8>> {
    Ok(render::render_bytes(report, document, by)?)
}

/// Writes `report` as `document` beside `path`, not yet in place: the
/// caller commits the returned file (or drops it, leaving `path` as it was).
///
/// # Errors
/// The file cannot be created or written.
pub fn write_uncommitted(
    report: &CabinetReport,
    document: Document,
    by: Dimension,
    path: &Path,
) -> Result<OutputFile> {
    let failed = || format!("failed to write `{}`", path.display());
    let mut out = OutputFile::create(path).with_context(failed)?;
    render::render(report, document, by, &mut out).with_context(failed)?;
    Ok(out)
}

/// Writes `report` as `document` to `path`, whole or not at all.
///
/// # Errors
/// The file cannot be created, written or put in place.
pub fn write(report: &CabinetReport, document: Document, by: Dimension, path: &Path) -> Result<()> {
    write_uncommitted(report, document, by, path)?
        .commit()
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// The sample estate's Cabinet report (five years from the one containing
/// `today`, every replacement) as a workbook at `xlsx` and a page at
/// `html`, not yet in place: the end of `estate demo`, which puts them in
/// place with its register.
///
/// # Errors
/// The report cannot be assembled or written.
pub fn sample(
    register: &Register,
    today: Date,
    xlsx: &Path,
    html: &Path,
) -> Result<Vec<OutputFile>> {
    let horizon = Horizon::new(crate::domain::FinancialYear::containing(today), 5)?;
    let report = cabinet(register, &ReportRequest::forecast(horizon, today))?;
    [(xlsx, Document::Xlsx), (html, Document::Html)]
        .into_iter()
        .map(|(path, document)| write_uncommitted(&report, document, Dimension::Line, path))
        .collect()
}
