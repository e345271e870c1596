//! Imports supplier spreadsheets into the register: hardware asset reports,
//! telecoms line schedules, software licensing statements and inventory-tool
//! exports, as they come.
//!
//! The work is split so each part can be tested alone:
//! - [`read`] turns a file (xlsx, xlsm, xlsb, xls, ods, csv) into rows of cells,
//!   after [`bounds`] has refused a file that would make it do unbounded work;
//! - [`header`] finds the table in a sheet (the header row, the totals row);
//! - [`mapping`] turns cells into register records plus row problems
//!   (parsing never fails; nothing there touches the database);
//! - [`profiles`] holds the mapping profiles from `data/profiles/`;
//! - [`identities`] holds the serials, tags and other keys records are
//!   matched by, compactly;
//! - [`reading`] reads and parses a plan's tables, without the register (the
//!   import's reading half, run on its own thread);
//! - [`store`] writes one file as one batch in one transaction, and undoes it.
//!
//! Use: [`plan`] a file (finds each sheet's table and what it holds, and
//! reads on through the columns whose whole decides how they are read: the
//! order of a date column's days and months, whether an organisation
//! column names organisations), then [`commit`] the plan (streams every row
//! into the register, or only reports what would change with `dry_run`).
//! This module never prints: progress goes to a callback, results come back
//! as an [`ImportSummary`].

pub mod bounds;
pub mod header;
pub mod identities;
pub mod mapping;
pub mod markup;
pub mod profiles;
pub mod read;
pub mod reading;
pub mod store;
pub mod xlsx_merges;

use std::io::Read as _;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

use crate::db::DbError;
use crate::domain::{BatchId, Rate};
use crate::register::RegisterError;

pub use mapping::{Column, DateColumn, DateOrder, Field, Kind, Problem};
pub use profiles::{Profile, builtin_profiles, load_profile};
pub use read::Format;
pub use store::{
    BatchRecord, UndoSummary, commit, create_rejects_file, list_batches, undo, write_rejects,
    write_rejects_to,
};

