//! Running costs as use cases: power, energy and carbon (with the levers
//! that change capital, power and carbon together), phone lines, licences,
//! and the revenue position built from them.
//!
//! The functions over a `&Connection` are the pieces the Cabinet report
//! ([`super::report`]) assembles; the use cases over a [`Register`] are what
//! a front end calls.

use std::path::Path;

use rusqlite::Connection;

use crate::domain::{Money, iso};
use crate::error::{Context, Error, ErrorKind, Result};
use crate::forecast::cabinet::{self, LeverEffect, RunningCosts};
use crate::forecast::levers::{self, LeverComparison, Levers, Plan, StaffCounts};
use crate::forecast::licences::{self, LicenceContext, LicencesForecast};
use crate::forecast::lines::{self, LineAssumptions, LinesForecast, Shares};
use crate::forecast::power::{self, Energy, PowerAssumptions, PowerForecast};
use crate::forecast::{self as engines, CapitalForecast, Horizon, Request};
use crate::policy::{self, Defaults};
use crate::register::store::{self, PlaceKind};
use crate::register::{Actor, Licence, LicenceFields, Line, LineFields, Organisation};
use crate::running::energystar::{self, CertifiedList, MatchReport};
use crate::running::store as running_store;

use super::Register;
use super::forecast::Slips;

/// The register read for the running-cost engines.
pub struct Estate {
    /// The reference data.
    pub defaults: Defaults,
    /// Shared services' members.
    pub shares: Shares,
    /// Staff per organisation and site.
    pub staff: StaffCounts,
}

impl Estate {
    /// Reads the policy, organisations, shares and staff counts.
    ///
    /// # Errors
    /// The register cannot be read.
    pub fn read(conn: &Connection) -> Result<Self> {
        let organisations = store::list_organisations(conn)?;
        let sites = store::list_places(conn, PlaceKind::Site, None)?;
        Ok(Estate {
            defaults: policy::store::read(conn).context("failed to read the policy")?,
            shares: crate::running::shares(&store::list_shares(conn)?),
            staff: crate::running::staff_counts(&organisations, &sites),
        })
    }
}

/// The organisation `code` names, checked against the register; `None`
/// for none.
///
/// # Errors
/// No such organisation.
pub fn organisation(conn: &Connection, code: Option<&str>) -> Result<Option<Organisation>> {
    Ok(code
        .map(|code| store::resolve_organisation(conn, Some(code)))
        .transpose()?)
}

/// The power forecast (without levers) of a capital forecast of the
/// register, with its assumptions. The assets' own energy figures come
/// with them in `snapshot`.
///
/// # Errors
/// The policy lacks tariffs, factors or profiles; the register cannot be read.
pub fn forecast_power(
    conn: &Connection,
    estate: &Estate,
    snapshot: &crate::forecast::Snapshot,
    capital: &CapitalForecast,
) -> Result<(PowerAssumptions, PowerForecast)> {
    let pa =
        PowerAssumptions::from_defaults(&estate.defaults, running_store::model_profiles(conn)?)?;
    let base = power::forecast(snapshot, capital, &pa, &Plan::default())?;
    Ok((pa, base))
}

/// The line forecast of the register's lines (one organisation's, or all)
/// over `horizon`, with its assumptions.
///
/// # Errors
/// The policy lacks a line cost or setting; the register cannot be read.
pub fn forecast_lines(
    conn: &Connection,
    estate: &Estate,
    org: Option<&str>,
    horizon: Horizon,
) -> Result<(LineAssumptions, LinesForecast)> {
    let held = store::list_lines(conn, org)?;
    let assumptions = LineAssumptions::from_defaults(&estate.defaults)?;
    let f = lines::forecast(&held, &estate.shares, &assumptions, horizon)?;
    Ok((assumptions, f))
}

/// The licence forecast of the register's entitlements (one
/// organisation's, or all) over `horizon`, consolidating onto `target`
/// when given.
///
/// # Errors
/// No entitlement under `target`; the register cannot be read.
pub fn forecast_licences(
    conn: &Connection,
    estate: Estate,
    org: Option<&str>,
    horizon: Horizon,
    target: Option<String>,
) -> Result<LicencesForecast> {
    let held = store::list_licences(conn, org)?;
    // A register made before the setting existed has none: 0%, as before.
    let uplift = match estate
        .defaults
        .settings
        .iter()
        .find(|s| s.key == "licence_price_uplift")
    {
        None => crate::domain::Rate::default(),
        Some(s) => s.value.parse::<crate::domain::Rate>().map_err(|e| {
            crate::Error::new(
                crate::ErrorKind::Invalid,
                format!(
                    "setting licence_price_uplift: `{}` is not a rate: {e}",
                    s.value
                ),
            )
        })?,
    };
    let context = LicenceContext {
        uplift,
        shares: estate.shares,
        staff: estate.staff.organisations,
        devices: running_store::in_use_devices(conn)?,
        synonyms: estate.defaults.product_synonyms,
        target,
    };
    Ok(licences::forecast(&held, &context, horizon)?)
}

