//! The import pages: upload one or more supplier files, see the dry run
//! (each file's column mapping, counts and every rejected row), then
//! confirm or cancel; the list of import batches, with undo.
//!
//! The uploaded bytes are held by [`super::uploads::Uploads`] between the
//! dry run and the confirmation; the importer reads them exactly as
//! `estate import` reads a file, with the same hostile-file bounds, so a
//! zip bomb or a damaged workbook is refused with the importer's reason.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::Signed;
use super::error::PageError;
use super::templates::{Layout, Table, render};
use super::uploads::{Held, Uploads};
use crate::accounts::Role;
use crate::domain::BatchId;
use crate::error::{Error, ErrorKind, Result};
use crate::import::{self, ImportSummary, Kind};
use crate::ops::import::{ImportRequest, Input};
use crate::ops::{self, Register};
use crate::register::Actor;
use crate::report::{Cell, View};

/// What happened to one uploaded file.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The file's name as uploaded.
    pub name: String,
    /// Why the importer refused the whole file (a zip bomb, not a
    /// spreadsheet, no table…), when it did.
    pub refused: Option<String>,
    /// In words: format, batch or "dry run", the headline.
    pub headline: String,
    /// Each sheet read: `(caption, mapping table)`; skipped sheets in
    /// `skipped`.
    pub sheets: Vec<Table>,
    /// Sheets not read, and why.
    pub skipped: Vec<String>,
    /// Rows read, new, changed, unchanged, rejected, by kind.
    pub counts: Table,
    /// Every rejected row: file, sheet, row, column, reason.
    pub rejects: Table,
    /// Notes the importer made.
    pub notes: Vec<String>,
    /// The batch written (confirm only).
    pub batch: Option<i64>,
}

/// The import page: the upload form (editors) and the batches.
#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    /// The layout.
    pub layout: Layout,
    /// The organisations to choose from: `(code, name)`.
    pub organisations: Vec<(String, String)>,
    /// What the last confirmation imported, in words.
    pub done: Vec<String>,
    /// What the last undo did, in words.
    pub undone: Option<String>,
    /// Every batch.
    pub batches: Vec<BatchRow>,
}

/// One batch in the list.
#[derive(Debug, Clone)]
pub struct BatchRow {
    /// Its number.
    pub batch: i64,
    /// The file.
    pub file: String,
    /// Its organisation.
    pub organisation: String,
    /// Its kind.
    pub kind: String,
    /// Rows read, new, changed, rejected.
    pub read: i64,
    /// New rows.
    pub new: i64,
    /// Changed rows.
    pub changed: i64,
    /// Rejected rows.
    pub rejected: i64,
    /// When and by whom.
    pub imported: String,
    /// Who.
    pub who: String,
    /// When undone, if it was.
    pub undone: Option<String>,
}

/// The dry-run page.
#[derive(Template)]
#[template(path = "import_preview.html")]
pub struct PreviewPage {
    /// The layout.
    pub layout: Layout,
    /// The held upload's id (for the confirm and cancel forms).
    pub id: String,
    /// Each file.
    pub files: Vec<FileOutcome>,
    /// True when at least one file would import something.
    pub any: bool,
}

/// The import page's query: what the last action did.
#[derive(Debug, Default, Deserialize)]
pub struct ImportQuery {
    /// Batches just imported, comma-separated.
    #[serde(default)]
    pub imported: Option<String>,
    /// A batch just undone.
    #[serde(default)]
    pub undone: Option<i64>,
    /// Nothing imported (the upload was cancelled).
    #[serde(default)]
    pub cancelled: Option<u8>,
    /// Confirmed, but every file was refused.
    #[serde(default)]
    pub none: Option<u8>,
}

/// `GET /import`.
pub async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ImportQuery>,
) -> Result<Response, PageError> {
    let (orgs, batches) = state
        .run(|r| {
            let orgs = crate::ops::orgs::organisations(r)?;
            let batches = ops::import::batches(r)?;
            Ok((orgs, batches))
        })
        .await?;
    let mut done = Vec::new();
    if let Some(list) = &q.imported {
        let ids: Vec<i64> = list.split(',').filter_map(|s| s.parse().ok()).collect();
        for b in batches.iter().filter(|b| ids.contains(&b.batch.0)) {
            done.push(format!(
                "Imported {} as batch {}: {} new, {} changed, {} rejected.",
                b.file, b.batch, b.new, b.changed, b.rejected
            ));
        }
    }
    if q.cancelled.is_some() {
        done.push("Cancelled: nothing was imported and the uploaded files were deleted.".into());
    }
    if q.none.is_some() {
        done.push("Nothing was imported: every file was refused.".into());
    }
    let page = ImportPage {
        layout: signed.layout("Import", "import"),
        organisations: orgs
            .organisations
            .iter()
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect(),
        done,
        undone: q.undone.map(|b| format!("Import batch {b} was undone.")),
        batches: batches
            .into_iter()
            .rev()
            .map(|b| BatchRow {
                batch: b.batch.0,
                file: b.file,
                organisation: b.organisation.unwrap_or_default(),
                kind: b.kind,
                read: b.read,
                new: b.new,
                changed: b.changed,
                rejected: b.rejected,
                imported: b.imported_at,
                who: b.who,
                undone: b.undone_at,
            })
            .collect(),
    };
    Ok(render(&page))
}