/// What went wrong with an import as a whole (a bad row is not an error:
/// it is a reject in the summary). Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read from disk.
    #[error("cannot read `{file}`")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The workbook is password-protected.
    #[error(
        "`{file}` is password-protected (encrypted), so it cannot be read; open it in Excel, \
         remove the password (File > Info > Protect Workbook > Encrypt with Password) and save a \
         copy, then import that"
    )]
    Encrypted {
        /// The file.
        file: String,
    },
    /// A file estate writes (the rejects) could not be written.
    #[error("cannot write `{file}`")]
    Write {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is damaged or not what it claims to be.
    #[error(
        "`{file}` is damaged or not a complete spreadsheet ({detail}); open it in Excel and save \
         it again, or ask the supplier for a new copy"
    )]
    Damaged {
        /// The file.
        file: String,
        /// What the reader found.
        detail: String,
    },
    /// The file is not a spreadsheet or text file.
    #[error("`{file}` cannot be imported: {detail}")]
    NotASpreadsheet {
        /// The file.
        file: String,
        /// What it is instead.
        detail: String,
    },
    /// The file would take unbounded work to read.
    #[error("`{file}` is refused as too large to read safely: {detail}")]
    TooLarge {
        /// The file.
        file: String,
        /// What is too large.
        detail: String,
    },
    /// `--sheet` named a sheet the workbook does not have.
    #[error("`{file}` has no sheet `{sheet}`; its sheets are: {sheets}")]
    NoSuchSheet {
        /// The file.
        file: String,
        /// The sheet asked for.
        sheet: String,
        /// The sheets it has, comma separated.
        sheets: String,
    },
    /// No sheet holds a table estate recognises.
    #[error(
        "`{file}` holds no table of records estate recognises ({reasons}); say what its columns \
         are with --map \"Heading=field\" or --profile, or teach the register a heading with \
         `estate vocabulary add heading \"Heading\" field`"
    )]
    NoTable {
        /// The file.
        file: String,
        /// Why each sheet was skipped.
        reasons: String,
    },
    /// The file is not a list of assets, lines or licences at all.
    #[error(
        "`{file}` is not a list of assets, lines or licences: it looks like {looks_like}; its \
         headings are {headings}. Nothing was imported"
    )]
    NotAList {
        /// The file.
        file: String,
        /// What it looks like instead.
        looks_like: String,
        /// Its headings, quoted, comma separated.
        headings: String,
    },
    /// Every row was rejected: nothing was imported and no batch recorded.
    #[error(
        "`{file}`: all {rejected} row(s) were rejected, so nothing was imported and no batch was \
         recorded; fix them (--rejects FILE.csv lists them with reasons) and import again"
    )]
    AllRejected {
        /// The file.
        file: String,
        /// How many rows were rejected.
        rejected: u64,
        /// The full summary of what would have happened.
        summary: Box<ImportSummary>,
    },
    /// A `--map` or `--kind` option is malformed.
    #[error("{0}")]
    BadOption(String),
    /// A profile could not be found or read.
    #[error("profile `{name}`: {message}")]
    Profile {
        /// The name or path given.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The file changed between planning and committing.
    #[error("`{file}` changed while it was being imported; run the import again")]
    Changed {
        /// The file.
        file: String,
    },
    /// `--strict` and some rows were rejected: nothing was written.
    #[error(
        "`{file}`: {rejected} row(s) rejected, so nothing was imported (--strict); fix them \
         (--rejects FILE.csv lists them with reasons) or import without --strict"
    )]
    Strict {
        /// The file.
        file: String,
        /// How many rows were rejected.
        rejected: u64,
        /// The full summary of what would have happened.
        summary: Box<ImportSummary>,
    },
    /// No batch with that number.
    #[error("there is no import batch {0}; `estate imports` lists them")]
    NoSuchBatch(i64),
    /// The batch was undone already.
    #[error("import batch {batch} was already undone at {at}")]
    AlreadyUndone {
        /// The batch.
        batch: i64,
        /// When.
        at: String,
    },
    /// Later changes depend on the batch.
    #[error("import batch {batch} cannot be undone: {reason}")]
    UndoRefused {
        /// The batch.
        batch: i64,
        /// What depends on it, and what to do.
        reason: String,
    },
    /// A bug in estate: an invariant did not hold. Nothing was written.
    #[error("internal error ({0}); nothing was imported; please report this")]
    Internal(String),
    /// The register refused something (unknown organisation, …).
    #[error(transparent)]
    Register(#[from] RegisterError),
    /// A database failure; nothing was written.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Db(DbError::from(e))
    }
}

/// Everything an import is told, validated.
#[derive(Debug, Clone)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each bool is an independent command-line switch, as the flags are"
)]
pub struct ImportOptions {
    /// The organisation the rows belong to (code), unless a column says.
    pub organisation: Option<String>,
    /// Read only this sheet.
    pub sheet: Option<String>,
    /// The headings are on this row (as Excel numbers it), not searched
    /// for in the first rows (`--header-row`).
    pub header_row: Option<u32>,
    /// The heading of an enrolment or first-seen date column to read as
    /// the in-service date (`--age-from`), for a file with no purchase date.
    pub age_from: Option<String>,
    /// With `--org`: an organisation column is not read as organisations,
    /// every row going into `--org` and the column's values into notes
    /// (`--org-column-as-notes`).
    pub org_column_as_notes: bool,
    /// A profile name or path.
    pub profile: Option<String>,
    /// What the sheets hold, overriding detection.
    pub kind: Option<Kind>,
    /// `--map` overrides: heading → field.
    pub maps: Vec<(String, Field)>,
    /// Read `03/04/2024` month-first in every date column (`--us-dates`).
    pub us_dates: bool,
    /// Read `03/04/2024` day-first in every date column (`--uk-dates`).
    /// With neither, each column's own unambiguous values decide.
    pub uk_dates: bool,
    /// The VAT rate taken off "inc VAT" money columns.
    pub vat_rate: Rate,
    /// Refuse the whole file if any row is rejected.
    pub strict: bool,
    /// Report what would change without writing.
    pub dry_run: bool,
    /// Take amounts over £10,000,000, otherwise rejected as slips.
    pub force: bool,
    /// Today (dates after it are rejected as in-service dates).
    pub today: Date,
    /// The command line, recorded in the audit trail.
    pub command: String,
    /// Who ran it, recorded with the batch and in the audit trail.
    pub who: String,
    /// The words the register was taught (`estate vocabulary`), used on
    /// top of the built-in ones.
    pub taught: crate::vocabulary::Taught,
    /// The register's organisations, when the caller has them: an
    /// organisation column one of whose first values names one needs no
    /// further reading to know it is one.
    pub organisations: Option<Vec<crate::register::Organisation>>,
    /// New records of one kind after which a load counts as bulk and its
    /// table's secondary indexes are built after it
    /// ([`store::BULK_LOAD_ROWS`]; `u64::MAX` keeps them throughout, as
    /// the bench's comparison does).
    pub bulk_load_rows: u64,
}

