//! `estate demo` as a use case: build a fresh sample register from the
//! sample supplier spreadsheets in a folder (import them all, forecast the
//! programme, write the Cabinet workbook and page), beside their places, and
//! put everything in place only once all of it is built. A folder holding a
//! register, log file or report the demo did not make is refused.

use std::path::{Path, PathBuf};
use std::time::Duration;

use time::Date;

use crate::db;
use crate::domain::FinancialYear;
use crate::error::{Context, Error, ErrorKind, Result};
use crate::forecast::{Horizon, Request};
use crate::import::ImportSummary;
use crate::output_file::{OutputFile, Protected, Refused, check, with_suffix};
use crate::register::Actor;

use super::Register;
use super::forecast::Forecast;
use super::import::{ImportRequest, Input, Refusal};
use super::orgs::Organisations;

/// A sample estate built beside its place, not yet in place.
pub struct Demo {
    /// Where the register goes.
    pub db_path: PathBuf,
    /// The Cabinet workbook and page, where they go.
    pub reports: [PathBuf; 2],
    /// What each sample spreadsheet's import did, in name order.
    pub imports: Vec<ImportSummary>,
    /// The sample's organisations.
    pub organisations: Organisations,
    /// Its five-year programme from the year containing today.
    pub forecast: Forecast,
    /// The years of that programme.
    pub horizon: Horizon,
    register: OutputFile,
    written: Vec<OutputFile>,
}

/// Builds the sample estate for folder `dir` (created if need be), as of
/// `today`, recording `actor`; nothing is in place until
/// [`Demo::put_in_place`].
///
/// # Errors
/// `dir` is a file or holds a register or report the demo did not make
/// (refused); the sample spreadsheets are not found; an import, the
/// forecast or the report fails.
pub fn build(dir: &Path, today: Date, actor: &Actor, busy_timeout: Duration) -> Result<Demo> {
    if dir.exists() && !dir.is_dir() {
        return Err(Refused::new(
            dir,
            "it is a file, and demo writes into a folder",
            format!(
                "run `estate demo --out {}` to build the sample in a new folder",
                free_folder(dir).display()
            ),
        )
        .into());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create folder `{}`", dir.display()))?;
    let db_path = dir.join("estate.db");
    let reports = [
        dir.join("capital-programme.xlsx"),
        dir.join("capital-programme.html"),
    ];
    refuse_what_is_not_ours(dir, &db_path, &reports)?;
    // Built beside its place and moved there at the end: a demo that fails
    // leaves the folder as it was.
    let register_file = OutputFile::reserve(&db_path);
    super::policy::create_sample(register_file.temp_path(), busy_timeout, actor)?;
    let mut register = Register::open(register_file.temp_path(), busy_timeout)?;
    // The main job: every supplier spreadsheet of the sample set, imported as it comes.
    let request = ImportRequest::new(today, actor.clone());
    let mut imports = Vec::new();
    for file in sample_files()? {
        let outcome = super::import::import(
            &mut register,
            Input::Path(file),
            &request,
            false,
            &mut |_| (),
        )?;
        if outcome.refused == Some(Refusal::AllRejected) {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "`{}`: all {} row(s) were rejected, so nothing was imported and no batch was \
                     recorded; fix them (--rejects FILE.csv lists them with reasons) and import again",
                    outcome.summary.file, outcome.summary.total.rejected
                ),
            ));
        }
        imports.push(outcome.summary);
    }
    let organisations = super::orgs::organisations(&register)?;
    let horizon = Horizon::new(FinancialYear::containing(today), 5)?;
    let forecast = super::forecast::forecast(&mut register, &Request::new(horizon), None)?;
    let written = super::report::sample(&register, today, &reports[0], &reports[1])
        .context("failed to write the sample estate's Cabinet report")?;
    drop(register);
    Ok(Demo {
        db_path,
        reports,
        imports,
        organisations,
        forecast,
        horizon,
        register: register_file,
        written,
    })
}