/// The running costs of a capital forecast `run` of the register: power and
/// carbon after its replacements, phone lines, licences, and the revenue
/// position built from them.
///
/// # Errors
/// Any of the three forecasts fails.
pub fn running_costs(
    conn: &Connection,
    code: Option<&str>,
    horizon: Horizon,
    run: &engines::Run,
) -> Result<RunningCosts> {
    let estate = Estate::read(conn)?;
    let (power_assumptions, power) = forecast_power(conn, &estate, &run.snapshot, &run.forecast)
        .context("failed to forecast power and carbon")?;
    let (line_assumptions, lines) = forecast_lines(conn, &estate, code, horizon)
        .context("failed to forecast the phone lines")?;
    let licences = forecast_licences(conn, estate, code, horizon, None)
        .context("failed to forecast the licences")?;
    let mut revenue = cabinet::revenue(&power, &lines, &licences);
    revenue.add_support(&run.snapshot, &run.assumptions.support, &run.forecast);
    Ok(RunningCosts {
        power,
        power_assumptions,
        lines,
        line_assumptions,
        licences,
        revenue,
    })
}

/// What `request`'s scenario levers do to `run`, its capital forecast
/// (`None` when the scenario has no levers).
///
/// # Errors
/// The levers or the power forecast fail.
pub fn lever_effect(
    conn: &Connection,
    request: &Request,
    run: &engines::Run,
) -> Result<Option<LeverEffect>> {
    let Some(scenario) = request.scenario.as_ref().filter(|s| !s.levers.is_empty()) else {
        return Ok(None);
    };
    let estate = Estate::read(conn)?;
    let r = running_of(conn, &estate, request, run)?;
    let total: Money = r.capital.iter().copied().sum();
    // Each capital change on the programme line its class is reported on.
    let years = request.horizon.years();
    let mut lines: Vec<crate::forecast::cabinet::LeverLine> = Vec::new();
    for c in &r.plan.capital {
        let Some(i) = years.iter().position(|y| *y == c.year) else {
            continue;
        };
        let (label, _) = run.assumptions.line_of(c.class);
        let at = if let Some(at) = lines.iter().position(|l| l.label == label) {
            at
        } else {
            lines.push(crate::forecast::cabinet::LeverLine {
                label: label.to_string(),
                change: vec![Money::ZERO; years.len()],
            });
            lines.len() - 1
        };
        lines[at].change[i] += Money::from_pence(c.pence);
    }
    Ok(Some(LeverEffect {
        scenario: scenario.name.clone(),
        levers: r.levers,
        change: total - run.programme.total(),
        capital: r.capital,
        total,
        lines,
    }))
}

/// One scenario's capital per year (the forecast's funded capital plus what
/// its levers change) and its energy, cost and carbon after replacements.
pub struct ScenarioRunning {
    /// Capital per year, levers included.
    pub capital: Vec<Money>,
    /// Energy after replacements per year, levers included.
    pub power: Vec<Energy>,
    /// What the levers did, and what they could not do.
    pub plan: Plan,
    /// The levers, in words.
    pub levers: String,
}

/// Runs `request`'s capital forecast, the scenario's levers and the power
/// forecast after replacements.
///
/// # Errors
/// The forecast, the levers or the power forecast fail.
pub fn scenario_running(
    conn: &Connection,
    estate: &Estate,
    request: &Request,
) -> Result<ScenarioRunning> {
    let run = engines::run(conn, request).context("failed to forecast the capital programme")?;
    running_of(conn, estate, request, &run)
}

/// [`scenario_running`] of `run`, the capital forecast of `request` already
/// made.
fn running_of(
    conn: &Connection,
    estate: &Estate,
    request: &Request,
    run: &engines::Run,
) -> Result<ScenarioRunning> {
    let engines::Run {
        snapshot,
        assumptions,
        forecast: capital,
        ..
    } = run;
    let (pa, _) = forecast_power(conn, estate, snapshot, capital)?;
    let chosen = request
        .scenario
        .as_ref()
        .map(|s| s.levers.clone())
        .unwrap_or_default();
    let plan = if chosen.is_empty() {
        Plan::default()
    } else {
        levers::plan(snapshot, capital, assumptions, &chosen, &estate.staff)?
    };
    let with = power::forecast(snapshot, capital, &pa, &plan)?;
    Ok(ScenarioRunning {
        capital: levers::capital_with(capital, &plan),
        power: with.totals.iter().map(|t| t.figures.after).collect(),
        plan,
        levers: chosen.describe(),
    })
}