impl ImportOptions {
    /// The date order a flag forces, with the flag.
    pub fn forced_date_order(&self) -> Option<(DateOrder, &'static str)> {
        if self.us_dates {
            Some((DateOrder::MonthFirst, "--us-dates"))
        } else if self.uk_dates {
            Some((DateOrder::DayFirst, "--uk-dates"))
        } else {
            None
        }
    }

    /// Defaults: VAT 20%, UK dates, every sheet, detected kind.
    pub fn new(today: Date) -> Self {
        ImportOptions {
            organisation: None,
            sheet: None,
            header_row: None,
            age_from: None,
            org_column_as_notes: false,
            profile: None,
            kind: None,
            maps: Vec::new(),
            us_dates: false,
            uk_dates: false,
            vat_rate: Rate::from_percent(Decimal::from(20)),
            strict: false,
            dry_run: false,
            force: false,
            today,
            command: "estate import".into(),
            who: crate::register::UNKNOWN_WHO.into(),
            taught: crate::vocabulary::Taught::default(),
            organisations: None,
            bulk_load_rows: store::BULK_LOAD_ROWS,
        }
    }
}

/// Reads a `--map "Heading=field"` option.
///
/// # Errors
/// [`ImportError::BadOption`] when there is no `=` or the field is unknown.
pub fn parse_map(text: &str) -> Result<(String, Field), ImportError> {
    let Some((heading, field)) = text.rsplit_once('=') else {
        return Err(ImportError::BadOption(format!(
            "--map `{text}`: write it as \"Column heading=field\", e.g. \"Service Tag=serial\""
        )));
    };
    if heading.trim().is_empty() {
        return Err(ImportError::BadOption(format!(
            "--map `{text}`: the heading is empty"
        )));
    }
    let field = field
        .parse::<Field>()
        .map_err(|e| ImportError::BadOption(format!("--map `{text}`: {e}")))?;
    Ok((heading.trim().to_string(), field))
}

/// The table found in one sheet.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The header row as Excel numbers it.
    pub header_row: u32,
    /// What the sheet holds.
    pub kind: Kind,
    /// Its columns and what each fills.
    pub columns: Vec<Column>,
    /// The order each date column's numeric dates are read in, decided
    /// from the whole column.
    pub dates: Vec<DateColumn>,
    /// The distinct values of its organisation column (at most
    /// [`ORG_VALUES_KEPT`]), for deciding whether the column names
    /// organisations at all.
    #[serde(skip)]
    pub organisation_values: Vec<String>,
}

/// How many distinct values of an organisation column a plan keeps.
pub const ORG_VALUES_KEPT: usize = 1_000;

/// One sheet of a plan: its table, or why it is skipped.
#[derive(Debug, Clone, Serialize)]
pub struct SheetPlan {
    /// The sheet's name.
    pub name: String,
    /// The table, when there is one.
    pub table: Option<Table>,
    /// Why the sheet is skipped, when it is.
    pub skipped: Option<String>,
}

/// What an import of one file will read, found without writing anything.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The file.
    pub path: PathBuf,
    /// Its name, for messages.
    pub file: String,
    /// Its SHA-256 (hex).
    pub sha256: String,
    /// The format its content turned out to be.
    pub format: Format,
    /// The profile used, if any.
    pub profile: Option<String>,
    /// The profile says an unknown class word falls back to the model.
    pub class_fallback: bool,
    /// Each sheet, in workbook order.
    pub sheets: Vec<SheetPlan>,
    /// Things worth telling the user (e.g. "read as CSV despite its name").
    pub notes: Vec<String>,
    /// The workbook as `plan` opened it, for the import to read on.
    book: OpenBook,
}

