//! SQL for the forecasts: reading a snapshot of the register and the
//! assumptions held in it, and saving, listing, showing and comparing runs.
//!
//! The snapshot is read with one query over the in-scope assets, taking
//! borrowed strings from each row and interning them, so a million assets
//! cost a million small lookups rather than a million allocations per
//! column.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use time::Date;

use super::approved::{ApprovedComparison, RunApproval, compare_with_approved};
use super::assumptions::{Assumptions, AssumptionsError};
use super::capital::{CapitalForecast, Horizon, Reason, resolved_rules};
use super::power::EnergyOverride;
use super::programme::{CapitalProgramme, DetailRow, Name, sort_detail};
use super::runs::{
    BatchRecord, RegisterState, RunAsset, RunDiff, RunItem, RunSummary, SavedRun, diff,
};
use super::snapshot::{AssetInput, ReleaseInput, Snapshot, SnapshotError};
use crate::db::{DbError, now_timestamp};
use crate::domain::{AssetClass, AssetStatus, FinancialYear, Funding, Money, RunId, iso};
use crate::register::RegisterError;

/// What went wrong reading or writing forecast data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database failure.
    #[error(transparent)]
    Db(#[from] DbError),
    /// No run with that id.
    #[error("no saved run {0}; `estate runs` lists them")]
    NoSuchRun(RunId),
    /// A stored value that does not read back.
    #[error("the register holds `{value}` in {table}.{column}, which estate cannot read")]
    BadValue {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The value.
        value: String,
    },
    /// A saved run whose JSON does not read back.
    #[error("saved run {id} cannot be read: {reason}")]
    CorruptRun {
        /// The run.
        id: RunId,
        /// Why.
        reason: String,
    },
    /// The policy is incomplete.
    #[error(transparent)]
    Assumptions(#[from] AssumptionsError),
    /// The snapshot refused a value.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// A register read failed.
    #[error(transparent)]
    Register(#[from] RegisterError),
    /// An approval without its minute.
    #[error(
        "an approval needs the decision's minute, e.g. --minute \"Cabinet 12 Feb 2026, min. 87\""
    )]
    BlankMinute,
    /// No approved programme to compare with.
    #[error("{what}")]
    NotApproved {
        /// "run 3 (…) has not been approved", "no run of … has been approved".
        what: String,
    },
    /// Two saved runs could not be replayed to explain their difference.
    #[error("cannot replay the saved runs to explain their difference: {0}")]
    Replay(#[from] super::runs::DiffError),
}

impl StoreError {
    /// The fix, where there is one.
    pub fn help(&self) -> Option<String> {
        match self {
            StoreError::NotApproved { .. } => Some(
                "mark the programme that was approved with `estate runs approve N --minute \
                 \"Cabinet 12 Feb 2026, min. 87\"` (`estate runs` lists the runs)"
                    .into(),
            ),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(DbError::from(e))
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// `YYYY-MM-DD` without allocating.
fn iso_date(text: &str) -> Option<Date> {
    crate::domain::parse_iso_date(text)
}

/// A count stored as INTEGER (never negative by the schema's checks).
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn bad(table: &'static str, column: &'static str, value: &str) -> StoreError {
    StoreError::BadValue {
        table,
        column,
        value: value.to_string(),
    }
}

fn text<'r>(row: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    let v = row.get_ref(i)?;
    match v {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => v.as_str().map(Some).map_err(Into::into),
    }
}

/// The enumeration value stored (by its canonical name) in column `i`,
/// matched without allocating.
fn canonical<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    row: &Row<'_>,
    i: usize,
    column: &'static str,
) -> Result<T> {
    let stored = text(row, i)?.unwrap_or("");
    all.iter()
        .copied()
        .find(|v| name(*v) == stored)
        .ok_or_else(|| bad("assets", column, stored))
}

/// The exact decimal stored as text in column `i`.
fn decimal_column(
    row: &Row<'_>,
    i: usize,
    column: &'static str,
) -> Result<Option<rust_decimal::Decimal>> {
    text(row, i)?
        .map(|t| t.parse().map_err(|_| bad("assets", column, t)))
        .transpose()
}

fn date_column(row: &Row<'_>, i: usize, column: &'static str) -> Result<Option<Date>> {
    text(row, i)?
        .map(|t| iso_date(t).ok_or_else(|| bad("assets", column, t)))
        .transpose()
}

/// The one query a forecast's snapshot reads the register with (`?1`: an
/// organisation's code, or NULL for all): every in-scope asset with its
/// organisation, site and department names, in row order (a plain table
/// scan; nothing the forecast outputs depends on the order, but a fixed
/// order keeps runs reproducible). The unary `+` on the status keeps SQLite
/// from reading it through the register page's status index (V19), which
/// returns the two statuses' rows apart and makes it sort a million rows
/// again: at a million assets that doubled the read. Public so the forecast benchmark's
/// baseline scans exactly what the forecast scans.
pub const SNAPSHOT_QUERY: &str = "SELECT o.code, a.asset_tag, a.class, a.status, a.funding, \
     a.in_service_date, a.lease_end, a.life_years, a.manufacturer, a.model, s.name, d.name, \
     a.os, a.os_version, a.support_end, a.cpu, \
     a.power_kwh_per_year, a.power_watts, a.power_hours_per_year \
     FROM assets a JOIN organisations o ON o.organisation_id = a.organisation_id \
     LEFT JOIN sites s ON s.site_id = a.site_id \
     LEFT JOIN departments d ON d.department_id = a.department_id \
     WHERE +a.status IN ('in_use', 'in_store') AND (?1 IS NULL OR o.code = ?1) \
     ORDER BY a.asset_id";

/// Reads the live (in use or in store) assets of the register — of one
/// organisation when `organisation` is given — with every organisation and
/// the shared-service apportionment ratios, and counts the retired,
/// disposed and lost assets left out. Each asset carries its own energy
/// figure (kWh a year, or watts × hours a year), which the power forecast
/// takes before any profile.
///
/// # Errors
/// A database error, or a stored value that does not read back.
pub fn load_snapshot(conn: &Connection, organisation: Option<&str>) -> Result<Snapshot> {
    let mut snapshot = Snapshot::new();
    for org in crate::register::store::list_organisations(conn)? {
        snapshot.add_organisation(&org.code)?;
    }
    let all_shares = crate::register::store::list_shares(conn)?;
    let mut services: Vec<&str> = all_shares.iter().map(|s| s.shared.as_str()).collect();
    services.dedup();
    for code in services {
        let members: Vec<(&str, rust_decimal::Decimal)> = all_shares
            .iter()
            .filter(|s| s.shared == code)
            .map(|s| (s.member.as_str(), s.ratio))
            .collect();
        snapshot.set_shares(code, &members)?;
    }
    let support = crate::policy::support::SupportData::builtin();
    // What each (os, version, model, cpu) runs, matched once: (name,
    // recorded, security end, extended end, upgrade). Keys are built in one
    // reused buffer.
    let mut releases: std::collections::HashMap<String, Option<Release>> =
        std::collections::HashMap::new();
    let mut key = String::new();
    let mut stmt = conn.prepare(SNAPSHOT_QUERY)?;
    let mut rows = stmt.query([organisation])?;
    while let Some(row) = rows.next()? {
        let (os, os_version, model) = (text(row, 12)?, text(row, 13)?, text(row, 9)?);
        let cpu = text(row, 15)?;
        key.clear();
        for part in [os, os_version, model, cpu] {
            key.push_str(part.unwrap_or(""));
            key.push('\u{1f}');
        }
        if !releases.contains_key(key.as_str()) {
            let found = crate::policy::support::asset_support(&support, os, os_version, model, cpu)
                .map(|m| Release {
                    name: m.release.name(),
                    recorded: match (os, os_version) {
                        (Some(o), Some(v)) => format!("{o} {v}"),
                        _ => model.unwrap_or("").to_string(),
                    },
                    security_end: m.release.security_end.day(),
                    extended_end: m.release.extended_end.day(),
                    upgrade: m.upgrade,
                });
            releases.insert(key.clone(), found);
        }
        let release = releases
            .get(key.as_str())
            .and_then(Option::as_ref)
            .map(|r| ReleaseInput {
                name: &r.name,
                recorded: &r.recorded,
                security_end: r.security_end,
                extended_end: r.extended_end,
                upgrade: r.upgrade.as_ref(),
            });
        let class = canonical(AssetClass::ALL, AssetClass::as_str, row, 2, "class")?;
        let status = canonical(AssetStatus::ALL, AssetStatus::as_str, row, 3, "status")?;
        let funding = canonical(Funding::ALL, Funding::as_str, row, 4, "funding")?;
        snapshot.push(&AssetInput {
            organisation: text(row, 0)?.unwrap_or(""),
            tag: text(row, 1)?.unwrap_or(""),
            class,
            status,
            funding,
            in_service: date_column(row, 5, "in_service_date")?,
            lease_end: date_column(row, 6, "lease_end")?,
            life_years: row.get(7)?,
            manufacturer: text(row, 8)?,
            model: text(row, 9)?,
            site: text(row, 10)?,
            department: text(row, 11)?,
            support_end: date_column(row, 14, "support_end")?,
            release,
            energy: EnergyOverride {
                kwh_per_year: decimal_column(row, 16, "power_kwh_per_year")?,
                watts: decimal_column(row, 17, "power_watts")?,
                hours_per_year: row.get(18)?,
            }
            .annual_kwh(),
        })?;
    }
    let left_out: i64 = conn.query_row(
        "SELECT COUNT(*) FROM assets a JOIN organisations o ON o.organisation_id = a.organisation_id \
         WHERE a.status NOT IN ('in_use', 'in_store') AND (?1 IS NULL OR o.code = ?1)",
        [organisation],
        |r| r.get(0),
    )?;
    snapshot.set_not_live_left_out(count(left_out));
    Ok(snapshot)
}

/// A release matched while reading a snapshot.
struct Release {
    name: String,
    recorded: String,
    security_end: Option<Date>,
    extended_end: Option<Date>,
    upgrade: Option<crate::policy::support::OsUpgrade>,
}

/// The assumptions the policy held in the register gives (no caps, no
/// scenario).
///
/// # Errors
/// A database error, or an incomplete policy.
pub fn load_assumptions(conn: &Connection) -> Result<Assumptions> {
    let defaults = crate::policy::store::read(conn)?;
    Ok(Assumptions::from_defaults(&defaults)?)
}

/// The register's state: how many assets, the latest change, and every
/// import batch.
///
/// # Errors
/// A database error.
pub fn register_state(conn: &Connection) -> Result<RegisterState> {
    let (assets, last_change): (i64, Option<String>) =
        conn.query_row("SELECT COUNT(*), MAX(updated_at) FROM assets", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut stmt = conn.prepare(
        "SELECT batch_id, file_name, file_sha256, sheet, kind, rows_new, rows_changed, \
         imported_at, undone_at FROM import_batches ORDER BY batch_id",
    )?;
    let batches = stmt
        .query_map([], |r| {
            Ok(BatchRecord {
                id: r.get(0)?,
                file_name: r.get(1)?,
                sha256: r.get(2)?,
                sheet: r.get(3)?,
                kind: r.get(4)?,
                rows_new: count(r.get(5)?),
                rows_changed: count(r.get(6)?),
                imported_at: r.get(7)?,
                undone_at: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(RegisterState {
        assets: count(assets),
        last_change,
        batches,
    })
}

/// Everything a run to be saved consists of.
#[derive(Debug, Clone, Copy)]
pub struct NewRun<'a> {
    /// Its name.
    pub name: &'a str,
    /// The command line that saved it.
    pub command: &'a str,
    /// The organisation it was limited to.
    pub organisation: Option<&'a str>,
    /// The assumptions used.
    pub assumptions: &'a Assumptions,
    /// The register's state.
    pub register: &'a RegisterState,
    /// The snapshot forecast.
    pub snapshot: &'a Snapshot,
    /// The forecast.
    pub forecast: &'a CapitalForecast,
    /// The programme shown (its detail, if any, is not stored twice: the
    /// replacements are stored row by row).
    pub programme: &'a CapitalProgramme,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::CorruptRun {
        id: RunId(0),
        reason: e.to_string(),
    })
}

fn pence(m: Money) -> i64 {
    m.to_pence()
        .expect("invariant: programme figures are whole pence")
}

/// Saves a run: its assumptions, the register state, the programme, every
/// asset it saw and every replacement, in the caller's transaction.
///
/// # Errors
/// A database error, or incomplete assumptions.
pub fn save_run(tx: &Transaction<'_>, run: &NewRun<'_>) -> Result<RunId> {
    let horizon = run.forecast.horizon;
    let mut programme = run.programme.clone();
    programme.detail.clear();
    tx.execute(
        "INSERT INTO forecast_runs (name, created_at, command, first_year, years, scenario, \
         organisation, capped, assets_in_scope, funded_pence, unfunded_pence, assumptions_json, \
         register_json, result_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
         ?13, ?14)",
        params![
            run.name.trim(),
            now_timestamp(),
            run.command,
            horizon.first.to_string(),
            horizon.years,
            run.assumptions.scenario.as_ref().map(|s| s.name.as_str()),
            run.organisation,
            !run.assumptions.caps.is_none(),
            i64::try_from(run.forecast.scope.scheduled).unwrap_or(i64::MAX),
            pence(programme.total()),
            pence(programme.unfunded.tally.value),
            json(run.assumptions)?,
            json(run.register)?,
            json(&programme)?,
        ],
    )?;
    let id = RunId(tx.last_insert_rowid());
    {
        let mut stmt = tx.prepare(
            "INSERT INTO forecast_run_lines (run_id, line, line_order, year, amount_pence) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (order, row) in programme.by_line.rows.iter().enumerate() {
            for (year, amount) in programme.by_line.years.iter().zip(&row.amounts) {
                stmt.execute(params![
                    id.0,
                    row.label,
                    i64::try_from(order).unwrap_or(i64::MAX),
                    year.to_string(),
                    pence(*amount)
                ])?;
            }
        }
        let rules = resolved_rules(run.snapshot, run.assumptions, horizon).map_err(|e| {
            StoreError::CorruptRun {
                id,
                reason: e.to_string(),
            }
        })?;
        let s = run.snapshot;
        let mut stmt = tx.prepare(
            "INSERT INTO forecast_run_assets (run_id, organisation, asset_tag, class, status, \
             funding, manufacturer, model, site, department, in_service_date, lease_end, \
             life_years, unit_cost_pence, support_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
             ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        let nonempty = |t: &str| (!t.is_empty()).then(|| t.to_string());
        for (a, (life, unit)) in s.assets().iter().zip(&rules) {
            let model = a.model.map(|m| &s.models()[m as usize]);
            stmt.execute(params![
                id.0,
                s.organisation_code(a.organisation),
                s.tag(a),
                a.class.as_str(),
                a.status.as_str(),
                a.funding.as_str(),
                model.and_then(|m| nonempty(&m.manufacturer)),
                model.and_then(|m| nonempty(&m.model)),
                a.site.map(|i| s.sites()[i as usize].name.as_str()),
                a.department
                    .map(|i| s.departments()[i as usize].name.as_str()),
                a.in_service.map(iso),
                a.lease_end.map(iso),
                life,
                pence(*unit),
                json(&super::runs::RunSupport::of(s, a))?,
            ])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO forecast_run_items (run_id, organisation, asset_tag, due_date, year, \
             reason, cost_pence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in &run.forecast.replacements {
            let a = &s.assets()[r.asset as usize];
            stmt.execute(params![
                id.0,
                s.organisation_code(a.organisation),
                s.tag(a),
                iso(r.due_date),
                r.funded.map(|y| y.to_string()),
                r.reason(horizon).as_key(),
                r.cost_pence,
            ])?;
        }
    }
    Ok(id)
}

fn parse_column<T: std::str::FromStr>(
    table: &'static str,
    column: &'static str,
    value: &str,
) -> Result<T> {
    value.parse().map_err(|_| bad(table, column, value))
}

const RUN_COLUMNS: &str = "run_id, name, created_at, first_year, years, scenario, organisation, \
     capped, assets_in_scope, funded_pence, unfunded_pence";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<(RunSummary, String)> {
    Ok((
        RunSummary {
            id: RunId(r.get(0)?),
            name: r.get(1)?,
            created_at: r.get(2)?,
            first_year: FinancialYear::new(2000).expect("invariant: in range"),
            years: r.get(4)?,
            scenario: r.get(5)?,
            organisation: r.get(6)?,
            capped: r.get(7)?,
            assets_in_scope: count(r.get(8)?),
            funded: Money::from_pence(r.get(9)?),
            unfunded: Money::from_pence(r.get(10)?),
            approved: None,
        },
        r.get(3)?,
    ))
}

fn finish_summary((mut s, first_year): (RunSummary, String)) -> Result<RunSummary> {
    s.first_year = parse_column("forecast_runs", "first_year", &first_year)?;
    Ok(s)
}

/// Every saved run, newest first, each approved run in force with its minute.
///
/// # Errors
/// A database error.
pub fn list_runs(conn: &Connection) -> Result<Vec<RunSummary>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RUN_COLUMNS} FROM forecast_runs ORDER BY run_id DESC"
    ))?;
    let rows = stmt
        .query_map([], summary_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut runs = rows
        .into_iter()
        .map(finish_summary)
        .collect::<Result<Vec<_>>>()?;
    for run in &mut runs {
        run.approved = current_approval(conn, run.organisation.as_deref())?
            .filter(|a| a.run == run.id)
            .map(|a| a.minute);
    }
    Ok(runs)
}

/// A saved run, exactly as saved (its programme without per-asset detail;
/// see [`run_detail`]).
///
/// # Errors
/// [`StoreError::NoSuchRun`], or a run that no longer reads back.
pub fn load_run(conn: &Connection, id: RunId) -> Result<SavedRun> {
    let row = conn
        .query_row(
            &format!(
                "SELECT {RUN_COLUMNS}, command, assumptions_json, register_json, result_json \
                 FROM forecast_runs WHERE run_id = ?1"
            ),
            [id.0],
            |r| {
                Ok((
                    summary_from_row(r)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, String>(12)?,
                    r.get::<_, String>(13)?,
                    r.get::<_, String>(14)?,
                ))
            },
        )
        .optional()?
        .ok_or(StoreError::NoSuchRun(id))?;
    let (summary, command, assumptions, register, result) = row;
    let summary = finish_summary(summary)?;
    let corrupt = |e: serde_json::Error| StoreError::CorruptRun {
        id,
        reason: e.to_string(),
    };
    Ok(SavedRun {
        horizon: Horizon {
            first: summary.first_year,
            years: summary.years,
        },
        summary,
        command,
        assumptions: serde_json::from_str(&assumptions).map_err(corrupt)?,
        register: serde_json::from_str(&register).map_err(corrupt)?,
        programme: serde_json::from_str(&result).map_err(corrupt)?,
    })
}

/// Keeps a saved run's running costs beside it.
///
/// # Errors
/// A database error.
pub fn save_running(
    tx: &Transaction<'_>,
    id: RunId,
    running: &super::cabinet::RunningCosts,
) -> Result<()> {
    let json = serde_json::to_string(running).map_err(|e| StoreError::CorruptRun {
        id,
        reason: e.to_string(),
    })?;
    tx.execute(
        "UPDATE forecast_runs SET running_json = ?2 WHERE run_id = ?1",
        rusqlite::params![id.0, json],
    )
    .map_err(DbError::from)?;
    Ok(())
}

/// A saved run's running costs, or `None` for a run saved without them
/// (before schema version 5, or by the library's plain `save`).
///
/// # Errors
/// No such run, a database error, or stored JSON that no longer reads.
pub fn load_running(conn: &Connection, id: RunId) -> Result<Option<super::cabinet::RunningCosts>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT running_json FROM forecast_runs WHERE run_id = ?1",
            [id.0],
            |r| r.get(0),
        )
        .optional()
        .map_err(DbError::from)?
        .ok_or(StoreError::NoSuchRun(id))?;
    json.map(|j| {
        serde_json::from_str(&j).map_err(|e| StoreError::CorruptRun {
            id,
            reason: e.to_string(),
        })
    })
    .transpose()
}

/// The assets a run saw, by organisation and tag.
///
/// # Errors
/// A database error or a value that does not read back.
pub fn run_assets(conn: &Connection, id: RunId) -> Result<Vec<RunAsset>> {
    let mut stmt = conn.prepare(
        "SELECT organisation, asset_tag, class, status, funding, manufacturer, model, site, \
         department, in_service_date, lease_end, life_years, unit_cost_pence, support_json \
         FROM forecast_run_assets WHERE run_id = ?1 ORDER BY organisation, asset_tag",
    )?;
    let mut rows = stmt.query([id.0])?;
    let mut out = Vec::new();
    let table = "forecast_run_assets";
    while let Some(r) = rows.next()? {
        let date = |i: usize, column: &'static str| -> Result<Option<Date>> {
            text(r, i)?
                .map(|t| iso_date(t).ok_or_else(|| bad(table, column, t)))
                .transpose()
        };
        out.push(RunAsset {
            organisation: r.get(0)?,
            asset_tag: r.get(1)?,
            class: parse_column(table, "class", &r.get::<_, String>(2)?)?,
            status: parse_column(table, "status", &r.get::<_, String>(3)?)?,
            funding: parse_column(table, "funding", &r.get::<_, String>(4)?)?,
            manufacturer: r.get(5)?,
            model: r.get(6)?,
            site: r.get(7)?,
            department: r.get(8)?,
            in_service: date(9, "in_service_date")?,
            lease_end: date(10, "lease_end")?,
            life_years: r.get(11)?,
            unit_cost: Money::from_pence(r.get(12)?),
            support: text(r, 13)?
                .map(|t| serde_json::from_str(t).map_err(|_| bad(table, "support_json", t)))
                .transpose()?,
        });
    }
    Ok(out)
}

