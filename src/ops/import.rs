//! Importing supplier spreadsheets as use cases: read a file and map its
//! columns into a plan without writing anything, rehearse the import (every
//! count and reject, nothing kept), commit it as one batch in one
//! transaction, list the batches, undo one.
//!
//! A file comes as a path or as bytes with the name the user gave it (a web
//! upload). The reader works on a file, so bytes are written to a private
//! temporary folder under that name, which lives as long as the [`Planned`]
//! import and is removed with it; the register records the name given, never
//! the temporary path.
//!
//! The flow a web front end wants, upload then confirm:
//! 1. [`plan`] the bytes and show [`Planned::plan`] (format, each sheet's
//!    header row, columns and what each fills, why a sheet is skipped);
//! 2. [`dry_run`] it for the counts and rejects (nothing written);
//! 3. [`commit`] the same [`Planned`] (the file is checked unchanged), or,
//!    when the plan was not kept between requests, [`import`] the same bytes
//!    again: the same bytes and request give the same result.

use std::path::{Path, PathBuf};

use time::Date;

use crate::domain::{BatchId, Rate};
use crate::error::{Context, Error, ErrorKind, Result};
use crate::import::{
    self, BatchRecord, DateOrder, Field, ImportError, ImportOptions, ImportPlan, ImportSummary,
    Kind, UndoSummary,
};
use crate::output_file::OutputFile;
use crate::register::Actor;
use crate::register::store::list_organisations;
use crate::vocabulary::store::load_taught;

use super::Register;

/// The file to import.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file on disk, read in place.
    Path(PathBuf),
    /// A file's content with the name it had (`assets.xlsx`), as a web
    /// upload brings it. Only the name's last part is used, and its
    /// extension helps tell xlsb from xlsx and a CSV named `.xlsx`.
    Bytes {
        /// The file's name as the user knows it.
        name: String,
        /// Its content.
        bytes: Vec<u8>,
    },
}

/// What the caller decides about an import (the command line's flags;
/// a web form's fields). Everything else an import needs (the words the
/// register was taught, its organisations) is read from the register.
#[derive(Debug, Clone)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each bool is an independent choice, as the command line's flags are"
)]
pub struct ImportRequest {
    /// The organisation the rows belong to (its code), unless a column says.
    pub organisation: Option<String>,
    /// Read only this sheet.
    pub sheet: Option<String>,
    /// The headings are on this row (as Excel numbers it).
    pub header_row: Option<u32>,
    /// The heading of an enrolment date column read as the in-service date.
    pub age_from: Option<String>,
    /// With `organisation`: an organisation column is kept in notes.
    pub org_column_as_notes: bool,
    /// A profile name or the path of a profile file.
    pub profile: Option<String>,
    /// What the sheets hold, overriding detection.
    pub kind: Option<Kind>,
    /// Heading → field overrides.
    pub maps: Vec<(String, Field)>,
    /// Read every date like `03/04/2024` this way (none: each column's
    /// unambiguous values decide, else day-first).
    pub date_order: Option<DateOrder>,
    /// The VAT rate taken off money columns whose heading includes VAT.
    pub vat_rate: Rate,
    /// Import nothing from a file with a rejected row.
    pub strict: bool,
    /// Take amounts that look like slips (over £10,000,000).
    pub force: bool,
    /// Today (an in-service date after it is rejected).
    pub today: Date,
    /// Who asks and by what command, for the batch and the audit trail.
    pub actor: Actor,
}

impl ImportRequest {
    /// Every choice at its default: every sheet, detected kind and columns,
    /// VAT at 20%, dates read as each column's values decide.
    pub fn new(today: Date, actor: Actor) -> Self {
        let defaults = ImportOptions::new(today);
        ImportRequest {
            organisation: None,
            sheet: None,
            header_row: None,
            age_from: None,
            org_column_as_notes: false,
            profile: None,
            kind: None,
            maps: Vec::new(),
            date_order: None,
            vat_rate: defaults.vat_rate,
            strict: false,
            force: false,
            today,
            actor,
        }
    }