/// `POST /import`: holds the uploaded files and shows their dry run.
pub async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    mut form: Multipart,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    let mut organisation: Option<String> = None;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(PageError::BadRequest(format!(
                    "the upload was cut short: {e}"
                )));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| PageError::BadRequest(format!("the upload was cut short: {e}")))?;
        match (name.as_str(), file_name) {
            ("files", Some(file)) if !bytes.is_empty() || !file.is_empty() => {
                files.push((file, bytes.to_vec()));
            }
            ("org", _) => {
                let code = String::from_utf8_lossy(&bytes).trim().to_string();
                organisation = (!code.is_empty()).then_some(code);
            }
            _ => {}
        }
    }
    if files.is_empty() {
        return Err(PageError::BadRequest(
            "Choose one or more files to import.".into(),
        ));
    }
    let (id, mut held) = state.uploads.start(&signed.session.id, organisation)?;
    for (name, bytes) in &files {
        if let Err(e) = Uploads::add_file(&mut held, name, bytes) {
            Uploads::discard(&held);
            return Err(e.into());
        }
    }
    let today = state.today();
    let actor = signed.actor();
    let run_held = held.clone();
    let outcome = state
        .run(move |r| run_import(r, &run_held, today, &actor, true))
        .await;
    let files = match outcome {
        Ok(f) => f,
        Err(e) => {
            Uploads::discard(&held);
            return Err(e.into());
        }
    };
    state.uploads.keep(id.clone(), held);
    let any = files.iter().any(|f| f.refused.is_none());
    let page = PreviewPage {
        layout: signed.layout("Check the import", "import"),
        id,
        files,
        any,
    };
    Ok(render(&page))
}

/// `POST /import/{id}/confirm`: imports the held files, one batch each.
pub async fn confirm(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    let session = signed.session.id.clone();
    if !super::uploads::is_id(&id) {
        return Err(PageError::NotFound);
    }
    let Some(held) = state.uploads.get(&id, &session) else {
        return Err(gone());
    };
    let today = state.today();
    let actor = signed.actor();
    let run_held = held.clone();
    let outcome = state
        .run(move |r| run_import(r, &run_held, today, &actor, false))
        .await;
    state.uploads.drop_upload(&id, &session);
    let files = outcome?;
    let batches: Vec<String> = files
        .iter()
        .filter_map(|f| f.batch)
        .map(|b| b.to_string())
        .collect();
    if batches.is_empty() {
        return Ok(Redirect::to("/import?none=1").into_response());
    }
    Ok(Redirect::to(&format!("/import?imported={}", batches.join(","))).into_response())
}

/// `POST /import/{id}/cancel`: deletes the held files; nothing is imported.
pub async fn cancel(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    if !super::uploads::is_id(&id) {
        return Err(PageError::NotFound);
    }
    if !state.uploads.drop_upload(&id, &signed.session.id) {
        return Err(gone());
    }
    Ok(Redirect::to("/import?cancelled=1").into_response())
}

/// `POST /imports/{batch}/undo`.
pub async fn undo(
    State(state): State<AppState>,
    signed: Signed,
    Path(batch): Path<i64>,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    let actor = signed.actor();
    state
        .run(move |r| ops::import::undo(r, BatchId(batch), &actor))
        .await?;
    Ok(Redirect::to(&format!("/import?undone={batch}")).into_response())
}

fn gone() -> PageError {
    PageError::Estate(Error::new(
        ErrorKind::NotFound,
        "this upload is no longer held (it was confirmed, cancelled or left too long); \
         upload the files again",
    ))
}