fn reason_from_key(key: &str) -> Option<Reason> {
    [
        Reason::Age,
        Reason::Overdue,
        Reason::RepeatCycle,
        Reason::Deferred,
        Reason::EndOfSupport,
    ]
    .into_iter()
    .find(|r| r.as_key() == key)
}

/// The replacements a run forecast.
///
/// # Errors
/// A database error or a value that does not read back.
pub fn run_items(conn: &Connection, id: RunId) -> Result<Vec<RunItem>> {
    let mut stmt = conn.prepare(
        "SELECT organisation, asset_tag, due_date, year, reason, cost_pence \
         FROM forecast_run_items WHERE run_id = ?1 ORDER BY rowid",
    )?;
    let mut rows = stmt.query([id.0])?;
    let mut out = Vec::new();
    let table = "forecast_run_items";
    while let Some(r) = rows.next()? {
        let due: String = r.get(2)?;
        let year: Option<String> = r.get(3)?;
        let reason: String = r.get(4)?;
        out.push(RunItem {
            organisation: r.get(0)?,
            asset_tag: r.get(1)?,
            due_date: iso_date(&due).ok_or_else(|| bad(table, "due_date", &due))?,
            year: year.map(|y| parse_column(table, "year", &y)).transpose()?,
            reason: reason_from_key(&reason).ok_or_else(|| bad(table, "reason", &reason))?,
            cost: Money::from_pence(r.get(5)?),
        });
    }
    Ok(out)
}