    fn options(&self, register: &Register) -> Result<ImportOptions> {
        let mut o = ImportOptions::new(self.today);
        o.organisation.clone_from(&self.organisation);
        o.sheet.clone_from(&self.sheet);
        o.header_row = self.header_row;
        o.age_from.clone_from(&self.age_from);
        o.org_column_as_notes = self.org_column_as_notes;
        o.profile.clone_from(&self.profile);
        o.kind = self.kind;
        o.maps.clone_from(&self.maps);
        o.us_dates = self.date_order == Some(DateOrder::MonthFirst);
        o.uk_dates = self.date_order == Some(DateOrder::DayFirst);
        o.vat_rate = self.vat_rate;
        o.strict = self.strict;
        o.force = self.force;
        o.command.clone_from(&self.actor.command);
        o.who.clone_from(&self.actor.who);
        o.taught = load_taught(register.reader())?;
        o.organisations = Some(list_organisations(register.reader())?);
        Ok(o)
    }
}

/// A file read and mapped, ready to rehearse or commit: what [`plan`]
/// returns. Holds the temporary copy of a file given as bytes.
#[derive(Debug)]
pub struct Planned {
    plan: ImportPlan,
    options: ImportOptions,
    /// The file as the caller named it, for messages.
    shown: String,
    /// The temporary folder holding a file given as bytes.
    _upload: Option<tempfile::TempDir>,
}

impl Planned {
    /// The plan: the file's format and checksum, each sheet's table (header
    /// row, kind, columns and the field each fills, date orders) or why it
    /// is skipped, and notes.
    pub fn plan(&self) -> &ImportPlan {
        &self.plan
    }

    /// The file's name, for messages.
    pub fn file(&self) -> &str {
        &self.plan.file
    }
}

/// Why an import wrote nothing although the file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// A row was rejected and the request was strict.
    Strict,
    /// Every row was rejected (no batch is recorded).
    AllRejected,
}

/// What an import did, or (rehearsed, or refused) would have done.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Sheets, columns, counts, rejects and notes; `summary.batch` is the
    /// batch written, none when nothing was.
    pub summary: ImportSummary,
    /// Why nothing was written although this was not a rehearsal.
    pub refused: Option<Refusal>,
}

/// Reads `input` and maps its columns, writing nothing: the format, each
/// sheet's table and the field each column fills, or why a sheet is
/// skipped.
///
/// # Errors
/// The file cannot be read, is encrypted, damaged or not a spreadsheet; the
/// sheet asked for is not there; no sheet holds a table; a bad profile; the
/// register cannot be read.
pub fn plan(register: &Register, input: Input, request: &ImportRequest) -> Result<Planned> {
    let options = request.options(register)?;
    let (path, shown, upload) = match input {
        Input::Path(path) => {
            let shown = path.display().to_string();
            (path, shown, None)
        }
        Input::Bytes { name, bytes } => {
            let (dir, path) = write_upload(&name, &bytes)?;
            (path, name, Some(dir))
        }
    };
    let plan =
        import::plan(&path, &options).with_context(|| format!("failed to import `{shown}`"))?;
    Ok(Planned {
        plan,
        options,
        shown,
        _upload: upload,
    })
}

/// Writes uploaded bytes to `name` (its last part) in a new temporary
/// folder.
fn write_upload(name: &str, bytes: &[u8]) -> Result<(tempfile::TempDir, PathBuf)> {
    let name = Path::new(name)
        .file_name()
        .filter(|n| !n.is_empty())
        .map_or_else(|| PathBuf::from("upload"), PathBuf::from);
    let io = |e: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format!(
                "failed to keep the uploaded `{}` to read: {e}",
                name.display()
            ),
        )
    };
    let dir = tempfile::Builder::new()
        .prefix("estate-upload-")
        .tempdir()
        .map_err(io)?;
    let path = dir.path().join(&name);
    std::fs::write(&path, bytes).map_err(io)?;
    Ok((dir, path))
}