/// The workbook [`plan`] opened, handed on to [`commit`] so that a file is
/// opened once, not twice: opening an xlsx reads all its shared strings,
/// seconds for a large workbook that Excel saved. The first import of a
/// plan takes it; another (of a clone of the plan) opens the file again.
#[derive(Clone, Default)]
struct OpenBook(std::sync::Arc<std::sync::Mutex<Option<read::Workbook>>>);

impl std::fmt::Debug for OpenBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenBook")
    }
}

impl ImportPlan {
    /// The workbook `plan` opened, if no import has taken it yet.
    pub(crate) fn take_book(&self) -> Option<read::Workbook> {
        self.book.0.lock().ok()?.take()
    }

    /// The sheets that will be read.
    pub fn tables(&self) -> impl Iterator<Item = (&str, &Table)> {
        self.sheets
            .iter()
            .filter_map(|s| s.table.as_ref().map(|t| (s.name.as_str(), t)))
    }
}

/// The SHA-256 of a file, streamed.
///
/// # Errors
/// The file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String, ImportError> {
    let io = |source| ImportError::Io {
        file: read::display_name(path),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hex(&hasher.finalize()))
}

/// Bytes as lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The heading dictionary, profile and overrides one import uses.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// The built-in headings.
    pub dictionary: mapping::Dictionary,
    /// The chosen profile.
    pub profile: Option<Profile>,
    /// `--map` overrides.
    pub maps: Vec<(String, Field)>,
}

impl Vocabulary {
    /// The vocabulary `opts` asks for.
    ///
    /// # Errors
    /// An unknown or malformed profile.
    pub fn for_options(opts: &ImportOptions) -> Result<Self, ImportError> {
        let mut dictionary = mapping::Dictionary::builtin();
        for (heading, field) in &opts.taught.headings {
            dictionary.teach(heading, *field);
        }
        Ok(Vocabulary {
            dictionary,
            profile: opts.profile.as_deref().map(load_profile).transpose()?,
            maps: opts.maps.clone(),
        })
    }

    /// True when a heading means a field.
    pub fn knows(&self, heading: &str) -> bool {
        let n = mapping::normalise_heading(heading);
        self.maps
            .iter()
            .any(|(h, _)| mapping::normalise_heading(h) == n)
            || self
                .profile
                .as_ref()
                .is_some_and(|p| p.columns.lookup(heading).is_some())
            || self.dictionary.lookup(heading).is_some()
    }
}

