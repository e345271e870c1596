//! The capital programme as use cases: a forecast (saved as a run when
//! asked, with its running costs), two scenarios compared, and the
//! scenario a name or file gives.

use std::path::Path;

use crate::domain::Money;
use crate::domain::rules::Implausible;
use crate::error::{Context, Result};
use crate::forecast::cabinet::LeverEffect;
use crate::forecast::levers::LeverComparison;
use crate::forecast::programme::{self, CapitalProgramme, Comparison};
use crate::forecast::scenario::Scenario;
use crate::forecast::{self, Horizon, Request, Run};

use super::Register;
use super::running::{Estate, ScenarioRunning, lever_effect, running_comparison, running_costs};

/// Whether a likely slip (an implausible inflation rate or price base in a
/// scenario) is refused or taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slips {
    /// Refused, with the advice to give `--force`.
    Refuse,
    /// Taken (`--force`).
    Take,
}

impl Slips {
    /// `checked`'s slip, refused unless forced.
    ///
    /// # Errors
    /// The slip, when refused.
    pub fn check<T>(self, checked: std::result::Result<T, Implausible>) -> Result<()> {
        match (checked, self) {
            (Err(e), Slips::Refuse) => Err(e.into()),
            _ => Ok(()),
        }
    }
}

/// A shipped scenario by name, or a scenario file by path (a name ending
/// `.toml` or holding a folder).
///
/// # Errors
/// No such scenario, an unreadable or invalid file, or a likely slip in it
/// (refused unless `slips` takes it) as of `today`.
pub fn scenario(name: &str, today: time::Date, slips: Slips) -> Result<Scenario> {
    let path = Path::new(name);
    let is_file = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        || path.components().count() > 1;
    let found = if is_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read scenario `{name}`"))?;
        Scenario::parse(&text, name)?
    } else {
        Scenario::builtin(name)?
    };
    slips.check(found.likely(today))?;
    Ok(found)
}

/// The organisation's code, checked against the register.
///
/// # Errors
/// No such organisation.
pub fn organisation(register: &Register, code: Option<&str>) -> Result<Option<String>> {
    Ok(super::running::organisation(register.reader(), code)?.map(|o| o.code))
}

/// A forecast saved as a run: its name and the command that made it.
#[derive(Debug, Clone)]
pub struct Save {
    /// The run's name.
    pub name: String,
    /// The command line (or request) that made it, kept with the run.
    pub command: String,
}

/// What a forecast gives.
pub struct Forecast {
    /// The run: snapshot, assumptions, capital forecast, programme.
    pub run: Run,
    /// What the scenario's levers do to the capital (the programme is
    /// before them), when it has levers.
    pub with_levers: Option<LeverEffect>,
    /// The saved run's id, when saved.
    pub saved: Option<crate::domain::RunId>,
    /// The replacements of assets whose age was estimated from an
    /// enrolment date (`import --age-from`), when the register has any.
    pub age_estimated: Option<AgeEstimated>,
}

/// Assets whose in-service date is a stand-in (an enrolment or first-seen
/// date read by `import --age-from`), and what their replacements cost in
/// the programme: shown apart because their timing is an estimate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgeEstimated {
    /// Such assets in the forecast's scope.
    pub assets: u64,
    /// Their funded replacements per year of the horizon.
    pub years: Vec<AgeEstimatedYear>,
}

/// One year's replacements of assets whose age is estimated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgeEstimatedYear {
    /// The financial year.
    pub year: crate::domain::FinancialYear,
    /// How many replacements.
    pub replacements: u64,
    /// What they cost (in the programme's figures).
    pub cost: Money,
}

/// The part of `run` that replaces assets whose age is estimated from
/// enrolment (`None` when the run's scope holds none).
fn age_estimated(register: &Register, run: &Run) -> Result<Option<AgeEstimated>> {
    let marked = crate::register::store::assets_noted(
        register.reader(),
        crate::import::mapping::AGE_ESTIMATED,
    )
    .context("failed to read which assets' ages are estimated")?;
    if marked.is_empty() {
        return Ok(None);
    }
    let snapshot = &run.snapshot;
    let is_marked = |index: u32| {
        snapshot.assets().get(index as usize).is_some_and(|a| {
            marked.contains(&(
                snapshot.organisation_code(a.organisation).to_string(),
                snapshot.tag(a).to_string(),
            ))
        })
    };
    let assets = (0..snapshot.assets().len())
        .filter(|i| u32::try_from(*i).is_ok_and(is_marked))
        .count() as u64;
    if assets == 0 {
        return Ok(None);
    }
    let mut years: Vec<AgeEstimatedYear> = run
        .forecast
        .horizon
        .years()
        .into_iter()
        .map(|year| AgeEstimatedYear {
            year,
            replacements: 0,
            cost: Money::ZERO,
        })
        .collect();
    for r in &run.forecast.replacements {
        let Some(funded) = r.funded else { continue };
        if !is_marked(r.asset) {
            continue;
        }
        if let Some(y) = years.iter_mut().find(|y| y.year == funded) {
            y.replacements += 1;
            y.cost += Money::from_pence(r.cost_pence);
        }
    }
    Ok(Some(AgeEstimated { assets, years }))
}

