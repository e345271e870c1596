//! The forecasts: pure engines over a snapshot of the register, and the
//! SQL that loads snapshots and saves runs.
//!
//! The engines (`capital`, and the tables built from it in `programme`)
//! take a [`snapshot::Snapshot`], the [`assumptions::Assumptions`] and a
//! [`capital::Horizon`] and return data. They never touch the database,
//! files, environment or clock: the CLI resolves "today" and passes the
//! first year in. SQL is only in `store.rs`.

pub mod approved;
pub mod assumptions;
pub mod cabinet;
pub mod capital;
pub mod capitalisation;
pub mod embodied;
pub mod funding;
pub mod levers;
pub mod licences;
pub mod lines;
pub mod power;
pub mod programme;
pub mod runs;
pub mod scenario;
pub mod snapshot;
pub mod store;
pub mod support;

pub use assumptions::{Assumptions, Caps, Thresholds};
pub use capital::{CapitalForecast, ForecastError, Horizon, Reason, Replacement, forecast};
pub use snapshot::{AssetInput, Snapshot};

use rusqlite::Connection;

use crate::domain::RunId;

/// What to forecast: the horizon, and optionally a scenario, caps (which
/// override the scenario's), and one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The years.
    pub horizon: Horizon,
    /// A scenario to apply to the policy.
    pub scenario: Option<scenario::Scenario>,
    /// Caps from the command line; these win over a scenario's.
    pub caps: Option<Caps>,
    /// Only this organisation's assets.
    pub organisation: Option<String>,
    /// List every replacement.
    pub detail: bool,
}

impl Request {
    /// A plain forecast over `horizon`: the policy as held, no caps.
    pub fn new(horizon: Horizon) -> Self {
        Request {
            horizon,
            scenario: None,
            caps: None,
            organisation: None,
            detail: false,
        }
    }
}

/// A forecast made from the register: what went in and what came out.
#[derive(Debug, Clone)]
pub struct Run {
    /// The assets read.
    pub snapshot: Snapshot,
    /// The assumptions used (policy + scenario + caps).
    pub assumptions: Assumptions,
    /// The engine's result.
    pub forecast: CapitalForecast,
    /// The tables.
    pub programme: programme::CapitalProgramme,
}

/// Reads the register and the policy, applies the request's scenario and
/// caps, and runs the capital forecast.
///
/// # Errors
/// A database error, an incomplete policy, or a figure too large to hold.
pub fn run(conn: &Connection, request: &Request) -> Result<Run, RunError> {
    let snapshot = store::load_snapshot(conn, request.organisation.as_deref())?;
    let mut assumptions = store::load_assumptions(conn)?;
    if let Some(s) = &request.scenario {
        assumptions = s.apply(&assumptions);
    }
    if let Some(caps) = &request.caps {
        assumptions.caps = caps.clone();
    }
    let forecast = capital::forecast(&snapshot, &assumptions, request.horizon)?;
    let programme = programme::build(&forecast, &snapshot, &assumptions, request.detail);
    Ok(Run {
        snapshot,
        assumptions,
        forecast,
        programme,
    })
}

/// Saves `run` as `name`, with the register's current state, in one
/// transaction.
///
/// # Errors
/// A database error.
pub fn save(
    conn: &mut Connection,
    run: &Run,
    name: &str,
    command: &str,
    organisation: Option<&str>,
) -> Result<RunId, RunError> {
    save_with_running(conn, run, None, name, command, organisation)
}

/// Like [`save`], also keeping the run's running costs (power, lines,
/// licences, revenue) so a report of the run shows them as forecast then.
///
/// # Errors
/// A database error.
pub fn save_with_running(
    conn: &mut Connection,
    run: &Run,
    running: Option<&cabinet::RunningCosts>,
    name: &str,
    command: &str,
    organisation: Option<&str>,
) -> Result<RunId, RunError> {
    crate::domain::rules::not_blank("a run's name", name)?;
    let register = store::register_state(conn)?;
    Ok(crate::db::write(conn, |tx| {
        let id = store::save_run(
            tx,
            &store::NewRun {
                name,
                command,
                organisation,
                assumptions: &run.assumptions,
                register: &register,
                snapshot: &run.snapshot,
                forecast: &run.forecast,
                programme: &run.programme,
            },
        )?;
        if let Some(running) = running {
            store::save_running(tx, id, running)?;
        }
        Ok::<_, store::StoreError>(id)
    })?)
}

/// Why a forecast from the register failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Reading or writing the register.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The engine.
    #[error(transparent)]
    Forecast(#[from] ForecastError),
    /// A value the register would refuse (a blank run name).
    #[error(transparent)]
    Invalid(#[from] crate::domain::rules::RuleError),
}

impl From<rusqlite::Error> for RunError {
    fn from(e: rusqlite::Error) -> Self {
        RunError::Store(e.into())
    }
}