/// Does the whole import of `planned` in a transaction that is rolled back:
/// the counts, rejects and notes a commit would give, nothing written.
/// `progress` is told the number of rows read so far.
///
/// # Errors
/// As [`commit`].
pub fn dry_run(
    register: &mut Register,
    planned: &Planned,
    progress: &mut dyn FnMut(u64),
) -> Result<Outcome> {
    let mut options = planned.options.clone();
    options.dry_run = true;
    run(register, planned, &options, progress)
}

/// Imports `planned` as one batch in one transaction; with a strict request
/// and a rejected row, or when every row is rejected, nothing is written
/// and the outcome says why. `progress` is told the number of rows read so
/// far.
///
/// # Errors
/// The file changed since it was planned or cannot be read; no organisation
/// given when the register holds several; a busy register or another
/// database failure (nothing written).
pub fn commit(
    register: &mut Register,
    planned: &Planned,
    progress: &mut dyn FnMut(u64),
) -> Result<Outcome> {
    run(register, planned, &planned.options, progress)
}

/// [`plan`] then [`commit`] (or [`dry_run`] when `rehearse`) in one call.
///
/// # Errors
/// As [`plan`] and [`commit`].
pub fn import(
    register: &mut Register,
    input: Input,
    request: &ImportRequest,
    rehearse: bool,
    progress: &mut dyn FnMut(u64),
) -> Result<Outcome> {
    let planned = plan(register, input, request)?;
    if rehearse {
        dry_run(register, &planned, progress)
    } else {
        commit(register, &planned, progress)
    }
}

fn run(
    register: &mut Register,
    planned: &Planned,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Outcome> {
    let (mut summary, refused) =
        match import::commit(register.connection_mut(), &planned.plan, options, progress) {
            Ok(summary) => (summary, None),
            Err(ImportError::Strict { summary, .. }) => (*summary, Some(Refusal::Strict)),
            Err(ImportError::AllRejected { summary, .. }) => (*summary, Some(Refusal::AllRejected)),
            Err(e) => {
                return Err(Error::from(e).context(format!("failed to import `{}`", planned.shown)));
            }
        };
    summary
        .notes
        .extend(import::profiles::hint(&planned.plan, &summary));
    Ok(Outcome { summary, refused })
}

/// Every import batch, oldest first.
///
/// # Errors
/// The register cannot be read.
pub fn batches(register: &Register) -> Result<Vec<BatchRecord>> {
    Ok(import::list_batches(register.reader())?)
}

/// Reverses batch `batch`: removes what it added and puts back what it
/// changed, in one transaction.
///
/// # Errors
/// No such batch, already undone, a later change in the way, a busy
/// register.
pub fn undo(register: &mut Register, batch: BatchId, actor: &Actor) -> Result<UndoSummary> {
    Ok(import::undo(
        register.connection_mut(),
        batch,
        actor.clone(),
    )?)
}

/// Reserves `path` for the rejected rows, before anything is imported: a
/// folder that cannot be written fails here, changing nothing.
///
/// # Errors
/// The file cannot be created.
pub fn rejects_file(path: &Path) -> Result<OutputFile> {
    import::create_rejects_file(path)
        .with_context(|| format!("failed to write rejects to `{}`", path.display()))
}

/// Writes every rejected row of `summary`, with its reason, as CSV into
/// `out` and puts it in place.
///
/// # Errors
/// The file cannot be written.
pub fn write_rejects(summary: &ImportSummary, out: OutputFile) -> Result<()> {
    let path = out.target().to_path_buf();
    import::write_rejects_to(summary, out)
        .with_context(|| format!("failed to write rejects to `{}`", path.display()))
}