/// Looks at a file without writing anything: its format and checksum, each
/// sheet's header row, columns and kind, and why other sheets are skipped.
///
/// # Errors
/// The file cannot be read, is encrypted, damaged or not a spreadsheet;
/// `--sheet` names no sheet; no sheet holds a table; a bad profile.
pub fn plan(path: &Path, opts: &ImportOptions) -> Result<ImportPlan, ImportError> {
    let vocab = Vocabulary::for_options(opts)?;
    let mut book = read::Workbook::open(path)?;
    let file = book.file().to_string();
    let mut notes = Vec::new();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if book.format() == Format::Text
        && matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
    {
        notes.push(format!(
            "`{file}` is a text (CSV) file despite its .{ext} name; it was read as CSV"
        ));
    }
    let infos = book.sheets();
    if let Some(wanted) = &opts.sheet {
        if !infos
            .iter()
            .any(|s| s.name.eq_ignore_ascii_case(wanted.trim()))
        {
            return Err(ImportError::NoSuchSheet {
                file,
                sheet: wanted.clone(),
                sheets: infos
                    .iter()
                    .map(|s| format!("`{}`", s.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let mut sheets = Vec::new();
    let mut not_lists: Vec<(String, String)> = Vec::new();
    for info in &infos {
        let chosen = opts
            .sheet
            .as_ref()
            .map(|w| info.name.eq_ignore_ascii_case(w.trim()));
        if chosen == Some(false) {
            continue;
        }
        let skip = |reason: &str| SheetPlan {
            name: info.name.clone(),
            table: None,
            skipped: Some(reason.into()),
        };
        if !info.is_worksheet {
            sheets.push(skip("a chart or macro sheet, not a worksheet"));
            continue;
        }
        if info.hidden && chosen.is_none() {
            sheets.push(skip("hidden (name it with --sheet to read it)"));
            continue;
        }
        let merges = book.merges(&info.name);
        let mut top = Vec::new();
        book.for_each_row(&info.name, &mut |row| {
            let number = row.number;
            if !row.is_blank() {
                top.push(row);
            }
            let enough = match opts.header_row {
                Some(wanted) => number >= wanted,
                None => top.len() >= header::HEADER_SCAN_ROWS,
            };
            if enough {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        if top.is_empty() {
            sheets.push(skip("empty"));
            continue;
        }
        if let Some(wanted) = opts.header_row {
            if header::header_at(&top, &merges, wanted).is_none() {
                sheets.push(skip(&format!(
                    "--header-row {wanted}: row {wanted} has nothing in it"
                )));
                continue;
            }
        }
        let found = match opts.header_row {
            Some(wanted) => header::header_at(&top, &merges, wanted),
            None => header::find_header(&top, &merges, &|h| vocab.knows(h)),
        };
        let Some(head) = found else {
            // No heading estate knows: a list of people or places still
            // says what it is by its first row.
            if let Some(first) = top.first() {
                let headings: Vec<String> = first
                    .cells
                    .iter()
                    .map(|v| v.display().trim().to_string())
                    .filter(|h| !h.is_empty())
                    .collect();
                let compared: Vec<String> = headings
                    .iter()
                    .map(|h| mapping::normalise_heading(h))
                    .collect();
                if let Some(looks) = mapping::looks_like(&compared) {
                    not_lists.push((
                        looks.to_string(),
                        headings
                            .iter()
                            .map(|h| format!("`{h}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ));
                }
            }
            sheets.push(skip(&format!(
                "no row of column headings estate knows in its first {} rows (such as Serial \
                 Number, Asset Tag, Model, CLI, Product; if they are further down, say which \
                 row with --header-row N)",
                header::HEADER_SCAN_ROWS
            )));
            continue;
        };
        let (mut columns, kind) = mapping::map_columns(
            &head.headings,
            &vocab.dictionary,
            vocab.profile.as_ref(),
            &vocab.maps,
            opts.kind,
        );
        if kind == Some(Kind::Hardware) {
            notes.extend(age_from(
                &mut columns,
                opts,
                vocab.profile.as_ref(),
                &info.name,
            )?);
        }
        let Some(kind) = kind else {
            sheets.push(skip(&format!(
                "its headings (row {}) do not say whether it holds hardware, lines or licences; use --kind",
                head.row
            )));
            continue;
        };
        if let Some(looks_like) = mapping::not_a_list(&columns, kind) {
            let headings = head
                .headings
                .iter()
                .filter(|h| !h.is_empty())
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ");
            sheets.push(skip(&format!(
                "not a list of assets, lines or licences: it looks like {looks_like}"
            )));
            not_lists.push((looks_like, headings));
            continue;
        }
        // The whole column decides how its dates are read, and whether an
        // organisation column names organisations. The rows read to find
        // the header often settle both (no numeric dates whose order
        // matters; an organisation the register holds); otherwise the sheet
        // is read once more, before any row is read as a record.
        let forced = opts.forced_date_order();
        let org_index = columns
            .iter()
            .find(|c| c.field == Some(Field::Organisation))
            .map(|c| c.index)
            .filter(|_| opts.organisation.is_some());
        let mut evidence = mapping::DateEvidence::new(&columns);
        let mut org_values = std::collections::BTreeSet::new();
        let observe = |row: &read::Row,
                       evidence: &mut mapping::DateEvidence,
                       org_values: &mut std::collections::BTreeSet<String>| {
            if row.number > head.row && !row.is_blank() {
                evidence.observe(row);
                if let Some(v) = org_index.and_then(|i| row.cells.get(i)) {
                    let text = v.display();
                    let text = text.trim();
                    if !text.is_empty() && org_values.len() < ORG_VALUES_KEPT {
                        org_values.insert(text.to_string());
                    }
                }
            }
        };
        for row in &top {
            observe(row, &mut evidence, &mut org_values);
        }
        let whole_sheet_read = opts.header_row.is_none() && top.len() < header::HEADER_SCAN_ROWS;
        let org_settled = org_index.is_none()
            || opts.organisations.as_ref().is_some_and(|orgs| {
                org_values
                    .iter()
                    .any(|v| store::match_organisation(v, orgs).is_ok())
            });
        let dates_settled = forced.is_some() || !evidence.any_seen();
        let settled = whole_sheet_read || (org_settled && dates_settled);
        if !settled {
            evidence = mapping::DateEvidence::new(&columns);
            org_values.clear();
            book.for_each_row(&info.name, &mut |row| {
                observe(&row, &mut evidence, &mut org_values);
                ControlFlow::Continue(())
            })?;
        }
        sheets.push(SheetPlan {
            name: info.name.clone(),
            table: Some(Table {
                header_row: head.row,
                kind,
                columns,
                dates: match forced {
                    Some((order, flag)) => evidence.forced(order, flag),
                    None => evidence.decide(None),
                },
                organisation_values: org_values.into_iter().collect(),
            }),
            skipped: None,
        });
    }
    if !sheets.iter().any(|s| s.table.is_some()) {
        if let Some((looks_like, headings)) = not_lists.into_iter().next() {
            return Err(ImportError::NotAList {
                file,
                looks_like,
                headings,
            });
        }
        if book.format() == Format::Text && notes.iter().any(|n| n.contains("despite its")) {
            return Err(ImportError::NotASpreadsheet {
                detail: format!(
                    "its name says .{ext} but it holds {} of plain text (`{}`), with no table of records in it",
                    byte_count(path),
                    text_start(path)
                ),
                file,
            });
        }
        let reasons = if sheets.is_empty() {
            "it has no sheets".to_string()
        } else {
            sheets
                .iter()
                .map(|s| format!("sheet `{}`: {}", s.name, s.skipped.as_deref().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Err(ImportError::NoTable { file, reasons });
    }
    Ok(ImportPlan {
        sha256: sha256_file(path)?,
        path: path.to_path_buf(),
        file,
        format: book.format(),
        class_fallback: vocab.profile.as_ref().is_some_and(|p| p.class_fallback),
        profile: vocab.profile.map(|p| p.name),
        sheets,
        notes,
        book: OpenBook(std::sync::Arc::new(std::sync::Mutex::new(Some(book)))),
    })
}

/// Headings of the dates a device-management or inventory tool gives in
/// place of a purchase date (compared normalised).
const ENROLMENT_HEADINGS: &[&str] = &[
    "enrolment date",
    "enrollment date",
    "enrolled",
    "enrolled date",
    "enrolled on",
    "enrolment",
    "enrollment",
    "last enrollment",
    "last enrolment",
    "first seen",
    "first seen date",
    "registered",
    "registered date",
    "registration date",
    "date registered",
    "initial entry date",
    "created date",
    "date added",
    "first enrolled",
];

/// Applies `--age-from` (or the profile's `age from`) to a hardware
/// sheet's columns: the named column becomes the in-service date, its
/// assets marked "age estimated from enrolment". Without it, a sheet with
/// no in-service date but an enrolment-like column gets a note suggesting
/// the flag.
///
/// # Errors
/// [`ImportError::BadOption`] when `--age-from` names no column of the
/// sheet, or the sheet has a purchase date of its own.
fn age_from(
    columns: &mut [Column],
    opts: &ImportOptions,
    profile: Option<&profiles::Profile>,
    sheet: &str,
) -> Result<Vec<String>, ImportError> {
    let from_flag = opts.age_from.is_some();
    let wanted = opts
        .age_from
        .clone()
        .or_else(|| profile.and_then(|p| p.age_from.clone()));
    let dated = columns
        .iter()
        .find(|c| c.field == Some(Field::InServiceDate))
        .map(|c| c.heading.clone());
    let Some(wanted) = wanted else {
        if dated.is_some() {
            return Ok(Vec::new());
        }
        let like = columns.iter().find(|c| {
            let n = mapping::normalise_heading(&c.heading);
            ENROLMENT_HEADINGS.contains(&n.as_str())
        });
        return Ok(like
            .map(|c| {
                format!(
                    "sheet `{sheet}`: no purchase or in-service date, so the assets' age is not \
                     known; `{h}` looks like an enrolment date: --age-from \"{h}\" reads it as a \
                     stand-in in-service date (the assets marked \"{}\")",
                    mapping::AGE_ESTIMATED,
                    h = c.heading
                )
            })
            .into_iter()
            .collect());
    };
    let n = mapping::normalise_heading(&wanted);
    let Some(index) = columns
        .iter()
        .position(|c| mapping::normalise_heading(&c.heading) == n)
    else {
        if !from_flag {
            return Ok(Vec::new());
        }
        return Err(ImportError::BadOption(format!(
            "--age-from `{wanted}`: sheet `{sheet}` has no column headed so; its headings are {}",
            columns
                .iter()
                .map(|c| format!("`{}`", c.heading))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    if let Some(heading) = dated.filter(|h| mapping::normalise_heading(h) != n) {
        if !from_flag {
            return Ok(Vec::new());
        }
        return Err(ImportError::BadOption(format!(
            "--age-from `{wanted}`: sheet `{sheet}` has a purchase date of its own, `{heading}`, \
             which gives the assets' age; drop --age-from, or add --map \"{heading}=ignore\" to \
             use `{wanted}` instead"
        )));
    }
    if let Some(c) = columns.get_mut(index) {
        c.field = Some(Field::InServiceDate);
        c.source = mapping::Source::AgeFrom;
    }
    Ok(Vec::new())
}

fn byte_count(path: &Path) -> String {
    match std::fs::metadata(path).map(|m| m.len()) {
        Ok(1) => "1 byte".into(),
        Ok(n) => format!("{n} bytes"),
        Err(_) => "an unknown number of bytes".into(),
    }
}

/// The first line of a text file, shortened, for a message.
fn text_start(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    let text =
        String::from_utf8_lossy(bytes.get(..bytes.len().min(200)).unwrap_or_default()).into_owned();
    let line = text.lines().next().unwrap_or("").trim();
    let short: String = line.chars().take(80).collect();
    if short.len() < line.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Counts for one kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    /// What kind.
    pub kind: Option<Kind>,
    /// Records read (a quantity row counts each asset), plus rejected rows.
    pub read: u64,
    /// Added to the register.
    pub new: u64,
    /// Already there, with fields changed.
    pub changed: u64,
    /// Already there, nothing different.
    pub unchanged: u64,
    /// Rows rejected.
    pub rejected: u64,
}

/// One sheet in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SheetSummary {
    /// Its name.
    pub name: String,
    /// `read` or `skipped`.
    pub status: &'static str,
    /// Why it was skipped.
    pub reason: Option<String>,
    /// The header row.
    pub header_row: Option<u32>,
    /// What it held.
    pub kind: Option<Kind>,
    /// Data rows read (blank rows and rows below a totals row not counted).
    pub rows: u64,
    /// The row of the totals line reading stopped at, if any.
    pub totals_row: Option<u32>,
    /// Rows below the header that are not records (a repeated header, a
    /// section heading, a subtotal), as `row N: why`.
    pub skipped_rows: Vec<String>,
    /// Its columns and what each filled.
    pub columns: Vec<Column>,
    /// The order each date column was read in, and why.
    pub dates: Vec<DateColumn>,
}

/// A rejected row: where it is and everything wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// The sheet.
    pub sheet: String,
    /// The row as Excel numbers it.
    pub row: u32,
    /// Each problem (column, value, reason).
    pub problems: Vec<Problem>,
    /// The row's cells under their headings, for `--rejects`.
    #[serde(skip)]
    pub cells: Vec<(String, String)>,
}

impl Reject {
    /// One line per problem: ``file, sheet `S`, row 14, column `Unit Price`: `12,34.5` is not an amount``.
    pub fn lines(&self, file: &str) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| {
                let value = p.quoted_value();
                format!(
                    "{file}, sheet `{}`, row {}, column `{}`: {value}{}",
                    self.sheet, self.row, p.column, p.reason
                )
            })
            .collect()
    }
}

impl Problem {
    /// The value in backquotes and a space, ready to go before the reason
    /// (nothing when the cell was empty or the reason already quotes it).
    pub fn quoted_value(&self) -> String {
        let quoted = format!("`{}`", self.value);
        if self.value.is_empty() || self.reason.starts_with(&quoted) {
            String::new()
        } else {
            quoted + " "
        }
    }
}

/// How many rejects the summary lists (all are in `--rejects`).
pub const FIRST_REJECTS: usize = 20;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    /// The file's name.
    pub file: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The format its content turned out to be.
    pub format: String,
    /// The batch written (none for a dry run or a refused import).
    pub batch: Option<BatchId>,
    /// True when nothing was written.
    pub dry_run: bool,
    /// The profile used.
    pub profile: Option<String>,
    /// The organisation the rows went to, when one was given or implied.
    pub organisation: Option<String>,
    /// Each sheet: read or skipped and why.
    pub sheets: Vec<SheetSummary>,
    /// Counts per kind (only kinds that were read), then the total.
    pub kinds: Vec<KindCounts>,
    /// All kinds together.
    pub total: KindCounts,
    /// The first rejects.
    pub first_rejects: Vec<Reject>,
    /// Every reject (for `--rejects`).
    #[serde(skip)]
    pub rejects: Vec<Reject>,
    /// Columns kept in notes, as ``sheet `S`: `Heading` ``.
    pub unknown_columns: Vec<String>,
    /// What else the user should know (VAT converted, tags generated, …).
    pub notes: Vec<String>,
    /// Existing assets whose tag or serial this import changed, each by name.
    pub identity_changes: Vec<IdentityChange>,
    /// Statuses the file gave that the register did not take: an asset
    /// becomes `disposed` only through `estate dispose`, and leaves it only
    /// through `estate dispose --undo`.
    pub statuses_not_taken: Vec<StatusNotTaken>,
    /// The secondary indexes this import dropped for a bulk load and built
    /// again before its commit (see [`store::BULK_LOAD_ROWS`]); empty for
    /// an import too small to be one, and for a dry run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indexes_rebuilt: Vec<String>,
}

/// An existing asset's tag or serial that an import changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityChange {
    /// The sheet of the row that changed it.
    pub sheet: String,
    /// The row, as Excel numbers it.
    pub row: u32,
    /// The organisation's code.
    pub organisation: String,
    /// `tag` or `serial`.
    pub field: &'static str,
    /// Before (none: the asset had no serial).
    pub old: Option<String>,
    /// After.
    pub new: Option<String>,
    /// What the row matched the asset by: `serial` or `tag`.
    pub matched_by: &'static str,
    /// The serial or tag it matched, as the register held it.
    pub matched_value: String,
}

impl std::fmt::Display for IdentityChange {
    /// `tag PC-1 → NEW-1, matched by serial SN-1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} \u{2192} {}, matched by {} {}",
            self.field,
            self.old.as_deref().unwrap_or("(none)"),
            self.new.as_deref().unwrap_or("(none)"),
            self.matched_by,
            self.matched_value
        )
    }
}

/// A status a row gave that the register did not take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusNotTaken {
    /// The sheet.
    pub sheet: String,
    /// The row, as Excel numbers it.
    pub row: u32,
    /// The organisation's code.
    pub organisation: String,
    /// The asset's tag.
    pub asset_tag: String,
    /// The status the file gave.
    pub given: crate::domain::AssetStatus,
    /// The status the asset has in the register after the import.
    pub status: crate::domain::AssetStatus,
    /// Why, and the command that does what the file meant.
    pub reason: String,
}

/// How many identity changes and statuses not taken an import's text
/// summary lists (`--format json` has them all).
pub const FIRST_LISTED: usize = 20;

impl ImportSummary {
    /// "3 new, 1 changed, 120 unchanged, 2 rejected".
    pub fn headline(&self) -> String {
        let t = &self.total;
        format!(
            "{} new, {} changed, {} unchanged, {} rejected",
            t.new, t.changed, t.unchanged, t.rejected
        )
    }
}
