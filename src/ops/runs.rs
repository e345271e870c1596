//! Saved forecast runs as use cases: list them, read one exactly as it
//! was saved, say what moved between two, mark one as the approved
//! programme and compare a proposal with it.

use crate::domain::RunId;
use crate::error::{Context, Result};
use crate::forecast::approved::ApprovedComparison;
use crate::forecast::approved::RunApproval;
use crate::forecast::runs::{RunDiff, RunSummary, SavedRun};
use crate::forecast::store;
use crate::register::Actor;

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

/// Marks run `id` as the approved programme of its scope, with the
/// decision's `minute`; returns the approval and the one it supersedes.
///
/// # Errors
/// No such run, a blank minute, a busy register.
pub fn approve(
    register: &mut Register,
    id: RunId,
    minute: &str,
    actor: &Actor,
) -> Result<(RunApproval, Option<RunApproval>)> {
    register
        .write(|tx| store::approve_run(tx, id, minute, actor))
        .with_context(|| format!("failed to approve run {}", id.0))
}

/// Proposed run `proposed` against the approved programme (run `approved`,
/// else the approval in force for its scope).
///
/// # Errors
/// Either run is missing, nothing is approved, or a run cannot be read.
pub fn compare(
    register: &Register,
    approved: Option<RunId>,
    proposed: RunId,
) -> Result<ApprovedComparison> {
    store::compare_runs(register.reader(), approved, proposed).with_context(|| {
        format!(
            "failed to compare run {} with the approved programme",
            proposed.0
        )
    })
}