/// The capital programme `request` asks for; saved as a run (with its
/// running costs, so a report of it a year later shows them as forecast
/// now) when `save` is given.
///
/// # Errors
/// No such organisation, a policy that cannot be forecast, a run name that
/// is blank, or a register that cannot be written.
pub fn forecast(
    register: &mut Register,
    request: &Request,
    save: Option<&Save>,
) -> Result<Forecast> {
    let run = forecast::run(register.reader(), request)
        .context("failed to forecast the capital programme")?;
    let saved = match save {
        Some(save) => {
            let organisation = request.organisation.as_deref();
            let running = running_costs(register.reader(), organisation, request.horizon, &run)?;
            let id = forecast::save_with_running(
                register.connection_mut(),
                &run,
                Some(&running),
                &save.name,
                &save.command,
                organisation,
            )
            .with_context(|| format!("failed to save the run `{}`", save.name))?;
            Some(id)
        }
        None => None,
    };
    let with_levers = lever_effect(register.reader(), request, &run)?;
    let age_estimated = age_estimated(register, &run)?;
    Ok(Forecast {
        run,
        with_levers,
        saved,
        age_estimated,
    })
}

/// Two scenarios compared.
pub struct Compared {
    /// The programme lines side by side (before levers).
    pub capital: Comparison,
    /// Capital with levers and energy after replacements, side by side.
    pub running: LeverComparison,
    /// The base scenario's levers and what they did.
    pub base: ScenarioRunning,
    /// The other scenario's.
    pub other: ScenarioRunning,
}

impl Compared {
    /// True when either scenario has levers that did something.
    pub fn has_levers(&self) -> bool {
        !self.base.plan.summary.is_empty() || !self.other.plan.summary.is_empty()
    }

    /// What the levers change over the horizon (`other − base`, levers
    /// included; negative is a saving).
    pub fn capital_change(&self) -> Money {
        self.running.capital_change.iter().copied().sum()
    }
}

/// `other` against `base` over `horizon` (one organisation's assets when
/// given, under `caps`): the programmes by line, and capital, power and
/// carbon together with each scenario's levers.
///
/// # Errors
/// Either forecast fails.
pub fn compare(
    register: &Register,
    horizon: Horizon,
    organisation: Option<&str>,
    caps: Option<&forecast::Caps>,
    (base, other): (&Scenario, &Scenario),
) -> Result<Compared> {
    let conn = register.reader();
    let request = |s: &Scenario| Request {
        horizon,
        scenario: Some(s.clone()),
        caps: caps.cloned(),
        organisation: organisation.map(str::to_string),
        detail: true,
    };
    let programme = |s: &Scenario| -> Result<CapitalProgramme> {
        Ok(forecast::run(conn, &request(s))
            .with_context(|| format!("failed to forecast scenario `{}`", s.name))?
            .programme)
    };
    let capital = programme::compare(
        &base.name,
        &programme(base)?,
        &other.name,
        &programme(other)?,
    );
    let estate = Estate::read(conn)?;
    let base_running = super::running::scenario_running(conn, &estate, &request(base))?;
    let other_running = super::running::scenario_running(conn, &estate, &request(other))?;
    Ok(Compared {
        capital,
        running: running_comparison(horizon, &base_running, &other_running),
        base: base_running,
        other: other_running,
    })
}

/// A forecast as a record: what `estate forecast --format json` prints and
/// `GET /api/v1/forecast` returns (one serialiser for both).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ForecastRecord {
    /// The first financial year.
    pub first_year: crate::domain::FinancialYear,
    /// How many years.
    pub years: u32,
    /// Only this organisation, when asked.
    pub organisation: Option<String>,
    /// The scenario applied.
    pub scenario: Option<String>,
    /// The caps applied.
    pub caps: forecast::Caps,
    /// The inflation rate.
    pub inflation: String,
    /// The price book's base year.
    pub price_base: crate::domain::FinancialYear,
    /// The saved run's id, when saved.
    pub saved_run: Option<i64>,
    /// The programme.
    pub programme: CapitalProgramme,
    /// What the scenario's levers do to the capital, when it has levers
    /// (the programme above is before them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_levers: Option<LeverEffect>,
    /// Live kit already past its last supported day, by class and organisation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsupported_now: Vec<forecast::support::Unsupported>,
    /// What extended security updates cost each year (revenue), when bought
    /// at a price.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extended_support: Vec<ExtendedSupportYear>,
    /// The replacements of assets whose age is estimated from an enrolment
    /// date (`import --age-from`), when the register holds any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_estimated: Option<AgeEstimated>,
}

/// One year's extended security updates.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExtendedSupportYear {
    /// The year.
    pub year: crate::domain::FinancialYear,
    /// What the updates cost.
    pub cost: Money,
}

/// The record of forecast `f` (made for `request`) on `today`: with what is
/// unsupported now and what extended security updates cost.
pub fn record(f: Forecast, request: &Request, today: time::Date) -> ForecastRecord {
    let Forecast {
        run,
        with_levers,
        saved,
        age_estimated,
    } = f;
    let unsupported_now =
        forecast::support::unsupported(&run.snapshot, &run.assumptions.support, today);
    let mut extended = forecast::support::extended_support_costs(
        &run.snapshot,
        &run.assumptions.support,
        &run.forecast,
    );
    if extended.iter().all(|(_, m)| m.is_zero()) {
        extended.clear();
    }
    let Run {
        assumptions,
        programme,
        ..
    } = run;
    ForecastRecord {
        first_year: request.horizon.first,
        years: request.horizon.years,
        organisation: request.organisation.clone(),
        scenario: assumptions.scenario.as_ref().map(|s| s.name.clone()),
        caps: assumptions.caps.clone(),
        inflation: assumptions.inflation.to_string(),
        price_base: assumptions.price_base,
        saved_run: saved.map(|id| id.0),
        programme,
        with_levers,
        unsupported_now,
        extended_support: extended
            .into_iter()
            .map(|(year, cost)| ExtendedSupportYear { year, cost })
            .collect(),
        age_estimated,
    }
}
