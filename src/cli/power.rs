//! `estate power`: energy, cost and carbon of the estate as it stands and
//! after the capital forecast's replacements; `power compare` for the
//! levers; `power profiles` for certified model figures.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use estate::ops::{self, running::PowerRun};
use estate::report::running::{lever_comparison_view, power_breakdown_view, power_year_view};
use estate::views::{model_matches_view, model_profiles_view};

use super::Ctx;
use super::running::{HorizonFlags, ScenarioFlags};

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

fn compute(ctx: &Ctx, args: &PowerRunArgs) -> Result<PowerRun> {
    let register = ctx.register_to_read()?;
    let request = args.scenario.request(
        ctx,
        args.horizon.horizon(ctx)?,
        ops::forecast::organisation(&register, args.horizon.org.as_deref())?.as_deref(),
    )?;
    Ok(ops::running::power(&register, &request)?)
}

fn forecast(ctx: &Ctx, args: &PowerRunArgs) -> Result<()> {
    let run = compute(ctx, args)?;
    let f = run.shown();
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
    let cmp = compute(ctx, args)?.comparison()?;
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
    let profiles = ops::running::model_profiles(&ctx.register_to_read()?)?;
    ctx.out.listing(&model_profiles_view(&profiles), &profiles)
}

fn import(ctx: &Ctx, files: &[PathBuf]) -> Result<()> {
    let mut lists = Vec::with_capacity(files.len());
    for path in files {
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        let name = ops::running::file_label(path);
        let Some(list) = ops::running::read_energy_star(&bytes, &name)? else {
            ctx.out.message(&format!(
                "skipped {}",
                estate::running::energystar::EnergyStarError::UnknownList { file: name }
            ));
            continue;
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
    ops::running::some_lists(&lists)?;
    let report =
        ops::running::import_profiles(&mut ctx.register()?, &lists, ctx.today, &ctx.actor())?;
    ctx.out.listing(&model_matches_view(&report), &report)?;
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