/// Two scenarios' capital (levers included) and energy after replacements,
/// side by side with the change (`other − base`; negative is a saving).
pub fn running_comparison(
    horizon: Horizon,
    base: &ScenarioRunning,
    other: &ScenarioRunning,
) -> LeverComparison {
    levers::side_by_side(
        horizon.years(),
        other.levers.clone(),
        (base.capital.clone(), other.capital.clone()),
        (base.power.clone(), other.power.clone()),
        &other.plan,
    )
}

/// A power forecast: the capital programme, the energy as it stands and
/// after replacements, and with the levers.
#[derive(Debug, Clone)]
pub struct PowerRequest {
    /// The capital forecast (its scenario, caps and organisation).
    pub capital: Request,
    /// The levers (given, else the scenario's own).
    pub levers: Levers,
}

/// What a power forecast computes.
pub struct PowerRun {
    /// The capital forecast.
    pub capital: CapitalForecast,
    /// Power after replacements, without levers.
    pub base: PowerForecast,
    /// The levers, what they did, and power with them (`None` without levers).
    pub levers: Option<(Levers, Plan, PowerForecast)>,
}

impl PowerRun {
    /// The forecast to show: with the levers when there are some.
    pub fn shown(&self) -> &PowerForecast {
        match &self.levers {
            Some((_, _, with)) => with,
            None => &self.base,
        }
    }

    /// The capital and energy without and with the levers.
    ///
    /// # Errors
    /// No lever was given: there is nothing to compare.
    pub fn comparison(&self) -> Result<LeverComparison> {
        let Some((chosen, plan, with)) = &self.levers else {
            return Err(Error::new(
                ErrorKind::Invalid,
                "nothing to compare: give a lever (--thin-clients 50%, --virtualise 20:4 or \
                 --mfd-ratio 14)",
            ));
        };
        Ok(levers::compare(
            &self.capital,
            chosen,
            plan,
            &self.base,
            with,
        ))
    }
}

/// Energy, cost and carbon of the estate as it stands and after the
/// capital forecast's replacements, with the levers asked for.
///
/// # Errors
/// The forecast, the levers or the power forecast fail.
pub fn power(register: &Register, request: &PowerRequest) -> Result<PowerRun> {
    let conn = register.reader();
    let estate = Estate::read(conn)?;
    let engines::Run {
        snapshot,
        assumptions,
        forecast: capital,
        ..
    } = engines::run(conn, &request.capital).context("failed to forecast the capital programme")?;
    let (pa, base) = forecast_power(conn, &estate, &snapshot, &capital)?;
    let levers = if request.levers.is_empty() {
        None
    } else {
        let plan = levers::plan(
            &snapshot,
            &capital,
            &assumptions,
            &request.levers,
            &estate.staff,
        )?;
        let with = power::forecast(&snapshot, &capital, &pa, &plan)?;
        Some((request.levers.clone(), plan, with))
    };
    Ok(PowerRun {
        capital,
        base,
        levers,
    })
}

/// The certified model profiles held.
///
/// # Errors
/// The register cannot be read.
pub fn model_profiles(register: &Register) -> Result<Vec<power::ModelProfile>> {
    Ok(running_store::model_profiles(register.reader())?)
}