/// A saved run's replacements as `--detail` rows, in the order they were
/// decided (by year funded, unfunded last, then the levelling order).
///
/// # Errors
/// A database error or a value that does not read back.
pub fn run_detail(conn: &Connection, run: &SavedRun) -> Result<Vec<DetailRow>> {
    let assets = run_assets(conn, run.summary.id)?;
    let items = run_items(conn, run.summary.id)?;
    let find = |org: &str, tag: &str| {
        assets
            .binary_search_by(|a| (a.organisation.as_str(), a.asset_tag.as_str()).cmp(&(org, tag)))
            .ok()
            .map(|i| &assets[i])
    };
    let mut rows = Vec::with_capacity(items.len());
    // Every name once, shared by the rows that carry it.
    let mut names: std::collections::HashSet<Name> = std::collections::HashSet::new();
    let mut name = |text: &str| -> Name {
        if let Some(n) = names.get(text) {
            return n.clone();
        }
        let n = Name::from(text);
        names.insert(n.clone());
        n
    };
    for i in items {
        let a = find(&i.organisation, &i.asset_tag).ok_or_else(|| StoreError::CorruptRun {
            id: run.summary.id,
            reason: format!("replacement of {} has no asset row", i.asset_tag),
        })?;
        rows.push(DetailRow {
            line: name(run.assumptions.line_of(a.class).0),
            class: a.class,
            site: a.site.as_deref().map(&mut name),
            department: a.department.as_deref().map(&mut name),
            manufacturer: a.manufacturer.as_deref().map(&mut name),
            model: a.model.as_deref().map(&mut name),
            due_year: FinancialYear::containing(i.due_date),
            due_date: i.due_date,
            year: i.year,
            reason: i.reason,
            cost: i.cost,
            organisation: name(&i.organisation),
            asset_tag: i.asset_tag,
        });
    }
    sort_detail(&mut rows);
    Ok(rows)
}