impl Demo {
    /// Puts the register and its reports in place. A sample register's own
    /// log files go first, so no old log is read against the new register.
    ///
    /// # Errors
    /// A file cannot be moved into place.
    pub fn put_in_place(self) -> Result<()> {
        let db_path = &self.db_path;
        let moved = |e: String| {
            Error::new(
                ErrorKind::Io,
                format!("failed to put `{}` in place: {e}", db_path.display()),
            )
        };
        db::settle(self.register.temp_path()).map_err(|e| moved(e.to_string()))?;
        for suffix in ["-wal", "-shm", "-journal"] {
            let sidecar = with_suffix(db_path, suffix);
            if sidecar.exists() {
                std::fs::remove_file(&sidecar)
                    .with_context(|| format!("failed to remove `{}`", sidecar.display()))?;
            }
        }
        self.register.commit().map_err(|e| moved(e.to_string()))?;
        for file in self.written {
            let target = file.target().to_path_buf();
            file.commit()
                .with_context(|| format!("failed to write `{}`", target.display()))?;
        }
        Ok(())
    }
}

/// Refuses (a usage error) to build the sample in `dir` over a register, a
/// log file or a report `estate demo` did not make there: a register it made
/// is marked ([`db::mark_sample`]), and the reports beside it are its own.
fn refuse_what_is_not_ours(dir: &Path, db_path: &Path, reports: &[PathBuf]) -> Result<()> {
    let ours = db::is_sample_register(db_path);
    let mut theirs: Vec<PathBuf> = Vec::new();
    if !ours {
        theirs.extend(
            std::iter::once(db_path.to_path_buf())
                .chain(["-wal", "-shm", "-journal"].map(|s| with_suffix(db_path, s)))
                .chain(reports.iter().cloned())
                .filter(|p| p.symlink_metadata().is_ok()),
        );
    }
    let Some(first) = theirs.first() else {
        // Ours (or nothing there): still never through a link to, or onto,
        // a database or a folder.
        for report in reports {
            let protected = Protected {
                register: db_path,
                inputs: &[],
            };
            check(report, "demo --out", protected)?;
        }
        return Ok(());
    };
    let why = if first == db_path {
        "it is not a sample register `estate demo` made, and demo never replaces another file"
    } else {
        "`estate demo` did not make it, and demo never replaces another file"
    };
    Err(Refused::new(
        first,
        why,
        format!(
            "run `estate demo --out {}` to build the sample in a new folder",
            free_folder(dir).display()
        ),
    )
    .into())
}

/// The first of `DIR-2`, `DIR-3`, … (or `sample-out`, `sample-out-2`, …
/// inside a folder named `.`) that is not there.
fn free_folder(dir: &Path) -> PathBuf {
    let (base, first) = match dir.file_name() {
        Some(_) => (dir.to_path_buf(), 2),
        None => (dir.join("sample-out"), 1),
    };
    let numbered = |n: u32| {
        if n == 1 {
            return base.clone();
        }
        let mut name = base.as_os_str().to_owned();
        name.push(format!("-{n}"));
        PathBuf::from(name)
    };
    (first..10_000)
        .map(numbered)
        .find(|p| p.symlink_metadata().is_err())
        .unwrap_or_else(|| numbered(10_000))
}

/// The sample set's spreadsheets, in name order: `data/sample/` here, or in
/// the clone estate was built from.
fn sample_files() -> Result<Vec<PathBuf>> {
    let here = PathBuf::from("data/sample");
    let built_from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let Some(dir) = [here, built_from].into_iter().find(|d| d.is_dir()) else {
        return Err(Error::new(
            ErrorKind::NotFound,
            "the sample spreadsheets are not here: run `estate demo` in a clone of the \
             repository (it reads data/sample/)",
        ));
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("failed to read `{}`", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| matches!(e.to_string_lossy().as_ref(), "xlsx" | "csv"))
        })
        .collect();
    files.sort();
    Ok(files)
}