/// Reads an ENERGY STAR list from `bytes` (the file `name`): `None` for a
/// list of a kind estate does not read.
///
/// # Errors
/// The file is not a readable CSV file.
pub fn read_energy_star(bytes: &[u8], name: &str) -> Result<Option<CertifiedList>> {
    match energystar::parse(bytes, name) {
        Ok(list) => Ok(Some(list)),
        Err(energystar::EnergyStarError::UnknownList { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Refuses an import of no lists (every file given was of a kind estate
/// does not read), before the register is opened.
///
/// # Errors
/// As said.
pub fn some_lists(lists: &[CertifiedList]) -> Result<()> {
    if lists.is_empty() {
        return Err(Error::new(
            ErrorKind::Invalid,
            "none of the files is an ENERGY STAR list estate reads",
        ));
    }
    Ok(())
}

/// Matches `lists` to the register's models and keeps the certified
/// figures of those that match (dated `today`).
///
/// # Errors
/// The register cannot be written.
pub fn import_profiles(
    register: &mut Register,
    lists: &[CertifiedList],
    today: time::Date,
    actor: &Actor,
) -> Result<MatchReport> {
    some_lists(lists)?;
    let models = running_store::register_models(register.reader())?;
    let report = energystar::match_models(lists, &models);
    let when = iso(today);
    register
        .write(|tx| running_store::save_model_profiles(tx, &report.matched, &when, actor))
        .context("failed to store the model profiles")?;
    Ok(report)
}

/// The years and organisation of a line or licence forecast.
#[derive(Debug, Clone)]
pub struct RunningRequest {
    /// The years.
    pub horizon: Horizon,
    /// Only what this organisation holds.
    pub organisation: Option<String>,
}

/// The phone-line forecast: rentals, contracts ending, switch-off migrations.
///
/// # Errors
/// No such organisation; the policy lacks a line cost.
pub fn lines(register: &Register, request: &RunningRequest) -> Result<LinesForecast> {
    let conn = register.reader();
    let estate = Estate::read(conn)?;
    let org = organisation(conn, request.organisation.as_deref())?;
    Ok(forecast_lines(
        conn,
        &estate,
        org.as_ref().map(|o| o.code.as_str()),
        request.horizon,
    )?
    .1)
}

/// The licence forecast: renewals, compliance, consolidation (onto
/// `target` when given) and standardisation.
///
/// # Errors
/// No such organisation or agreement.
pub fn licences(
    register: &Register,
    request: &RunningRequest,
    target: Option<String>,
) -> Result<LicencesForecast> {
    let conn = register.reader();
    let estate = Estate::read(conn)?;
    let org = organisation(conn, request.organisation.as_deref())?;
    forecast_licences(
        conn,
        estate,
        org.as_ref().map(|o| o.code.as_str()),
        request.horizon,
        target,
    )
}

/// The register's lines (one organisation's, or all).
///
/// # Errors
/// No such organisation.
pub fn list_lines(register: &Register, org: Option<&str>) -> Result<Vec<Line>> {
    let conn = register.reader();
    let org = organisation(conn, org)?;
    Ok(store::list_lines(
        conn,
        org.as_ref().map(|o| o.code.as_str()),
    )?)
}

/// Refuses a line's monthly rental that is almost certainly a slip (over
/// £10,000,000) unless slips are taken (a front end may ask before it
/// opens the register).
///
/// # Errors
/// As said.
pub fn check_line(fields: &LineFields, slips: Slips) -> Result<()> {
    slips.check(crate::domain::rules::likely_cost(
        &format!("line {}: a monthly rental", fields.number.trim()),
        fields.monthly_rental,
    ))
}

/// Adds a line to organisation `org` (the only one when `None`), returning
/// the organisation's code.
///
/// # Errors
/// A likely slip of a rental, no such organisation, the number is held
/// already, the register is busy.
pub fn add_line(
    register: &mut Register,
    org: Option<&str>,
    fields: &LineFields,
    (slips, actor): (Slips, &Actor),
) -> Result<String> {
    check_line(fields, slips)?;
    let org = store::resolve_organisation(register.reader(), org)?;
    register
        .write(|tx| store::insert_line(tx, &org, fields, false, actor))
        .with_context(|| format!("failed to add line {}", fields.number))?;
    Ok(org.code)
}

/// The register's licence entitlements (one organisation's, or all).
///
/// # Errors
/// No such organisation.
pub fn list_licences(register: &Register, org: Option<&str>) -> Result<Vec<Licence>> {
    let conn = register.reader();
    let org = organisation(conn, org)?;
    Ok(store::list_licences(
        conn,
        org.as_ref().map(|o| o.code.as_str()),
    )?)
}

/// Refuses a licence's unit cost that is almost certainly a slip (over
/// £10,000,000) unless slips are taken.
///
/// # Errors
/// As said.
pub fn check_licence(fields: &LicenceFields, slips: Slips) -> Result<()> {
    slips.check(crate::domain::rules::likely_cost(
        &format!("licence {}: a unit cost", fields.product.trim()),
        fields.unit_cost,
    ))
}

/// Adds a licence entitlement to organisation `org` (the only one when
/// `None`), returning the organisation's code.
///
/// # Errors
/// A likely slip of a unit cost, no such organisation, a value breaks a
/// rule, the register is busy.
pub fn add_licence(
    register: &mut Register,
    org: Option<&str>,
    fields: &LicenceFields,
    (slips, actor): (Slips, &Actor),
) -> Result<String> {
    check_licence(fields, slips)?;
    let org = store::resolve_organisation(register.reader(), org)?;
    register
        .write(|tx| store::insert_licence(tx, &org, fields, actor))
        .with_context(|| format!("failed to add licence {}", fields.product))?;
    Ok(org.code)
}

/// The file name a list is known by in messages.
pub fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
