//! Saved forecast runs as use cases: list them, read one exactly as it
//! was saved, and say what moved between two.

use crate::domain::RunId;
use crate::error::{Context, Result};
use crate::forecast::runs::{RunDiff, RunSummary, SavedRun};
use crate::forecast::store;

use super::Register;

/// The saved runs, newest first.
///
/// # Errors
/// The register cannot be read.
pub fn list(register: &Register) -> Result<Vec<RunSummary>> {
    store::list_runs(register.reader()).context("failed to list the saved runs")
}

/// Saved run `id` exactly as it was saved, with every replacement when
/// `detail`.
///
/// # Errors
/// No such run, or a run that cannot be read.
pub fn show(register: &Register, id: RunId, detail: bool) -> Result<SavedRun> {
    let mut run = store::load_run(register.reader(), id)?;
    if detail {
        run.programme.detail = store::run_detail(register.reader(), &run)?;
    }
    Ok(run)
}

/// What moved between runs `old` and `new`, and why.
///
/// # Errors
/// Either run is missing or cannot be read.
pub fn diff(register: &Register, old: RunId, new: RunId) -> Result<RunDiff> {
    store::diff_runs(register.reader(), old, new)
        .with_context(|| format!("failed to compare runs {} and {}", old.0, new.0))
}