/// What moved between runs `old` and `new`, and why.
///
/// # Errors
/// [`StoreError::NoSuchRun`], or a run that no longer reads back.
pub fn diff_runs(conn: &Connection, old: RunId, new: RunId) -> Result<RunDiff> {
    let (a, b) = (load_run(conn, old)?, load_run(conn, new)?);
    Ok(diff(
        &a,
        &run_assets(conn, old)?,
        &run_items(conn, old)?,
        &b,
        &run_assets(conn, new)?,
        &run_items(conn, new)?,
    )?)
}

/// The approval in force for a scope: the latest approval of a run limited
/// to `organisation` (or of a run of the whole register when `None`).
///
/// # Errors
/// A database error.
pub fn current_approval(
    conn: &Connection,
    organisation: Option<&str>,
) -> Result<Option<RunApproval>> {
    Ok(conn
        .query_row(
            "SELECT a.run_id, a.minute, a.approved_at, a.who FROM run_approvals a \
             JOIN forecast_runs r ON r.run_id = a.run_id \
             WHERE r.organisation IS ?1 ORDER BY a.approval_id DESC LIMIT 1",
            [organisation],
            |r| {
                Ok(RunApproval {
                    run: RunId(r.get(0)?),
                    minute: r.get(1)?,
                    approved_at: r.get(2)?,
                    who: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Marks run `id` as the approved programme of its scope (its organisation,
/// or the whole register), with the decision's minute, in the caller's
/// transaction; an audit row records it with the approval it supersedes.
/// Returns the approval and the run it supersedes, if any.
///
/// # Errors
/// No such run, a blank minute, or a database error.
pub fn approve_run(
    tx: &Transaction<'_>,
    id: RunId,
    minute: &str,
    actor: &crate::register::Actor,
) -> Result<(RunApproval, Option<RunApproval>)> {
    let minute = minute.trim();
    if minute.is_empty() {
        return Err(StoreError::BlankMinute);
    }
    let run = load_run(tx, id)?;
    let previous = current_approval(tx, run.summary.organisation.as_deref())?;
    let at = now_timestamp();
    tx.execute(
        "INSERT INTO run_approvals (run_id, minute, approved_at, who, command) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.0, minute, at, actor.who, actor.command],
    )?;
    tx.execute(
        "INSERT INTO audit_log (at, entity, entity_id, action, field, old_value, new_value, \
         command, who) VALUES (?1, 'policy', ?2, 'update', 'approved_run', ?3, ?4, ?5, ?6)",
        params![
            at,
            id.0,
            previous
                .as_ref()
                .map(|p| format!("run {}: {}", p.run, p.minute)),
            format!(
                "run {id}: {minute} ({})",
                run.summary
                    .organisation
                    .as_deref()
                    .unwrap_or("whole register")
            ),
            actor.command,
            actor.who
        ],
    )?;
    Ok((
        RunApproval {
            run: id,
            minute: minute.to_string(),
            approved_at: at,
            who: actor.who.clone(),
        },
        previous,
    ))
}

/// Run `proposed` against the approved programme: run `approved` if given,
/// else the approval in force for the proposed run's scope.
///
/// # Errors
/// No approved run for the scope, no such run, or runs that no longer read
/// back or replay.
pub fn compare_runs(
    conn: &Connection,
    approved: Option<RunId>,
    proposed: RunId,
) -> Result<ApprovedComparison> {
    let new = load_run(conn, proposed)?;
    let approval = match approved {
        Some(id) => {
            let old = load_run(conn, id)?;
            approval_of(conn, id)?.ok_or_else(|| StoreError::NotApproved {
                what: format!("run {id} ({}) has not been approved", old.summary.name),
            })?
        }
        None => current_approval(conn, new.summary.organisation.as_deref())?.ok_or_else(|| {
            StoreError::NotApproved {
                what: format!(
                    "no run of {} has been approved",
                    new.summary
                        .organisation
                        .as_deref()
                        .map_or("the whole register".to_string(), |o| format!("`{o}`"))
                ),
            }
        })?,
    };
    let old = load_run(conn, approval.run)?;
    let (old_assets, old_items) = (
        run_assets(conn, old.summary.id)?,
        run_items(conn, old.summary.id)?,
    );
    let (new_assets, new_items) = (run_assets(conn, proposed)?, run_items(conn, proposed)?);
    let d = diff(&old, &old_assets, &old_items, &new, &new_assets, &new_items)?;
    Ok(compare_with_approved(
        approval,
        &old,
        &old_assets,
        &old_items,
        &new,
        &new_assets,
        &new_items,
        d,
    ))
}

/// Run `id` against the approved programme in force for its scope, or
/// `None` when none is, or when `id` is that approved run.
///
/// # Errors
/// A database error, or runs that no longer read back or replay.
pub fn against_approved(conn: &Connection, id: RunId) -> Result<Option<ApprovedComparison>> {
    let run = load_run(conn, id)?;
    match current_approval(conn, run.summary.organisation.as_deref())? {
        Some(a) if a.run != id => compare_runs(conn, Some(a.run), id).map(Some),
        _ => Ok(None),
    }
}

/// The latest approval of run `id`, if it was ever approved.
///
/// # Errors
/// A database error.
pub fn approval_of(conn: &Connection, id: RunId) -> Result<Option<RunApproval>> {
    Ok(conn
        .query_row(
            "SELECT run_id, minute, approved_at, who FROM run_approvals WHERE run_id = ?1 \
             ORDER BY approval_id DESC LIMIT 1",
            [id.0],
            |r| {
                Ok(RunApproval {
                    run: RunId(r.get(0)?),
                    minute: r.get(1)?,
                    approved_at: r.get(2)?,
                    who: r.get(3)?,
                })
            },
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn iso_dates_are_read_without_allocating_and_strictly() {
        assert_eq!(iso_date("2024-02-29"), Some(date!(2024 - 02 - 29)));
        for bad in [
            "2023-02-29",
            "2024-2-29",
            "29/02/2024",
            "2024-02-29T00",
            "abcd-ef-gh",
            "",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }

    /// The snapshot is read by walking the assets table in row order, never
    /// through an index whose rows then need sorting (V19's status index
    /// once made a million-asset forecast sort every row).
    #[test]
    fn the_snapshot_query_scans_the_assets_in_row_order_without_sorting() {
        let conn = crate::db::open_in_memory().unwrap();
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {SNAPSHOT_QUERY}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map([Option::<&str>::None], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan.iter().any(|p| p == "SCAN a"), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }
}
