//! `estate power`: energy, cost and carbon of the estate as it stands and
//! after the capital forecast's replacements; `power compare` for the
//! levers; `power profiles` for certified model figures.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use estate::db;
use estate::forecast::levers::{self, Plan};
use estate::forecast::power::{self, PowerAssumptions, PowerForecast};
use estate::forecast::{self as engines, CapitalForecast};
use estate::report::{Cell, View};
use estate::running::{energystar, store as running_store};

use super::Ctx;
use estate::report::running::{
    count, lever_comparison_view, power_breakdown_view, power_year_view, quantity,
};

use super::running::{Estate, HorizonFlags, ScenarioFlags};

/// Flags of `estate power`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PowerArgs {
    #[command(subcommand)]
    pub command: Option<PowerCommand>,
    #[command(flatten)]
    pub run: PowerRunArgs,
}

/// The flags of a power forecast.
#[derive(Debug, Args, Clone)]
pub struct PowerRunArgs {
    /// Rows: one per year (the estate), or per class, site or organisation and year.
    #[arg(long, value_enum, default_value_t = By::Year)]
    pub by: By,
    #[command(flatten)]
    pub horizon: HorizonFlags,
    #[command(flatten)]
    pub scenario: ScenarioFlags,
}

/// What the rows of `estate power` are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// The whole estate, a row per year.
    Year,
    /// Per class and year.
    Class,
    /// Per site and year.
    Site,
    /// Per organisation and year (shared services apportioned).
    Org,
}

/// What to do besides the forecast.
#[derive(Debug, Subcommand)]
pub enum PowerCommand {
    /// Capital, energy, cost and carbon per year without and with the levers.
    #[command(
        long_about = "Sets the capital programme and the energy, cost and carbon after replacements side \
by side, without and with the levers (--thin-clients, --virtualise, --mfd-ratio), year by year, with the \
change. A negative change is a saving.",
        after_help = "Example:\n  estate power compare --thin-clients 50% --virtualise 20:4 --mfd-ratio 14"
    )]
    Compare(PowerRunArgs),
    /// List the certified model profiles, or import them from ENERGY STAR lists.
    Profiles(ProfilesArgs),
}

/// Flags of `estate power profiles`.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: Option<ProfilesCommand>,
}