/// Imports (or, with `dry_run`, rehearses) every file of `held`, one
/// batch each, as `actor`, through `ops::import`. A file the importer
/// refuses whole (a zip bomb, not a spreadsheet, no table) is reported and
/// the others go on; a database failure stops everything.
///
/// # Errors
/// The register cannot be read or written; a held file cannot be read.
pub fn run_import(
    register: &mut Register,
    held: &Held,
    today: time::Date,
    actor: &Actor,
    dry_run: bool,
) -> Result<Vec<FileOutcome>> {
    let mut request = ImportRequest::new(today, actor.clone());
    request.organisation.clone_from(&held.organisation);
    let mut out = Vec::new();
    for file in &held.files {
        let bytes = std::fs::read(&file.path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("failed to read the held `{}`: {e}", file.name),
            )
        })?;
        let input = Input::Bytes {
            name: file.name.clone(),
            bytes,
        };
        let planned = match ops::import::plan(register, input, &request) {
            Ok(p) => p,
            Err(e) if !about_the_file(&e) => return Err(e),
            Err(e) => {
                out.push(FileOutcome {
                    name: file.name.clone(),
                    refused: Some(chain(&e)),
                    headline: String::new(),
                    sheets: Vec::new(),
                    skipped: Vec::new(),
                    counts: Table::default(),
                    rejects: Table::default(),
                    notes: Vec::new(),
                    batch: None,
                });
                continue;
            }
        };
        let outcome = if dry_run {
            ops::import::dry_run(register, &planned, &mut |_| {})?
        } else {
            ops::import::commit(register, &planned, &mut |_| {})?
        };
        out.push(outcome_of(&file.name, &outcome.summary));
    }
    Ok(out)
}

/// An error and every cause under it, as one line.
fn chain(e: &Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// True when an error is about the file read, not the register or the
/// server: the page says it beside the file.
fn about_the_file(e: &Error) -> bool {
    !matches!(
        e.kind(),
        ErrorKind::Database | ErrorKind::Busy | ErrorKind::Unavailable | ErrorKind::Internal
    )
}

/// What the page shows of one file's summary.
fn outcome_of(name: &str, s: &ImportSummary) -> FileOutcome {
    let mut sheets = Vec::new();
    let mut skipped = Vec::new();
    for sheet in &s.sheets {
        if let Some(reason) = &sheet.reason {
            skipped.push(format!("Sheet {}: not read: {reason}", sheet.name));
            continue;
        }
        let mut view = View::new(&["column heading", "read as", "why"]);
        for c in &sheet.columns {
            let field = match c.field {
                Some(import::Field::Ignore) => "ignored".to_string(),
                Some(f) => f.to_string(),
                None => "notes".to_string(),
            };
            view.push(vec![
                Cell::text(&c.heading),
                Cell::text(field),
                Cell::text(source_words(c.source, s.profile.as_deref())),
            ]);
        }
        sheets.push(Table::new(
            format!(
                "Column mapping of sheet {}: {} rows of {}, headings on row {}",
                sheet.name,
                sheet.rows,
                sheet.kind.map_or("records", Kind::as_str),
                sheet.header_row.unwrap_or(0)
            ),
            view,
        ));
    }
    let mut counts = View::new(&["kind", "read", "new", "changed", "unchanged", "rejected"]);
    for k in &s.kinds {
        counts.push(vec![
            Cell::text(k.kind.map_or("all", Kind::as_str)),
            Cell::number(k.read.to_string()),
            Cell::number(k.new.to_string()),
            Cell::number(k.changed.to_string()),
            Cell::number(k.unchanged.to_string()),
            Cell::number(k.rejected.to_string()),
        ]);
    }
    let mut rejects = View::new(&["row", "file", "sheet", "column", "value", "reason"]);
    for r in &s.rejects {
        for p in &r.problems {
            rejects.push(vec![
                Cell::number(r.row.to_string()),
                Cell::text(name),
                Cell::text(&r.sheet),
                Cell::text(&p.column),
                Cell::text(&p.value),
                Cell::text(&p.reason),
            ]);
        }
    }
    let what = match (s.dry_run, s.batch) {
        (true, _) => "dry run, nothing written yet".to_string(),
        (false, Some(b)) => format!("imported as batch {b}"),
        (false, None) => "nothing written".to_string(),
    };
    FileOutcome {
        name: name.to_string(),
        refused: None,
        headline: format!("{} ({what}): {}", s.format, s.headline()),
        sheets,
        skipped,
        counts: Table::new(format!("What {name} holds"), counts),
        rejects: Table::new(
            format!("Rows of {name} that would be rejected, with the reason"),
            rejects,
        ),
        notes: s.notes.clone(),
        batch: s.batch.map(|b| b.0),
    }
}

/// Where a column's reading came from, in words.
fn source_words(source: import::mapping::Source, profile: Option<&str>) -> String {
    use import::mapping::Source;
    match source {
        Source::Map => "mapped by hand".into(),
        Source::AgeFrom => "an enrolment date standing in for the in-service date".into(),
        Source::Profile => format!("profile {}", profile.unwrap_or("")),
        Source::Dictionary => "built in".into(),
        Source::Vocabulary => "the register's vocabulary".into(),
        Source::Unknown => "no field for it: kept in notes".into(),
        Source::Duplicate => "another column already fills the field".into(),
        Source::NotOrganisation => "none of its values is an organisation in the register".into(),
        Source::NotForKind => "not a field of these records".into(),
    }
}