/// What to do with model profiles (none: list them).
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// Read ENERGY STAR certified product lists and keep the figures for the register's models.
    #[command(
        long_about = "Reads ENERGY STAR certified product lists (CSV exports of data.energystar.gov: \
computers, displays, enterprise servers, data-centre storage, large network equipment), matches their \
products to the manufacturer and model of the register's live assets (ignoring case, spacing, bracketed \
notes and suffixes such as Small Form Factor/SFF), keeps the certified annual energy of each model that \
matches, and lists the models that did not. Matched models then take their certified figure instead of \
their class profile.",
        after_help = "Example:\n  estate power profiles import ENERGY_STAR_Certified_Computers.csv ENERGY_STAR_Certified_Displays.csv"
    )]
    Import {
        /// The CSV files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// Runs `estate power`.
pub fn run(ctx: &Ctx, args: &PowerArgs) -> Result<()> {
    match &args.command {
        None => forecast(ctx, &args.run),
        Some(PowerCommand::Compare(run)) => compare(ctx, run),
        Some(PowerCommand::Profiles(p)) => match &p.command {
            None => list_profiles(ctx),
            Some(ProfilesCommand::Import { files }) => import(ctx, files),
        },
    }
}

/// Everything one run computes.
struct Run {
    capital: CapitalForecast,
    base: PowerForecast,
    levers: Option<(levers::Levers, Plan, PowerForecast)>,
}

fn compute(ctx: &Ctx, args: &PowerRunArgs) -> Result<Run> {
    let conn = ctx.open_read()?;
    let estate = Estate::read(&conn)?;
    let org = args.horizon.organisation(&conn)?;
    let request = args
        .scenario
        .request(ctx, args.horizon.horizon(ctx)?, org.as_ref())?;
    let engines::Run {
        snapshot,
        assumptions,
        forecast: capital,
        ..
    } = engines::run(&conn, &request).context("failed to forecast the capital programme")?;
    let org_code = org.as_ref().map(|o| o.code.as_str());
    let overrides = running_store::energy_overrides(&conn, org_code)?;
    let (pa, base) = forecast_power(&conn, &estate, org_code, &snapshot, &capital)?;
    let chosen = args.scenario.levers(request.scenario.as_ref());
    let levers = if chosen.is_empty() {
        None
    } else {
        let plan = levers::plan(&snapshot, &capital, &assumptions, &chosen, &estate.staff)?;
        let with = power::forecast(&snapshot, &capital, &pa, &overrides, &plan)?;
        Some((chosen, plan, with))
    };
    Ok(Run {
        capital,
        base,
        levers,
    })
}

/// What `request`'s scenario levers do to `run`, its capital forecast
/// (`None` when the scenario has no levers).
pub(super) fn lever_effect(
    conn: &rusqlite::Connection,
    request: &engines::Request,
    run: &engines::Run,
) -> Result<Option<estate::forecast::cabinet::LeverEffect>> {
    let Some(scenario) = request.scenario.as_ref().filter(|s| !s.levers.is_empty()) else {
        return Ok(None);
    };
    let estate = Estate::read(conn)?;
    let r = running_of(conn, &estate, request, run)?;
    let total: estate::domain::Money = r.capital.iter().copied().sum();
    // Each capital change on the programme line its class is reported on.
    let years = request.horizon.years();
    let mut lines: Vec<estate::forecast::cabinet::LeverLine> = Vec::new();
    for c in &r.plan.capital {
        let Some(i) = years.iter().position(|y| *y == c.year) else {
            continue;
        };
        let (label, _) = run.assumptions.line_of(c.class);
        let at = if let Some(at) = lines.iter().position(|l| l.label == label) {
            at
        } else {
            lines.push(estate::forecast::cabinet::LeverLine {
                label: label.to_string(),
                change: vec![estate::domain::Money::ZERO; years.len()],
            });
            lines.len() - 1
        };
        lines[at].change[i] += estate::domain::Money::from_pence(c.pence);
    }
    Ok(Some(estate::forecast::cabinet::LeverEffect {
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
pub(super) struct ScenarioRunning {
    /// Capital per year, levers included.
    pub capital: Vec<estate::domain::Money>,
    /// Energy after replacements per year, levers included.
    pub power: Vec<power::Energy>,
    /// What the levers did, and what they could not do.
    pub plan: Plan,
    /// The levers, in words.
    pub levers: String,
}

/// Runs `request`'s capital forecast, the scenario's levers and the power
/// forecast after replacements.
pub(super) fn scenario_running(
    conn: &rusqlite::Connection,
    estate: &Estate,
    request: &engines::Request,
) -> Result<ScenarioRunning> {
    let run = engines::run(conn, request).context("failed to forecast the capital programme")?;
    running_of(conn, estate, request, &run)
}

/// [`scenario_running`] of `run`, the capital forecast of `request` already
/// made.
fn running_of(
    conn: &rusqlite::Connection,
    estate: &Estate,
    request: &engines::Request,
    run: &engines::Run,
) -> Result<ScenarioRunning> {
    let engines::Run {
        snapshot,
        assumptions,
        forecast: capital,
        ..
    } = run;
    let org_code = request.organisation.as_deref();
    let (pa, _) = forecast_power(conn, estate, org_code, snapshot, capital)?;
    let overrides = running_store::energy_overrides(conn, org_code)?;
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
    let with = power::forecast(snapshot, capital, &pa, &overrides, &plan)?;
    let change = plan.capital_by_year(capital.horizon);
    let capital_by_year = capital
        .summary
        .iter()
        .zip(&change)
        .map(|(s, c)| s.funded.value + *c)
        .collect();
    Ok(ScenarioRunning {
        capital: capital_by_year,
        power: with.totals.iter().map(|t| t.figures.after).collect(),
        plan,
        levers: chosen.describe(),
    })
}

/// The power forecast (without levers) of a capital forecast of the
/// register, with its assumptions.
pub(super) fn forecast_power(
    conn: &rusqlite::Connection,
    estate: &Estate,
    org: Option<&str>,
    snapshot: &estate::forecast::Snapshot,
    capital: &CapitalForecast,
) -> Result<(PowerAssumptions, PowerForecast)> {
    let overrides = running_store::energy_overrides(conn, org)?;
    let pa =
        PowerAssumptions::from_defaults(&estate.defaults, running_store::model_profiles(conn)?)?;
    let base = power::forecast(snapshot, capital, &pa, &overrides, &Plan::default())?;
    Ok((pa, base))
}

fn forecast(ctx: &Ctx, args: &PowerRunArgs) -> Result<()> {
    let run = compute(ctx, args)?;
    let f = match &run.levers {
        Some((_, _, with)) => with,
        None => &run.base,
    };
    let view = match args.by {
        By::Year => power_year_view(f),
        By::Class => power_breakdown_view(&f.years, &f.by_class, "class"),
        By::Site => power_breakdown_view(&f.years, &f.by_site, "site"),
        By::Org => power_breakdown_view(&f.years, &f.by_org, "organisation"),
    };
    ctx.out.listing(&view, f)?;
    let s = f.sources;
    ctx.out.message(&format!(
        "{} live assets: energy from their own figure {}, a certified model profile {}, the class profile {}; servers and storage × PUE {}",
        s.assets, s.from_override, s.from_model, s.from_class, f.pue
    ));
    if let Some((levers, plan, _)) = &run.levers {
        ctx.out.message(&format!(
            "after replacements with levers: {}",
            levers.describe()
        ));
        for n in &plan.notes {
            ctx.out.message(&format!("note: {n}"));
        }
    }
    Ok(())
}

fn compare(ctx: &Ctx, args: &PowerRunArgs) -> Result<()> {
    let run = compute(ctx, args)?;
    let Some((chosen, plan, with)) = &run.levers else {
        bail!(
            "nothing to compare: give a lever (--thin-clients 50%, --virtualise 20:4 or --mfd-ratio 14)"
        );
    };
    let cmp = levers::compare(&run.capital, chosen, plan, &run.base, with);
    ctx.out.listing(&lever_comparison_view(&cmp), &cmp)?;
    for s in &cmp.summary {
        ctx.out.message(&s.description);
    }
    for n in &cmp.notes {
        ctx.out.message(&format!("note: {n}"));
    }
    Ok(())
}

fn list_profiles(ctx: &Ctx) -> Result<()> {
    let conn = ctx.open_read()?;
    let profiles = running_store::model_profiles(&conn)?;
    let mut view = View::new(&["manufacturer", "model", "kWh a year", "source"]);
    for p in &profiles {
        view.push(vec![
            Cell::text(&p.manufacturer),
            Cell::text(&p.model),
            quantity(p.kwh_per_year, 2),
            Cell::text(&p.source),
        ]);
    }
    ctx.out.listing(&view, &profiles)
}

fn import(ctx: &Ctx, files: &[PathBuf]) -> Result<()> {
    let mut lists = Vec::with_capacity(files.len());
    for path in files {
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let list = match energystar::parse(&bytes, &name) {
            Ok(list) => list,
            Err(e @ energystar::EnergyStarError::UnknownList { .. }) => {
                ctx.out.message(&format!("skipped {e}"));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        ctx.out.message(&format!(
            "read {name}: {}, {} records, {} with an annual energy figure, {} without",
            list.kind.label(),
            list.rows,
            list.products.len(),
            list.skipped.len()
        ));
        lists.push(list);
    }
    if lists.is_empty() {
        bail!("none of the files is an ENERGY STAR list estate reads");
    }
    let mut conn = ctx.open()?;
    let models = running_store::register_models(&conn)?;
    let report = energystar::match_models(&lists, &models);
    let actor = ctx.actor();
    let when = estate::domain::iso(ctx.today);
    db::write(&mut conn, |tx| {
        running_store::save_model_profiles(tx, &report.matched, &when, &actor)
    })
    .context("failed to store the model profiles")?;
    let mut view = View::new(&[
        "manufacturer",
        "model",
        "class",
        "assets",
        "matched",
        "certified model",
        "kWh a year",
    ]);
    for m in &report.matched {
        view.push(vec![
            Cell::text(&m.manufacturer),
            Cell::text(&m.model),
            Cell::text(m.class.as_str()),
            count(m.assets),
            Cell::text("yes"),
            Cell::text(&m.certified_model),
            quantity(m.kwh_per_year, 2),
        ]);
    }
    for m in &report.unmatched {
        view.push(vec![
            Cell::text(&m.manufacturer),
            Cell::text(&m.model),
            Cell::text(m.class.as_str()),
            count(m.assets),
            Cell::text("no"),
            Cell::text(""),
            Cell::text(""),
        ]);
    }
    ctx.out.listing(&view, &report)?;
    ctx.out.message(&format!(
        "matched {} of {} live assets in the classes these lists cover ({}); {} did not match and keep their class profile",
        report.assets_matched,
        report.assets_covered,
        model_count(report.matched.len()),
        model_count(report.unmatched.len())
    ));
    Ok(())
}

fn model_count(n: usize) -> String {
    if n == 1 {
        "1 model".into()
    } else {
        format!("{n} models")
    }
}
